"""`make data`: write or download the raw data set to data/raw with its sha256 manifest.

With `data.source: synthetic` a seeded generator writes the toy data set; with a URL or a DOI
address the file is downloaded and verified (see download.py); ROOT ntuples listed under
`data.ntuples` (high-energy physics) are files you provide: their checksums are recorded the first
time. Raw data are immutable: an existing raw file is never overwritten, only checked against the
manifest.

A raw file without a manifest entry (the manifest was deleted, or a run was stopped between
writing the file and recording it) is recorded only where it is proven to be the intended file:
it matches `data.sha256`, or the seeded generator reproduces it byte for byte. Otherwise the step
stops and asks you to check the file and record it with `make data RECORD=1` (`--record`).

Every raw table is read whole before it is recorded (data/table.py `check_table`): a download or
a file that is not a table of the declared format (CSV or Parquet) with feature columns and a 0/1
label, or that holds too few events of a label to split and train on, is refused with the reason.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import project
from ..config import CONFIG_FILE, Config, ConfigError, load_config
from ..files import write_text
from ..layout import RAW_REWRITE, RECORD_HINT
from ..step import run_step
from . import manifest, partitions
from .download import DownloadError, download
from .interface import column_names, generated, generator
from .table import (
    FORMATS,
    TableError,
    check_table,
    format_of,
    needed_per_label,
    require_reader,
    write_table,
)


def _synthetic_size(config: Config) -> tuple[int, float]:
    """(data.n_events, data.signal_fraction), checked to give enough events of each label.

    Raises:
        ConfigError: either label would get fewer events than the split needs.
    """
    data = config.data
    # both present with `source: synthetic` (config.check)
    n_events, fraction = int(data.n_events or 0), float(data.signal_fraction or 0)
    test_fraction = config.features.test_fraction
    n_signal = round(n_events * fraction)
    needed = needed_per_label(test_fraction)
    if min(n_signal, n_events - n_signal) < needed:
        raise ConfigError(
            f"{CONFIG_FILE}: data.n_events: {n_events} {project.ROW_NAMES[1]} with "
            f"data.signal_fraction {fraction:g} give {n_signal} labelled 1 and "
            f"{n_events - n_signal} labelled 0; the classifier needs at least {needed} of each "
            f"label (one to train, one to test at features.test_fraction {test_fraction:g}). "
            "Fix: write e.g. n_events: 20000"
        )
    return n_events, fraction


def _synthetic(config: Config, path: Path) -> np.ndarray:
    """Write the seeded toy data set of `config` to `path`; return its labels."""
    n_events, fraction = _synthetic_size(config)
    toy = generator()
    x, y = generated(toy, n_events, fraction, config.seed)
    write_table(path, x, y, column_names(toy))
    return y


def proven(config: Config, raw: Path) -> str | None:
    """Why `raw` is known to be the intended file, or None.

    Args:
        config: the checked configuration.
        raw: the raw file, present.

    Returns:
        The reason (it matches the pinned `data.sha256`, or the seeded generator reproduces it
        byte for byte), or None when neither holds.

    Raises:
        TableError: the raw file is Parquet and pyarrow is not installed.
    """
    pinned = config.data.sha256
    if config.data.synthetic:
        try:
            format_of(raw)
        except TableError:
            return None  # its content is not the format of its name: not what the generator wrote
        require_reader(raw)  # names `raw`, not the copy below, when pyarrow is missing
        with tempfile.TemporaryDirectory() as tmp:
            again = Path(tmp) / raw.name
            _synthetic(config, again)
            if manifest.sha256_of(again) == manifest.sha256_of(raw):
                return "the seeded generator reproduces it byte for byte"
    elif pinned and manifest.sha256_of(raw) == pinned:
        return f"it matches data.sha256 in {CONFIG_FILE}"
    return None


def _check_raw(config: Config, raw: Path) -> None:
    """Read a raw table whole before it is recorded (`check_table`), naming what to do.

    Raises:
        TableError: it is not a table the features step can use; nothing is recorded.
    """
    try:
        rows, signal = check_table(raw, config.features.test_fraction)
    except TableError as error:
        raise error.noting(f"{raw} was not recorded") from error
    usable = "of those without a missing or infinite value"
    print(f"checked {raw}: {rows} rows; {usable}, {signal} labelled 1")


#: Where each downloaded raw file came from, one `name<TAB>address` line per file, beside the
#: manifest: the provenance a changed data.source is checked against.
SOURCES_FILE = "SOURCES.tsv"


def recorded_source(raw: Path) -> str | None:
    """The address `raw` was downloaded from, as recorded in data/raw/SOURCES.tsv.

    Args:
        raw: the raw file; SOURCES.tsv is read from its folder.

    Returns:
        The address, or None when it has no line (made by the generator, recorded by hand, or
        by an older version).
    """
    path = raw.parent / SOURCES_FILE
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, address = line.partition("\t")
        if name == raw.name and address:
            return address
    return None


def record_source(raw: Path, source: str) -> None:
    """Record (or replace) the address `raw` was downloaded from in data/raw/SOURCES.tsv.

    Args:
        raw: the downloaded raw file; SOURCES.tsv is written in its folder, the other files'
            lines kept.
        source: the address it was downloaded from (`data.source`).
    """
    path = raw.parent / SOURCES_FILE
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    kept = [line for line in lines if line.partition("\t")[0] != raw.name]
    write_text(path, "".join(f"{line}\n" for line in [*kept, f"{raw.name}\t{source}"]))


def _still_configured(config: Config, raw: Path, digest: str) -> None:
    """Refuse a recorded raw file that config/pipeline.yaml no longer describes.

    That is another ``data.source`` than the one it was downloaded from, or another pinned
    ``data.sha256`` (training on it would record false provenance). With ``source: synthetic``,
    a file the seeded generator does not write for the current n_events, signal_fraction and
    seed is noted, not refused: it may be the user's own table, recorded with RECORD=1.

    Raises:
        manifest.ChecksumError: the file is not the configured data; it is left as it is.
    """
    source, pinned = config.data.source, config.data.sha256
    aside = f"move {raw} aside (e.g. `mv {raw} {raw}.old`), then run `make data` again"
    if not config.data.synthetic:
        came_from = recorded_source(raw)
        if came_from is not None and came_from != source:
            raise manifest.ChecksumError(
                f"{raw} was downloaded from {came_from} (data/raw/{SOURCES_FILE}), but "
                f"data.source in {CONFIG_FILE} is now {source}: the source changed "
                f"since. Fix: {aside} to fetch the new source"
            )
        if pinned and pinned != digest:
            raise manifest.ChecksumError(
                f"{raw} is the data recorded earlier (sha256 {digest[:12]}...), but data.sha256 "
                f"in {CONFIG_FILE} is {pinned[:12]}...: the source changed since. Fix: "
                f"{aside} to fetch {source}"
            )
        return
    if proven(config, raw) is None:  # your own table, recorded with RECORD=1, or a stale one
        print(
            f"note: {raw} is not the toy data set {CONFIG_FILE} describes (data.source: "
            "synthetic); it is used as recorded. If it should be the toy data set (n_events, "
            "signal_fraction, seed or data/synthetic.py changed since it was written): "
            f"{aside}",
            file=sys.stderr,
        )


def check_existing(config: Config, raw: Path, record: bool) -> str:
    """Check an existing raw file against its manifest; return its sha256.

    A file without an entry is recorded if it is proven (`proven`), or whatever its entry says
    if `record` is set (the user checked it).

    Args:
        config: the checked configuration.
        raw: the raw file, present.
        record: record the file whether or not it has an entry or is proven (`--record`: the
            user checked it); it is still read whole as a table first.

    Returns:
        The sha256 of the file, hex: verified against its entry, or the one just recorded.

    Raises:
        ChecksumError: the file differs from its entry, or has none and is not proven, or is
            to be recorded but is not the file `data.sha256` pins.
        TableError: a file to be recorded is not a table the features step can use.
    """
    entries = manifest.read_manifest(raw.parent / manifest.MANIFEST_NAME)
    if raw.name in entries and not record:
        digest = manifest.verify(raw, rewrite=RAW_REWRITE)
        _still_configured(config, raw, digest)
        print(f"{raw} exists and matches its manifest (sha256 {digest[:12]}...): not overwritten")
        return digest
    pinned = config.data.sha256 if not config.data.synthetic else None
    if record and pinned and manifest.sha256_of(raw) != pinned:
        # Recorded, it would be released as the pinned download of data.source: false provenance.
        raise manifest.ChecksumError(
            f"{raw} (sha256 {manifest.sha256_of(raw)[:12]}...) is not the file data.sha256 in "
            f"{CONFIG_FILE} pins ({pinned[:12]}... from {config.data.source}), so it is not "
            f"recorded as that download. Fix: move {raw} aside (e.g. `mv {raw} {raw}.old`) and "
            "run `make data` to download the pinned file again; or, if this table is your data "
            "now, put it at its own data.raw_file, set data.source: synthetic and remove "
            f"data.sha256 in {CONFIG_FILE}, then `{RECORD_HINT}`"
        )
    reason = "you confirmed it with --record" if record else proven(config, raw)
    if reason is None:
        manifest.recorded(
            raw,
            fix=(
                "the manifest was deleted, or a run stopped before recording the file: check that "
                f"it is the intended data, then record it with `{RECORD_HINT}`"
            ),
        )
    _check_raw(config, raw)
    digest = manifest.record(raw)
    print(f"recorded {raw} in its manifest ({reason}), sha256 {digest[:12]}...")
    return digest


def _download(config: Config, raw: Path) -> Path:
    """Download `data.source` to `raw`, verified and checked as a table, and record it.

    Returns:
        `raw`.

    Raises:
        ConfigError: the source and raw_file name different table formats.
        DownloadError: the download failed or does not match `data.sha256`.
        TableError: the download is not a table the features step can use.
    """
    source, expected = config.data.source, config.data.sha256
    suffix = Path(source.split("?")[0]).suffix
    if suffix in FORMATS and suffix != raw.suffix:
        raise ConfigError(
            f"{CONFIG_FILE}: data.source is a '{suffix}' file but data.raw_file "
            f"({raw}) is named '{raw.suffix}'. Fix: name raw_file with '{suffix}'"
        )
    test_fraction = config.features.test_fraction
    digest = download(source, raw, expected, check=lambda path: check_table(path, test_fraction))
    manifest.record(raw)
    record_source(raw, source)
    print(f"downloaded {raw} from {source}, sha256 {digest}")
    if expected is None:
        print(
            f"warning: {CONFIG_FILE} has no data.sha256, so this first download could not be "
            f"verified; add `sha256: {digest}` under `data:` to pin it"
        )
    return raw


def make_dataset(root: Path, record: bool = False) -> Path:
    """Create or check the raw data described by config/pipeline.yaml; return its (first) file.

    Args:
        root: the project folder.
        record: record an existing raw file without a manifest entry (the user checked it).

    Returns:
        The raw file: data.raw_file, or the first of the files listed in `data.ntuples`.

    Raises:
        ConfigError: config/pipeline.yaml is wrong (config.py), or the source and raw_file differ
            in format.
        ChecksumError: a raw file differs from its manifest entry, or has none and is unproven.
        TableError: a raw table to be recorded (downloaded, or without its entry) is not a table
            of features and a 0/1 label with enough events of each label; or raw_file is Parquet
            and pyarrow (the parquet extra) is not installed.
        DownloadError: the download failed.
    """
    config = load_config(root)
    raw = config.data.raw_file
    inputs = partitions.raw_files(config)
    if inputs != [raw]:
        recorded = manifest.record_or_verify(inputs)
        print(f"{len(inputs)} input files checked against their manifests ({recorded} new)")
        return inputs[0]
    if raw.exists():
        check_existing(config, raw, record)
        return raw
    require_reader(raw)  # before it is written or downloaded
    if not config.data.synthetic:
        return _download(config, raw)
    y = _synthetic(config, raw)
    digest = manifest.record(raw)
    negative, positive = project.CLASS_NAMES
    n_positive = int(y.sum())
    counts = f"{n_positive} {positive}, {len(y) - n_positive} {negative}"
    counts = f"{len(y)} {project.ROW_NAMES[1]}: {counts}"
    print(f"wrote {raw} ({counts}), sha256 {digest[:12]}...")
    return raw


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = (DownloadError,)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code.

    Runs `make_dataset` under the project's lock (`step.run_step`).

    Args:
        argv: the command-line arguments (`--root DIR`, `--record`); default: those of the
            process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line, 130 after Ctrl-C.
    """
    flags = {"record": "record an existing raw file that has no manifest entry (check it first)"}
    return run_step(make_dataset, __doc__, argv, ERRORS, flags=flags)


if __name__ == "__main__":
    sys.exit(main())
