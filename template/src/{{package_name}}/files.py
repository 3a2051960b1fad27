"""The one writer of the pipeline: every file a step writes appears complete or not at all.

A file (or a folder, such as a HEPData submission) is written under a temporary name in the
target's own folder, `.<name>.<random>.part/<name>`, flushed to disk (fsync), then renamed into
place with `os.replace`. If the step fails (an exception, a full disk, a kill), the previous
version stays untouched; the temporary folder an interrupted run leaves behind is removed by the
next step (`remove_stale`, called under the project's lock, see step.py).

A new file gets the permissions any program would give it (0666 less the umask, so that
collaborators in the same group can read the outputs); a replaced file keeps its own.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

#: The temporary folders of `atomic_path`: `.<name>.<8 random characters>.part`.
STALE_PATTERN = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.part$")
#: Inside a temporary folder: the previous version of a folder that is being replaced.
PREVIOUS = ".previous"
#: Failures that mean the disk (or the quota, or the file-size limit) is full.
FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class WriteError(OSError):
    """A file could not be written; its previous version is untouched."""

    def __str__(self) -> str:
        """The message alone (it names the file), without OSError's `[Errno N]` prefix."""
        return str(self.strerror)


def _mode(path: Path) -> int:
    """The permission bits `path` should have: its own if it exists, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync(path: Path) -> None:
    """Flush a file, or every file of a folder and the folder itself, to the disk."""
    if path.is_dir():
        for child in path.iterdir():
            _fsync(child)
    elif not path.is_file():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(source: Path, target: Path) -> Path:
    """Move the complete file `source` to `target` (same file system) durably; return `target`.

    `source` is flushed to disk first and the folder after the rename, so that a crash leaves
    either the old or the new file under the name. It gets the permissions `target` had, or
    those of a new file under the umask: a temporary file (0600, tempfile's and pooch's) must
    not make data unreadable to collaborators on a shared area.
    """
    os.chmod(source, _mode(target))
    _fsync(source)
    os.replace(source, target)
    _fsync(target.parent)
    return target


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path, named like `path`, for a library that writes a file or folder.

    On success what was written there replaces `path` (a folder replaces a folder); on any
    failure it is removed and `path` is left as it was.

    Raises:
        FileNotFoundError: the code inside wrote nothing at the temporary path.
        WriteError: the disk, the quota or the file-size limit is full (the cause is chained).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
    temporary = folder / path.name
    try:
        yield temporary
        if not temporary.exists():
            raise FileNotFoundError(f"{path}: nothing was written, so it was left as it was")
        if temporary.is_dir():
            _fsync(temporary)
            if path.is_dir():
                # A folder cannot replace a folder in one step: keep the old one aside inside
                # the temporary folder; `remove_stale` puts it back if a kill comes in between.
                os.replace(path, folder / PREVIOUS)
            os.replace(temporary, path)
            _fsync(path.parent)
        else:
            replace(temporary, path)
    except OSError as error:
        if error.errno in FULL and not isinstance(error, WriteError):
            raise WriteError(
                error.errno,
                f"{path}: could not be written ({os.strerror(error.errno)}); its previous "
                "version is untouched: free disk space (or raise the quota, or the file-size "
                "limit of ulimit -f) and run the step again",
            ) from error
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def atomic_write(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` (UTF-8 text or `binary`); see `atomic_path`."""
    with atomic_path(path) as temporary:
        if binary:
            with temporary.open("wb") as stream:
                yield stream
        else:
            with temporary.open("w", encoding="utf-8", newline="\n") as stream:
                yield stream


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


def copy_file(source: Path, target: Path) -> Path:
    """Copy `source` to `target` atomically; return `target`."""
    with atomic_path(target) as temporary:
        shutil.copyfile(source, temporary)
    return target


def remove_stale(folders: Iterable[Path]) -> list[Path]:
    """Remove the temporary folders interrupted writers left in `folders`; return them.

    Only names of the form `.<name>.<random>.part` are touched. One that holds the previous
    version of a folder whose replacement was interrupted gives it back first. Call this only
    while holding the project's lock (step.py), or a running step's file could be removed.
    """
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            match = STALE_PATTERN.match(child.name)
            if not match or not child.is_dir():
                continue
            previous, target = child / PREVIOUS, folder / match["name"]
            if previous.is_dir() and not target.exists():
                os.replace(previous, target)
            shutil.rmtree(child)
            removed.append(child)
    return removed
