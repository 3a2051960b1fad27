"""mypy checks the template repository's own Python (hooks/, bench/, tests/) as it is.

The settings are pyproject.toml's [tool.mypy]; the generated project's code (template/) is
checked in the generated projects instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import TEMPLATE, run


def test_mypy_passes_on_the_repository(tmp_path: Path) -> None:
    # A fresh cache in tmp_path: nothing is written into the work tree, nothing stale is read.
    out = run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
        cwd=TEMPLATE,
        timeout=300,
    )
    assert "Success: no issues found" in out, out
