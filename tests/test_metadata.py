"""The metadata checker and the derivation (`make metadata`) of the generated project: one rule
at a time, a bad value gives that rule's error naming the file and field, and its good twin
passes; the files written at `copier copy` are exactly what the derivation writes; each mapper
(CFF -> CodeMeta 3.0, Zenodo legacy deposit, PEP 621/639, RO-Crate) field by field; the checker
runs with jsonschema (official CFF 1.2.0 schema) and without it (structural check)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import (
    TEMPLATE,
    combinations,
    combo_id,
    generate,
    make_venv,
    project_files,
    python_project_digest,
    run,
)
from test_generate import assert_rendered_cleanly, expected_files

NO_JSONSCHEMA = "import sys; sys.modules['jsonschema'] = None; "


def package(root: Path) -> str:
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))
    return str(answers["package_name"])


def check(
    root: Path, python: str | Path = sys.executable, jsonschema: bool = True
) -> tuple[int, dict[str, Any]]:
    """Run the project's checker as `make check-metadata` does; return (exit code, report).

    Without `jsonschema`, as in the Python that runs Copier (the import is blocked)."""
    args = ["check-metadata", "--json"]
    command = (
        [str(python), "-m", f"{package(root)}.fair", *args]
        if jsonschema
        else [
            str(python),
            "-c",
            NO_JSONSCHEMA + f"from {package(root)}.fair.cli import main; sys.exit(main({args!r}))",
        ]
    )
    proc = subprocess.run(
        command,
        cwd=root,
        env={**os.environ, "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def derive(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the derivation as `make metadata` does."""
    proc = subprocess.run(
        [sys.executable, "-m", f"{package(root)}.fair", "derive"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


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
        "orcid-lower-case-x",
        author("orcid", "https://orcid.org/0000-0002-1694-233x"),
        "authors[0].orcid",
        "upper-case 'X'",
        author("orcid", "https://orcid.org/0000-0002-1694-233X"),
    ),
    (
        "invisible-character",
        author("family-names", "Berg\u200b"),
        "authors[0].family-names",
        "invisible character U+200B (zero width space)",
        author("family-names", "Berg"),
    ),
    (
        "right-to-left-override",
        top("title", "Higgs \u202eanalysis"),
        "title",
        "U+202E (right-to-left override)",
        top("title", "Higgs analysis"),
    ),
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
    (
        "cff-version",
        top("cff-version", "1.3.0"),
        "cff-version",
        "not a released CFF version",
        top("cff-version", "1.2.0"),
    ),
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


def test_schema_error_names_the_entry_in_one_line(project: Path) -> None:
    edit_cff(project, lambda d: d["references"][0].__setitem__("type", "dataset"))
    code, report = check(project)
    assert code == 1
    assert report["validation"].startswith("CFF 1.2.0 JSON schema (official, shipped), jsonschema")
    (error,) = [e for e in errors(report) if e[1] == "references[0].type"]
    assert "fails the CFF 1.2.0 schema" in error[2] and "'dataset'" in error[2]
    assert "\n" not in error[2]


def test_defaults_pass_with_warnings_only(default_project: Path) -> None:
    for jsonschema in (True, False):
        code, report = check(default_project, jsonschema=jsonschema)
        assert code == 0, errors(report)
        warned = {f["field"] for f in report["findings"]}
        assert {"authors[0]", "authors[0].orcid", "doi", "references[0].doi"} <= warned
    assert report["validation"].startswith("built-in structural check")


def test_a_pep440_version_that_is_no_semver_passes(project: Path) -> None:
    edit_cff(project, top("version", "v2.0"))
    assert derive(project).returncode == 0
    code, report = check(project)
    assert code == 0, errors(report)
    assert not [f for f in report["findings"] if f["field"] == "version"]
    assert 'version = "2.0"' in (project / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("version", ["2021-03 release", "1.0.0-foo.bar", "1.2.3+cern.7"])
def test_a_version_pip_cannot_publish_is_a_warning(project: Path, version: str) -> None:
    before = (project / "pyproject.toml").read_text(encoding="utf-8")
    edit_cff(project, top("version", version))
    assert derive(project).returncode == 0
    code, report = check(project)
    assert code == 0, errors(report)
    warned = [f["message"] for f in report["findings"] if f["field"] == "version"]
    assert len(warned) == 1 and ("PEP 440" in warned[0] or "local version" in warned[0]), warned
    if "+" not in version:
        assert before == (project / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("date-released: 2024-02-30\n", "date-released", "not a calendar date"),
        ("title: [unclosed\n", "", "is not valid YAML (line"),
        ("title: a\ntitle: b\n", "", "the key 'title' is written twice"),
        (
            'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                for p, c in zip("abcdef", "bcdefg")
            ),
            "",
            "aliases",
        ),
        ("\t- x\n", "", "is not valid YAML"),
        ("- just\n- a list\n", "", "mapping of fields"),
    ],
    ids=["impossible-date", "unclosed", "duplicate-key", "alias-bomb", "tab", "list"],
)
def test_yaml_oddities_give_one_error_line(project: Path, text: str, field: str, words: str):
    path = project / "CITATION.cff"
    if field:  # a valid file with this line replaced
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        key = text.split(":")[0]
        text = "".join(text if line.startswith(f"{key}:") else line for line in lines)
    path.write_text(text, encoding="utf-8")
    for run_ in (lambda: check(project), lambda: check(project, jsonschema=False)):
        code, report = run_()
        assert code == 1
        found = [e for e in errors(report) if e[0] == "CITATION.cff" and e[1] == field]
        assert found and words in found[0][2], errors(report)
        assert all("\n" not in e[2] for e in errors(report))
    proc = derive(project)
    assert proc.returncode == 1 and words in proc.stdout and "no file was written" in proc.stdout


def test_a_file_over_1_mb_is_refused_unread(project: Path) -> None:
    path = project / "CITATION.cff"
    path.write_text(path.read_text(encoding="utf-8") + "#" * 1_000_001 + "\n", encoding="utf-8")
    code, report = check(project)
    assert code == 1
    (error,) = errors(report)
    assert error[0] == "CITATION.cff" and "more than the 1000000" in error[2]


@pytest.mark.parametrize(
    ("file", "change", "field"),
    [
        ("codemeta.json", lambda d: d.__setitem__("version", "0.2.0"), "version"),
        (".zenodo.json", lambda d: d.__setitem__("title", "Another title"), "title"),
        ("codemeta.json", lambda d: d["author"][0].__setitem__("familyName", "Other"), "author[0]"),
        (".zenodo.json", lambda d: d.__setitem__("license", "Apache-2.0"), "license"),
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


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cff"


@pytest.mark.skipif(
    not (CORPUS / "SOURCES.md").is_file(), reason=f"no CFF corpus at {CORPUS} (../shared absent)"
)
def test_a_replaced_citation_is_one_line_with_its_fix_then_make_metadata_mends_it(
    project: Path,
) -> None:
    """A user replaces CITATION.cff by their project's (a real one of the corpus): every
    derived file disagrees in many fields, said in one line whose fix is `make metadata`."""
    shutil.copy(CORPUS / "CoffeaTeam__coffea.cff", project / "CITATION.cff")
    proc = subprocess.run(
        [sys.executable, "-m", f"{package(project)}.fair", "check-metadata"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout
    out = proc.stdout.splitlines()
    (line,) = [line for line in out if "disagree with CITATION.cff" in line]
    assert line.strip().endswith("Fix: run `make metadata` to write them from CITATION.cff")
    for name in ("codemeta.json", ".zenodo.json", "pyproject.toml", "README.md"):
        assert f" {name} (" in line
    assert not [line for line in out if "the two files disagree. Fix: run `make metadata`" in line]
    # Each is still listed for tools (--json), and `make metadata` mends them all.
    _, report = check(project)
    assert sum("the two files disagree" in e[2] for e in errors(report)) > 3
    assert derive(project).returncode == 0
    _, report = check(project)
    assert not [e for e in errors(report) if "disagree" in e[2]], errors(report)


def test_the_licence_of_citation_cff_is_the_text_of_license(project: Path) -> None:
    """CITATION.cff says Apache-2.0 and the metadata follow (make metadata); LICENSE still holds
    the MIT text: one error naming both and both fixes."""
    edit_cff(project, top("license", "Apache-2.0"))
    assert derive(project).returncode == 0
    code, report = check(project)
    assert code == 1
    (error,) = errors(report)
    assert error[0] == "LICENSE" and "is the text of MIT (LICENSES/MIT.txt)" in error[2]
    assert "CITATION.cff license says Apache-2.0" in error[2]
    (finding,) = [f for f in report["findings"] if f["file"] == "LICENSE"]
    assert "set license: MIT" in finding["fix"] and "reuse download Apache-2.0" in finding["fix"]
    assert "https://spdx.org/licenses/Apache-2.0.txt" in finding["fix"]
    # The Apache text in LICENSE and LICENSES/ (as `reuse download` writes it): no error.
    apache = (TEMPLATE / "licenses" / "Apache-2.0.txt").read_text(encoding="utf-8")
    (project / "LICENSE").write_text(apache, encoding="utf-8")
    (project / "LICENSES" / "Apache-2.0.txt").write_text(apache, encoding="utf-8")
    assert check(project)[0] == 0
    # A licence text of one's own is not one of LICENSES/: nothing to compare it with.
    (project / "LICENSE").write_text("All rights reserved by the authors.\n", encoding="utf-8")
    assert check(project)[0] == 0
    # No licence in CITATION.cff (as in many real ones): a warning naming LICENSE's.
    (project / "LICENSE").write_text(apache, encoding="utf-8")
    edit_cff(project, lambda d: d.pop("license"))
    assert derive(project).returncode == 0
    code, report = check(project)
    assert code == 0, errors(report)
    (missing,) = [f for f in report["findings"] if f["field"] == "license"]
    assert missing["severity"] == "warning" and "R1.1" in missing["message"]
    assert missing["fix"].startswith("LICENSE is the text of Apache-2.0: add license: Apache-2.0")
    # A list of licences in CITATION.cff: LICENSE is one of them.
    (project / "LICENSE").write_text(apache, encoding="utf-8")
    edit_cff(project, top("license", ["MIT", "Apache-2.0"]))
    assert derive(project).returncode == 0
    assert check(project)[0] == 0, errors(check(project)[1])


def test_toy_data_descriptions_outlived_by_real_data_are_warned_of(project: Path) -> None:
    """The data reference and the card's limitations the template writes for its toy data set
    are warned of once config/pipeline.yaml takes real data, not before."""
    assert not [f for f in check(project)[1]["findings"] if "toy data set" in f["message"]]
    path = project / "config" / "pipeline.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["data"]["source"] = "https://zenodo.org/records/1/files/events.csv"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    code, report = check(project)
    assert code == 0, errors(report)
    warned = {
        (f["file"], f["field"]): f
        for f in report["findings"]
        if f["severity"] == "warning" and "toy data set" in f["message"]
    }
    assert set(warned) == {
        ("CITATION.cff", "references[0]"),
        ("config/model_card.yaml", "limitations"),
    }
    assert (
        "https://zenodo.org/records/1/files/events.csv"
        in warned[("CITATION.cff", "references[0]")]["message"]
    )
    assert "make model-card" in warned[("config/model_card.yaml", "limitations")]["fix"]


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


def _assert_derivation_changes_nothing(project: Path) -> None:
    """`make metadata` right after `copier copy`: the Jinja templates wrote exactly what the
    derivation writes, so no file changes."""
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    proc = derive(project)
    assert proc.returncode == 0, proc.stdout
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    changed = [str(p.relative_to(project)) for p in after if before.get(p) != after[p]]
    assert not changed, (changed, proc.stdout)
    assert "wrote" not in proc.stdout


def _assert_answers_reach_every_file(project: Path) -> None:
    """codemeta.json (CodeMeta 3.0) and .zenodo.json (Zenodo legacy deposit) say what
    CITATION.cff says, field by field."""
    cff = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    codemeta = json.loads((project / "codemeta.json").read_text(encoding="utf-8"))
    zenodo = json.loads((project / ".zenodo.json").read_text(encoding="utf-8"))
    (person,) = cff["authors"]
    assert codemeta["@context"] == "https://w3id.org/codemeta/3.0"
    assert codemeta["@type"] == "SoftwareSourceCode"
    assert codemeta["name"] == zenodo["title"] == cff["title"]
    assert codemeta["version"] == zenodo["version"] == cff["version"]
    assert codemeta["description"] == zenodo["description"] == cff["abstract"]
    assert codemeta["datePublished"] == zenodo["publication_date"] == str(cff["date-released"])
    assert codemeta["license"] == f"https://spdx.org/licenses/{cff['license']}"
    assert zenodo["license"] == cff["license"] and zenodo["upload_type"] == "software"
    assert codemeta.get("keywords") == zenodo.get("keywords") == cff.get("keywords")
    (author,) = codemeta["author"]
    assert author["@type"] == "Person"
    assert author["givenName"] == person["given-names"]
    assert author["familyName"] == person["family-names"]
    assert author["email"] == person["email"]
    assert author["affiliation"] == {"@type": "Organization", "name": person["affiliation"]}
    (creator,) = zenodo["creators"]
    assert creator["name"] == f"{person['family-names']}, {person['given-names']}"
    assert creator["affiliation"] == person["affiliation"]
    if "orcid" in person:
        assert author["@id"] == person["orcid"]
        assert creator["orcid"] == person["orcid"].removeprefix("https://orcid.org/")
    if "doi" in cff:
        assert codemeta["identifier"] == f"https://doi.org/{cff['doi']}"
        assert zenodo["doi"] == cff["doi"]
    if "repository-code" in cff:
        assert codemeta["codeRepository"] == cff["repository-code"]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert pyproject["authors"] == [
        {"name": f"{person['given-names']} {person['family-names']}", "email": person["email"]}
    ]
    assert pyproject["license"] == cff["license"]


FILLED: dict[str, Any] = {
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
    "version": "1.2.0rc1",
    "description": "A search for H → bb̄ decays with a boosted decision tree on open data.",
}


def test_filled_answers_pass_without_warnings_and_derive_to_the_same_files(
    tmp_path: Path,
) -> None:
    project = generate(tmp_path / "p", **FILLED)
    _assert_derivation_changes_nothing(project)
    _assert_answers_reach_every_file(project)
    code, report = check(project)
    assert code == 0, errors(report)
    assert report["findings"] == []


def test_defaults_derive_to_the_same_files(default_project: Path, tmp_path: Path) -> None:
    project = Path(shutil.copytree(default_project, tmp_path / "p"))
    _assert_derivation_changes_nothing(project)
    _assert_answers_reach_every_file(project)


def test_a_name_particle_in_the_answers_passes_the_check_after_copy(tmp_path: Path) -> None:
    """The issue's bug: 'van der Berg' was split at the last space in pyproject.toml."""
    project = generate(
        tmp_path / "p", author_given_names="Anna", author_family_names="van der Berg"
    )
    code, report = check(project)
    assert code == 0, errors(report)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["authors"][0]["name"] == "Anna van der Berg"
    zenodo = json.loads((project / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["creators"][0]["name"] == "van der Berg, Anna"
    _assert_derivation_changes_nothing(project)


@pytest.fixture(scope="session")
def python_project(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, str], dict[str, str]]:
    """The Python project (`python_project_digest`) of the project of an ml_framework and a
    domain without CI or container files, each generated once per test process."""

    @functools.cache
    def digest(framework: str, domain: str) -> dict[str, str]:
        root = tmp_path_factory.mktemp("python-project") / "p"
        generate(root, ml_framework=framework, domain=domain, ci="none", include_docker=False)
        return python_project_digest(root)

    return digest


@pytest.mark.full
@pytest.mark.parametrize("answers", combinations(), ids=combo_id)
def test_every_combination_renders_its_files_and_derives_to_the_same_metadata(
    tmp_path: Path,
    answers: dict[str, Any],
    python_project: Callable[[str, str], dict[str, str]],
) -> None:
    """Each combination generated once: the files it must have, each rendered cleanly
    (test_generate.py), then its metadata."""
    project = generate(tmp_path / "p", **answers)
    assert project_files(project) == expected_files(answers)
    assert_rendered_cleanly(project)
    # ci and include_docker add CI and container files only: the Python project is that of the
    # same domain and ml_framework without them, which tests/test_projects.py installs and runs.
    same = python_project(answers["ml_framework"], answers["domain"])
    assert python_project_digest(project) == same
    _assert_derivation_changes_nothing(project)
    _assert_answers_reach_every_file(project)
    if answers["domain"] != "hep":
        _assert_rocrate_describes_the_project(project)
    code, report = check(project)
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
    assert person.id == citation["authors"][0].get("orcid", "#author-1")
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


def test_make_metadata_keeps_what_cff_cannot_say(project: Path) -> None:
    """Funding and grants, communities, related identifiers and the user's own keys added to
    the derived files survive a derivation; the derived fields follow CITATION.cff."""
    zenodo_file, codemeta_file = project / ".zenodo.json", project / "codemeta.json"
    zenodo = json.loads(zenodo_file.read_text(encoding="utf-8"))
    zenodo["grants"] = [{"id": "10.13039/501100000780::101057437"}]
    zenodo["communities"] = [{"identifier": "hep-ml"}]
    zenodo["related_identifiers"] = [
        {"identifier": "10.1000/paper", "relation": "isSupplementTo", "scheme": "doi"}
    ]
    zenodo["notes"] = "Funded by the ERC."
    zenodo_file.write_text(json.dumps(zenodo, indent=2), encoding="utf-8")
    codemeta = json.loads(codemeta_file.read_text(encoding="utf-8"))
    codemeta["funding"] = [{"@type": "Grant", "identifier": "101057437", "name": "ERC StG"}]
    codemeta["developmentStatus"] = "active"
    codemeta_file.write_text(json.dumps(codemeta, indent=2), encoding="utf-8")
    edit_cff(project, top("version", "0.2.0"))

    proc = derive(project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    zenodo = json.loads(zenodo_file.read_text(encoding="utf-8"))
    codemeta = json.loads(codemeta_file.read_text(encoding="utf-8"))
    assert zenodo["version"] == codemeta["version"] == "0.2.0"
    assert zenodo["grants"] == [{"id": "10.13039/501100000780::101057437"}]
    assert zenodo["communities"] == [{"identifier": "hep-ml"}]
    assert {"identifier": "10.1000/paper", "relation": "isSupplementTo", "scheme": "doi"} in (
        zenodo["related_identifiers"]
    )
    assert zenodo["notes"] == "Funded by the ERC."
    assert codemeta["funding"] == [{"@type": "Grant", "identifier": "101057437", "name": "ERC StG"}]
    assert codemeta["developmentStatus"] == "active"
    code, report = check(project)
    assert code == 0, errors(report)


def test_a_person_with_a_bad_email_is_not_read_as_an_entity(project: Path) -> None:
    """An author fails both alternatives of the schema (person, entity): the errors name the
    person's field, never the entity's rules ("given-names is not a key")."""
    edit_cff(project, author("email", "not-an-email"))
    code, report = check(project)
    assert code == 1
    found = errors(report)
    assert found and all(field == "authors[0].email" for _, field, _ in found), found
    assert not any("not a key" in message for _, _, message in found)


@pytest.mark.parametrize(
    "name", ["CITATION.cff", "pyproject.toml", "codemeta.json", ".zenodo.json"]
)
def test_conflict_markers_left_by_an_update_are_named(project: Path, name: str) -> None:
    path = project / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3:3] = [
        "<<<<<<< before updating\n",
        "x\n",
        "=======\n",
        "y\n",
        ">>>>>>> after updating\n",
    ]
    path.write_text("".join(lines), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()}
    code, report = check(project)
    assert code == 1
    assert (name, "", True) in {
        (f["file"], f["field"], "conflict markers" in f["message"] and "(line 4:" in f["message"])
        for f in report["findings"]
    }, errors(report)
    derived = derive(project)
    assert "conflict markers" in derived.stdout, derived.stdout
    if name != "pyproject.toml":  # a conflicted pyproject.toml is left alone; the rest derives
        assert derived.returncode == 1
        assert before == {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()}


def test_an_unquoted_decimal_version_is_a_warning(project: Path) -> None:
    """Schema-valid (CFF allows a number), but YAML reads 1.10 as 1.1: a warning to quote it."""
    edit_cff(project, top("version", 1.1))
    assert derive(project).returncode == 0
    code, report = check(project)
    assert code == 0, errors(report)
    warned = [f["message"] for f in report["findings"] if f["field"] == "version"]
    assert any("is the unquoted number 1.1 to YAML" in m for m in warned), warned
