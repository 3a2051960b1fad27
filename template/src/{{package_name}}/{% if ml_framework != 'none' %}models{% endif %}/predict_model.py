"""`make predict`: apply the trained classifier to the processed test table.

One score per event is written to reports/predictions.csv.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import project
from ..config import load_config
from ..data import manifest
from ..data.table import read_inputs
from ..files import atomic_write
from ..layout import FEATURES_FIX, Layout
from ..step import run_step
from . import estimator, onnx_io
from .train_model import load_trained

#: The columns of reports/predictions.csv: the signal probability and the true label.
COLUMNS = ("score", "label")


class PredictionsError(ValueError):
    """reports/predictions.csv is not the table `make predict` writes."""


def read_predictions(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read the predictions `predict` wrote.

    Args:
        path: reports/predictions.csv (`Layout.predictions`).

    Returns:
        (scores, labels): float64 signal probabilities in [0, 1], shape [events], and int64
        0/1 labels, shape [events].

    Raises:
        FileNotFoundError: the file is missing (run `make predict`).
        PredictionsError: its header, a cell, a score or a label is not what `predict` writes.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make predict`")
    fix = "run `make predict` to write it again"
    with path.open(encoding="utf-8") as stream:
        header = stream.readline().strip()
    if header != ",".join(COLUMNS):
        raise PredictionsError(f"{path}: the header is '{header}', not {','.join(COLUMNS)}; {fix}")
    try:
        table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float64)
    except ValueError as error:
        raise PredictionsError(f"{path}: a row is not two numbers ({error}); {fix}") from None
    if table.shape[1] != len(COLUMNS) or not len(table):
        raise PredictionsError(f"{path}: no rows of {len(COLUMNS)} columns; {fix}")
    scores, labels = table[:, 0], table[:, 1]
    if not (np.all((scores >= 0) & (scores <= 1)) and np.all(np.isin(labels, (0, 1)))):
        raise PredictionsError(f"{path}: a score is outside [0, 1] or a label not 0/1; {fix}")
    return scores, labels.astype(np.int64)


def predict(root: Path) -> Path:
    """Score the test table with the trained model.

    Args:
        root: the project folder.

    Returns:
        reports/predictions.csv: per event the signal probability (8 decimals) and the label.

    Raises:
        ConfigError: config/pipeline.yaml is missing or invalid.
        TableError: the test table is not a table of numbers with 0/1 labels.
        EstimatorError: models/estimator.py lacks a name of the interface.
        FileNotFoundError: the trained model or its training record is missing.
        ChecksumError: the test table is missing or changed since `make features`, or the
            training record belongs to another model file.
        ValueError: the training record is not one (`train_model.training_record`).
        ModelFileError: the trained model cannot be read.
        OSError: the predictions could not be written.
    """
    layout = Layout(load_config(root))
    manifest.verify(layout.test_table, fix=FEATURES_FIX, rewrite=FEATURES_FIX)
    x, y, _ = read_inputs(layout.test_table)
    model, _ = load_trained(layout.model_dir)
    scores = estimator.predict_proba(model, x)
    out = layout.predictions
    with atomic_write(out) as stream:
        np.savetxt(
            stream,
            np.column_stack([scores, y]),
            delimiter=",",
            header=",".join(COLUMNS),
            comments="",
            fmt=["%.8f", "%d"],
        )
    print(f"wrote {out} ({len(scores)} {project.ROW_NAMES[1]})")
    return out


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = (onnx_io.ModelFileError,)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `make predict`: `predict` under the project's lock (`run_step`).

    Args:
        argv: the command-line arguments (`--root`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line.
    """
    return run_step(predict, __doc__, argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
