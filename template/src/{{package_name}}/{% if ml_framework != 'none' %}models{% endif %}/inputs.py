"""Descriptions of the model's inputs (name, unit, meaning) for the ONNX metadata and the card.

The toy data set describes its own columns (data.synthetic.FEATURES); for other data, or to
override a description, list the columns under `inputs:` in config/model_card.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..config import MODEL_CARD_FILE, ConfigError, load_model_card_config
from ..data.synthetic import FEATURES, Feature


def describe_inputs(root: Path, names: Sequence[str]) -> list[Feature]:
    """Return one description per input column, in order; fail naming any undocumented one."""
    known = {feature.name: feature for feature in FEATURES}
    overrides = load_model_card_config(root).get("inputs") or {}
    if not isinstance(overrides, dict):
        raise ConfigError(f"{MODEL_CARD_FILE}: 'inputs' must map column names to unit/description")
    described = []
    for name in names:
        entry = overrides.get(name)
        if isinstance(entry, dict) and entry.get("description"):
            described.append(
                Feature(name, str(entry.get("unit") or ""), str(entry["description"]).strip())
            )
        elif name in known:
            described.append(known[name])
        else:
            example = name + ": {unit: GeV, description: what the column measures}"
            raise ConfigError(
                f"{MODEL_CARD_FILE}: input '{name}' is not documented; add it under 'inputs:', "
                f"e.g.  {example}"
            )
    return described
