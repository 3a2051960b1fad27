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
from ..step import run_step
from . import estimator


def predict(root: Path) -> Path:
    """Score the test table; return the predictions file."""
    config = load_config(root)
    test_file = config.path("features", "processed_dir") / "test.csv"
    manifest.verify(test_file)
    x, y, _ = read_table(test_file)
    directory = config.path("model", "dir")
    if not (directory / estimator.MODEL_FILE).is_file():
        raise FileNotFoundError(f"{directory / estimator.MODEL_FILE} is missing: run `make train`")
    scores = estimator.predict_proba(estimator.load(directory), x)
    out = config.path("reports", "predictions_file")
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(
        out,
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
    return run_step(predict, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
