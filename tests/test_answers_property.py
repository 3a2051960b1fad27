"""Property-based test of the free-text answers (hypothesis, 300+ examples in CI).

Each example is a set of answers to one to three free-text questions: Unicode names (accents,
CJK, right-to-left), apostrophes and quotes, colons and `#`, YAML-special words, surrounding
spaces, line breaks, very long and empty strings. Each set is either refused at a question it
contains, with Copier's message naming that question, or it generates a project whose
CITATION.cff passes cffconvert, whose codemeta.json and .zenodo.json parse, whose pyproject.toml
is a valid PEP 621 file (validate-pyproject; a sample is installed for real) and whose package
imports. No traceback: any other exception fails the example.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import free_text_questions, generate, make_venv
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from validate_pyproject import api as pyproject_api

QUESTIONS = free_text_questions()
SPECIAL = [
    "",
    " ",
    "yes",
    "no",
    "null",
    "~",
    "1e3",
    "0o17",
    "true",
    "O'Brien",
    'He said "hi"',
    "a: b",
    "#hashtag",
    "Éloïse Łukasiewicz-Ñúñez",
    "李小龍",
    "محمد عبد الله",
    "  padded  ",
    "two\nlines",
    "x" * 300,
    "0000-0002-1825-0097",
    "https://orcid.org/0000-0002-1825-0097",
    "10.5281/zenodo.1234567",
    "https://example.org/analysis",
    "higgs, bdt, onnx",
    "marie.curie@example.org",
]
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=40
    ),
)
ANSWERS = st.dictionaries(st.sampled_from(QUESTIONS), VALUES, min_size=1, max_size=3)
EXAMPLES = 100  # per group; three groups: 300 examples in CI
INSTALLED = 10  # projects per group installed with pip


class Outcomes:
    """What the examples produced, checked in bulk after the property run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.citations: list[Path] = []
        self.projects: list[Path] = []
        self.refused = 0


def check_example(answers: dict[str, Any], outcomes: Outcomes) -> None:
    dst = outcomes.root / f"p{len(outcomes.projects) + outcomes.refused}"
    try:
        # The metadata check task is skipped: cffconvert validates below, in bulk.
        generate(dst, skip_tasks=True, **answers)
    except ValueError as error:
        message = str(error)
        assert message.startswith("Validation error for question '"), message
        assert message.split("'")[1] in answers, (message, answers)
        assert not dst.exists()
        outcomes.refused += 1
        return
    json.loads((dst / "codemeta.json").read_text(encoding="utf-8"))
    json.loads((dst / ".zenodo.json").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((dst / "pyproject.toml").read_text(encoding="utf-8"))
    pyproject_api.Validator()(pyproject)
    package = yaml.safe_load((dst / ".copier-answers.yml").read_text())["package_name"]
    subprocess.run(
        [sys.executable, "-c", f"import {package}.fair.checks"],
        cwd=dst / "src",
        check=True,
        capture_output=True,
    )
    outcomes.citations.append(dst / "CITATION.cff")
    outcomes.projects.append(dst)


def validate_citations(cffconvert_python: Path, citations: list[Path]) -> None:
    """cffconvert's full schema validation of every generated CITATION.cff, in one process."""
    script = (
        "import sys\nfrom cffconvert import Citation\n"
        "for path in sys.argv[1:]:\n"
        "    Citation(open(path, encoding='utf-8').read()).validate()\n"
    )
    for start in range(0, len(citations), 100):
        batch = [str(p) for p in citations[start : start + 100]]
        subprocess.run([str(cffconvert_python), "-c", script, *batch], check=True)


def run_property(group: int, tmp_path: Path, cffconvert_python: Path) -> Outcomes:
    outcomes = Outcomes(tmp_path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @seed(20261121 + group)  # reproducible in CI; each group explores other answers
    @given(ANSWERS)
    def property_holds(answers: dict[str, Any]) -> None:
        check_example(answers, outcomes)

    property_holds()
    assert outcomes.refused + len(outcomes.projects) >= EXAMPLES
    validate_citations(cffconvert_python, outcomes.citations)
    assert outcomes.projects, "no example generated a project"
    assert outcomes.refused, "no example was refused"
    return outcomes


@pytest.mark.full
@pytest.mark.parametrize("group", [1, 2, 3])
def test_free_text_answers_are_refused_or_give_valid_projects(
    tmp_path: Path, cffconvert_python: Path, group: int
) -> None:
    outcomes = run_property(group, tmp_path, cffconvert_python)
    # Projects with distinct names are installed for real (one pip run), and their packages
    # imported by their installed distribution: the version comes from the installed metadata.
    python = make_venv(tmp_path / "venv")
    # The checker needs PyYAML alone; the heavy analysis dependencies are not installed here.
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "pyyaml==6.0.3"],
        check=True,
        capture_output=True,
    )
    sample: dict[str, Path] = {}
    for project in outcomes.projects:
        pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        sample.setdefault(pyproject["project"]["name"], project)
    sample = dict(list(sample.items())[:INSTALLED])
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", *map(str, sample.values())],
        check=True,
        capture_output=True,
    )
    for name, project in sample.items():
        package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
        version = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))["version"]
        out = subprocess.run(
            [str(python), "-c", f"import {package}, {package}.fair; print({package}.__version__)"],
            check=True,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        ).stdout
        assert out.strip() == str(version), name
        shutil.rmtree(project / "build", ignore_errors=True)
