"""The metadata checker of the generated project: one rule at a time, a bad value gives that
rule's error naming the file and field, and its good twin passes; the derived files equal
cffconvert's own conversions; the checker runs with and without cffconvert."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import combinations, combo_id, generate, make_venv, run


def check(root: Path, python: str | Path = sys.executable) -> tuple[int, dict[str, Any]]:
    """Run the project's checker as `make check-metadata` does; return (exit code, report)."""
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))
    proc = subprocess.run(
        [str(python), "-m", f"{answers['package_name']}.fair", "check-metadata", "--json"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def errors(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (f["file"], f["field"], f["message"])
        for f in report["findings"]
        if f["severity"] == "error"
    ]


@pytest.fixture
def project(default_project: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_project, tmp_path / "p"))


def edit_cff(root: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / "CITATION.cff"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def author(field: str, value: str) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["authors"][0].__setitem__(field, value)


def top(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.__setitem__(field, value)


# (rule, bad edit, field named in the error, words of the error, good twin)
RULES = [
    (
        "orcid-checksum",
        author("orcid", "https://orcid.org/0000-0002-1825-0098"),
        "authors[0].orcid",
        "checksum",
        author("orcid", "https://orcid.org/0000-0002-1825-0097"),
    ),
    (
        "orcid-format",
        author("orcid", "https://orcid.org/Your ORCID"),
        "authors[0].orcid",
        "not an ORCID iD",
        author("orcid", "https://orcid.org/0000-0002-1694-233X"),
    ),
    (
        "orcid-url",
        author("orcid", "0000-0002-1825-0097"),
        "authors[0].orcid",
        "must be written as a URL",
        author("orcid", "https://orcid.org/0000-0002-1825-0097"),
    ),
    (
        "spdx",
        top("license", "GPLv3"),
        "license",
        "not an SPDX licence identifier",
        top("license", "MIT"),
    ),
    ("doi", top("doi", "10.XXXX/XXXX"), "doi", "not a DOI", top("doi", "10.5281/zenodo.1234567")),
    (
        "email",
        author("email", "marie@cern"),
        "authors[0].email",
        "with a domain",
        author("email", "marie@cern.ch"),
    ),
    (
        "url",
        top("repository-code", "github.com/x/y"),
        "repository-code",
        "not a web address",
        top("repository-code", "https://github.com/x/y"),
    ),
    (
        "iso-date",
        top("date-released", "2026-04-11/21/26"),
        "date-released",
        "ISO 8601",
        top("date-released", "2026-04-11"),
    ),
    (
        "calendar-date",
        top("date-released", "2026-02-30"),
        "date-released",
        "not a calendar date",
        top("date-released", "2026-02-28"),
    ),
    ("semver", top("version", "1.0"), "version", "not a Semantic Version", top("version", "0.1.0")),
    ("required", lambda d: d.pop("title"), "title", "required", top("title", "My FAIR Analysis")),
]


@pytest.mark.parametrize(
    ("rule", "bad", "field", "words", "good"), RULES, ids=[r[0] for r in RULES]
)
def test_each_rule_bad_value_fails_and_good_twin_passes(project, rule, bad, field, words, good):
    edit_cff(project, bad)
    code, report = check(project)
    assert code == 1
    found = [e for e in errors(report) if e[0] == "CITATION.cff" and e[1] == field]
    assert found and any(words in e[2] for e in found), errors(report)
    edit_cff(project, good)
    code, report = check(project)
    assert [e for e in errors(report) if e[0] == "CITATION.cff"] == []


def test_schema_error_from_cffconvert(project: Path, cffconvert_python: Path) -> None:
    edit_cff(project, lambda d: d["references"][0].__setitem__("type", "dataset"))
    code, report = check(project, cffconvert_python)
    assert code == 1
    assert report["validation"].startswith("cffconvert 2.0.0: full CFF JSON-schema validation")
    assert any("fails the CFF schema" in e[2] and "dataset" in e[2] for e in errors(report))


def test_defaults_pass_with_warnings_only(default_project: Path, cffconvert_python: Path) -> None:
    for python in (sys.executable, cffconvert_python):
        code, report = check(default_project, python)
        assert code == 0, errors(report)
        warned = {f["field"] for f in report["findings"]}
        assert {"authors[0]", "authors[0].orcid", "doi", "references[0].doi"} <= warned
    code, report = check(default_project)
    assert report["validation"].startswith("built-in structural check")


@pytest.mark.parametrize(
    ("file", "change", "field"),
    [
        ("codemeta.json", lambda d: d.__setitem__("version", "0.2.0"), "version"),
        (".zenodo.json", lambda d: d.__setitem__("title", "Another title"), "title"),
        ("codemeta.json", lambda d: d["author"][0].__setitem__("familyName", "Other"), "authors"),
        (".zenodo.json", lambda d: d.__setitem__("license", {"id": "Apache-2.0"}), "license"),
    ],
    ids=["codemeta-version", "zenodo-title", "codemeta-authors", "zenodo-license"],
)
def test_derived_json_disagreeing_names_both_files(project, file, change, field) -> None:
    path = project / file
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    code, report = check(project)
    assert code == 1
    (error,) = [e for e in errors(report) if e[1] == field]
    assert error[0] == file and "CITATION.cff" in error[2]
    assert "make metadata" in json.dumps(report)


def test_pyproject_and_model_card_versions_are_checked(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.3.0"'))
    card = project / "models/classifier/MODEL_CARD.md"
    card.write_text(card.read_text().replace("license: cc-by-4.0", "license: cc0-1.0"))
    code, report = check(project)
    assert code == 1
    found = {(e[0], e[1]) for e in errors(report)}
    assert ("pyproject.toml", "version") in found
    assert ("models/classifier/MODEL_CARD.md", "license (data and models)") in found


def test_unparsable_file_is_an_error_not_a_traceback(project: Path) -> None:
    (project / "codemeta.json").write_text("{not json", encoding="utf-8")
    code, report = check(project)
    assert code == 1
    assert any(e[0] == "codemeta.json" and "not valid JSON" in e[2] for e in errors(report))


def test_failed_check_changes_no_file(project: Path) -> None:
    edit_cff(project, top("version", "1.0"))
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    code, _ = check(project)
    assert code == 1
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert before == after


def _assert_metadata_matches_cffconvert(project: Path, cffconvert_python: Path) -> None:
    cffconvert = Path(cffconvert_python).with_name("cffconvert")
    run([str(cffconvert), "--validate"], cwd=project)
    for fmt, name in (("codemeta", "codemeta.json"), ("zenodo", ".zenodo.json")):
        converted = json.loads(
            run([str(cffconvert), "--format", fmt], cwd=project, stdout_only=True)
        )
        assert json.loads((project / name).read_text(encoding="utf-8")) == converted, name


FILLED = {
    "project_name": 'Search for H → bb̄ with a BDT: "quoted" #1',
    "author_given_names": "Zoë",
    "author_family_names": "O'Brien-Łukasiewicz",
    "author_orcid": "https://orcid.org/0000-0002-1694-233X",
    "author_affiliation": "CERN",
    "author_email": "zoe@cern.ch",
    "code_doi": "https://doi.org/10.5281/zenodo.1234567",
    "data_doi": "10.17182/hepdata.1.v1",
    "repository_url": "https://gitlab.cern.ch/zoe/hbb",
    "license": "Apache-2.0",
    "keywords": "Higgs, b-tagging",
    "version": "1.2.0-rc.1",
}


def test_filled_answers_pass_cffconvert_and_checker_without_warnings_for_them(
    tmp_path: Path, cffconvert_python: Path
) -> None:
    project = generate(tmp_path / "p", **FILLED)
    _assert_metadata_matches_cffconvert(project, cffconvert_python)
    code, report = check(project, cffconvert_python)
    assert code == 0, errors(report)
    assert report["findings"] == []


def test_defaults_pass_cffconvert(default_project: Path, cffconvert_python: Path) -> None:
    _assert_metadata_matches_cffconvert(default_project, cffconvert_python)


@pytest.mark.full
@pytest.mark.parametrize("answers", combinations(), ids=combo_id)
def test_every_combination_passes_cffconvert(tmp_path, cffconvert_python, answers) -> None:
    project = generate(tmp_path / "p", **answers)
    _assert_metadata_matches_cffconvert(project, cffconvert_python)
    if answers["domain"] != "hep":
        _assert_rocrate_describes_the_project(project)
    code, report = check(project, cffconvert_python)
    assert code == 0, errors(report)


@pytest.mark.full
def test_checker_runs_with_copier_alone(tmp_path: Path, default_project: Path) -> None:
    """As for a user who installed copier alone (pipx/uv tool): copier's dependencies only."""
    python = make_venv(tmp_path / "copier-only")
    run([str(python), "-m", "pip", "install", "-q", "copier==9.19.1"], cwd=tmp_path)
    code, report = check(default_project, python)
    assert code == 0, errors(report)
    assert report["validation"].startswith("built-in structural check")
    out = run(
        [
            str(python.with_name("copier")),
            "copy",
            "--trust",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            str(Path(__file__).resolve().parents[1]),
            str(tmp_path / "q"),
        ],
        cwd=tmp_path,
    )
    assert "OK: no errors" in out


def _assert_rocrate_describes_the_project(project: Path) -> None:
    """The RO-Crate loads with the rocrate library and says what CITATION.cff says."""
    from rocrate.rocrate import ROCrate

    citation = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    crate = ROCrate(project)
    root = crate.root_dataset
    assert root["name"] == citation["title"]
    assert root["version"] == citation["version"]
    assert root["license"].id == f"https://spdx.org/licenses/{citation['license']}"
    (person,) = root["author"]
    assert person["familyName"] == citation["authors"][0]["family-names"]
    assert person.id == citation["authors"][0].get("orcid", "#author")
    parts = {e.id for e in crate.data_entities}
    data_license = citation["references"][0]["license"]
    assert crate.get("data/")["license"].id == f"https://spdx.org/licenses/{data_license}"
    assert {"CITATION.cff", "data/"} <= parts
    if (project / "models" / "classifier").is_dir():
        assert crate.get("models/classifier/")["license"].id.endswith(data_license)
        assert "models/classifier/" in parts
    for entity in parts:
        assert (project / entity).exists(), entity


@pytest.mark.parametrize("framework", ["scikit-learn", "none"])
def test_life_science_rocrate(tmp_path: Path, framework: str) -> None:
    project = generate(
        tmp_path / "p",
        domain="life-science",
        ml_framework=framework,
        **{k: v for k, v in FILLED.items() if k != "project_name"},
    )
    _assert_rocrate_describes_the_project(project)
    code, report = check(project)
    assert code == 0, errors(report)
    path = project / "ro-crate-metadata.json"
    crate = json.loads(path.read_text(encoding="utf-8"))
    next(e for e in crate["@graph"] if e["@id"] == "./")["version"] = "9.9.9"
    path.write_text(json.dumps(crate), encoding="utf-8")
    code, report = check(project)
    assert ("ro-crate-metadata.json", "version") in {(e[0], e[1]) for e in errors(report)}
