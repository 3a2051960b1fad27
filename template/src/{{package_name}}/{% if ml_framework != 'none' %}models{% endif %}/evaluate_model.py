"""`make evaluate`: metrics of the classifier on the test table, and its figures.

The metrics go to reports/metrics.json, the ROC curve and score distributions to
reports/figures.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sklearn.metrics import accuracy_score, roc_auc_score, roc_curve

from ..config import load_config
from ..files import write_text
from ..layout import ROC_FIGURE, SCORE_FIGURE, Layout
from ..step import run_step
from ..visualization import plots
from .predict_model import read_predictions


def evaluate(root: Path) -> dict[str, float]:
    """Compute the metrics from reports/predictions.csv and draw the figures.

    Args:
        root: the project folder.

    Returns:
        {"roc_auc": area under the ROC curve, "accuracy": fraction of events classified
        right with the score cut at 0.5, "n_test": events}, as written to
        reports/metrics.json.

    Raises:
        ConfigError: config/pipeline.yaml is missing or invalid.
        FileNotFoundError: reports/predictions.csv is missing (run `make predict`).
        PredictionsError: it is not the table `make predict` writes.
        ValueError: the test table has events of one label only (no ROC AUC).
        OSError: a file could not be written.
    """
    layout = Layout(load_config(root))
    scores, labels = read_predictions(layout.predictions)
    metrics = {
        "roc_auc": float(roc_auc_score(labels, scores)),
        "accuracy": float(accuracy_score(labels, scores >= 0.5)),
        "n_test": len(labels),
    }
    out = write_text(layout.metrics, json.dumps(metrics, indent=2) + "\n")
    fpr, tpr, _ = roc_curve(labels, scores)
    plots.roc_curve_figure(fpr, tpr, metrics["roc_auc"], layout.figure(ROC_FIGURE))
    plots.score_distribution_figure(scores, labels, layout.figure(SCORE_FIGURE))
    print(f"ROC AUC {metrics['roc_auc']:.4f}, accuracy {metrics['accuracy']:.4f}; wrote {out}")
    return metrics


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = ()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `make evaluate`: `evaluate` under the project's lock (`run_step`).

    Args:
        argv: the command-line arguments (`--root`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line.
    """
    return run_step(evaluate, __doc__, argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
