"""Read and write the tables of the pipeline: feature columns plus a 0/1 label column.

Two formats, chosen by the file name: CSV (`.csv`, a header line, comma-separated) and Parquet
(`.parquet`, read and written with pyarrow: the `parquet` extra of the project, imported only
when a Parquet table is used). A table is read whole or in parts, so that the
features step can spread a large file over Dask workers without any worker reading all of it: a
CSV part is a byte range that starts and ends at line starts, a Parquet part is a run of whole
row groups.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from .. import project
from ..files import atomic_write
from .schema import LABEL, TRUTH_PREFIX, split_columns

FORMATS = (".csv", ".parquet")
PARQUET_MAGIC = b"PAR1"
#: Rows per Parquet row group written here: small enough that even the toy table splits into
#: several Dask partitions (a partition takes whole row groups), large enough to compress well.
ROW_GROUP_ROWS = 1_000
#: Rows read at a time when a whole table is checked (`check_table`).
CHECK_ROWS = 100_000
#: The cells of a CSV table read as a missing value (NaN: the features step drops the row), as
#: spreadsheets and R write them: pandas' default `na_values` (pandas.read_csv), compared
#: without surrounding blanks.
MISSING = frozenset(
    {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
)  # fmt: skip


def _number(cell: str) -> float:
    """A cell of a CSV table as a number; NaN for a missing value (`MISSING`).

    Raises:
        ValueError: the cell is neither a number nor a missing value.
    """
    text = cell.strip()
    return float("nan") if text in MISSING else float(text)


class TableError(ValueError):
    """A table is not feature columns and a 0/1 label column of numbers.

    The format, the header, a cell or a label is wrong, or a label has too few events. The
    message names the file (and the line or row) and ends with ". Fix: " and the fix.
    """

    def noting(self, note: str, shown_as: tuple[Path, Path] | None = None) -> TableError:
        """The same error with `note` added before its fix.

        Args:
            note: what to add, e.g. where a refused download was kept.
            shown_as: (file, name): the file as the message names it and the name to show
                instead (e.g. a staged download by its final name).

        Returns:
            A new TableError; this one is unchanged.
        """
        message = str(self)
        if shown_as is not None:
            message = message.replace(str(shown_as[0]), str(shown_as[1]))
        what, sep, fix = message.partition(". Fix: ")
        return TableError(f"{what}; {note}{sep}{fix}")


def _arrow(path: Path) -> tuple[ModuleType, ModuleType]:
    """Import pyarrow and pyarrow.parquet, to read or write the Parquet table `path`.

    Raises:
        TableError: pyarrow, the `parquet` extra of this project, is not installed.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise TableError(
            f"{path}: Parquet tables need pyarrow, the parquet extra of this project, which is "
            "not installed. Fix: pip install -e '.[parquet]', or use a CSV table (data.raw_file "
            "in config/pipeline.yaml)"
        ) from error
    return pa, pq


def require_reader(path: Path) -> None:
    """Check that the library for the format of the table `path` is installed.

    Args:
        path: a table by its configured name (e.g. data.raw_file), existing or not.

    Raises:
        TableError: the name has no known table suffix, or it is Parquet and pyarrow (the
            `parquet` extra) is not installed; the message names `path` and the fix.
    """
    if _suffix(path) == ".parquet":
        _arrow(path)


def format_of(path: Path) -> str:
    """The format of an existing table, checked against its name.

    Args:
        path: an existing table.

    Returns:
        Its suffix, ".csv" or ".parquet".

    Raises:
        TableError: the suffix is unknown, or the content is not the format of the name (a
            Parquet file named .csv, or the reverse); the message names `path` and the fix.
    """
    return _format(path)


def _suffix(path: Path) -> str:
    """The table format named by the file name."""
    if path.suffix not in FORMATS:
        raise TableError(
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
        raise TableError(
            f"{path}: the file is {actual} but named '{suffix}'. Fix: name it to match its "
            "content (data.raw_file in config/pipeline.yaml)"
        )
    return suffix


def write_table(path: Path, x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> None:
    """Write features and labels as a table; the file appears complete or not at all.

    Args:
        path: the table; its suffix (.csv or .parquet) chooses the format.
        x: the features, shape [events, features], in the units of their columns.
        y: the 0/1 labels, shape [events].
        names: the feature column names, one per column of `x`; the label column is `label`
            (schema.LABEL), written last.

    Raises:
        TableError: the suffix is not a table format, or it is .parquet and pyarrow is
            missing.
        WriteError: the disk is full; the previous file is untouched.
        OSError: any other failure to write the file.
    """
    if _suffix(path) == ".parquet":
        pa, pq = _arrow(path)
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


#: The first bytes of compressed and archive files, and their names (their magic numbers).
ARCHIVES = {
    b"\x1f\x8b": "gzip-compressed",
    b"PK\x03\x04": "ZIP archive",
    b"BZh": "bzip2-compressed",
    b"\xfd7zXZ\x00": "xz-compressed",
    b"\x28\xb5\x2f\xfd": "Zstandard-compressed",
}


def _csv_header(path: Path) -> list[str]:
    """The column names of a CSV file's first line (a UTF-8 byte-order mark is dropped).

    Raises:
        TableError: the file is a web page, or its first line is not UTF-8 text.
    """
    with path.open("rb") as stream:
        first = stream.readline()
    if not first:
        raise TableError(
            f"{path}: is empty (0 bytes). Fix: write the table (its first line the column names, "
            f"one of them '{LABEL}'), or check the address it was downloaded from"
        )
    packed = next((kind for magic, kind in ARCHIVES.items() if first.startswith(magic)), None)
    if packed is not None:
        raise TableError(
            f"{path}: is a {packed} file, not a CSV table. Fix: unpack it and point "
            "data.source at the table itself (or publish the table uncompressed)"
        )
    if first.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<"):
        raise TableError(
            f"{path}: is an HTML or XML page, not a CSV table (a download address that answers "
            "with a web page, e.g. a landing or login page). Fix: use the address of the file "
            "itself (on Zenodo the link of the file, ending in ?download=1)"
        )
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as error:
        raise TableError(
            f"{path}: line 1: the header is not UTF-8 text ({error.reason} at byte "
            f"{error.start}). Fix: save the table as UTF-8 (a spreadsheet's 'CSV UTF-8')"
        ) from error
    return [name.strip() for name in next(csv.reader([line]), [])]


def _check_header(path: Path, header: list[str]) -> list[str]:
    """The header, checked: named, unique columns, a label column and at least one feature.

    Raises:
        TableError: a column has no name or a name twice, or there is no label or no feature.
    """
    if header == [""] or not header:
        raise TableError(
            f"{path}: line 1: the header is empty. Fix: write the column names, comma-separated, "
            f"on the first line, one of them '{LABEL}'"
        )
    if LABEL not in header:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
            hint = " (the header is one column: is the file separated by ';' or tabs?)"
        raise TableError(
            f"{path}: no '{LABEL}' column (0 or 1 per row); found {header}{hint}. Fix: save the "
            f"table comma-separated with a '{LABEL}' column"
        )
    unnamed = [str(number) for number, name in enumerate(header, 1) if not name]
    if unnamed:
        raise TableError(
            f"{path}: line 1: column {', '.join(unnamed)} has no name (a trailing comma?). Fix: "
            "name every column, or remove the empty ones"
        )
    twice = sorted(name for name, count in Counter(header).items() if count > 1)
    if twice:
        raise TableError(
            f"{path}: the column name {', '.join(repr(n) for n in twice)} appears more than once. "
            "Fix: give every column its own name"
        )
    if len(header) < 2:
        raise TableError(
            f"{path}: only the '{LABEL}' column, no feature. Fix: add the feature columns"
        )
    return header


def columns(path: Path) -> list[str]:
    """The column names of a table, checked: unique, named, with a label and a feature column.

    Args:
        path: an existing CSV or Parquet table.

    Returns:
        The names in file order, the label column among them.

    Raises:
        FileNotFoundError: the table is missing.
        TableError: the file is not the table its name says, its header is wrong, or (Parquet)
            a column does not hold numbers.
    """
    if _require(path) == ".parquet":
        pa, pq = _arrow(path)
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as error:
            raise TableError(
                f"{path}: is not a readable Parquet file ({error}). Fix: download or write it again"
            ) from error
        header = _check_header(path, [str(name) for name in schema.names])
        for field in schema:
            kind = field.type
            if not (
                pa.types.is_integer(kind)
                or pa.types.is_floating(kind)
                or pa.types.is_boolean(kind)
                or pa.types.is_decimal(kind)
            ):
                raise TableError(
                    f"{path}: column '{field.name}' holds {kind}, not numbers. Fix: convert it "
                    "to numbers (e.g. categories to 0/1 columns) or drop it"
                )
        return header
    return _check_header(path, _csv_header(path))


def parts(path: Path, rows: int) -> list[tuple[int, int]]:
    """Cut a table into parts of about `rows` rows each, for `read_part`.

    CSV: byte offsets of line starts after the header (one pass over the file). Parquet: row
    numbers at row-group boundaries, so a part never decodes a row group another part reads.

    Args:
        path: an existing CSV or Parquet table.
        rows: the rows a part should have (a Parquet part takes whole row groups, so it may
            have more).

    Returns:
        [(start, stop), ...] in file order: byte offsets (CSV) or row numbers (Parquet),
        `stop` exclusive; at least one part, empty for an empty table.

    Raises:
        FileNotFoundError: the table is missing.
        TableError: it is not the table its name says, or its header is wrong (`columns`).
    """
    columns(path)
    if path.suffix == ".parquet":
        _, pq = _arrow(path)
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


def _rows(path: Path, start: int, text: bytes) -> list[tuple[int, bytes]]:
    """The rows of a CSV part that starts at byte `start`: (line number in the file, line).

    Only for messages: it counts the lines before the part, reading the file up to there.
    """
    before = 0
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(min(1 << 20, start - stream.tell())), b""):
            before += block.count(b"\n")
    lines = enumerate(text.split(b"\n"), before + 1)
    return [(number, line) for number, line in lines if line.rstrip(b"\r")]


def _bad_cell(path: Path, start: int, text: bytes, header: list[str]) -> str:
    """Where the first row of a CSV part that is not one number per column is, and what it holds."""
    for number, line in _rows(path, start, text):
        try:
            cells = next(csv.reader([line.decode("utf-8").rstrip("\r")]))
        except UnicodeDecodeError:
            return (
                f"line {number}: is not UTF-8 text. Fix: save the table as UTF-8 (a "
                "spreadsheet's CSV UTF-8)"
            )
        if len(cells) != len(header):
            return (
                f"line {number}: has {len(cells)} values, the header {len(header)} columns. "
                "Fix: correct the row, or remove it"
            )
        for name, cell in zip(header, cells, strict=True):
            try:
                _number(cell)
            except ValueError:
                held = f"line {number}: column '{name}' holds {cell.strip()!r}, not a number"
                if name == LABEL:
                    return (
                        f"{held}. Fix: code the label as numbers: 1 for {project.CLASS_NAMES[1]}, "
                        f"0 for {project.CLASS_NAMES[0]}"
                    )
                return (
                    f"{held}. Fix: correct the row, or leave a text column (an identifier) out "
                    "of the table: every column but the label is a model input"
                )
    return (
        "a row is not one number per column. Fix: correct the row, or remove it (a missing "
        "value is an empty cell or NA: the features step drops its row)"
    )


def _split(
    path: Path, table: np.ndarray, header: list[str], where: Callable[[int], str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    label = header.index(LABEL)
    names = header[:label] + header[label + 1 :]
    y = table[:, label]
    bad = np.flatnonzero(~np.isin(y, (0, 1)))
    if len(bad):
        raise TableError(
            f"{path}: {where(int(bad[0]))}: the '{LABEL}' column holds {y[bad[0]]:g}, not 0 or 1 "
            f"({len(bad)} such row{'s' if len(bad) > 1 else ''}). Fix: label every row 1 "
            "(signal) or 0 (background)"
        )
    return np.delete(table, label, axis=1), y.astype(np.int64), names


def read_part(path: Path, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read one part of a table, as `parts` cut it.

    Args:
        path: the table.
        start: the part's first byte (CSV, at a line start) or row (Parquet).
        stop: the end of the part, exclusive, in the same unit.

    Returns:
        (features, labels, names): the features as float64, shape [events, features], in
        the units of their columns; the 0/1 labels as int64, shape [events]; the feature names.

    Raises:
        FileNotFoundError: the table is missing.
        TableError: its header is wrong, a cell is not a number or a label not 0 or 1.
    """
    header = columns(path)
    if path.suffix == ".parquet":
        _, pq = _arrow(path)
        parquet = pq.ParquetFile(path)
        groups, offset, first = [], 0, None
        for index in range(parquet.metadata.num_row_groups):
            if start <= offset < stop:
                groups.append(index)
                first = offset if first is None else first
            offset += parquet.metadata.row_group(index).num_rows
        part = parquet.read_row_groups(groups, columns=header)
        table = np.column_stack(
            [part.column(name).to_numpy().astype(np.float64) for name in header]
        ).reshape(-1, len(header))
        return _split(path, table, header, lambda row: f"row {(first or 0) + row + 1}")
    with path.open("rb") as stream:
        stream.seek(start)
        text = stream.read(stop - start)
    if not text.strip():
        table = np.empty((0, len(header)))
    else:
        options: dict[str, Any] = {
            "delimiter": ",",
            "ndmin": 2,
            "encoding": "utf-8",
            "quotechar": '"',
        }
        try:
            table = np.loadtxt(io.BytesIO(text), comments=None, **options)
        except ValueError:  # a missing value or a bad cell (UnicodeDecodeError too)
            try:  # cell by cell in Python: slower, for tables with missing values only
                table = np.loadtxt(io.BytesIO(text), comments=None, converters=_number, **options)
            except ValueError as error:
                raise TableError(f"{path}: {_bad_cell(path, start, text, header)}") from error
    table = table.reshape(-1, len(header))
    return _split(path, table, header, lambda row: f"line {_rows(path, start, text)[row][0]}")


def read_table(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a whole table.

    Args:
        path: a CSV or Parquet table.

    Returns:
        (features, labels, names) as `read_part` returns them: float64 [events, features],
        int64 [events], and the feature names.

    Raises:
        FileNotFoundError: the table is missing.
        TableError: it is not a table of numbers with 0/1 labels (`read_part`).
    """
    if _require(path) == ".parquet":
        _, pq = _arrow(path)
        rows = pq.ParquetFile(path).metadata.num_rows
        return read_part(path, 0, rows)
    with path.open("rb") as stream:
        header = len(stream.readline())
    return read_part(path, header, path.stat().st_size)


def read_inputs(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a whole table's model inputs: its detector-level columns, without the truth ones.

    The generator-level columns (`schema.TRUTH_PREFIX`, e.g. truth_pt_lead) are left out: a
    model is never trained on, or applied to, what a detector does not measure.

    Args:
        path: a CSV or Parquet table.

    Returns:
        (inputs, labels, names): float64 [events, inputs] in the units of their columns, int64
        0/1 labels [events], and the input names, in table order.

    Raises:
        FileNotFoundError: the table is missing.
        TableError: it is not a table of numbers with 0/1 labels (`read_part`), or all of its
            columns are truth columns.
    """
    x, y, names = read_table(path)
    inputs, _ = split_columns(names)
    if not inputs:
        raise TableError(
            f"{path}: every column is named {TRUTH_PREFIX}... (generator level), so the model "
            f"has no input. Fix: give the detector-level columns names without '{TRUTH_PREFIX}'"
        )
    return x[:, inputs], y, [names[index] for index in inputs]


def read_truth(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a whole table's generator-level ("truth") columns (`schema.TRUTH_PREFIX`).

    Args:
        path: a CSV or Parquet table.

    Returns:
        (truth, labels, names): float64 [events, truth columns] in their units, int64 0/1
        labels [events], and the truth column names in table order; [events, 0] and [] for a
        table without truth columns (your own data, or data/synthetic.py without TRUTH).

    Raises:
        FileNotFoundError: the table is missing.
        TableError: it is not a table of numbers with 0/1 labels (`read_part`).
    """
    x, y, names = read_table(path)
    _, truth = split_columns(names)
    return x[:, truth], y, [names[index] for index in truth]


def held_out(count: int, test_fraction: float) -> int:
    """The events of one label that go to the test table.

    Args:
        count: the events of the label.
        test_fraction: features.test_fraction of config/pipeline.yaml, between 0 and 1.

    Returns:
        `count * test_fraction` rounded to the nearest integer (a half to even, as Python's
        `round`), at least 1.
    """
    return max(1, round(count * test_fraction))


def needed_per_label(test_fraction: float) -> int:
    """The fewest events of one label that leave at least one to train and one to test.

    Args:
        test_fraction: features.test_fraction of config/pipeline.yaml, between 0 and 1.

    Returns:
        The smallest count, at least 2, of which `held_out` leaves one or more to train on.
    """
    count = 2
    while count - held_out(count, test_fraction) < 1:
        count += 1
    return count


def require_trainable(
    name: Path | str, labels: np.ndarray, test_fraction: float, dropped: int = 0
) -> None:
    """Fail unless `labels` hold enough events of each label to split and train on.

    Args:
        name: the table (or inputs) the labels come from, for the message.
        labels: the 0/1 labels of the usable events, shape [events].
        test_fraction: features.test_fraction of config/pipeline.yaml.
        dropped: events left out for missing or infinite values, for the message.

    Raises:
        TableError: a label has fewer events than `needed_per_label`.
    """
    counts = [int((labels == label).sum()) for label in (0, 1)]
    needed = needed_per_label(test_fraction)
    if min(counts) >= needed:
        return
    skipped = f" ({dropped} more dropped for missing or infinite values)" if dropped else ""
    kind = "one class only" if min(counts) == 0 else f"too few {project.ROW_NAMES[1]}"
    raise TableError(
        f"{name}: {kind}: {len(labels)} usable rows{skipped}, {counts[1]} labelled 1 and "
        f"{counts[0]} labelled 0; the classifier needs at least {needed} of each label (one to "
        f"train, one to test at features.test_fraction {test_fraction:g}). Fix: use a table "
        f"with {project.ROW_NAMES[1]} of both labels, enough of each"
    )


def check_table(path: Path, test_fraction: float, rows: int = CHECK_ROWS) -> tuple[int, int]:
    """Read a whole table as the features step will, `rows` at a time, and check it.

    Every raw table is checked so before it is recorded: format, header, a number in every
    cell, a 0/1 label in every row, and enough events of each label to split and train on.

    Args:
        path: the table.
        test_fraction: features.test_fraction of config/pipeline.yaml, between 0 and 1.
        rows: the rows read at a time (bounds the memory used).

    Returns:
        (rows, signal): the rows of the table, and how many of the usable ones (no missing
        or infinite value) are labelled 1.

    Raises:
        FileNotFoundError: the table is missing.
        TableError: any of these checks fails.
    """
    labels = []
    dropped = 0
    for start, stop in parts(path, rows):
        x, y, _ = read_part(path, start, stop)
        finite = np.isfinite(x).all(axis=1)
        dropped += int((~finite).sum())
        labels.append(y[finite])
    usable = np.concatenate(labels) if labels else np.empty(0, dtype=np.int64)
    require_trainable(path, usable, test_fraction, dropped)
    return len(usable) + dropped, int(usable.sum())
