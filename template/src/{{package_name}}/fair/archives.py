"""The archives suggested to this project for its data and models, its domain's own first.

They are read from archives.json beside this module, written by Copier from the same list as
data/README.md (Distribution); they name the fix of a missing DOI.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Literal

ARCHIVES_FILE = "archives.json"


def _read() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(name, address, what it takes) of each archive in ARCHIVES_FILE."""
    text = resources.files(__package__).joinpath(ARCHIVES_FILE).read_text("utf-8")
    return tuple((entry["name"], entry["url"], tuple(entry["takes"])) for entry in json.loads(text))


#: (name, address, what it takes) of each suggested archive, the domain's own first.
ARCHIVES: tuple[tuple[str, str, tuple[str, ...]], ...] = _read()


def suggested(kind: Literal["data", "model"]) -> str:
    """The archives that take `kind`, as one phrase.

    Args:
        kind: what is archived: "data" or "model".

    Returns:
        The names of the archives that take it, e.g. 'CERN Open Data portal or Zenodo'.
    """
    names = [name for name, _, takes in ARCHIVES if kind in takes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
