"""The raw inputs of `make features`, cut into partitions that Dask workers read on their own.

A partition is a row range of the raw table (`data.raw_file`, CSV or Parquet) or, in a
high-energy-physics project, an entry range of the ROOT tree of one sample file when
`data.ntuples` is set (data/samples.py; the label of its events is the sample's, the features
come from data/ntuple.py).
`load` is what a worker runs: it reads one partition and returns its features and labels.
Sizes are set by `dask.partition_size` in config/pipeline.yaml.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import project
from ..config import CONFIG_FILE, Config, ConfigError
from . import manifest, table
from .schema import Feature

if TYPE_CHECKING:  # data/samples.py is in high-energy-physics projects only
    from .samples import Sample


@dataclass(frozen=True)
class Partition:
    """One part of an input file: [start, stop) in bytes (CSV), rows (Parquet) or entries (ROOT).

    `tree` and `label` are set for a ROOT sample only.
    """

    path: str
    start: int
    stop: int
    tree: str | None = None
    label: int | None = None


def partition_size(config: Config) -> int:
    """Rows (or entries) per partition: `dask.partition_size`.

    Args:
        config: the checked configuration.

    Returns:
        The number of rows of a raw table (or entries of a ROOT tree) a partition should have.
    """
    return config.dask.partition_size


def ntuple_samples(config: Config) -> list[Sample]:
    """The ROOT samples of `data.ntuples` (data/samples.py); [] if it is not set.

    Args:
        config: the checked configuration.

    Returns:
        The samples in the order of the setting, their file patterns resolved; [] when
        `data.ntuples` is not set (the raw input is then `data.raw_file`).

    Raises:
        ConfigError: the setting is wrong, or set in a project of another domain than
            high-energy physics.
    """
    if project.DOMAIN == "hep":
        from .samples import ntuple_samples as samples_of

        return samples_of(config)
    if config.data.ntuples:
        raise ConfigError(
            f"{CONFIG_FILE}: 'data.ntuples' (ROOT files) is read by high-energy-physics projects "
            "only; convert the data to CSV or Parquet and set data.raw_file"
        )
    return []


def ntuple_features(config: Config) -> list[Feature]:
    """The features data/ntuple.py computes while `data.ntuples` is set (HEP); else [].

    Args:
        config: the checked configuration.

    Returns:
        FEATURES of data/ntuple.py (`samples.ntuple_features`), each with name, unit and
        meaning, in column order; [] without ROOT samples.

    Raises:
        GeneratorError: data/ntuple.py's FEATURES cannot name columns.
    """
    if project.DOMAIN != "hep" or not config.data.ntuples:
        return []
    from .samples import ntuple_features as features_of

    return list(features_of())


def raw_files(config: Config) -> list[Path]:
    """The raw files the features are built from (each checked against its manifest).

    Args:
        config: the checked configuration.

    Returns:
        The files of every sample of `data.ntuples` in order, or else [data.raw_file].

    Raises:
        ConfigError: `data.ntuples` is wrong (`ntuple_samples`).
    """
    samples = ntuple_samples(config)
    if samples:
        return [path for sample in samples for path in sample.files]
    return [config.data.raw_file]


def plan(config: Config) -> list[Partition]:
    """Cut every raw input into partitions of `dask.partition_size` rows (or entries).

    Args:
        config: the checked configuration.

    Returns:
        The partitions in file order, each with the absolute path of its file: entry ranges of
        each sample file's tree (with the sample's label), or else parts of data.raw_file
        (byte ranges of a CSV table, row ranges of a Parquet one; `table.parts`).

    Raises:
        ConfigError: `data.ntuples` is wrong (`ntuple_samples`).
        FileNotFoundError: the raw table is missing.
        TableError: the raw table is not the table its name says, or its header is wrong.
    """
    size = partition_size(config)
    samples = ntuple_samples(config)
    if samples:
        from .samples import entry_ranges, ntuple_tree

        tree = ntuple_tree(config)
        return [
            Partition(str(path.resolve()), start, stop, tree, sample.label)
            for sample in samples
            for path in sample.files
            for start, stop in entry_ranges(path, tree, size)
        ]
    raw = config.data.raw_file
    return [Partition(str(raw.resolve()), start, stop) for start, stop in table.parts(raw, size)]


def _visible(path: str) -> Path:
    """The input at `path`, or a FileNotFoundError that says where it is missing."""
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"{path} cannot be read by the Dask worker on {socket.gethostname()}: workers read "
            "the inputs by their absolute paths, so run them where the project's file system is "
            "mounted (e.g. AFS, EOS or NFS)"
        )
    return Path(path)


def checksum(path: str) -> str:
    """The sha256 of one input file (on a Dask worker, so that big inputs hash in parallel).

    Args:
        path: the file's absolute path, as `Partition.path` gives it.

    Returns:
        The hex digest of the file's bytes.

    Raises:
        FileNotFoundError: the worker cannot see the file (it is not on a shared file system).
    """
    return manifest.sha256_of(_visible(path))


def load(partition: Partition) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read one partition (on a Dask worker); return (features, labels, feature names).

    Args:
        partition: the part of a raw file to read, as `plan` cut it.

    Returns:
        (features, labels, names): the features as float64, shape [events, features], in the
        units of their columns; the 0/1 labels as int64, shape [events] (a ROOT sample's events
        all get the sample's label); the feature names in column order.

    Raises:
        FileNotFoundError: the worker cannot see the file (it is not on a shared file system).
        TableError: the raw table's header is wrong, a cell is not a number or a label not 0
            or 1.
        ValueError: a ROOT file is not one, or lacks the tree or a branch (data/ntuple.py).
    """
    _visible(partition.path)
    if partition.tree is not None and partition.label is not None:
        from .samples import read

        x, names = read(partition.path, partition.tree, partition.start, partition.stop)
        return x, np.full(len(x), partition.label, dtype=np.int64), names
    return table.read_part(Path(partition.path), partition.start, partition.stop)
