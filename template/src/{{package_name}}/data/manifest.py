"""sha256 manifests of raw data, in the format of `sha256sum` (check with `sha256sum -c`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ..files import write_text
from ..layout import MANIFEST_NAME


class ChecksumError(Exception):
    """A file does not match the checksum recorded for it."""


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    """Return the hex sha256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(manifest: Path) -> dict[str, str]:
    """Return {file name: sha256} recorded in a manifest (empty if there is none)."""
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
    """Add or replace the checksum of `path` in a manifest (default: its folder's); return it."""
    manifest = manifest or path.parent / MANIFEST_NAME
    return record_many([path], manifest)[0]


def record_many(paths: Sequence[Path], manifest: Path) -> list[str]:
    """Add or replace the checksums of `paths` in `manifest` in one write; return them."""
    entries = read_manifest(manifest)
    digests = []
    for path in paths:
        digests.append(sha256_of(path))
        entries[_name(path, manifest)] = digests[-1]
    lines = [f"{digest}  {name}\n" for name, digest in sorted(entries.items())]
    write_text(manifest, "".join(lines))
    return digests


def recorded(path: Path, manifest: Path | None = None, fix: str | None = None) -> str:
    """The sha256 recorded for `path` in a manifest (default: its folder's), without hashing.

    Raises:
        ChecksumError: the manifest is missing or has no entry for `path`; `fix` says what to
            do (default: re-run the step that writes the file).
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
    """Check `path` against its manifest entry; return the digest or raise ChecksumError.

    Args:
        path: the file.
        manifest: its manifest (default: MANIFEST.sha256 in its folder).
        actual: the file's sha256 if it was computed elsewhere (e.g. on a Dask worker).
        fix: what a missing entry asks the user to do (see `recorded`).
        rewrite: how a missing or changed file is written again, besides restoring it.
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
    """Verify each file that has a manifest entry, record the others; return how many were new."""
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
    """Check that each of `required` is listed in `manifest` and matches, and so does every
    other file listed there; return the names checked.

    Raises:
        ChecksumError: the manifest is missing, a required file has no entry, or a file is
            missing or changed; `fix` says how to write the release again.
    """
    for path in required:
        verify(path, manifest, fix=fix, rewrite=fix)
    listed = sorted(read_manifest(manifest))
    for name in listed:
        verify(manifest.parent / name, manifest, fix=fix, rewrite=fix)
    return listed
