"""Download the raw data set with pooch, verified by its sha256, never over an existing file.

`data.source` in config/pipeline.yaml is an https:// URL or a pooch DOI address
(doi:10.5281/zenodo.1234567/events.csv, for Zenodo, figshare and Dataverse); `data.sha256` is
the expected checksum. The file is downloaded into data/raw/.download/ and moved to its final
name only when it is complete and its checksum matches: an interrupted download leaves nothing
under the final name, and a file with the wrong checksum is kept aside in data/raw/.rejected/
for inspection. Before it is moved into place, the file must be what `check` accepts (the
table of the declared format with its columns, see table.check_table): a web page answered
with status 200 instead of the file is kept aside there too, never recorded as raw data.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from ..config import CONFIG_FILE, SHA256_PATTERN, SOURCE_PATTERN, ConfigError, unprotected_source
from ..files import replace
from ..layout import DOWNLOAD_DIR
from .manifest import ChecksumError, sha256_of

STAGING = DOWNLOAD_DIR
#: pooch's temporary files while it downloads (tempfile.NamedTemporaryFile in the staging folder).
POOCH_TEMPORARY = "tmp"
REJECTED = ".rejected"


class DownloadError(Exception):
    """The data set could not be downloaded."""


def check_source(source: str, sha256: str | None) -> None:
    """Check `data.source` and `data.sha256` of config/pipeline.yaml before a download.

    Args:
        source: an http(s):// or ftp:// URL, or a pooch DOI address
            (doi:<DOI>/<file name>), as `config.SOURCE_PATTERN` defines them.
        sha256: the expected checksum (64 lower-case hexadecimal digits), or None.

    Raises:
        ConfigError: `source` or `sha256` is malformed, or `source` is unencrypted without a
            `sha256` (`config.unprotected_source`); the message names data.source or
            data.sha256 and gives the fix.
    """
    if not SOURCE_PATTERN.match(source):
        raise ConfigError(
            f"{CONFIG_FILE}: data.source: {source!r} is not 'synthetic', an https:// URL or a "
            "DOI address. Fix: write e.g. source: doi:10.5281/zenodo.1234567/events.csv"
        )
    if sha256 is not None and not SHA256_PATTERN.match(sha256):
        raise ConfigError(
            f"{CONFIG_FILE}: data.sha256: {sha256!r} is not 64 lower-case hexadecimal digits. "
            "Fix: write the output of `sha256sum` of the file"
        )
    problem = unprotected_source(source, sha256)
    if problem:
        raise ConfigError(f"{CONFIG_FILE}: data.source: {problem}")


def _reject(fetched: Path, destination: Path) -> Path:
    """Keep a refused download aside in data/raw/.rejected/ for inspection; return its path."""
    rejected = destination.parent / REJECTED / destination.name
    rejected.parent.mkdir(parents=True, exist_ok=True)
    replace(fetched, rejected)
    with contextlib.suppress(OSError):  # other downloads may still be staged there
        fetched.parent.rmdir()
    return rejected


def download(
    source: str,
    destination: Path,
    sha256: str | None,
    check: Callable[[Path], object] | None = None,
) -> str:
    """Download `source` to `destination` (which must not exist), verified before it is moved.

    Args:
        source: an https:// (or http://, ftp://) URL or a pooch DOI address
            (doi:10.5281/zenodo.1234567/events.csv: Zenodo, figshare, Dataverse).
        destination: the raw file to write.
        sha256: the expected checksum (hexadecimal), or None for a first download that
            cannot be verified.
        check: called with the complete download before it is moved into place; it raises
            TableError for a file that is not the table it should be (`table.check_table`).

    Returns:
        The sha256 of the file written, in hexadecimal.

    Raises:
        FileExistsError: `destination` exists.
        ConfigError: `source` or `sha256` is malformed.
        DownloadError: the download failed; nothing was written.
        ChecksumError: the download has another sha256; it is kept aside in data/raw/.rejected.
        TableError: `check` refused the download; it is kept aside in data/raw/.rejected.
        OSError: the staged file could not be moved into place.
    """
    import pooch  # here, not above: `make clean` and the lock's clean-up need no pooch

    if destination.exists():
        raise FileExistsError(f"{destination} exists: raw data are never overwritten")
    check_source(source, sha256)
    staging = destination.parent / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    partial = staging / destination.name
    partial.unlink(missing_ok=True)
    pooch.get_logger().setLevel(logging.WARNING)  # not "Use this value as known_hash"
    try:
        fetched = Path(
            pooch.retrieve(
                source, known_hash=None, fname=partial.name, path=staging, progressbar=True
            )
        )
    except Exception as error:  # requests, pooch and OS errors all mean the same to the user
        partial.unlink(missing_ok=True)
        raise DownloadError(
            f"downloading {source} failed ({type(error).__name__}: {error}); nothing was written "
            f"to {destination}: check the address and your network, then run `make data` again"
        ) from error
    digest = _accept(fetched, source, destination, sha256, check)
    replace(fetched, destination)
    with contextlib.suppress(OSError):  # other downloads may still be staged there
        staging.rmdir()
    return digest


def _accept(
    fetched: Path,
    source: str,
    destination: Path,
    sha256: str | None,
    check: Callable[[Path], object] | None,
) -> str:
    """The sha256 of a complete download that is the file expected; a refused one is set aside.

    Raises:
        ChecksumError: the download has another sha256 than `sha256`.
        TableError: `check` refused the download.
    """
    digest = sha256_of(fetched)
    if sha256 is not None and digest != sha256:
        rejected = _reject(fetched, destination)
        raise ChecksumError(
            f"{source} has sha256 {digest}, expected {sha256} (data.sha256 in "
            f"config/pipeline.yaml); the download is kept aside in {rejected} and {destination} "
            "was not written: check the source and the checksum"
        )
    if check is not None:
        from .table import TableError  # here: `make clean` and the lock need no numpy

        try:
            check(fetched)
        except TableError as error:
            rejected = _reject(fetched, destination)
            raise error.noting(
                f"it was downloaded from {source} and is kept aside in {rejected}; "
                f"{destination} was not written nor recorded",
                shown_as=(fetched, destination),
            ) from error
    return digest


def remove_stale(destination: Path) -> list[Path]:
    """Remove what an interrupted download of `destination` left staged.

    pooch's `tmp*` files and the staged copy of `destination` in its staging folder; call it
    only while holding the project's lock (step.py), or a running download would lose its file.

    Args:
        destination: the raw file whose download was interrupted.

    Returns:
        The files removed; the staging folder goes too when nothing else is left in it.

    Raises:
        OSError: a staged file could not be removed.
    """
    staging = destination.parent / STAGING
    if not staging.is_dir():
        return []
    removed = [
        path
        for path in sorted(staging.iterdir())
        if path.is_file()
        and (path.name.startswith(POOCH_TEMPORARY) or path.name == destination.name)
    ]
    for path in removed:
        path.unlink()
    with contextlib.suppress(OSError):  # other files may be staged there
        staging.rmdir()
    return removed
