"""Read and write the tables of the pipeline: feature columns plus a 0/1 label column.

Two formats, chosen by the file name: CSV (`.csv`, a header line, comma-separated) and Parquet
(`.parquet`, read and written with pyarrow). A table is read whole or in parts, so that the
features step can spread a large file over Dask workers without any worker reading all of it: a
CSV part is a byte range that starts and ends at line starts, a Parquet part is a run of whole
row groups.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..files import atomic_write
from .synthetic import LABEL

FORMATS = (".csv", ".parquet")
PARQUET_MAGIC = b"PAR1"
#: Rows per Parquet row group written here: small enough that even the toy table splits into
#: several Dask partitions (a partition takes whole row groups), large enough to compress well.
ROW_GROUP_ROWS = 1_000


def _suffix(path: Path) -> str:
    """The table format named by the file name."""
    if path.suffix not in FORMATS:
        raise ValueError(
            f"{path}: unknown table format '{path.suffix}'; use one of {', '.join(FORMATS)}"
        )
    return path.suffix


def _format(path: Path) -> str:
    """The format of an existing table, its content checked against its name."""
    suffix = _suffix(path)
    with path.open("rb") as stream:
        looks_parquet = stream.read(4) == PARQUET_MAGIC
    if looks_parquet != (suffix == ".parquet"):
        actual = "Parquet" if looks_parquet else "not Parquet"
        raise ValueError(
            f"{path}: the file is {actual} but named '{suffix}'; name it to match its content "
            "(data.raw_file in config/pipeline.yaml)"
        )
    return suffix


def write_table(path: Path, x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> None:
    """Write features and labels; the file appears complete or not at all."""
    if _suffix(path) == ".parquet":
        columns = {name: x[:, i] for i, name in enumerate(names)}
        table = pa.table({**columns, LABEL: y.astype(np.int64)})
        with atomic_write(path, binary=True) as stream:
            pq.write_table(table, stream, row_group_size=ROW_GROUP_ROWS)
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


def _require(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run the step that writes it (see `make help`)")
    return _format(path)


def columns(path: Path) -> list[str]:
    """The column names of a table, checked to hold the label column."""
    if _require(path) == ".parquet":
        header = list(pq.read_schema(path).names)
    else:
        with path.open("rb") as stream:
            first = stream.readline()
        try:
            header = first.decode("utf-8").strip().split(",")
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: the header line is not UTF-8 text ({error})") from error
    if LABEL not in header:
        raise ValueError(f"{path}: no '{LABEL}' column (0 or 1 per row); found {header}")
    return header


def parts(path: Path, rows: int) -> list[tuple[int, int]]:
    """Cut a table into parts of about `rows` rows: [(start, stop), ...] for `read_part`.

    CSV: byte offsets of line starts after the header (one pass over the file). Parquet: row
    numbers at row-group boundaries, so a part never decodes a row group another part reads.
    """
    if _require(path) == ".parquet":
        metadata = pq.ParquetFile(path).metadata
        bounds, offset, start = [], 0, 0
        for index in range(metadata.num_row_groups):
            offset += metadata.row_group(index).num_rows
            if offset - start >= rows:
                bounds.append((start, offset))
                start = offset
        return [*bounds, (start, offset)] if offset > start or not bounds else bounds
    size = path.stat().st_size
    with path.open("rb") as stream:
        header = len(stream.readline())
        starts, lines, position = [header], 0, header
        for block in iter(lambda: stream.read(1 << 20), b""):
            found = block.find(b"\n")
            while found != -1:
                lines += 1
                if lines % rows == 0 and position + found + 1 < size:
                    starts.append(position + found + 1)
                found = block.find(b"\n", found + 1)
            position += len(block)
    return list(zip(starts, [*starts[1:], size], strict=True))


def _split(
    path: Path, table: np.ndarray, header: list[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    label = header.index(LABEL)
    names = header[:label] + header[label + 1 :]
    y = table[:, label]
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{path}: the '{LABEL}' column must hold 0 or 1 in every row")
    return np.delete(table, label, axis=1), y.astype(np.int64), names


def read_part(path: Path, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read one part given by `parts`; return (features, labels, feature names)."""
    header = columns(path)
    if path.suffix == ".parquet":
        parquet = pq.ParquetFile(path)
        groups, offset = [], 0
        for index in range(parquet.metadata.num_row_groups):
            if start <= offset < stop:
                groups.append(index)
            offset += parquet.metadata.row_group(index).num_rows
        part = parquet.read_row_groups(groups, columns=header)
        table = np.column_stack(
            [part.column(name).to_numpy().astype(np.float64) for name in header]
        ).reshape(-1, len(header))
    else:
        with path.open("rb") as stream:
            stream.seek(start)
            text = stream.read(stop - start)
        if not text.strip():
            table = np.empty((0, len(header)))
        else:
            try:
                table = np.loadtxt(io.BytesIO(text), delimiter=",", ndmin=2, encoding="utf-8")
            except ValueError as error:
                raise ValueError(f"{path}: a row is not {len(header)} numbers ({error})") from error
        table = table.reshape(-1, len(header))
    return _split(path, table, header)


def read_table(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a whole table; return (features, labels, feature names)."""
    if _require(path) == ".parquet":
        rows = pq.ParquetFile(path).metadata.num_rows
        return read_part(path, 0, rows)
    with path.open("rb") as stream:
        header = len(stream.readline())
    return read_part(path, header, path.stat().st_size)
