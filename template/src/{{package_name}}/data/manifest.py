"""sha256 manifests of raw data, in the format of `sha256sum` (check with `sha256sum -c`).

A manifest (MANIFEST.sha256) has one line per file: 64 hexadecimal digits, two spaces and the
file's path relative to the manifest's folder, as GNU coreutils' `sha256sum` writes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ..files import write_text
from ..layout import MANIFEST_NAME


class ChecksumError(Exception):
    """A file does not match the checksum recorded for it."""


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    """The sha256 of a file (FIPS 180-4), read in chunks so that any size fits in memory.

    Args:
        path: the file.
        chunk_size: bytes read at a time (default 1 MiB).

    Returns:
        The digest in lower-case hexadecimal (64 characters), as `sha256sum` prints it.

    Raises:
        OSError: the file cannot be read (FileNotFoundError when it is missing).
    """
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(manifest: Path) -> dict[str, str]:
    """The entries of a manifest.

    Args:
        manifest: the manifest file; it need not exist.

    Returns:
        {file name relative to the manifest's folder: sha256}; empty when there is no manifest.

    Raises:
        ChecksumError: a line is not '<sha256>  <file name>' (64 characters, two spaces, a name).
        OSError: the manifest exists but cannot be read.
    """
    if not manifest.is_file():
        return {}
    entries: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise ChecksumError(f"{manifest}:{number}: expected '<sha256>  <file name>'")
        entries[name] = digest
    return entries


def _name(path: Path, manifest: Path) -> str:
    """The entry of `path` in `manifest`: its path relative to the manifest's folder."""
    try:
        return path.resolve().relative_to(manifest.parent.resolve()).as_posix()
    except ValueError:
        return path.name


def record(path: Path, manifest: Path | None = None) -> str:
    """Add or replace the checksum of `path` in a manifest.

    Args:
        path: the file to record.
        manifest: the manifest (default: MANIFEST.sha256 in the folder of `path`).

    Returns:
        The sha256 of `path`, in hexadecimal.

    Raises:
        ChecksumError: the manifest has a malformed line.
        OSError: the file cannot be read or the manifest written.
    """
    manifest = manifest or path.parent / MANIFEST_NAME
    return record_many([path], manifest)[0]


def record_many(paths: Sequence[Path], manifest: Path) -> list[str]:
    """Add or replace the checksums of `paths` in `manifest`, written once, atomically.

    Args:
        paths: the files to record.
        manifest: the manifest; the other entries it has are kept.

    Returns:
        The sha256 of each file, in the order of `paths`.

    Raises:
        ChecksumError: the manifest has a malformed line.
        OSError: a file cannot be read or the manifest written.
    """
    entries = read_manifest(manifest)
    digests = []
    for path in paths:
        digests.append(sha256_of(path))
        entries[_name(path, manifest)] = digests[-1]
    lines = [f"{digest}  {name}\n" for name, digest in sorted(entries.items())]
    write_text(manifest, "".join(lines))
    return digests


def recorded(path: Path, manifest: Path | None = None, fix: str | None = None) -> str:
    """The sha256 recorded for `path` in a manifest, without hashing the file.

    Args:
        path: the file.
        manifest: the manifest (default: MANIFEST.sha256 in the folder of `path`).
        fix: what the error asks the user to do (default: re-run the step that writes it).

    Returns:
        The recorded sha256, in hexadecimal.

    Raises:
        ChecksumError: the manifest is missing, malformed, or has no entry for `path`.
    """
    manifest = manifest or path.parent / MANIFEST_NAME
    digest = read_manifest(manifest).get(_name(path, manifest))
    if digest is None:
        fix = fix or "re-run the step that writes it"
        if not manifest.is_file():
            raise ChecksumError(f"{path}: {manifest} is missing, so nothing is recorded; {fix}")
        raise ChecksumError(f"{path} has no entry in {manifest}; {fix}")
    return digest


def verify(
    path: Path,
    manifest: Path | None = None,
    actual: str | None = None,
    fix: str | None = None,
    rewrite: str = "re-run the step that writes it",
) -> str:
    """Check `path` against its manifest entry.

    Args:
        path: the file.
        manifest: its manifest (default: MANIFEST.sha256 in its folder).
        actual: the file's sha256 if it was computed elsewhere (e.g. on a Dask worker).
        fix: what a missing entry asks the user to do (see `recorded`).
        rewrite: how a missing or changed file is written again, besides restoring it.

    Returns:
        The sha256 of the file, in hexadecimal (equal to the recorded one).

    Raises:
        ChecksumError: the entry is missing, the file is missing, or its sha256 differs.
        OSError: the file cannot be read.
    """
    manifest = manifest or path.parent / MANIFEST_NAME
    expected = recorded(path, manifest, fix)
    if not path.is_file():
        raise ChecksumError(f"{path} is listed in {manifest} but missing: restore it, or {rewrite}")
    actual = actual or sha256_of(path)
    if actual != expected:
        raise ChecksumError(
            f"{path} does not match {manifest} (sha256 {actual}, expected {expected}): "
            "the file changed since it was recorded; restore it (git, the archive or a fresh "
            f"download), or {rewrite}"
        )
    return actual


def record_or_verify(paths: list[Path]) -> int:
    """Verify each file that has an entry in its folder's manifest, and record the others.

    Args:
        paths: the files; each is looked up in MANIFEST.sha256 of its own folder.

    Returns:
        How many files were recorded for the first time.

    Raises:
        ChecksumError: a recorded file is missing or changed, or a manifest is malformed.
        OSError: a file cannot be read or a manifest written.
    """
    new = 0
    for path in paths:
        manifest = path.parent / MANIFEST_NAME
        if _name(path, manifest) in read_manifest(manifest):
            verify(path, manifest)
        else:
            record(path, manifest)
            new += 1
    return new


def verify_release(manifest: Path, required: Sequence[Path], fix: str) -> list[str]:
    """Check a release: each of `required` is listed in `manifest`, and every listed file matches.

    Args:
        manifest: the release's manifest, e.g. models/<name>/MANIFEST.sha256.
        required: the files the release must list.
        fix: how to write the release again, named in every error.

    Returns:
        The names listed in the manifest, sorted, all checked.

    Raises:
        ChecksumError: the manifest is missing, a required file has no entry, or a file is
            missing or changed.
        OSError: a file cannot be read.
    """
    for path in required:
        verify(path, manifest, fix=fix, rewrite=fix)
    listed = sorted(read_manifest(manifest))
    for name in listed:
        verify(manifest.parent / name, manifest, fix=fix, rewrite=fix)
    return listed
