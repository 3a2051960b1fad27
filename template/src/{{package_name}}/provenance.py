"""Provenance recorded with every trained model: data checksums, configuration, code version."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from pathlib import Path
from typing import Any

from . import __version__


def git_commit(root: Path) -> str | None:
    """Return the commit of the project's git work tree (suffix '-dirty' if modified), or None."""
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


def provenance(root: Path, data_sha256: dict[str, str], config_sha256: str) -> dict[str, Any]:
    """Return the provenance record of a training run."""
    return {
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),  # noqa: UP017
        "package_version": __version__,
        "git_commit": git_commit(root),
        "python": platform.python_version(),
        "config_sha256": config_sha256,
        "data_sha256": data_sha256,
    }
