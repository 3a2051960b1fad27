"""The feature schema every data and model step shares: a feature's description and the label.

Template-owned: `copier update` keeps it current. The columns themselves are the data's own: the
toy generator (data/synthetic.py) lists its FEATURES with these descriptions, and your own table's
columns are described under `inputs:` in config/model_card.yaml.
"""

from __future__ import annotations

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
