"""Misuse of `copier copy`: each gives a clear message, a non-zero exit and no project."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import COPIER, TEMPLATE, attempt, make_venv, run


def test_without_trust_copier_names_the_option(tmp_path: Path) -> None:
    proc = attempt(
        [COPIER, "copy", "--defaults", "--vcs-ref", "HEAD", str(TEMPLATE), str(tmp_path / "p")],
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    assert "Template uses potentially unsafe feature: tasks." in proc.stderr
    assert "--trust" in proc.stderr
    assert not (tmp_path / "p").exists()


def test_an_unknown_answer_key_is_refused_with_the_nearest_question(tmp_path: Path) -> None:
    proc = attempt(
        [COPIER, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", "-d", "projectname=Higgs",
         str(TEMPLATE), str(tmp_path / "p")],
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "-d projectname: copier4fair has no question 'projectname'" in proc.stderr
    assert "Did you mean -d project_name=...?" in proc.stderr
    assert not (tmp_path / "p").exists()


@pytest.mark.full
def test_an_older_copier_is_refused_with_the_version_needed(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "venv")
    run([str(python), "-m", "pip", "install", "-q", "copier==9.5.0"], cwd=tmp_path, timeout=900)
    old_copier = str(python.with_name("copier"))
    proc = attempt(
        [old_copier, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", str(TEMPLATE),
         str(tmp_path / "p")],
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "This template requires Copier version >= 9.6.0" in proc.stdout + proc.stderr
    assert not (tmp_path / "p").exists()
