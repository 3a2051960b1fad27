"""The feature schema every data and model step shares: a feature's description, the label, truth.

Template-owned: `copier update` keeps it current. The columns themselves are the data's own: the
toy generator (data/synthetic.py) lists its FEATURES with these descriptions, and your own table's
columns are described under `inputs:` in config/model_card.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The name of the 0/1 class column of every raw and processed table (1 = signal).
LABEL = "label"


@dataclass(frozen=True)
class Feature:
    """One input feature, as the model card, the ONNX metadata and the data sheet describe it.

    Attributes:
        name: the column name in the tables.
        unit: the unit of its values ("GeV", "ng/mL"), "" for a dimensionless number.
        description: one line on what it measures.
    """

    name: str
    unit: str
    description: str


#: The prefix of a generator-level ("truth") column: `truth_m_jj` is `m_jj` before the detector.
#: Such columns ride along in the raw and processed tables for the steps that study the detector
#: (`make efficiency-map`), and are never an input of the model.
TRUTH_PREFIX = "truth_"


def is_truth(name: str) -> bool:
    """Whether a column is a generator-level ("truth") quantity, by its name (`TRUTH_PREFIX`).

    Args:
        name: a column of a table.

    Returns:
        True for e.g. "truth_pt_lead", False for "pt_lead" and for the label.
    """
    return name.startswith(TRUTH_PREFIX)


def split_columns(names: Sequence[str]) -> tuple[list[int], list[int]]:
    """The positions of the model's inputs and of the truth columns among a table's columns.

    Args:
        names: the feature columns of a table, in order (the label excluded).

    Returns:
        (inputs, truth): the indices of the detector-level columns (every column not named
        with `TRUTH_PREFIX`), and those of the generator-level ones, each in table order.
    """
    truth = [index for index, name in enumerate(names) if is_truth(name)]
    inputs = [index for index, name in enumerate(names) if not is_truth(name)]
    return inputs, truth
