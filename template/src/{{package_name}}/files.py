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
    """A file could not be written: the disk is full; its previous version is untouched.

    ``errno`` is the cause's (ENOSPC, EDQUOT or EFBIG: the disk, the quota or the file-size
    limit is full), ``strerror`` the message with the fix.
    """

    def __str__(self) -> str:
        """Return the message alone (it names the file), without OSError's `[Errno N]` prefix."""
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
    """Move the complete file `source` to `target` (same file system) durably.

    `source` is flushed to disk first and the folder after the rename, so that a crash leaves
    either the old or the new file under the name. It gets the permissions `target` had, or
    those of a new file under the umask: a temporary file (0600, tempfile's and pooch's) must
    not make data unreadable to collaborators on a shared area.

    Args:
        source: the complete file, on the same file system as `target`.
        target: where it goes; a file there is replaced.

    Returns:
        `target`.

    Raises:
        OSError: the file could not be flushed, given its permissions or renamed (e.g. `source`
            and `target` are on different file systems).
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

    Args:
        path: the file or folder to write; its parent folder is created if missing.

    Yields:
        `.<name>.<random>.part/<name>` in the folder of `path`: write the file or folder there.

    Raises:
        FileNotFoundError: the code inside wrote nothing at the temporary path.
        WriteError: the disk, the quota or the file-size limit is full (the cause is chained).
        OSError: any other failure to create, flush or rename the file.
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
    """Open a temporary file beside `path` that replaces it when the block ends without error.

    Args:
        path: the file to write.
        binary: open it for bytes; otherwise for UTF-8 text with LF line ends.

    Yields:
        The open stream; see `atomic_path` for what happens on success and on failure.

    Raises:
        WriteError: the disk, the quota or the file-size limit is full.
        OSError: any other failure to write the file.
    """
    with atomic_path(path) as temporary:
        if binary:
            with temporary.open("wb") as stream:
                yield stream
        else:
            with temporary.open("w", encoding="utf-8", newline="\n") as stream:
                yield stream


def write_text(path: Path, text: str) -> Path:
    """Write `text` to `path` atomically: the file appears complete or not at all.

    Args:
        path: the file to write.
        text: its whole content, written as UTF-8 with LF line ends.

    Returns:
        `path`.

    Raises:
        WriteError: the disk, the quota or the file-size limit is full.
        OSError: any other failure to write the file.
    """
    with atomic_write(path) as stream:
        stream.write(text)
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically: the file appears complete or not at all.

    Args:
        path: the file to write.
        data: its whole content.

    Returns:
        `path`.

    Raises:
        WriteError: the disk, the quota or the file-size limit is full.
        OSError: any other failure to write the file.
    """
    with atomic_write(path, binary=True) as stream:
        stream.write(data)
    return path


def copy_file(source: Path, target: Path) -> Path:
    """Copy `source` to `target` atomically: `target` appears complete or not at all.

    Args:
        source: the file to copy.
        target: the copy.

    Returns:
        `target`.

    Raises:
        FileNotFoundError: `source` is missing.
        WriteError: the disk, the quota or the file-size limit is full.
        OSError: any other failure to read or write.
    """
    with atomic_path(target) as temporary:
        shutil.copyfile(source, temporary)
    return target


def remove_stale(folders: Iterable[Path]) -> list[Path]:
    """Remove the temporary folders interrupted writers left in `folders`.

    Only names of the form `.<name>.<random>.part` are touched. One that holds the previous
    version of a folder whose replacement was interrupted gives it back first. Call this only
    while holding the project's lock (step.py), or a running step's file could be removed.

    Args:
        folders: the folders to clean; those that do not exist are skipped.

    Returns:
        The temporary folders removed.

    Raises:
        OSError: a folder could not be removed or restored.
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
