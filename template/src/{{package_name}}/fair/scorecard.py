"""The FAIR scorecard (`make fair`): what is still missing before code, data and model are FAIR.

One check per line: a FAIR principle (F1-F4, A1, A1.1, A1.2, A2, I1-I3, R1, R1.1-R1.3) applied
to the code, the data or the model, or an item of the Les Houches recommendations for reusable
machine-learning models (LH: interchange format, documented inputs/outputs/preprocessing,
validation material, runnable without Python, licence, training code with a toy data set).
Each line has a status (pass, warn, fail), the evidence (file and field) and the fix.

It runs the metadata checker once and reuses its parsed records and findings; it reads only the
files the checker does not (licences, data sheet, model folder). Standard library and PyYAML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ..data.manifest import MANIFEST_NAME, ChecksumError, read_manifest, sha256_of
from . import archives
from .checks import check_metadata
from .findings import Report
from .sources import CITATION, CODEMETA, MODEL_CARD, ROCRATE, ZENODO, Record

Status = Literal["pass", "warn", "fail"]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The files of a released model that `make all` writes (models/<name>/...).
RELEASE_FILES = ("model.onnx", "validation/reference_inputs.csv", "validation/expected_outputs.csv")
CARD_SECTIONS = ("### Inputs", "### Outputs", "### Preprocessing", "## Uses", "## Evaluation")
RUN_MAKE_ALL = "run `make all` (it trains, exports and validates the model and writes its card)"


@dataclass(frozen=True)
class Check:
    """One line of the scorecard."""

    principle: str
    subject: str
    title: str
    status: Status
    evidence: str
    fix: str = ""


@dataclass
class Scorecard:
    """All checks of one project."""

    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        """The checks that fail."""
        return [c for c in self.checks if c.status == "fail"]

    def counts(self) -> dict[str, int]:
        """How many checks have each status."""
        return {s: sum(c.status == s for c in self.checks) for s in ("pass", "warn", "fail")}

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (reports/fair.json)."""
        return {"summary": self.counts(), "checks": [asdict(c) for c in self.checks]}


def _answers(root: Path) -> dict[str, Any]:
    path = root / ".copier-answers.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _config(root: Path) -> dict[str, Any]:
    """config/pipeline.yaml (the checker does not read it), or {} when unreadable."""
    try:
        config = yaml.safe_load((root / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def _model_dir(root: Path, config: dict[str, Any]) -> Path | None:
    """models/<name>/ of config/pipeline.yaml, or None when the project has no model."""
    model = config.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("dir"), str):
        return None
    return root / model["dir"]


def _licence_text(root: Path, spdx: str | None) -> Path | None:
    """LICENSES/<id>.txt for an SPDX id in any letter case, or None."""
    folder = root / "LICENSES"
    if not spdx or not folder.is_dir():
        return None
    return next((p for p in folder.glob("*.txt") if p.stem.lower() == spdx.lower()), None)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _metadata_status(report: Report, files: Iterable[str]) -> tuple[Status, str]:
    """Fail with the first error the checker found in `files`; pass when there is none."""
    errors = [f for name in files for f in report.about(name) if f.severity == "error"]
    if errors:
        first = errors[0]
        where = f"{first.file}: {first.field}" if first.field else first.file
        return "fail", f"{where}: {first.message}"
    return "pass", ""


def _code_metadata_files(report: Report) -> list[str]:
    """Every file the checker reported on that is not a model's (those are the model's F2):
    CITATION.cff and the files derived from it, pyproject.toml and the README included."""
    named = [CITATION, CODEMETA, ZENODO]
    named += sorted({f.file for f in report.findings if not f.file.startswith("models/")})
    return list(dict.fromkeys(named))


def _code_and_data(root: Path, report: Report, citation: Record) -> list[Check]:
    raw = citation.raw
    checks: list[Check] = []
    add = checks.append
    data_refs = [r for r in raw.get("references") or [] if isinstance(r, dict)]
    data_ref = next((r for r in data_refs if r.get("type") in ("data", "database")), None)

    # F: findable
    if citation.doi:
        add(Check("F1", "code", "persistent identifier", "pass", f"{CITATION}: doi {citation.doi}"))
    else:
        add(
            Check(
                "F1",
                "code",
                "persistent identifier",
                "warn",
                f"{CITATION}: doi missing",
                "archive a release on Zenodo and add its DOI to CITATION.cff (`make metadata`)",
            )
        )
    if data_ref and data_ref.get("doi"):
        add(
            Check(
                "F1",
                "data",
                "persistent identifier",
                "pass",
                f"{CITATION}: references[data].doi {data_ref['doi']}",
            )
        )
    else:
        add(
            Check(
                "F1",
                "data",
                "persistent identifier",
                "warn",
                f"{CITATION}: references[data].doi missing",
                f"publish the data ({archives.suggested('data')}) and add its DOI",
            )
        )
    status, detail = _metadata_status(report, _code_metadata_files(report))
    rich = [k for k in ("title", "abstract", "authors", "keywords", "version") if raw.get(k)]
    missing = sorted({"title", "abstract", "authors", "keywords", "version"} - set(rich))
    if status == "pass" and missing:
        status, detail = "warn", f"{CITATION}: no {', '.join(missing)}"
    add(
        Check(
            "F2",
            "code",
            "rich metadata",
            status,
            detail or f"{CITATION}, {CODEMETA}, {ZENODO}: {', '.join(rich)}; all consistent",
            "" if status == "pass" else "run `make check-metadata` and fix what it lists",
        )
    )
    if data_ref:
        add(
            Check(
                "F3",
                "data",
                "metadata names the data it describes",
                "pass",
                f"{CITATION}: references[data] '{data_ref.get('title', '')}'",
            )
        )
    else:
        add(
            Check(
                "F3",
                "data",
                "metadata names the data it describes",
                "fail",
                f"{CITATION}: no reference of type data",
                "add the data set under references: in CITATION.cff",
            )
        )
    if (root / ZENODO).is_file() and raw.get("repository-code"):
        add(
            Check(
                "F4",
                "code",
                "registered in a searchable resource",
                "pass",
                f"{ZENODO}; {CITATION}: repository-code",
            )
        )
    else:
        add(
            Check(
                "F4",
                "code",
                "registered in a searchable resource",
                "warn",
                f"{CITATION}: repository-code missing"
                if (root / ZENODO).is_file()
                else f"{ZENODO} missing",
                "publish the repository (GitHub/GitLab) and enable the Zenodo integration",
            )
        )

    # A: accessible
    url = str(raw.get("repository-code") or "")
    if url.startswith("https://"):
        add(Check("A1", "code", "retrievable by its identifier", "pass", f"{CITATION}: {url}"))
        add(Check("A1.1", "code", "open, free protocol", "pass", "https"))
        add(
            Check(
                "A1.2",
                "code",
                "authentication where necessary",
                "pass",
                "https: public read access, authenticated push (repository host)",
            )
        )
    else:
        fix = "add repository-code: https://... to CITATION.cff once the repository is public"
        add(
            Check(
                "A1",
                "code",
                "retrievable by its identifier",
                "warn",
                f"{CITATION}: repository-code {url or 'missing'}",
                fix,
            )
        )
        add(Check("A1.1", "code", "open, free protocol", "warn", "no https address yet", fix))
        add(
            Check(
                "A1.2",
                "code",
                "authentication where necessary",
                "warn",
                "no repository host yet",
                fix,
            )
        )
    sheet = root / "data" / "README.md"
    if sheet.is_file():
        add(
            Check(
                "A2",
                "data",
                "metadata outlive the data",
                "pass",
                f"{_rel(root, sheet)} and {CITATION} are kept apart from the data files",
            )
        )
    else:
        add(
            Check(
                "A2",
                "data",
                "metadata outlive the data",
                "fail",
                "data/README.md missing",
                "restore the data sheet data/README.md from git and describe the data",
            )
        )

    # I: interoperable
    status, detail = _metadata_status(report, [CITATION, CODEMETA, ZENODO, ROCRATE])
    add(
        Check(
            "I1",
            "code",
            "formal knowledge representation",
            status,
            detail
            or f"{CITATION} (CFF 1.2.0, "
            f"{'JSON schema' if 'JSON schema' in report.validation else 'structure'}"
            f" checked), {CODEMETA} (JSON-LD)",
            "" if status == "pass" else "run `make check-metadata` and fix what it lists",
        )
    )
    licence_errors = [f for f in report.errors if "license" in f.field]
    add(
        Check(
            "I2",
            "code",
            "FAIR vocabularies",
            "fail" if licence_errors else "pass",
            f"{licence_errors[0].file}: {licence_errors[0].message}"
            if licence_errors
            else "SPDX licence ids, ORCID iDs and DOIs, checked by the metadata checker",
            licence_errors[0].fix if licence_errors else "",
        )
    )
    add(
        Check(
            "I3",
            "data",
            "qualified references",
            "pass" if data_ref else "fail",
            f"{CITATION}: references[data]" if data_ref else f"{CITATION}: no data reference",
            "" if data_ref else "add the data set under references: in CITATION.cff",
        )
    )

    # R: reusable
    add(
        Check(
            "R1",
            "code",
            "richly described",
            "pass" if (root / "README.md").is_file() else "fail",
            "README.md" if (root / "README.md").is_file() else "README.md missing",
            "" if (root / "README.md").is_file() else "restore README.md from git",
        )
    )
    code_licence = root / "LICENSE"
    if code_licence.is_file() and citation.license:
        add(
            Check(
                "R1.1",
                "code",
                "clear usage licence",
                "pass",
                f"LICENSE; {CITATION}: license {citation.license}",
            )
        )
    else:
        add(
            Check(
                "R1.1",
                "code",
                "clear usage licence",
                "fail",
                "LICENSE missing" if not code_licence.is_file() else f"{CITATION}: no license",
                "restore LICENSE (`git checkout LICENSE`) and the license field of CITATION.cff",
            )
        )
    data_licence = citation.data_license
    text = _licence_text(root, data_licence)
    if text is not None:
        add(
            Check(
                "R1.1",
                "data",
                "clear usage licence",
                "pass",
                f"{_rel(root, text)}; {CITATION}: references[data].license {data_licence}",
            )
        )
    else:
        add(
            Check(
                "R1.1",
                "data",
                "clear usage licence",
                "fail",
                f"LICENSES/{data_licence}.txt missing"
                if data_licence
                else f"{CITATION}: references[data].license missing",
                "restore LICENSES/ from git and the data licence in CITATION.cff",
            )
        )
    people = citation.authors or []
    orcids = [p for p in people if p.orcid]
    add(
        Check(
            "R1.2",
            "code",
            "provenance: identified authors",
            "pass" if people and len(orcids) == len(people) else "warn",
            f"{CITATION}: {len(orcids)} of {len(people)} authors with an ORCID iD",
            ""
            if people and len(orcids) == len(people)
            else 'add orcid: "https://orcid.org/<iD>" to every author (register free at orcid.org)',
        )
    )
    add(_datasheet(root))
    # One manifest per folder of raw data (data/raw/, and a folder per ROOT sample).
    manifests = sorted((root / "data" / "raw").glob("**/" + MANIFEST_NAME))
    add(
        Check(
            "R1.2",
            "data",
            "provenance: checksums",
            "pass" if manifests else "warn",
            ", ".join(_rel(root, m) for m in manifests)
            if manifests
            else "data/raw/MANIFEST.sha256 not written yet",
            "" if manifests else "run `make data`: it records the raw data's sha256",
        )
    )
    add(
        Check(
            "R1.3",
            "code",
            "community standards",
            status,
            detail
            or "Citation File Format, CodeMeta, Zenodo metadata"
            + (", RO-Crate" if ROCRATE in report.records else ""),
            "" if status == "pass" else "run `make check-metadata` and fix what it lists",
        )
    )
    return checks


#: The sections of a datasheet (Gebru et al., Datasheets for Datasets) in data/README.md.
DATASHEET_SECTIONS = (
    "Motivation",
    "Composition",
    "Collection process",
    "Preprocessing",
    "Uses",
    "Distribution",
    "Maintenance",
)


def _datasheet(root: Path) -> Check:
    """R1 for the data: data/README.md answers the datasheet's questions, none left TODO."""
    sheet = root / "data" / "README.md"
    title = "rich attributes: datasheet"
    if not sheet.is_file():
        return Check("R1", "data", title, "fail", "data/README.md missing", "restore it from git")
    lines = sheet.read_text(encoding="utf-8").splitlines()
    headings = {line[3:].strip() for line in lines if line.startswith("## ")}
    missing = [name for name in DATASHEET_SECTIONS if name not in headings]
    if len(missing) == len(DATASHEET_SECTIONS):
        return Check(
            "R1",
            "data",
            title,
            "warn",
            "data/README.md: not a datasheet yet (no section Motivation ... Maintenance)",
            "rename data/README.md, run `copier update --trust` (or delete it and update) to get "
            "the datasheet, and move your text into its sections",
        )
    if missing:
        return Check(
            "R1",
            "data",
            title,
            "fail",
            f"data/README.md: no section {', '.join(missing)}",
            "restore the datasheet sections from git (`## Motivation` ... `## Maintenance`)",
        )
    todo, section = [], ""
    for line in lines:
        if line.startswith("## "):
            section = line[3:].strip()
        elif section and "**TODO**" in line and section not in todo:
            todo.append(section)
    if todo:
        return Check(
            "R1",
            "data",
            title,
            "warn",
            f"data/README.md: TODO left in {', '.join(todo)}",
            "answer the **TODO** lines of data/README.md (only you know them)",
        )
    return Check("R1", "data", title, "pass", f"data/README.md: {len(DATASHEET_SECTIONS)} sections")


def _model(
    root: Path, report: Report, directory: Path, domain: str, config: dict[str, Any]
) -> list[Check]:
    checks: list[Check] = []
    add = checks.append
    name = _rel(root, directory)
    card_path = directory / MODEL_CARD
    card_name = _rel(root, card_path)
    try:
        manifest = read_manifest(directory / MANIFEST_NAME)
    except ChecksumError:  # a malformed manifest: every released file counts as unrecorded
        manifest = {}
    built = (directory / "training.json").is_file()

    def released(relative: str) -> tuple[Status, str]:
        path = directory / relative
        if not path.is_file():
            return (
                ("fail", f"{name}/{relative} missing (listed in MANIFEST.sha256)")
                if (relative in manifest)
                else ("warn", f"{name}/{relative} not written yet")
            )
        if relative in manifest and manifest[relative] != sha256_of(path):
            return "fail", f"{name}/{relative} changed since it was released (MANIFEST.sha256)"
        return "pass", f"{name}/{relative}" + (" (sha256 in MANIFEST.sha256)" if manifest else "")

    # The card: required, and filled by `make model-card`.
    card = report.records.get(card_name)
    card_text = card.text if isinstance(card, Record) else ""
    if not card_path.is_file():
        card_status: Status = "fail"
        card_evidence = f"{card_name} missing"
        card_fix = "run `make model-card` (or restore it from git)"
    elif all(section in card_text for section in CARD_SECTIONS):
        card_status, card_evidence, card_fix = (
            "pass",
            f"{card_name}: " + ", ".join(s.strip("# ") for s in CARD_SECTIONS),
            "",
        )
    else:
        card_status, card_evidence, card_fix = "warn", f"{card_name}: placeholder", RUN_MAKE_ALL
    status, detail = _metadata_status(report, [card_name])
    if status == "fail":
        card_status, card_evidence, card_fix = status, detail, "run `make model-card`"
    add(Check("F2", "model", "rich metadata (model card)", card_status, card_evidence, card_fix))
    doi = card.doi if isinstance(card, Record) else None
    add(
        Check(
            "F1",
            "model",
            "persistent identifier",
            "pass" if doi else "warn",
            f"{card_name}: doi {doi}" if doi else f"{card_name}: doi missing",
            ""
            if doi
            else f"archive the release ({archives.suggested('model')}) and run `make metadata`",
        )
    )

    onnx_status, onnx_evidence = released("model.onnx")
    add(
        Check(
            "LH",
            "model",
            "stable interchange format (ONNX)",
            onnx_status,
            onnx_evidence,
            "" if onnx_status == "pass" else RUN_MAKE_ALL,
        )
    )
    add(
        Check(
            "LH",
            "model",
            "inputs, outputs and preprocessing documented",
            card_status,
            card_evidence,
            card_fix,
        )
    )
    validation = [released(f) for f in RELEASE_FILES[1:]]
    worst: Status = (
        "fail"
        if any(s == "fail" for s, _ in validation)
        else ("warn" if any(s == "warn" for s, _ in validation) else "pass")
    )
    add(
        Check(
            "LH",
            "model",
            "validation material",
            worst,
            "; ".join(e for _, e in validation),
            "" if worst == "pass" else f"{RUN_MAKE_ALL}; `make validate-model` checks it",
        )
    )
    cpp = directory / "cpp" / "classifier.h"
    if onnx_status == "pass":
        evidence = f"{name}/model.onnx runs with the onnxruntime C/C++ API"
        if cpp.is_file():
            evidence += f"; {name}/cpp/classifier.h needs only a C++ compiler (petrifyml)"
        add(Check("LH", "model", "runnable without Python", "pass", evidence))
    else:
        add(
            Check(
                "LH", "model", "runnable without Python", onnx_status, onnx_evidence, RUN_MAKE_ALL
            )
        )
    licence = card.data_license if isinstance(card, Record) else None
    licence_file = _licence_text(root, licence)
    if licence_file is not None:
        add(
            Check(
                "LH",
                "model",
                "licence",
                "pass",
                f"{card_name}: license; {_rel(root, licence_file)}",
            )
        )
        add(
            Check("R1.1", "model", "clear usage licence", "pass", f"{card_name}: license {licence}")
        )
    else:
        evidence = f"LICENSES/{licence}.txt missing" if licence else f"{card_name}: no license"
        fix = "restore LICENSES/ and the model card from git, or run `make model-card`"
        add(Check("LH", "model", "licence", "fail", evidence, fix))
        add(Check("R1.1", "model", "clear usage licence", "fail", evidence, fix))
    trainer = root / "src" / PACKAGE_DIR.name / "models" / "train_model.py"
    toy = (config.get("data") or {}).get("source") == "synthetic"
    add(
        Check(
            "LH",
            "model",
            "training code with a toy data set",
            "pass" if trainer.is_file() and config else "fail",
            f"{_rel(root, trainer)}, config/pipeline.yaml "
            f"({'seeded toy data set' if toy else 'downloaded data set'})"
            if trainer.is_file()
            else f"{_rel(root, trainer)} missing",
            "" if trainer.is_file() else "restore the training code from git",
        )
    )
    add(
        Check(
            "R1.2",
            "model",
            "provenance: data, configuration, code version",
            "pass" if built else "warn",
            f"{name}/training.json" if built else f"{name}/training.json not written yet",
            "" if built else RUN_MAKE_ALL,
        )
    )
    if domain == "hep":
        archive = root / "hepdata" / "submission.tar.gz"
        add(
            Check(
                "R1.3",
                "model",
                "community standard: HEPData with the model attached",
                "pass" if archive.is_file() else "warn",
                "hepdata/submission.tar.gz (validated by hepdata-validator when written)"
                if archive.is_file()
                else "hepdata/submission.tar.gz not written yet",
                "" if archive.is_file() else RUN_MAKE_ALL,
            )
        )
    else:
        add(
            Check(
                "R1.3",
                "model",
                "community standard: Hugging Face model card",
                card_status,
                card_evidence,
                card_fix,
            )
        )
    return checks


def scorecard(root: Path) -> Scorecard:
    """Run the metadata checker once, then every FAIR check; return the scorecard."""
    report = check_metadata(root)
    citation = report.records.get(CITATION)
    if not isinstance(citation, Record):
        first = report.errors[0] if report.errors else None
        return Scorecard(
            [
                Check(
                    "F2",
                    "code",
                    "citation metadata",
                    "fail",
                    f"{first.file}: {first.message}" if first else f"{CITATION}",
                    first.fix if first else f"restore {CITATION}",
                )
            ]
        )
    checks = _code_and_data(root, report, citation)
    answers = _answers(root)
    if answers.get("domain") in ("life-science", "generic"):
        ok = ROCRATE in report.records
        checks.append(
            Check(
                "R1.3",
                "data",
                "community standard: RO-Crate",
                "pass" if ok else "fail",
                f"{ROCRATE} (RO-Crate 1.1)" if ok else f"{ROCRATE} missing",
                "" if ok else f"restore {ROCRATE} from git",
            )
        )
    config = _config(root)
    directory = _model_dir(root, config)
    if directory is not None:
        checks += _model(root, report, directory, str(answers.get("domain", "")), config)
    return Scorecard(checks)
