"""The FAIR scorecard (`make fair`) of generated projects: table, JSON, exit code, and the
lines that turn to fail when the model card or a licence is removed. (The full tier checks that
the model lines pass after `make all`, in test_projects.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import attempt

PACKAGE = "my_fair_analysis"
#: Warnings a fresh project may show: identifiers only a real publication gives, and model
#: files `make all` writes.
EXPECTED_FRESH_WARNINGS = {
    ("F1", "code"),  # code DOI
    ("F1", "data"),  # data DOI
    ("F1", "model"),  # model DOI
    ("F4", "code"),  # public repository
    ("A1", "code"),
    ("A1.1", "code"),
    ("A1.2", "code"),
    ("R1.2", "code"),  # ORCID iDs
    ("R1.2", "data"),  # make data
    ("R1", "data"),  # the datasheet's TODO answers only the researcher has
    ("F2", "model"),  # make all: the model card
    ("LH", "model"),
    ("R1.2", "model"),
    ("R1.3", "model"),
}


def scorecard(project: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`make fair` in the project, with the Python running the tests."""
    proc = attempt(["make", "fair", f"PYTHON={sys.executable}"], cwd=project)
    return proc, json.loads((project / "reports" / "fair.json").read_text(encoding="utf-8"))


@pytest.fixture
def fresh(default_project: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_project, tmp_path / "p"))


def test_fresh_project_passes_but_for_identifiers_and_the_model_to_build(fresh: Path) -> None:
    proc, result = scorecard(fresh)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    statuses = {(c["principle"], c["subject"], c["title"]): c["status"] for c in result["checks"]}
    assert "fail" not in statuses.values()
    warned = {(p, s) for (p, s, _), status in statuses.items() if status == "warn"}
    assert warned <= EXPECTED_FRESH_WARNINGS
    # Of the Les Houches items, only those `make all` writes wait for it; the licence and the
    # training code with its toy data set pass from the start.
    lh_warned = {t for (p, _, t), status in statuses.items() if p == "LH" and status == "warn"}
    assert lh_warned == {
        "stable interchange format (ONNX)",
        "inputs, outputs and preprocessing documented",
        "validation material",
        "runnable without Python",
        "indication of feature importance",
        "cut flow before and after the ML selection",
        "efficiency map on generator-level quantities",
        "surrogate network on generator-level inputs",
        "the likelihood (HistFactory)",
    }
    # Every principle of the seeds' list and every Les Houches item has a line.
    principles = {p for p, _, _ in statuses}
    assert principles >= {
        "F1", "F2", "F3", "F4", "A1", "A1.1", "A1.2", "A2", "I1", "I2", "I3",
        "R1", "R1.1", "R1.2", "R1.3", "LH",
    }  # fmt: skip
    assert {s for _, s, _ in statuses} == {"code", "data", "model"}
    lh = {t for p, _, t in statuses if p == "LH"}
    assert len(lh) == 11  # the cut flow, efficiency map, surrogate and likelihood: in HEP
    # The terminal table: one line per check, the fix under each that does not pass.
    lines = [
        line for line in proc.stdout.splitlines() if line.startswith("  ") and "fix:" not in line
    ]
    assert len(lines) == len(result["checks"]) + 2  # header and verdict
    # reports/fair.json: what a monitoring service reads, valid against the schema it names,
    # which the package ships; the project as CITATION.cff and git say.
    assert_valid_fair_report(fresh, result)
    assert result["generator"]["template_commit"]  # Copier's _commit
    # Nothing changed: the file is left as it is (a committed report keeps the tree clean).
    written = (fresh / "reports" / "fair.json").read_bytes()
    scorecard(fresh)
    assert (fresh / "reports" / "fair.json").read_bytes() == written
    assert proc.stdout.count("fix: ") == sum(c["status"] != "pass" for c in result["checks"])
    assert result["summary"] == {
        s: sum(c["status"] == s for c in result["checks"]) for s in ("pass", "warn", "fail")
    }


@pytest.mark.parametrize(
    ("remove", "failing"),
    [
        (
            "models/classifier/MODEL_CARD.md",
            {
                ("F2", "model"),
                ("LH", "model", "inputs, outputs and preprocessing documented"),
                ("LH", "model", "licence"),
                ("R1.1", "model"),
            },
        ),
        ("LICENSE", {("R1.1", "code")}),
        (
            "LICENSES/CC-BY-4.0.txt",
            {("R1.1", "data"), ("R1.1", "model"), ("LH", "model", "licence")},
        ),
        ("data/README.md", {("A2", "data"), ("R1", "data")}),
    ],
)
def test_removing_a_file_fails_the_right_lines(
    fresh: Path, remove: str, failing: set[tuple[str, ...]]
) -> None:
    (fresh / remove).unlink()
    proc, result = scorecard(fresh)
    assert proc.returncode != 0 and "Error 1" in proc.stderr  # the scorecard exited 1
    failed = {
        (c["principle"], c["subject"], c["title"])
        if c["principle"] == "LH"
        else (c["principle"], c["subject"])
        for c in result["checks"]
        if c["status"] == "fail"
    }
    assert failed == failing
    assert "FAILED" in proc.stdout


def assert_valid_fair_report(project: Path, result: dict) -> None:
    """reports/fair.json validates against the shipped JSON schema (2020-12, formats checked)
    and names the project as CITATION.cff does."""
    from jsonschema import Draft202012Validator

    (path,) = project.glob("src/*/fair/schemas/fair-report-1.schema.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(result)), [
        e.message for e in validator.iter_errors(result)
    ]
    assert result["schema"] == schema["$id"]
    citation = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    assert result["project"]["title"] == citation["title"]
    assert result["project"]["version"] == citation["version"]
    assert result["project"]["package"] == path.parts[-4]
    # The schema has teeth: an unknown status, a missing count or a stray field is refused.
    for broken in (
        {**result, "checks": [{**result["checks"][0], "status": "maybe"}]},
        {**result, "summary": {"pass": 1, "warn": 0}},
        {**result, "project": {**result["project"], "owner": "x"}},
        {**result, "created": "yesterday"},
    ):
        assert list(validator.iter_errors(broken)), broken


def test_the_scorecard_reads_no_metadata_file_the_checker_has_read(fresh: Path) -> None:
    """The scorecard reuses the checker's parsed records: running it reads every metadata
    file exactly as often as the checker alone does."""
    script = f"""
import collections, json, pathlib, sys
sys.path.insert(0, {str(fresh / "src")!r})
reads = collections.Counter()
original = pathlib.Path.read_text
def counting(self, *args, **kwargs):
    reads[self.name] += 1
    return original(self, *args, **kwargs)
pathlib.Path.read_text = counting
from {PACKAGE}.fair.checks import check_metadata
from {PACKAGE}.fair.scorecard import scorecard
root = pathlib.Path({str(fresh)!r})
check_metadata(root)
checker = dict(reads)
reads.clear()
scorecard(root)
print(json.dumps([checker, dict(reads)]))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    checker, card = json.loads(out)
    metadata = ("CITATION.cff", "codemeta.json", ".zenodo.json", "pyproject.toml", "MODEL_CARD.md")
    assert all(checker.get(name) for name in metadata), checker
    assert {n: card.get(n) for n in metadata} == {n: checker.get(n) for n in metadata}


def _datasheet_line(result: dict) -> dict:
    (line,) = [c for c in result["checks"] if c["title"] == "rich attributes: datasheet"]
    return line


def test_the_datasheet_passes_once_answered_and_fails_without_a_section(fresh: Path) -> None:
    sheet = fresh / "data" / "README.md"
    text = sheet.read_text(encoding="utf-8")
    _, result = scorecard(fresh)
    line = _datasheet_line(result)
    assert line["status"] == "warn"
    assert line["evidence"] == (
        "data/README.md: TODO left in Motivation, Composition, Collection process, "
        "Preprocessing, Uses"
    )
    sheet.write_text(text.replace("**TODO**", "Answered:"), encoding="utf-8")
    _, result = scorecard(fresh)
    assert _datasheet_line(result)["status"] == "pass"
    sheet.write_text(text.replace("## Uses\n", ""), encoding="utf-8")
    proc, result = scorecard(fresh)
    assert proc.returncode != 0
    line = _datasheet_line(result)
    assert (line["status"], line["evidence"]) == ("fail", "data/README.md: no section Uses")


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("pyproject.toml", '{"a": \n', "is not valid TOML"),
        ("README.md", None, "make metadata: citation"),
    ],
)
def test_any_metadata_error_fails_the_scorecard(
    fresh: Path, name: str, text: str | None, words: str
) -> None:
    """`make fair` is built on the checker: an error in any metadata file it checks is a failing
    line (F2 code), never a pass."""
    path = fresh / name
    if text is None:  # a stale authors block in the README
        path.write_text(path.read_text().replace("Lastname, Firstname", "Someone, Else"))
    else:
        path.write_text(text)
    proc, result = scorecard(fresh)
    assert proc.returncode != 0
    f2 = next(c for c in result["checks"] if (c["principle"], c["subject"]) == ("F2", "code"))
    assert f2["status"] == "fail" and name in f2["evidence"] and words in f2["evidence"], f2


def test_the_registry_has_one_check_per_line_each_with_the_source_of_its_rule(
    fresh: Path,
) -> None:
    """Every scorecard line is one registered check: no (principle, subject, title) twice, its
    title is the first line of its docstring, and the docstring quotes the FAIR principle or
    the Les Houches recommendations (arXiv:2312.14575) it applies."""
    script = f"""
import json, sys
sys.path.insert(0, {str(fresh / "src")!r})
from {PACKAGE}.fair.scorecard import CHECKS
print(json.dumps([[c.principle, c.subject, c.title, c.function.__doc__] for c in CHECKS]))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    registry = json.loads(out)
    keys = [(principle, subject, title) for principle, subject, title, _ in registry]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    for principle, subject, title, doc in registry:
        assert doc.strip().splitlines()[0] == title
        source = "arXiv:2312.14575" if principle == "LH" else f"{principle}: "
        assert source in doc, (principle, subject, title)
    # The lines of a project are registered checks, each once.
    _, result = scorecard(fresh)
    lines = [(c["principle"], c["subject"], c["title"]) for c in result["checks"]]
    assert len(lines) == len(set(lines)) and set(lines) <= set(keys)
