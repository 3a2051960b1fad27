"""The metadata derivation and checker of the generated project on 40 real CITATION.cff files.

Each file of ../shared/corpus/cff/ (read at test time, never edited; see its SOURCES.md) is
copied as CITATION.cff into a fresh copy of the metadata files of a generated project
(life-science, scikit-learn: codemeta.json, .zenodo.json, pyproject.toml, ro-crate-metadata.json
and a model card whose header lists authors); then the derivation (`make metadata`) and the check
(`make check-metadata`) run in-process, with the generated package imported from its src/.

A schema-valid file must derive and pass, with every author (persons with their particles and
suffixes, entities), DOI, licence and keyword in every derived file, asserted field by field. A
schema-invalid file must be refused by the derivation (nothing written) and fail the check with
one line per error naming CITATION.cff and the field.
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from helpers import generate

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cff"
PACKAGE = "cff_corpus_check"
#: The files of a project the derivation and the checker read or write.
METADATA: tuple[str, ...] = ("CITATION.cff", "codemeta.json", ".zenodo.json", "pyproject.toml")
METADATA += ("ro-crate-metadata.json", "models/classifier/MODEL_CARD.md")

pytestmark = pytest.mark.skipif(
    not (CORPUS / "SOURCES.md").is_file(), reason=f"no CFF corpus at {CORPUS} (../shared absent)"
)

# file -> (outcome, field named in an error, why). The `schema` column of SOURCES.md comes from
# cffconvert 2.0.0 (CFF 1.2.0 and older only); each outcome below was decided per file:
# - valid (cffconvert) and valid for its own CFF version here: "pass";
# - root-project__root is CFF 1.1.0 and valid for 1.1.0 (cffconvert's 1.1.0 schema agrees):
#   it passes, with a note (warning) to upgrade;
# - the two CFF 1.3.0 files: 1.3.0 is not released (no official schema); cffconvert 2.0.0 calls
#   them invalid too: they fail naming cff-version.
EXPECTED: dict[str, tuple[str, str, str]] = {
    "astropy__astropy.cff": ("pass", "", "entity author, doi + url identifiers"),
    "brainglobe__cellfinder.cff": ("fail", "year", "`year`, `citation-sentence` are no CFF keys"),
    "citation-file-format__cffconvert.cff": ("fail", "cff-version", "CFF 1.3.0 (unreleased)"),
    "citation-file-format__citation-file-format.cff": ("pass", "", "3 DOIs, 9 persons"),
    "citation-file-format__ruby-cff.cff": ("pass", "", "entity author"),
    "CoffeaTeam__coffea.cff": ("pass", "", ""),
    "FAIR4HEP__hbb_interaction_network.cff": ("pass", "", "no version"),
    "fastmachinelearning__hls4ml.cff": ("fail", "cff-version", "CFF 1.3.0 (unreleased)"),
    "fatiando__pooch.cff": ("fail", "authors", "no top-level authors"),
    "galaxyproject__galaxy.cff": ("pass", "", "entity author"),
    "gammapy__gammapy.cff": ("pass", "", "version v2.0 (a warning), DOI only in identifiers"),
    "JuliaLang__julia.cff": ("fail", "references[0].voume", "typo `voume`"),
    "key4hep__EDM4hep.cff": ("pass", "", "DOI only in identifiers"),
    "Lightning-AI__pytorch-lightning.cff": ("pass", "", "version: 1.4 (a YAML number)"),
    "matchms__matchms.cff": ("pass", "", "name-particle 'van der'"),
    "mne-tools__mne-python.cff": ("fail", "authors[64]", "437 authors with duplicates"),
    "nextflow-io__nextflow.cff": ("pass", "", ""),
    "nextstrain__augur.cff": ("fail", "title", "no top-level authors or title"),
    "nf-core__modules.cff": ("fail", "prefered-citation", "misspelt preferred-citation"),
    "nf-core__tools.cff": ("pass", "", ""),
    "NLeSC__python-template.cff": ("pass", "", "four name-particles"),
    "Project-MONAI__MONAI.cff": ("fail", "preferred-citation.doi", "a DOI written as URL"),
    "pybamm-team__PyBaMM.cff": ("fail", "journal", "CFF 1.1.0 with a `journal` key"),
    "PyO3__pyo3.cff": ("pass", "", "licence list [Apache-2.0, MIT], entity author"),
    "research-software-directory__RSD-as-a-service.cff": ("pass", "", "name-particle 'de'"),
    "ResearchObject__ro-crate-py.cff": ("pass", "", "no licence"),
    "root-project__root.cff": ("pass", "", "CFF 1.1.0: a note to upgrade; version 6.25/01"),
    "ropensci__cffr.cff": ("pass", "", "17 references, two DOIs"),
    "scikit-hep__awkward.cff": ("pass", "", ""),
    "scikit-hep__cabinetry.cff": ("pass", "", ""),
    "scikit-hep__iminuit.cff": ("pass", "", "22 authors, DOI only in identifiers"),
    "scikit-hep__mplhep.cff": ("pass", "", ""),
    "scikit-hep__pyhf.cff": ("pass", "", ""),
    "scikit-hep__pylhe.cff": ("pass", "", ""),
    "scverse__muon.cff": ("pass", "", ""),
    "sdruskat__pyswh.cff": ("fail", "", "not YAML (REUSE header written with ')"),
    "SModelS__smodels.cff": ("fail", "", "the key `identifiers` written twice"),
    "tensorflow__tensorflow.cff": ("fail", "authors[40]", "broken author entries"),
    "the-turing-way__the-turing-way.cff": ("pass", "", "entity author, no final newline"),
    "zfit__phasespace.cff": ("fail", "message", "no message; an empty keyword"),
}


def test_the_table_covers_the_corpus_and_agrees_with_sources_md() -> None:
    files = {p.name for p in CORPUS.glob("*.cff")}
    assert files == set(EXPECTED)
    rows = [line.split("|") for line in (CORPUS / "SOURCES.md").read_text().splitlines()]
    schema = {r[1].strip(): r[6].strip() for r in rows if len(r) > 7 and r[1].strip() in files}
    differ = {f for f, (outcome, _, _) in EXPECTED.items() if outcome == "pass"} - {
        f for f, s in schema.items() if s == "valid"
    }
    assert differ == set()  # every file cffconvert calls valid passes here too
    assert {f for f, s in schema.items() if s == "valid"} == {
        f for f, (o, _, _) in EXPECTED.items() if o == "pass"
    }


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The metadata files of a generated project; the model card's header lists authors."""
    project = generate(
        tmp_path_factory.mktemp("corpus") / "p",
        domain="life-science",
        ml_framework="scikit-learn",
        package_name=PACKAGE,
    )
    card = project / "models/classifier/MODEL_CARD.md"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("\nmodel_name:", '\nauthors:\n  - "Someone"\nmodel_name:', 1))
    return project


@pytest.fixture(scope="module")
def fair(base: Path) -> dict[str, ModuleType]:
    """The generated package's derivation and checker, imported from its src/."""
    sys.path.insert(0, str(base / "src"))
    try:
        return {
            name: importlib.import_module(f"{PACKAGE}.fair.{name}") for name in ("derive", "checks")
        }
    finally:
        sys.path.remove(str(base / "src"))


def _project(base: Path, tmp_path: Path, source: Path) -> Path:
    root = tmp_path / "p"
    for name in METADATA:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base / name, root / name)
    shutil.copyfile(source, root / "CITATION.cff")
    return root


def _full_name(a: dict[str, Any]) -> str:
    if "name" in a:
        return str(a["name"]).strip()
    parts = (a.get(k) for k in ("given-names", "name-particle", "family-names", "name-suffix"))
    return " ".join(str(p).strip() for p in parts if p) or str(a.get("alias", ""))


def _assert_everything_reached_every_file(root: Path) -> None:
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    codemeta = json.loads((root / "codemeta.json").read_text(encoding="utf-8"))
    zenodo = json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    crate = json.loads((root / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    entities = {e["@id"]: e for e in crate["@graph"]}
    root_set = entities["./"]
    card = (root / METADATA[-1]).read_text(encoding="utf-8").split("\n---", 1)[0]
    header = yaml.safe_load(card.lstrip("-\n"))

    # Authors: persons and entities, in order, whole.
    people = cff["authors"]
    assert len(codemeta["author"]) == len(zenodo["creators"]) == len(people)
    assert len(project["authors"]) == len(root_set["author"]) == len(people)
    for i, a in enumerate(people):
        cm, zc, pa = codemeta["author"][i], zenodo["creators"][i], project["authors"][i]
        rc = entities[root_set["author"][i]["@id"]]
        name = _full_name(a)
        assert pa.get("name", "") == name.replace(",", " ").replace("  ", " "), (i, pa)
        assert rc["name"] == name and header["authors"][i] == name
        if "name" in a:  # an entity: an Organization everywhere, its name whole
            assert cm["@type"] == rc["@type"] == "Organization" and cm["name"] == name
            assert zc == {"name": name, **({"orcid": cm["@id"][18:]} if "@id" in cm else {})}
            continue
        family = " ".join(str(a[k]).strip() for k in ("name-particle", "family-names") if a.get(k))
        assert cm["@type"] == rc["@type"] == "Person"
        assert cm.get("givenName") == (
            str(a["given-names"]).strip() or None if "given-names" in a else None
        )
        assert cm.get("familyName") == (family or None)
        assert cm.get("honorificSuffix") == a.get("name-suffix")
        if a.get("given-names") and family:
            assert zc["name"].startswith(f"{family}, {a['given-names'].strip()}")
        if a.get("orcid"):
            assert cm["@id"] == a["orcid"] and zc["orcid"] == a["orcid"][18:]
        if a.get("affiliation"):
            assert cm["affiliation"]["name"] == zc["affiliation"] == a["affiliation"].strip()
            assert entities[rc["affiliation"]["@id"]]["name"] == a["affiliation"].strip()
        if a.get("email"):
            assert cm["email"] == pa["email"] == rc["email"] == a["email"]

    # Every DOI: codemeta identifier, Zenodo doi or related_identifiers, the RO-Crate.
    dois = [str(cff["doi"])] if cff.get("doi") else []
    dois += [str(x["value"]) for x in cff.get("identifiers") or [] if x.get("type") == "doi"]
    identifiers = codemeta.get("identifier", [])
    identifiers = identifiers if isinstance(identifiers, list) else [identifiers]
    crate_ids = root_set.get("identifier", [])
    crate_ids = crate_ids if isinstance(crate_ids, list) else [crate_ids]
    related = [r["identifier"] for r in zenodo.get("related_identifiers", [])]
    for doi in dois:
        assert f"https://doi.org/{doi}" in identifiers and f"https://doi.org/{doi}" in crate_ids
        assert doi == zenodo.get("doi") or doi in related, doi
    if cff.get("doi"):
        assert zenodo["doi"] == cff["doi"]

    # Every licence: one URL each (codemeta, RO-Crate), an OR expression (pyproject).
    licences = cff.get("license") or []
    licences = licences if isinstance(licences, list) else [licences]
    urls = [f"https://spdx.org/licenses/{x}" for x in licences]
    lic = codemeta.get("license")
    assert (lic if isinstance(lic, list) else [lic] if lic else []) == urls
    assert project.get("license") == (" OR ".join(licences) or None)
    assert zenodo.get("license") == (licences[0] if licences else None)
    rl = root_set.get("license", [])
    assert [x["@id"] for x in (rl if isinstance(rl, list) else [rl])] == urls

    # Keywords, title, version.
    keywords = [k for k in cff.get("keywords") or [] if k]
    assert codemeta.get("keywords", []) == zenodo.get("keywords", []) == keywords
    assert project.get("keywords", []) == root_set.get("keywords", []) == keywords
    assert codemeta["name"] == zenodo["title"] == root_set["name"] == cff["title"]
    if "version" in cff:
        assert codemeta["version"] == zenodo["version"] == str(cff["version"])
        assert header["model_version"] == str(cff["version"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str, base: Path, fair: dict[str, ModuleType], tmp_path: Path) -> None:
    outcome, field, _why = EXPECTED[name]
    source = CORPUS / name
    root = _project(base, tmp_path, source)
    before = {n: (root / n).read_bytes() for n in METADATA}
    try:
        fair["derive"].derive(root)
        derived = True
    except fair["derive"].DeriveError:
        derived = False
    report = fair["checks"].check_metadata(root)
    assert (root / "CITATION.cff").read_bytes() == source.read_bytes()  # never rewritten
    lines = [f.line() for f in report.errors]
    assert all("\n" not in line for line in lines)
    if outcome == "pass":
        assert derived and report.ok, lines
        _assert_everything_reached_every_file(root)
        again = fair["derive"].derive(root)  # a second derivation writes nothing
        assert again.written == [], again.written
        return
    assert not derived and not report.ok
    assert {n: (root / n).read_bytes() for n in METADATA} == before  # nothing written
    named = [f for f in report.errors if f.file == "CITATION.cff" and f.field == field]
    assert named, lines


def test_the_largest_file_derives_with_every_author(
    base: Path, fair: dict[str, ModuleType], tmp_path: Path
) -> None:
    """mne-python (437 authors) without its duplicate entries, so that it derives. Its time is
    measured by bench/bench_metadata.py (speed targets live there, not in the tests)."""
    data = yaml.safe_load((CORPUS / "mne-tools__mne-python.cff").read_text(encoding="utf-8"))
    unique: list[Any] = []
    for author in data["authors"]:
        if author not in unique:
            unique.append(author)
    data["authors"] = unique
    root = _project(base, tmp_path, CORPUS / "mne-tools__mne-python.cff")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (root / "CITATION.cff").write_text(text, encoding="utf-8")
    done = fair["derive"].derive(root)
    assert "codemeta.json" in done.written
    report = fair["checks"].check_metadata(root)
    assert report.ok, [f.line() for f in report.errors]
    _assert_everything_reached_every_file(root)
