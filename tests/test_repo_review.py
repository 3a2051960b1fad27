"""Good neighbours: the generated project passes scientific-python's sp-repo-review, except for
the checks its README lists as not applicable (each with the reason); the list is exact."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from helpers import MATRIX, attempt, commit_all, generate, git


def not_applicable(readme: str) -> set[str]:
    """The check codes the README's 'Checks of good practice' section lists as not applying."""
    section = readme[readme.index("## Checks of good practice") :]
    section = section[: section.index("\n## ", 1)]
    codes: set[str] = set()
    for item in re.findall(r"^- ((?:[A-Z]+\d+(?:, )?)+):", section, flags=re.MULTILINE):
        codes |= set(item.split(", "))
    return codes


@pytest.mark.parametrize("ci", MATRIX["ci"])
def test_sp_repo_review_passes_but_for_the_listed_checks(tmp_path: Path, ci: str) -> None:
    project = generate(tmp_path / "p", ci=ci)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "start")
    proc = attempt(
        [str(Path(sys.executable).with_name("sp-repo-review")), "--format", "json", "."],
        cwd=project,
    )
    result = json.loads(proc.stdout)
    failed = {code for code, check in result["checks"].items() if check["result"] is False}
    listed = not_applicable((project / "README.md").read_text(encoding="utf-8"))
    assert failed == listed
    assert len(result["checks"]) > 50  # the review really ran its families
