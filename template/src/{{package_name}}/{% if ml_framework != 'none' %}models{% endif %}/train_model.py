"""`make train`: the classifier trained on the processed training table, with its provenance.

The provenance is models/<name>/training.json.

The model is written first, then training.json, each complete or not at all. The record holds
the sha256 of the model file, and every later step loads the two through `load_trained`, which
checks that they belong together: a run stopped between the two writes never lets an old record
describe a new model.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import project
from ..config import load_config
from ..data import manifest
from ..data.table import read_inputs
from ..files import write_text
from ..layout import FEATURES_FIX, TRAINING_RECORD, Layout
from ..provenance import provenance
from ..step import run_step
from . import estimator, interface
from . import hyperparameters as settings


def training_record(directory: Path) -> dict[str, Any]:
    """Return models/<name>/training.json, checked to describe the model file beside it.

    A record older than the model checksum cannot be checked: a warning says so.

    Args:
        directory: the model folder, models/<name>/.

    Returns:
        The record as written by `train`: model file and its sha256, library, features,
        hyperparameters, seed, number of training events and provenance.

    Raises:
        FileNotFoundError: the model or its record is missing.
        ChecksumError: the record belongs to another model file.
        ValueError: the record is not JSON, or not a training record (a mapping that names
            the model's features).
    """
    path, model_file = directory / TRAINING_RECORD, directory / estimator.MODEL_FILE
    for required in (model_file, path):
        if not required.is_file():
            raise FileNotFoundError(f"{required} is missing: run `make train`")
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path} is not valid JSON ({error}): run `make train`") from error
    # Every record, those from before the model checksum included, names its features.
    if not isinstance(loaded, dict) or not isinstance(loaded.get("features"), list):
        raise ValueError(
            f"{path} is not a training record (it holds {type(loaded).__name__} without the "
            "model's features): run `make train` to write it with the model"
        )
    record = dict(loaded)
    digest = manifest.sha256_of(model_file)
    if "model_sha256" not in record:  # written before the records named their model
        print(
            f"warning: {path} predates the model checksum in the record, so it cannot be checked "
            f"against {model_file}; run `make train` once to record it",
            file=sys.stderr,
        )
    elif record["model_sha256"] != digest:
        raise manifest.ChecksumError(
            f"{path} does not describe {model_file} (model_sha256 "
            f"{record.get('model_sha256')}, the file has {digest}): a training run was stopped "
            "between writing the two, or the model was replaced; run `make train`"
        )
    return record


def load_trained(directory: Path) -> tuple[Any, dict[str, Any]]:
    """Load the trained model and its record, checked to belong together (`training_record`).

    The start of every step that uses the trained model: estimator.py is checked first.

    Args:
        directory: the model folder, models/<name>/.

    Returns:
        (model, record): the model as estimator.load returns it, and its training record.

    Raises:
        EstimatorError: models/estimator.py lacks a name of the Estimator interface.
        FileNotFoundError: the model or its record is missing.
        ChecksumError: the record belongs to another model file.
        ValueError: the record is not a training record.
        ModelFileError: the model file is damaged or holds no model of this kind.
    """
    interface.check(estimator)
    record = training_record(directory)
    return estimator.load(directory), record


def check_hyperparameters(hyperparameters: dict[str, Any]) -> None:
    """Check `model.hyperparameters` for this project's estimator (`hyperparameters.check`).

    Args:
        hyperparameters: the section as config/pipeline.yaml gives it.

    Raises:
        ConfigError: the first wrong setting, named with its fix.
    """
    settings.check(hyperparameters, estimator.HYPERPARAMETERS, estimator.LIBRARY)


def train(root: Path) -> Path:
    """Train, save the model and its training record; return the model folder.

    Args:
        root: the project folder.

    Returns:
        The model folder (`model.dir`), holding the model file and training.json.

    Raises:
        EstimatorError: models/estimator.py lacks a name of the Estimator interface.
        ConfigError: config/pipeline.yaml is wrong or has no `model:` section, a
            setting is wrong (`hyperparameters.check`), or the library refuses a value
            (`hyperparameters.refused_value`).
        ChecksumError: the training table differs from its manifest entry.
    """
    interface.check(estimator)
    config = load_config(root)
    layout = Layout(config)
    train_file = layout.train_table
    digest = manifest.verify(train_file, fix=FEATURES_FIX, rewrite=FEATURES_FIX)
    x, y, names = read_inputs(train_file)
    hyperparameters = dict(config.model_section().hyperparameters)
    check_hyperparameters(hyperparameters)
    try:
        model = estimator.fit(x, y, hyperparameters, config.seed)
    except (TypeError, ValueError) as error:  # a value the library refuses
        refused = settings.refused_value(error, hyperparameters, estimator.LIBRARY)
        if refused is None:
            raise
        raise refused from error
    directory = layout.model_dir
    model_file = estimator.save(model, directory)
    record = {
        "model_file": model_file.name,
        "model_sha256": manifest.sha256_of(model_file),
        "library": estimator.LIBRARY,
        "features": names,
        "hyperparameters": hyperparameters,
        "seed": config.seed,
        "n_train": len(y),
        "provenance": provenance(config, {train_file.name: digest}),
    }
    write_text(directory / TRAINING_RECORD, json.dumps(record, indent=2) + "\n")
    print(f"trained on {len(y)} {project.ROW_NAMES[1]}; saved {model_file}")
    return directory


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = ()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code.

    Runs `train` under the project's lock (`step.run_step`).

    Args:
        argv: the command-line arguments (`--root DIR`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line, 130 after Ctrl-C.
    """
    return run_step(train, __doc__, argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
