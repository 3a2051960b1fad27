"""`make clean`: remove the outputs the pipeline rebuilds, by name (layout.py), and the temporary
files interrupted runs left; a file of yours in the same folders is never touched.

Raw and external data and the model release in models/ are never removed.
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
    """Remove `Layout.rebuildable()` (the temporaries go first, in run_step); return what went."""
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
    """Command-line entry point; returns the exit code."""
    return run_step(clean, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
