"""The version control of the project: the git commit its files are at.

Standard library only: the FAIR scorecard names the commit it scored (reports/fair.json) in the
Python that runs Copier, as the model's provenance does in the project's environment.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_commit(root: Path) -> str | None:
    """The commit of the project's git work tree.

    Args:
        root: the project folder.

    Returns:
        The full commit hash, with the suffix '-dirty' when a tracked file is modified; None
        when git is missing or `root` is not in a git work tree with a commit.
    """
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{commit}-dirty" if dirty else commit
