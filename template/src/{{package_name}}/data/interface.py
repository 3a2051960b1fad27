"""What the data steps use of data/synthetic.py, the toy generator that is yours to rewrite.

Replace the toy data by rewriting data/synthetic.py (`copier update` leaves it as you wrote it):
keep the names of `Generator` below, with their meaning. `make data` and the steps that describe
the features check that synthetic.py defines them (`generator`) before they use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Protocol, cast

import numpy as np

from .schema import Feature


class Generator(Protocol):
    """The names data/synthetic.py provides; the module itself satisfies this protocol."""

    @property
    def FEATURES(self) -> Sequence[Feature]:
        """The generated columns in order, each with its unit and meaning (data/schema.py)."""
        ...

    def generate(
        self, n_events: int, signal_fraction: float, seed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the toy events, shuffled; the same seed gives the same events.

        Args:
            n_events: how many events, at least 2.
            signal_fraction: the fraction labelled 1 (signal), in (0, 1).
            seed: the seed of numpy's random generator.

        Returns:
            (features [n_events, len(FEATURES)] in the units of FEATURES, labels [n_events]
            of 0 or 1).
        """
        ...


class GeneratorError(ValueError):
    """data/synthetic.py lacks a name of `Generator`.

    A ValueError, so that every step reports it as one line.
    """


def generator() -> Generator:
    """Import data/synthetic.py and return it as a `Generator` if it defines every name.

    Returns:
        The module, typed as the interface.

    Raises:
        GeneratorError: FEATURES is missing or not a sequence of features with name, unit and
            description, or generate is missing or not a function.
    """
    module = importlib.import_module(f"{__package__}.synthetic")
    features = getattr(module, "FEATURES", None)
    absent = []
    if not isinstance(features, Sequence) or not all(
        all(isinstance(getattr(f, key, None), str) for key in ("name", "unit", "description"))
        for f in features
    ):
        absent.append("FEATURES (a tuple of data.schema.Feature)")
    if not callable(getattr(module, "generate", None)):
        absent.append("generate(n_events, signal_fraction, seed)")
    if absent:
        raise GeneratorError(
            f"{module.__file__}: lacks {' and '.join(absent)}, which the data steps use. Fix: "
            "define them as the Generator interface in data/interface.py describes (the "
            "template's synthetic.py comes back if you delete it, commit and run "
            "`copier update --trust`)"
        )
    return cast(Generator, module)
