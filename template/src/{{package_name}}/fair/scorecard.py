"""The FAIR scorecard (`make fair`): what is still missing before code, data and model are FAIR.

One check per line: a FAIR principle (F1-F4, A1, A1.1, A1.2, A2, I1-I3, R1, R1.1-R1.3) applied
to the code, the data or the model, or an item of the Les Houches recommendations for reusable
machine-learning models (LH, arXiv:2312.14575). Each line has a status (pass, warn, fail), the
evidence (file and field) and the fix. The checks are the functions of :mod:`.fairchecks` (code
and data) and :mod:`.modelchecks` (model), registered in :mod:`.scoring`; to add a line, add a
function there.

It runs the metadata checker once and reuses its parsed records and findings; it reads each
other file it needs once, into the :class:`Context`, before any check runs. Standard library
and PyYAML.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..data.manifest import ChecksumError, read_manifest, sha256_of
from ..layout import MANIFEST_NAME, MODEL_CARD, RELEASE_DIR, WORKSPACE_FILE
from ..project import DOMAIN
from ..vcs import git_commit
from . import fairchecks, modelchecks  # noqa: F401  (registers the checks, in this order)
from .checks import check_metadata
from .findings import Report
from .licences import licence_texts
from .scoring import (
    CHECKS,
    DATASHEET,
    PROJECT_FILES,
    RELEASE_FILES,
    RESULTS,
    SURROGATE_RELEASE,
    SURROGATE_VALIDATION,
    Check,
    Context,
    ModelContext,
    Released,
    Scorecard,
    no_citation,
    run_checks,
)
from .sources import CITATION, Record, SourceError, read_citation

__all__ = [
    "CHECKS",
    "REPORT_SCHEMA",
    "REPORT_SCHEMA_FILE",
    "Check",
    "Context",
    "Scorecard",
    "build_context",
    "fair_report",
    "scorecard",
]

#: The format of reports/fair.json: the identifier of its JSON schema (`REPORT_SCHEMA_FILE`,
#: JSON Schema 2020-12), which a monitoring service reads to know the fields.
REPORT_SCHEMA = "urn:copier4fair:fair-report:1"
REPORT_SCHEMA_FILE = Path(__file__).with_name("schemas") / "fair-report-1.schema.json"


def _config(root: Path) -> dict[str, Any]:
    """config/pipeline.yaml (the checker does not read it), or {} when unreadable."""
    try:
        config = yaml.safe_load((root / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def _released(directory: Path, relative: str, manifest: dict[str, str]) -> Released:
    """One file of the model release, compared with the manifest (hashed once, here)."""
    path = directory / relative
    listed = relative in manifest
    if not path.is_file():
        return Released(exists=False, listed=listed)
    return Released(True, listed, not listed or manifest[relative] == sha256_of(path))


def _model_context(root: Path, report: Report, config: dict[str, Any]) -> ModelContext | None:
    """The facts about models/<name>/ of config/pipeline.yaml; None when there is no model."""
    section = config.get("model")
    if not isinstance(section, dict) or not isinstance(section.get("dir"), str):
        return None
    directory = root / section["dir"]
    try:
        manifest = read_manifest(directory / MANIFEST_NAME)
    except ChecksumError:  # a malformed manifest: every released file counts as unrecorded
        manifest = {}
    model = ModelContext(
        dir=directory.relative_to(root).as_posix(),
        card=None,
        # The released files, and the card, which its manifest records too.
        release={
            f: _released(directory, f, manifest)
            for f in (*RELEASE_FILES, MODEL_CARD, SURROGATE_RELEASE, *SURROGATE_VALIDATION)
        },
        has_manifest=bool(manifest),
    )
    card = report.records.get(model.card_name)  # parsed by the checker
    return replace(model, card=card) if isinstance(card, Record) else model


def _results(root: Path, config: dict[str, Any]) -> tuple[dict[str, tuple[str, Any]], str | None]:
    """The analysis results of `RESULTS`, read, and the sha256 of the likelihood's workspace.

    A file that is missing, unreadable or not JSON is None: the check of it says so.
    """
    reports = config.get("reports") or {}
    predictions = reports.get("predictions_file") if isinstance(reports, dict) else None
    folder = Path(str(predictions or "reports/predictions.csv")).parent
    results: dict[str, tuple[str, Any]] = {}
    for name, file in RESULTS.items():
        path = folder / file
        try:
            content = json.loads((root / path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            content = None
        results[name] = (path.as_posix(), content)
    workspace = root / folder / WORKSPACE_FILE
    digest = sha256_of(workspace) if workspace.is_file() else None
    return results, digest


def _release_crate(root: Path) -> tuple[str, Any] | None:
    """The RO-Crate of the newest release package in build/release/ (`make release`).

    Args:
        root: the project folder.

    Returns:
        (path relative to `root`, parsed JSON or None when it is not JSON); None when no
        release was made.
    """
    crates = sorted(
        (root / RELEASE_DIR).glob("*/data/ro-crate-metadata.json"),
        key=lambda path: path.stat().st_mtime_ns,
    )
    if not crates:
        return None
    try:
        content = json.loads(crates[-1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        content = None
    return crates[-1].relative_to(root).as_posix(), content


def build_context(root: Path, report: Report, citation: Record) -> Context:
    """Gather the facts the checks look at, reading each file once.

    Args:
        root: the project folder.
        report: the metadata checker's report on it (its parsed records are reused).
        citation: CITATION.cff as the checker parsed it.

    Returns:
        The context every check runs on.

    Raises:
        OSError: a file the checks look at exists but cannot be read (the data sheet, a
            released model file).
        UnicodeDecodeError: the data sheet data/README.md is not UTF-8 text.
    """
    config = _config(root)
    model = _model_context(root, report, config)
    looked_for = PROJECT_FILES + (model.files() if model else ())
    sheet = root / DATASHEET
    results, workspace_sha256 = _results(root, config) if model else ({}, None)
    manifests = sorted((root / "data" / "raw").glob("**/" + MANIFEST_NAME))
    return Context(
        report=report,
        citation=citation,
        domain=DOMAIN,
        config=config,
        files={name: (root / name).is_file() for name in looked_for},
        licence_texts=licence_texts(root),
        datasheet=sheet.read_text(encoding="utf-8") if sheet.is_file() else None,
        manifests=tuple(m.relative_to(root).as_posix() for m in manifests),
        model=model,
        results=results,
        workspace_sha256=workspace_sha256,
        release_crate=_release_crate(root),
    )


def scorecard(root: Path) -> Scorecard:
    """Run the metadata checker once, then every FAIR check.

    Args:
        root: the project folder.

    Returns:
        The scorecard: one line per check; only the line "citation metadata" when
        CITATION.cff cannot be read, since every other check rests on it.

    Raises:
        OSError: a file the checks look at exists but cannot be read (`build_context`).
        UnicodeDecodeError: the data sheet data/README.md is not UTF-8 text.
    """
    report = check_metadata(root)
    citation = report.records.get(CITATION)
    if not isinstance(citation, Record):
        return Scorecard([no_citation(report)])
    return Scorecard(run_checks(build_context(root, report, citation)))


#: Copier's record of the answers and of the template's commit.
ANSWERS_FILE = ".copier-answers.yml"


def _template_commit(root: Path) -> str | None:
    """The template commit the project was generated or last updated from (Copier's _commit)."""
    try:
        answers = yaml.safe_load((root / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    commit = answers.get("_commit") if isinstance(answers, dict) else None
    return str(commit) if commit else None


def same_but_time(path: Path, document: dict[str, Any]) -> bool:
    """Whether the report at `path` says what `document` says, but for its time.

    `make fair` leaves such a file as it is: a committed reports/fair.json does not change
    (and the git tree stays clean, as `copier update` needs) when nothing else did.

    Args:
        path: reports/fair.json, present or not.
        document: the report about to be written (`fair_report`).

    Returns:
        True when the file holds the same report apart from "created".
    """
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    if not isinstance(written, dict):
        return False
    return {**written, "created": None} == {**document, "created": None}


def fair_report(root: Path, card: Scorecard, created: datetime | None = None) -> dict[str, Any]:
    """The scorecard as reports/fair.json holds it, for people and monitoring services.

    The document follows `REPORT_SCHEMA_FILE`: what was scored (CITATION.cff's title, version,
    DOI and repository, the git commit, the domain), when, the counts of each status and every
    line with its evidence and fix.

    Args:
        root: the project folder.
        card: its scorecard (`scorecard`).
        created: the time of the scoring (default: now, UTC).

    Returns:
        {"schema": REPORT_SCHEMA, "created": ISO 8601 time, "generator": {"template",
        "template_commit"}, "project": {"title", "version", "doi", "repository", "commit",
        "domain", "package"}, "summary": {"pass", "warn", "fail"}, "checks": [{"principle",
        "subject", "title", "status", "evidence", "fix", "id"}]}; a field CITATION.cff does
        not give (or a CITATION.cff that cannot be read) is null.
    """
    try:
        citation = read_citation(root)
    except SourceError:
        citation = None
    cff = citation.raw if citation is not None else {}
    when = created or datetime.now(UTC)
    return {
        "schema": REPORT_SCHEMA,
        "created": when.isoformat(timespec="seconds"),
        "generator": {"template": "copier4fair", "template_commit": _template_commit(root)},
        "project": {
            "title": citation.title if citation else None,
            "version": citation.version if citation else None,
            "doi": citation.doi if citation else None,
            "repository": str(cff["repository-code"]) if cff.get("repository-code") else None,
            "commit": git_commit(root),
            "domain": DOMAIN,
            "package": __package__.rsplit(".", 1)[0],
        },
        **card.as_dict(),
    }
