"""`make features`: check the raw data against its manifest, read it in partitions on Dask,
clean it and split it into the processed train and test tables (stratified, seeded).

The partitions (data/partitions.py) are read in parallel on the cluster of features/cluster.py:
a local one, or the one at DASK_SCHEDULER_ADDRESS.

Preprocessing that a reuser of the model must repeat (scaling) is part of the model itself, so the
processed tables keep the physical units of the raw data.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..config import load_config
from ..data import manifest, partitions
from ..data.table import write_table
from ..layout import FEATURE_FIGURE, RAW_REWRITE, Layout
from ..step import run_step
from ..visualization.plots import feature_distributions_figure
from .cluster import dask_client, describe


def stratified_split(
    y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return (train indices, test indices) with the class balance of `y` in both parts."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"features.test_fraction must lie between 0 and 1, not {test_fraction}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(y):
        index = rng.permutation(np.flatnonzero(y == label))
        n_test = max(1, round(len(index) * test_fraction))
        test.append(index[:n_test])
        train.append(index[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def build_features(root: Path) -> tuple[Path, Path]:
    """Write data/processed/{train,test}.csv from the raw data; return their paths."""
    config = load_config(root)
    layout = Layout(config)
    inputs = partitions.raw_files(config)
    for path in inputs:
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `make data` to write or fetch it")
    with dask_client(config) as client:
        # Every input is checked against its manifest, hashed on the workers, before any read.
        absolute = [str(path.resolve()) for path in inputs]
        digests = client.gather(client.map(partitions.checksum, absolute))
        for path, digest in zip(inputs, digests, strict=True):
            manifest.verify(
                path,
                actual=digest,
                fix="run `make data` to check and record it",
                rewrite=RAW_REWRITE,
            )
        parts = partitions.plan(config)
        start = time.perf_counter()
        futures = client.map(partitions.load, parts)
        chunks = client.gather(futures)
        where = describe(client, futures)
        del futures  # the workers may drop their copies
    rows = sum(len(chunk[1]) for chunk in chunks)
    print(f"read {where} in {time.perf_counter() - start:.2f} s: {rows} rows")
    names = chunks[0][2]
    x = np.vstack([chunk[0] for chunk in chunks])
    y = np.concatenate([chunk[1] for chunk in chunks])
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():
        print(f"dropped {int((~finite).sum())} events with missing or infinite values")
        x, y = x[finite], y[finite]
    if len(np.unique(y)) < 2:
        raise ValueError(
            f"the inputs hold {len(y)} usable events, labelled {sorted(set(y.tolist()))}: the "
            "classifier needs events of both labels (0 and 1); check the data and its labels"
        )
    section = config.section("features")
    train_idx, test_idx = stratified_split(y, float(section["test_fraction"]), config.seed)
    paths = (layout.train_table, layout.test_table)
    for path, index in zip(paths, (train_idx, test_idx), strict=True):
        write_table(path, x[index], y[index], names)
    manifest.record_many(paths, layout.processed_dir / manifest.MANIFEST_NAME)
    figure = feature_distributions_figure(x, y, names, layout.figure(FEATURE_FIGURE))
    print(f"wrote {paths[0]} ({len(train_idx)} events), {paths[1]} ({len(test_idx)} events)")
    print(f"wrote {figure}")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    return run_step(build_features, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
