"""Provenance recorded with every trained model: data checksums, configuration, code version.

The record names the raw inputs by their sha256 (as recorded by `make data` and verified by
`make features`), the training table by its own, holds a copy of config/pipeline.yaml with its
sha256, and the package version and git commit of the code that trained the model.
"""

from __future__ import annotations

import datetime as dt
import platform
from typing import Any

from . import __version__
from .config import Config
from .data import manifest, partitions
from .vcs import git_commit


def raw_data_sha256(config: Config) -> dict[str, str]:
    """The sha256 of each raw input, as recorded in its manifest (the files are not hashed).

    Args:
        config: the configuration; its raw files are `partitions.raw_files(config)`.

    Returns:
        {path relative to the project (absolute if outside it): sha256 in hexadecimal}.

    Raises:
        ChecksumError: a raw file has no manifest entry (run `make data`).
    """
    root = config.root.resolve()
    digests = {}
    for path in partitions.raw_files(config):
        try:
            name = path.resolve().relative_to(root).as_posix()
        except ValueError:
            name = str(path)
        digests[name] = manifest.recorded(path)
    return digests


def provenance(config: Config, data_sha256: dict[str, str]) -> dict[str, Any]:
    """The provenance record of a training run, stored in the model's training.json.

    Args:
        config: the configuration the model was trained with.
        data_sha256: {table name: sha256} of the tables the model was trained on.

    Returns:
        The record: creation time (UTC, ISO 8601), package version, git commit, Python
        version, the configuration and its sha256, and the sha256 of the raw and the training
        data.

    Raises:
        ChecksumError: a raw file has no manifest entry (`raw_data_sha256`).
        OSError: config/pipeline.yaml cannot be read (`Config.sha256`).
    """
    return {
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),  # noqa: UP017
        "package_version": __version__,
        "git_commit": git_commit(config.root),
        "python": platform.python_version(),
        "config_sha256": config.sha256(),
        "config": config.raw,
        "raw_data_sha256": raw_data_sha256(config),
        "data_sha256": data_sha256,
    }
