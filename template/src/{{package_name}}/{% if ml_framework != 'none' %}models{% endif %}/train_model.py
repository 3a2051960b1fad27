"""`make train`: train the classifier on the processed training table and save it with its
provenance (models/<name>/training.json)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..config import ConfigError, load_config
from ..data import manifest
from ..data.table import read_table
from ..provenance import provenance
from ..step import run_step
from . import estimator


def train(root: Path) -> Path:
    """Train, save the model and its training record; return the model folder."""
    config = load_config(root)
    train_file = config.path("features", "processed_dir") / "train.csv"
    digest = manifest.verify(train_file)
    x, y, names = read_table(train_file)
    section = config.section("model")
    hyperparameters = dict(section.get("hyperparameters") or {})
    unknown = sorted(set(hyperparameters) - estimator.HYPERPARAMETERS)
    if unknown:
        raise ConfigError(
            f"config/pipeline.yaml: model.hyperparameters: {', '.join(unknown)} "
            f"{'is' if len(unknown) == 1 else 'are'} not a setting of {estimator.LIBRARY}; "
            f"known: {', '.join(sorted(estimator.HYPERPARAMETERS))}"
        )
    try:
        model = estimator.fit(x, y, hyperparameters, config.seed)
    except TypeError as error:  # an unknown or misspelt hyperparameter
        raise ConfigError(f"config/pipeline.yaml: model.hyperparameters: {error}") from error
    directory = config.path("model", "dir")
    model_file = estimator.save(model, directory)
    record = {
        "model_file": model_file.name,
        "library": estimator.LIBRARY,
        "features": names,
        "hyperparameters": hyperparameters,
        "seed": config.seed,
        "n_train": len(y),
        "provenance": provenance(config, {train_file.name: digest}),
    }
    (directory / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"trained on {len(y)} events; saved {model_file}")
    return directory


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    return run_step(train, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
