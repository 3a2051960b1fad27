"""`make evaluate`: metrics of the classifier on the test table (reports/metrics.json) and the
ROC curve and score distributions (reports/figures)."""

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
    """Compute the metrics from reports/predictions.csv and draw the figures; return the metrics."""
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


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    return run_step(evaluate, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
