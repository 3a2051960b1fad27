"""The command line of every pipeline step: `python -m <package>.<module> [--root DIR]`.

A step is a function of the project folder. Its expected failures (a missing or changed input,
a wrong setting, a full disk) are printed as one `error:` line naming the file and the fix, with
exit code 1; anything else is a bug and keeps its traceback.

Steps of one project never run at the same time: each holds the project's lock file
(.pipeline.lock) while it runs, and a second step started meanwhile stops at once with an
`error:` line instead of waiting (a kill frees the lock: it is the operating system's lock on
the open file, not the file's existence). Holding the lock, a step first removes the temporary
files an interrupted run left behind (files.py), which no running step can still be writing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from filelock import FileLock, Timeout

from . import files
from .config import ConfigError, load_config
from .data import download
from .data.manifest import ChecksumError
from .layout import LOCK_FILE, Layout

#: Failures every step reports as a message.
EXPECTED: tuple[type[Exception], ...] = (ConfigError, ChecksumError, ValueError, OSError)


class BusyError(Exception):
    """Another step of the project is running."""


def remove_leftovers(root: Path) -> list[Path]:
    """Remove the temporary files interrupted runs left in the output folders; return them.

    Call it only while holding the project's lock (`locked`).

    Args:
        root: the project folder; its config/pipeline.yaml says where the outputs are.

    Returns:
        The temporary files removed (also listed in one printed line), [] if none.

    Raises:
        ConfigError: config/pipeline.yaml is missing or wrong.
    """
    layout = Layout(load_config(root))
    removed = files.remove_stale(layout.output_folders())
    removed += download.remove_stale(layout.config.data.raw_file)
    if removed:
        names = ", ".join(str(path) for path in removed)
        print(f"removed {len(removed)} temporary file(s) an interrupted run left: {names}")
    return removed


def locked(root: Path) -> FileLock:
    """The project's lock, acquired without waiting.

    Args:
        root: the project folder, where the lock file .pipeline.lock is.

    Returns:
        The lock, held; release it (`release()`) when the step ends.

    Raises:
        BusyError: another step of the project holds it.
        OSError: the lock file cannot be created (e.g. no such project folder).
    """
    lock = FileLock(root / LOCK_FILE)
    try:
        lock.acquire(blocking=False)
    except Timeout as error:
        raise BusyError(
            f"{root / LOCK_FILE}: another step of this project is running (it holds this lock); "
            "wait for it to finish, then run this step again"
        ) from error
    return lock


def run_step(
    step: Callable[..., object],
    description: str | None,
    argv: Sequence[str] | None = None,
    errors: tuple[type[Exception], ...] = (),
    label: str = "error",
    flags: dict[str, str] | None = None,
) -> int:
    """Parse `--root` (and `flags`), run `step` under the project's lock; return the exit code.

    Args:
        step: called as `step(root, **flag_values)`.
        description: the help text of the command.
        argv: the arguments (default: the command line).
        errors: further exception types reported as one line instead of a traceback.
        label: the start of that line.
        flags: {name: help} of boolean options `--name`, passed to `step` by keyword.

    Returns:
        The exit code of `run_locked`.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder")
    for name, text in (flags or {}).items():
        parser.add_argument(f"--{name.replace('_', '-')}", action="store_true", help=text)
    args = parser.parse_args(argv)
    options = {name: getattr(args, name) for name in flags or {}}
    return run_locked(args.root, lambda: step(args.root, **options), errors, label)


def run_locked(
    root: Path,
    work: Callable[[], object],
    errors: tuple[type[Exception], ...] = (),
    label: str = "error",
) -> int:
    """Run `work` under the project's lock, after removing what interrupted runs left.

    Args:
        root: the project folder.
        work: the step, or steps (pipeline.py), to run.
        errors: further exception types reported as one line instead of a traceback.
        label: the start of that line.

    Returns:
        0 on success, 1 after printing `<label>: <message>` to stderr, 130 after Ctrl-C
        (one line: the outputs are whole or absent, see files.py).
    """
    try:
        lock = locked(root)
    except (BusyError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        remove_leftovers(root)
        work()
    except (*EXPECTED, *errors) as error:
        print(f"{label}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Ctrl-C: every output is written whole or not at all (files.py), and the next step
        # removes what this one left staged, so one line says so (130: killed by SIGINT).
        print(
            "interrupted: every output of this step is as it was or complete; what it left "
            "half-done is removed when a step next runs",
            file=sys.stderr,
        )
        return 130
    finally:
        lock.release()
    return 0
