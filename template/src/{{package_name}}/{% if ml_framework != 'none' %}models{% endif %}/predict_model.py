"""`make predict`: apply the trained classifier to the processed test table and write one score
per event to reports/predictions.csv."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..config import load_config
from ..data import manifest
from ..data.table import read_table
from ..files import atomic_write
from ..layout import FEATURES_FIX, Layout
from ..step import run_step
from . import estimator, onnx_io
from .train_model import load_trained


def predict(root: Path) -> Path:
    """Score the test table; return the predictions file."""
    layout = Layout(load_config(root))
    manifest.verify(layout.test_table, fix=FEATURES_FIX, rewrite=FEATURES_FIX)
    x, y, _ = read_table(layout.test_table)
    model, _ = load_trained(layout.model_dir)
    scores = estimator.predict_proba(model, x)
    out = layout.predictions
    with atomic_write(out) as stream:
        np.savetxt(
            stream,
            np.column_stack([scores, y]),
            delimiter=",",
            header="score,label",
            comments="",
            fmt=["%.8f", "%d"],
        )
    print(f"wrote {out} ({len(scores)} events)")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    return run_step(predict, __doc__, argv, (onnx_io.ModelFileError,))


if __name__ == "__main__":
    sys.exit(main())
