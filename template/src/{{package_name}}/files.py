"""Write files so that they appear complete or not at all (never half-written).

A new file gets the permissions any program would give it (0666 less the umask, so that
collaborators in the same group can read the outputs); a replaced file keeps its own.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def _mode(path: Path) -> int:
    """The permission bits `path` should have: its own if it exists, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_write(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; on success rename it to `path`, else remove it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        if binary:
            with os.fdopen(fd, "wb") as stream:
                yield stream
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
                yield stream
        os.chmod(tmp_name, _mode(path))  # mkstemp creates the file private (0600)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` atomically; return the path."""
    with atomic_write(path) as stream:
        stream.write(text)
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically; return the path."""
    with atomic_write(path, binary=True) as stream:
        stream.write(data)
    return path
