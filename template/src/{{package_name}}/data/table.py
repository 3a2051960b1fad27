"""Read and write the tables of the pipeline: feature columns plus a 0/1 label column.

Two formats, chosen by the file name: CSV (`.csv`, a header line, comma-separated) and Parquet
(`.parquet`, read and written with pyarrow). Tables can be read in row ranges, so that the
features step can spread a large file over Dask workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..files import atomic_write
from .synthetic import LABEL

FORMATS = (".csv", ".parquet")


def _format(path: Path) -> str:
    if path.suffix not in FORMATS:
        raise ValueError(
            f"{path}: unknown table format '{path.suffix}'; use one of {', '.join(FORMATS)}"
        )
    return path.suffix


def write_table(path: Path, x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> None:
    """Write features and labels; the file appears complete or not at all."""
    if _format(path) == ".parquet":
        columns = {name: x[:, i] for i, name in enumerate(names)}
        table = pa.table({**columns, LABEL: y.astype(np.int64)})
        with atomic_write(path, binary=True) as stream:
            pq.write_table(table, stream)
        return
    fmt = ["%.6g"] * x.shape[1] + ["%d"]
    with atomic_write(path) as stream:
        np.savetxt(
            stream,
            np.column_stack([x, y]),
            delimiter=",",
            header=",".join([*names, LABEL]),
            comments="",
            fmt=fmt,
        )


def _require(path: Path) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run the step that writes it (see `make help`)")


def columns(path: Path) -> list[str]:
    """The column names of a table, checked to hold the label column."""
    _require(path)
    if _format(path) == ".parquet":
        header = list(pq.read_schema(path).names)
    else:
        with path.open(encoding="utf-8") as stream:
            header = stream.readline().strip().split(",")
    if LABEL not in header:
        raise ValueError(f"{path}: no '{LABEL}' column (0 or 1 per row); found {header}")
    return header


def count_rows(path: Path) -> int:
    """The number of data rows of a table (the CSV header not counted)."""
    _require(path)
    if _format(path) == ".parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    lines, last = 0, b"\n"
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n") - 1


def _split(
    path: Path, table: np.ndarray, header: list[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    label = header.index(LABEL)
    names = header[:label] + header[label + 1 :]
    y = table[:, label]
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{path}: the '{LABEL}' column must hold 0 or 1 in every row")
    return np.delete(table, label, axis=1), y.astype(np.int64), names


def read_rows(
    path: Path, start: int = 0, stop: int | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read rows [start, stop) of a table; return (features, labels, feature names)."""
    header = columns(path)
    stop = count_rows(path) if stop is None else stop
    if stop <= start:
        return _split(path, np.empty((0, len(header))), header)
    if _format(path) == ".parquet":
        parquet = pq.ParquetFile(path)
        groups, first, offset = [], None, 0
        for index in range(parquet.metadata.num_row_groups):
            size = parquet.metadata.row_group(index).num_rows
            if offset < stop and offset + size > start:
                groups.append(index)
                first = offset if first is None else first
            offset += size
        part = parquet.read_row_groups(groups).slice(start - (first or 0), stop - start)
        table = np.column_stack(
            [part.column(name).to_numpy().astype(np.float64) for name in header]
        )
    else:
        rows = stop - start
        table = np.loadtxt(path, delimiter=",", skiprows=1 + start, max_rows=rows, ndmin=2)
    return _split(path, table, header)


def read_table(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a whole table; return (features, labels, feature names)."""
    return read_rows(path)
