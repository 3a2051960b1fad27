"""sha256 manifests of raw data, in the format of `sha256sum` (check with `sha256sum -c`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

MANIFEST_NAME = "MANIFEST.sha256"


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


def record(path: Path, manifest: Path | None = None) -> str:
    """Add or replace the checksum of `path` in the manifest of its folder; return it."""
    manifest = manifest or path.parent / MANIFEST_NAME
    entries = read_manifest(manifest)
    entries[path.name] = sha256_of(path)
    lines = [f"{digest}  {name}\n" for name, digest in sorted(entries.items())]
    tmp = manifest.with_name(manifest.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(manifest)
    return entries[path.name]


def verify(path: Path, manifest: Path | None = None) -> str:
    """Check `path` against its manifest entry; return the digest or raise ChecksumError."""
    manifest = manifest or path.parent / MANIFEST_NAME
    expected = read_manifest(manifest).get(path.name)
    if expected is None:
        raise ChecksumError(f"{path} has no entry in {manifest}: run `make data` to record it")
    actual = sha256_of(path)
    if actual != expected:
        raise ChecksumError(
            f"{path} does not match {manifest} (sha256 {actual}, expected {expected}): "
            "the raw data changed; restore the original file or fetch it again"
        )
    return actual
