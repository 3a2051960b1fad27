"""The template's README: its quick start works as written, and CI runs its test command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import TEMPLATE, run


def quick_start_commands() -> list[str]:
    """The commands of the first code block under '## Quick start', comments stripped."""
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert block, "no bash block in the quick start"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command() -> None:
    demo, test = quick_start_commands()
    assert demo == "make demo"
    assert test == "make test"
    ci = (TEMPLATE / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test


@pytest.mark.full
def test_quick_start_demo_on_a_fresh_copy(tmp_path: Path) -> None:
    """`make demo` from a fresh copy of the repository (no .venv) generates and tests a project."""
    clone = tmp_path / "copier4fair"
    shutil.copytree(
        TEMPLATE, clone, ignore=shutil.ignore_patterns(".venv*", "build", "__pycache__")
    )
    out = run(["make", "demo"], cwd=clone, timeout=1800)
    assert re.search(r"\d+ passed", out), out[-2000:]
    assert (clone / "build" / "demo" / "CITATION.cff").is_file()
