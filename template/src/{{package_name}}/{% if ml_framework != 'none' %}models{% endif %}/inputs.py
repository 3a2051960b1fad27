"""Descriptions of the model's inputs (name, unit, meaning) for the ONNX metadata and the card.

The toy data set describes its own columns (FEATURES of data/synthetic.py), and so do ROOT
ntuples (FEATURES of data/ntuple.py, while `data.ntuples` is set); for other data, or to override
a description, list the columns under `inputs:` in config/model_card.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path

from ..config import MODEL_CARD_FILE, ConfigError, load_config
from ..data.interface import generator
from ..data.partitions import ntuple_features
from ..data.schema import Feature
from .card_config import INPUT_EXAMPLE, load_card_config

#: Of the undocumented inputs, the error names this many and counts the others.
LISTED_MISSING = 5


def describe_inputs(root: Path, names: Sequence[str]) -> list[Feature]:
    """Return one description per input column, in order; fail naming the undocumented ones.

    Args:
        root: the project folder (its config/model_card.yaml `inputs:` override).
        names: the model's input columns, in order.

    Returns:
        One `Feature` (name, unit, description) per name, in order: from config/model_card.yaml
        where it describes the column, else from FEATURES of data/ntuple.py (while
        `data.ntuples` is set) or of data/synthetic.py.

    Raises:
        ConfigError: config/model_card.yaml is wrong (see card_config), describes an input the
            model has not (a typo would silently leave a column undescribed), or a column is
            described neither there nor by the toy data set.
    """
    features = [*generator().FEATURES, *ntuple_features(load_config(root))]
    known = {feature.name: feature for feature in features}  # the ntuples' last: they win
    overrides = load_card_config(root, require_text=False)["inputs"]
    unused = [name for name in overrides if name not in names]
    if unused:
        close = get_close_matches(unused[0], list(names), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ConfigError(
            f"{MODEL_CARD_FILE}: inputs.{unused[0]} is not an input of the model ({hint}its "
            f"inputs: {', '.join(names)}); rename or remove it"
        )
    missing = [name for name in names if name not in overrides and name not in known]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing[:LISTED_MISSING])
        if len(missing) > LISTED_MISSING:
            listed += f" and {len(missing) - LISTED_MISSING} more"
        what = f"{len(missing)} inputs ({listed}) are" if len(missing) > 1 else f"input {listed} is"
        raise ConfigError(
            f"{MODEL_CARD_FILE}: {what} not documented. Fix: describe each under 'inputs:', e.g. "
            "inputs: {" + f"{missing[0]}: {INPUT_EXAMPLE}" + "}"
        )
    return [
        Feature(name, overrides[name]["unit"], overrides[name]["description"])
        if name in overrides
        else known[name]
        for name in names
    ]
