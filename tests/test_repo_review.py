"""Good neighbours: the generated project passes scientific-python's sp-repo-review with no failure.

The checks that do not apply to an analysis are ignored in the project's own pyproject.toml,
`[tool.repo-review.ignore]`, each with the reason (the one list: the README points to it). The
list is exact: every entry is a check of the review, shown as skipped with its reason, and each
fails when the table is taken away.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from helpers import MATRIX, attempt, commit_all, generate, git


def review(project: Path) -> dict[str, Any]:
    """sp-repo-review's results of `project`, by check code."""
    proc = attempt(
        [str(Path(sys.executable).with_name("sp-repo-review")), "--format", "json", "."],
        cwd=project,
    )
    checks = json.loads(proc.stdout)["checks"]
    assert len(checks) > 50, proc.stdout + proc.stderr  # the review really ran its families
    return checks


@pytest.mark.parametrize("ci", MATRIX["ci"])
def test_sp_repo_review_passes_and_says_why_a_check_does_not_apply(tmp_path: Path, ci: str) -> None:
    project = generate(tmp_path / "p", ci=ci)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "start")
    pyproject = project / "pyproject.toml"
    ignored = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["repo-review"]["ignore"]
    assert isinstance(ignored, dict) and ignored  # the form that carries reasons
    assert all(isinstance(reason, str) and reason.strip() for reason in ignored.values())

    checks = review(project)
    failed = {code: check["err_msg"] for code, check in checks.items() if check["result"] is False}
    assert failed == {}
    skipped = {code: check["skip_reason"] for code, check in checks.items() if check["skip_reason"]}
    assert skipped == ignored  # each a real check of the review, shown with its reason
    assert ("GH100" in ignored) == (ci not in ("github", "both"))

    # Without the table, exactly the ignored checks fail: none is ignored needlessly.
    document = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    del document["tool"]["repo-review"]
    pyproject.write_text(tomlkit.dumps(document), encoding="utf-8")
    checks = review(project)
    assert {code for code, check in checks.items() if check["result"] is False} == set(ignored)
