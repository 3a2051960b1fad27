"""`make features`: the raw data checked, cleaned and split into the processed tables.

The raw data are checked against their manifest, read in partitions on Dask, cleaned and split
into the train and test tables (stratified, seeded).

The partitions (data/partitions.py) are read in parallel on the cluster of features/cluster.py:
a local one, or the one at DASK_SCHEDULER_ADDRESS.

Preprocessing that a reuser of the model must repeat (scaling) is part of the model itself, so the
processed tables keep the physical units of the raw data.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import project
from ..config import ConfigError, load_config
from ..data import manifest, partitions
from ..data.interface import GeneratorError, generator, truth_of
from ..data.schema import split_columns
from ..data.table import held_out, require_trainable, write_table
from ..layout import FEATURE_FIGURE, RAW_REWRITE, Layout
from ..step import run_step
from ..visualization.plots import feature_distributions_figure
from .cluster import ClusterError, compute, dask_client, describe

#: The package these steps belong to.
PACKAGE = str(__package__).split(".")[0]


def feature_units(root: Path, names: Sequence[str]) -> list[str]:
    """The unit of each column, for the axes of the figures.

    As the model card gives them: `inputs:` of config/model_card.yaml (in a project with a
    model), else FEATURES of data/ntuple.py (while `data.ntuples` is set) or of
    data/synthetic.py (or its TRUTH, for a generator-level column). A column neither describes
    has no unit on its axis; a wrong file here is left for the step that reads it to report
    (`make model-card`).

    Args:
        root: the project folder.
        names: the feature columns, in order.

    Returns:
        One unit a column, in order ("" for none or a dimensionless number).
    """
    units: dict[str, str] = {}
    with contextlib.suppress(GeneratorError):
        toy = generator()
        units.update({feature.name: feature.unit for feature in (*toy.FEATURES, *truth_of(toy))})
    with contextlib.suppress(GeneratorError, ConfigError):  # ROOT ntuples describe their own
        features = partitions.ntuple_features(load_config(root))
        units.update({feature.name: feature.unit for feature in features})
    if project.ML_FRAMEWORK != "none":
        card_config = importlib.import_module(f"{PACKAGE}.models.card_config")
        with contextlib.suppress(ConfigError):
            inputs = card_config.load_card_config(root, require_text=False)["inputs"]
            units.update({name: entry["unit"] for name, entry in inputs.items()})
    return [units.get(name, "") for name in names]


def _takes_units() -> bool:
    """Whether the project's feature figure takes the units of the columns (`units=`)."""
    return "units" in inspect.signature(feature_distributions_figure).parameters


def stratified_split(
    y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return (train indices, test indices) with the class balance of `y` in both parts.

    Args:
        y: the labels, shape [events].
        test_fraction: the fraction of each label's events that goes to the test part,
            between 0 and 1 exclusive (`features.test_fraction`); at least one event of each
            label is held out (`held_out`).
        seed: the seed of the shuffle; the same seed and labels give the same split.

    Returns:
        (train, test): the indices into `y` of each part, sorted; together every index once.

    Raises:
        ValueError: `test_fraction` is not between 0 and 1.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"features.test_fraction must lie between 0 and 1, not {test_fraction}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(y):
        index = rng.permutation(np.flatnonzero(y == label))
        n_test = held_out(len(index), test_fraction)
        test.append(index[:n_test])
        train.append(index[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def _reading(part: partitions.Partition) -> str:
    """What the task of a partition does, for a message."""
    unit = "bytes" if part.path.endswith(".csv") else "rows"
    if getattr(part, "tree", None) is not None:
        unit = "entries"
    return f"reading {unit} {part.start}-{part.stop} of {part.path}"


def build_features(root: Path) -> tuple[Path, Path]:
    """Write data/processed/{train,test}.csv from the raw data; return their paths.

    Also records the two tables in data/processed/MANIFEST and draws the figure of the feature
    distributions (the model's inputs; the generator-level `truth_...` columns stay in the tables
    for `make efficiency-map`, data/schema.py). Events with a missing or infinite value are
    dropped.

    Args:
        root: the project folder.

    Returns:
        (train table, test table), the paths as the configuration names them.

    Raises:
        FileNotFoundError: a raw input is missing.
        ChecksumError: a raw input differs from its manifest entry.
        TableError: a raw table cannot be read, or holds too few events of a label to split.
        ClusterError: a Dask worker died while it ran a task (e.g. killed for memory).
    """
    config = load_config(root)
    layout = Layout(config)
    test_fraction = config.features.test_fraction
    inputs = partitions.raw_files(config)
    for path in inputs:
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `make data` to write or fetch it")
    with dask_client(config) as client:
        # Every input is checked against its manifest, hashed on the workers, before any read.
        absolute = [str(path.resolve()) for path in inputs]
        digests, _ = compute(client, config, partitions.checksum, absolute, "hashing {}".format)
        for path, digest in zip(inputs, digests, strict=True):
            manifest.verify(
                path,
                actual=digest,
                fix="run `make data` to check and record it",
                rewrite=RAW_REWRITE,
            )
        # The headers are read here, before any task: a wrong table stops the step at once.
        parts = partitions.plan(config)
        start = time.perf_counter()
        chunks, futures = compute(client, config, partitions.load, parts, _reading)
        where = describe(client, futures)
        del futures  # the workers may drop their copies
    rows = sum(len(chunk[1]) for chunk in chunks)
    print(f"read {where} in {time.perf_counter() - start:.2f} s: {rows} rows")
    names = chunks[0][2]
    x = np.vstack([chunk[0] for chunk in chunks])
    y = np.concatenate([chunk[1] for chunk in chunks])
    finite = np.isfinite(x).all(axis=1)
    dropped = int((~finite).sum())
    if dropped:
        print(f"dropped {dropped} {project.ROW_NAMES[1]} with missing or infinite values")
        x, y = x[finite], y[finite]
    source = inputs[0] if len(inputs) == 1 else f"the {len(inputs)} inputs of data.ntuples"
    require_trainable(source, y, test_fraction, dropped)
    train_idx, test_idx = stratified_split(y, test_fraction, config.seed)
    paths = (layout.train_table, layout.test_table)
    for path, index in zip(paths, (train_idx, test_idx), strict=True):
        write_table(path, x[index], y[index], names)
    manifest.record_many(paths, layout.processed_dir / manifest.MANIFEST_NAME)
    # The figure shows the model's inputs: the truth columns ride along in the tables only.
    shown, _ = split_columns(names)
    x, names = x[:, shown], [names[index] for index in shown]
    # visualization/plots.py is yours (`copier update` keeps it): one from before the units
    # draws the figure without them.
    path = layout.figure(FEATURE_FIGURE)
    figure = (
        feature_distributions_figure(x, y, names, path, units=feature_units(config.root, names))
        if _takes_units()
        else feature_distributions_figure(x, y, names, path)
    )
    name = project.ROW_NAMES[1]
    print(f"wrote {paths[0]} ({len(train_idx)} {name}), {paths[1]} ({len(test_idx)} {name})")
    print(f"wrote {figure}")
    return paths


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = (ClusterError,)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code.

    Runs `build_features` under the project's lock (`step.run_step`).

    Args:
        argv: the command-line arguments (`--root DIR`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line, 130 after Ctrl-C.
    """
    return run_step(build_features, __doc__, argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
