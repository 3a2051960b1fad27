"""Read and write the CSV tables of the pipeline (features plus a label column)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..files import atomic_write
from .synthetic import LABEL


def write_table(path: Path, x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> None:
    """Write features and labels as CSV; the file appears complete or not at all."""
    table = np.column_stack([x, y])
    fmt = ["%.6g"] * x.shape[1] + ["%d"]
    with atomic_write(path) as stream:
        np.savetxt(
            stream, table, delimiter=",", header=",".join([*names, LABEL]), comments="", fmt=fmt
        )


def read_table(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a table written by `write_table`; return (features, labels, feature names)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run the step that writes it (see `make help`)")
    with path.open(encoding="utf-8") as stream:
        header = stream.readline().strip().split(",")
    if not header or header[-1] != LABEL:
        raise ValueError(f"{path}: the last column must be '{LABEL}', found {header[-1:]}")
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return table[:, :-1], table[:, -1].astype(np.int64), header[:-1]
