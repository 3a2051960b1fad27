"""`make clean`: remove the outputs the pipeline rebuilds, by name (layout.py).

The temporary files interrupted runs left go too; a file of yours in the same folders is never
touched. Raw and external data and the model release in models/ are never removed.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .config import load_config
from .layout import Layout
from .step import run_step


def clean(root: Path) -> list[Path]:
    """Remove the outputs the pipeline rebuilds, `Layout.rebuildable()`, and say how many.

    The temporary files of interrupted runs go first, in `run_step` (see `main`).

    Args:
        root: the project folder.

    Returns:
        The files and folders removed, in the order of `Layout.rebuildable()`; those that did
        not exist are not listed.

    Raises:
        ConfigError: config/pipeline.yaml is missing or invalid (`load_config`).
        OSError: a file or folder could not be removed.
    """
    removed = []
    for path in Layout(load_config(root)).rebuildable():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            continue
        removed.append(path)
    print(f"removed {len(removed)} output(s) the pipeline rebuilds")
    return removed


def main(argv: Sequence[str] | None = None) -> int:
    """Run `make clean`: `clean` under the project's lock (`run_step`).

    Args:
        argv: the command-line arguments (`--root`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line.
    """
    return run_step(clean, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
