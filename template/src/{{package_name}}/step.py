"""The command line of every pipeline step: `python -m <package>.<module> [--root DIR]`.

A step is a function of the project folder. Its expected failures (a missing or changed input,
a wrong setting) are printed as one `error:` line naming the file and the fix, with exit code 1;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .config import ConfigError
from .data.manifest import ChecksumError

#: Failures every step reports as a message.
EXPECTED: tuple[type[Exception], ...] = (ConfigError, ChecksumError, ValueError, OSError)


def run_step(
    step: Callable[[Path], object],
    description: str | None,
    argv: Sequence[str] | None = None,
    errors: tuple[type[Exception], ...] = (),
    label: str = "error",
) -> int:
    """Parse `--root`, run `step` on it; return the exit code (1 with a message on failure)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder")
    args = parser.parse_args(argv)
    try:
        step(args.root)
    except (*EXPECTED, *errors) as error:
        print(f"{label}: {error}", file=sys.stderr)
        return 1
    return 0
