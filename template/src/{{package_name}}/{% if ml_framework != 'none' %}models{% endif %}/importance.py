"""`make importance`: how much the classifier relies on each input, on the test set.

Permutation importance (Breiman, "Random Forests", Machine Learning 45 (2001) 5; Fisher, Rudin
and Dominici, JMLR 20 (2019) 177): the values of one input are shuffled among the test rows,
which breaks its relation to the label and keeps its distribution, and the drop of the ROC AUC
is that input's importance; repeated IMPORTANCE_REPEATS times with seeds from `seed`. It needs
nothing of the model but its scores, so it is the same for every framework
(scikit-learn's `sklearn.inspection.permutation_importance` does the shuffling).

Written to reports/feature_importance.json and drawn as reports/figures/feature_importance.png;
the model card shows both, and in HEP the HEPData submission carries the table (the Les Houches
recommendations ask for an indication of feature importance, arXiv:2312.14575).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score

from .. import project
from ..config import load_config
from ..data import manifest
from ..data.table import read_inputs
from ..files import write_text
from ..layout import FEATURES_FIX, IMPORTANCE_FIGURE, Layout
from ..step import run_step
from ..visualization import plots
from . import estimator
from .inputs import describe_inputs
from .train_model import load_trained

#: How often each input is shuffled; the spread of the drops is the uncertainty.
IMPORTANCE_REPEATS = 5
#: The metric whose drop measures the importance.
METRIC = "roc_auc"


class _Scored:
    """The trained model as scikit-learn's permutation_importance calls it (`score`)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def fit(self, x: np.ndarray, y: np.ndarray) -> _Scored:  # never called: already trained
        return self


def _roc_auc(scored: _Scored, x: np.ndarray, y: np.ndarray) -> float:
    """The ROC AUC of the model's scores of `x` against the labels `y`."""
    return float(roc_auc_score(y, estimator.predict_proba(scored.model, x)))


def feature_importance(
    model: Any, x: np.ndarray, y: np.ndarray, seed: int
) -> tuple[float, np.ndarray, np.ndarray]:
    """Permutation importance of each input: the drop of the ROC AUC when it is shuffled.

    Args:
        model: the trained model (estimator.load).
        x: the test features, shape [rows, inputs], in the units of the processed tables.
        y: their 0/1 labels, shape [rows].
        seed: the seed of the shuffles (`seed` of config/pipeline.yaml).

    Returns:
        (the ROC AUC unshuffled, the mean drop per input [inputs], its standard deviation
        over IMPORTANCE_REPEATS shuffles [inputs]); a drop is in units of ROC AUC (0 to 1).

    Raises:
        ValueError: `y` holds one label only (no ROC AUC).
    """
    scored = _Scored(model)
    result = permutation_importance(
        scored, x, y, scoring=_roc_auc, n_repeats=IMPORTANCE_REPEATS, random_state=seed
    )
    return _roc_auc(scored, x, y), result.importances_mean, result.importances_std


def importance(root: Path) -> Path:
    """Write reports/feature_importance.json and its figure for the trained model.

    Args:
        root: the project folder, after `make train` and `make features`.

    Returns:
        reports/feature_importance.json: {"metric": "roc_auc", "baseline": ROC AUC,
        "n_repeats", "n_test", "seed", "features": [{"name", "unit", "description",
        "importance" (mean drop), "std"}, most important first]}.

    Raises:
        ConfigError: config/pipeline.yaml or config/model_card.yaml is wrong, or an input is
            described in neither (`inputs.describe_inputs`).
        ChecksumError: the test table changed since `make features`, or the training record
            belongs to another model file.
        FileNotFoundError: the trained model or its record is missing (run `make train`).
        ModelFileError: the trained model cannot be read.
        OSError: a file could not be written.
    """
    config = load_config(root)
    layout = Layout(config)
    manifest.verify(layout.test_table, fix=FEATURES_FIX, rewrite=FEATURES_FIX)
    x, y, names = read_inputs(layout.test_table)
    model, _ = load_trained(layout.model_dir)
    baseline, mean, std = feature_importance(model, x, y, config.seed)
    described = describe_inputs(root, names)
    order = np.argsort(-mean, kind="stable")
    features = [
        {
            "name": described[i].name,
            "unit": described[i].unit,
            "description": described[i].description,
            "importance": round(float(mean[i]), 6),
            "std": round(float(std[i]), 6),
        }
        for i in order
    ]
    record = {
        "metric": METRIC,
        "baseline": round(baseline, 6),
        "n_repeats": IMPORTANCE_REPEATS,
        "n_test": len(y),
        "seed": config.seed,
        "features": features,
    }
    out = write_text(layout.importance, json.dumps(record, indent=2) + "\n")
    # visualization/plots.py is yours (`copier update` keeps it): one from before this step
    # has no importance figure; the numbers are written all the same.
    draw = getattr(plots, "importance_figure", None)
    if draw is None:
        written = f"{out} (no figure: your visualization/plots.py has no importance_figure)"
    else:
        figure = draw(
            [f["name"] for f in features],
            np.array([f["importance"] for f in features]),
            np.array([f["std"] for f in features]),
            layout.figure(IMPORTANCE_FIGURE),
        )
        written = f"{out} and {figure}"
    top = features[0]
    print(
        f"wrote {written}: shuffling {top['name']} lowers the ROC AUC most "
        f"({top['importance']:.4f} of {baseline:.4f}, {len(y)} {project.ROW_NAMES[1]})"
    )
    return out


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = ()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `make importance`: `importance` under the project's lock (`run_step`).

    Args:
        argv: the command-line arguments (`--root`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line.
    """
    return run_step(importance, __doc__, argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
