"""`make data`: write or download the raw data set to data/raw with its sha256 manifest.

With `data.source: synthetic` a seeded generator writes the toy data set; with a URL or a DOI
address the file is downloaded and verified (see download.py); ROOT ntuples listed under
`data.ntuples` (high-energy physics) are files you provide: their checksums are recorded the first
time. Raw data are immutable: an existing raw file is never overwritten, only checked against the
manifest.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..config import CONFIG_FILE, ConfigError, load_config
from ..step import run_step
from . import manifest, partitions
from .download import DownloadError, download
from .synthetic import FEATURES, generate
from .table import FORMATS, write_table


def make_dataset(root: Path) -> Path:
    """Create or check the raw data described by config/pipeline.yaml; return its (first) file."""
    config = load_config(root)
    data = config.section("data")
    raw = config.path("data", "raw_file")
    source = data.get("source", "synthetic")
    inputs = partitions.raw_files(config)
    if inputs != [raw]:
        recorded = manifest.record_or_verify(inputs)
        print(f"{len(inputs)} input files checked against their manifests ({recorded} new)")
        return inputs[0]
    if raw.exists():
        digest = manifest.verify(raw)
        print(f"{raw} exists and matches its manifest (sha256 {digest[:12]}...): not overwritten")
        return raw
    if source != "synthetic":
        suffix = Path(str(source).split("?")[0]).suffix
        if suffix in FORMATS and suffix != raw.suffix:
            raise ConfigError(
                f"{CONFIG_FILE}: data.source is a '{suffix}' file but data.raw_file "
                f"({raw}) is named '{raw.suffix}': name raw_file with '{suffix}'"
            )
        expected = data.get("sha256") or None
        digest = download(str(source), raw, str(expected) if expected else None)
        manifest.record(raw)
        print(f"downloaded {raw} from {source}, sha256 {digest}")
        if expected is None:
            print(
                "warning: config/pipeline.yaml has no data.sha256, so this first download could "
                f"not be verified; add `sha256: {digest}` under `data:` to pin it"
            )
        return raw
    x, y = generate(int(data["n_events"]), float(data["signal_fraction"]), config.seed)
    write_table(raw, x, y, [f.name for f in FEATURES])
    digest = manifest.record(raw)
    print(f"wrote {raw} ({len(y)} events, {int(y.sum())} signal), sha256 {digest[:12]}...")
    return raw


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    return run_step(make_dataset, __doc__, argv, (DownloadError,))


if __name__ == "__main__":
    sys.exit(main())
