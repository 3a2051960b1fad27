"""What the data steps use of data/synthetic.py, the toy generator that is yours to rewrite.

Replace the toy data by rewriting data/synthetic.py (`copier update` leaves it as you wrote it):
keep the names of `Generator` below, with their meaning. `make data` and the steps that describe
the features check that synthetic.py defines them (`generator`) before they use it. An optional
TRUTH names generator-level columns that `generate` returns after FEATURES (`truth_of`).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np

from .schema import LABEL, TRUTH_PREFIX, Feature, is_truth

if TYPE_CHECKING:  # imported at run time by `generator`; named here for readers of the imports
    from . import synthetic  # noqa: F401  (pipeline.py: the data steps depend on this file)


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
            (features [n_events, len(FEATURES) + len(TRUTH)] in the units of FEATURES, then
            of the optional TRUTH, labels [n_events] of 0 or 1).
        """
        ...


def truth_of(toy: Generator) -> tuple[Feature, ...]:
    """The generator-level ("truth") columns data/synthetic.py writes after FEATURES.

    TRUTH is optional: a synthetic.py from before it (`copier update` keeps yours) has none.

    Args:
        toy: the checked generator (`generator`).

    Returns:
        Its TRUTH, each named with `schema.TRUTH_PREFIX`; () when it defines none.
    """
    return tuple(getattr(toy, "TRUTH", None) or ())


def column_names(toy: Generator) -> list[str]:
    """The columns of the table `make data` writes from the generator: FEATURES, then TRUTH.

    Args:
        toy: the checked generator (`generator`).

    Returns:
        The names, in the order of the columns `generate` returns.
    """
    return [feature.name for feature in (*toy.FEATURES, *truth_of(toy))]


class GeneratorError(ValueError):
    """data/synthetic.py lacks a name of `Generator`.

    A ValueError, so that every step reports it as one line.
    """


def _shown(path: str | None) -> str:
    """A file of the package as messages name it: relative to the working folder if inside."""
    if path is None:
        return "data/synthetic.py"
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path


def generator() -> Generator:
    """Import data/synthetic.py and return it as a `Generator` if it defines every name.

    Returns:
        The module, typed as the interface.

    Raises:
        GeneratorError: synthetic.py cannot be imported; FEATURES is missing, empty, not a
            sequence of features with name, unit and description, or names a column twice or
            'label'; TRUTH (optional) is not such a sequence, names a column without the
            prefix `truth_` or one of FEATURES; or generate is missing or not a function.
    """
    name = f"{__package__}.synthetic"
    try:
        module = importlib.import_module(name)
    except Exception as error:  # a syntax error or failed import in the user's own file
        spec = importlib.util.find_spec(name)
        where = _shown(spec.origin if spec else None)
        line = f", line {error.lineno}" if isinstance(error, SyntaxError) else ""
        raise GeneratorError(
            f"{where}{line}: cannot be imported ({type(error).__name__}: {error}). Fix: correct "
            "it there, or restore the template's version from git"
        ) from error
    where = _shown(getattr(module, "__file__", None))
    features = getattr(module, "FEATURES", None)
    problems = []
    if features is None:
        problems.append("lacks FEATURES (a tuple of data.schema.Feature)")
    elif _feature_problem(features):
        problems.append(f"FEATURES {_feature_problem(features)}")
    truth = getattr(module, "TRUTH", None)
    if truth is not None and _truth_problem(features or (), truth):
        problems.append(f"TRUTH {_truth_problem(features or (), truth)}")
    if not callable(getattr(module, "generate", None)):
        problems.append("lacks generate(n_events, signal_fraction, seed)")
    if problems:
        raise GeneratorError(
            f"{where}: {' and '.join(problems)}, which the data steps use. Fix: define them as "
            "the Generator interface in data/interface.py describes (the template's "
            "synthetic.py comes back if you delete it, commit and run `copier update --trust`)"
        )
    return cast(Generator, module)


def _feature_problem(features: object) -> str | None:
    """Why FEATURES cannot name the columns of a table (None when it can)."""
    if not isinstance(features, Sequence) or isinstance(features, str) or not features:
        return "is not a non-empty tuple of data.schema.Feature"
    keys = ("name", "unit", "description")
    if not all(all(isinstance(getattr(f, key, None), str) for key in keys) for f in features):
        return "is not a tuple of data.schema.Feature (each with a name, unit and description)"
    names = [f.name for f in features]
    if LABEL in names or len(set(names)) != len(names) or not all(n.strip() for n in names):
        return f"names a column twice, leaves one unnamed, or names one '{LABEL}' (the label's)"
    return None


def _truth_problem(features: object, truth: object) -> str | None:
    """Why TRUTH cannot name the truth columns after FEATURES (None when it can)."""
    if isinstance(truth, Sequence) and not isinstance(truth, str) and not truth:
        return None  # an empty TRUTH: no truth columns
    problem = _feature_problem(truth)
    if problem:
        return problem
    names = [f.name for f in truth]  # type: ignore[attr-defined]
    if not all(is_truth(name) for name in names):
        return f"names a column without the prefix '{TRUTH_PREFIX}' (e.g. {TRUTH_PREFIX}pt_lead)"
    inputs = [getattr(f, "name", "") for f in features] if isinstance(features, Sequence) else []
    if any(is_truth(name) for name in inputs) or set(inputs) & set(names):
        return f"and FEATURES share a name, or FEATURES names one '{TRUTH_PREFIX}...'"
    return None


def generated(
    toy: Generator, n_events: int, signal_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Call `toy.generate` and check what it returns before anything is written.

    Args:
        toy: the checked generator (`generator`).
        n_events: how many events.
        signal_fraction: the fraction labelled 1, in (0, 1).
        seed: the seed.

    Returns:
        (features [n_events, len(FEATURES) + len(TRUTH)] as float64, the columns of
        `column_names`; labels [n_events] of 0 or 1 as int64).

    Raises:
        GeneratorError: generate fails with an ordinary error, or returns anything else: the
            message names data/synthetic.py and what it returned.
    """
    where = _shown(getattr(toy, "__file__", None))
    try:
        x, y = toy.generate(n_events, signal_fraction, seed)
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y)
    except (TypeError, ValueError, ArithmeticError, IndexError) as error:
        raise GeneratorError(
            f"{where}: generate({n_events}, {signal_fraction:g}, {seed}) failed ({error}). "
            "Fix: return (features, labels) as data/interface.py describes"
        ) from error
    expected = (n_events, len(column_names(toy)))
    problem = None
    if x.shape != expected:
        problem = f"features of shape {x.shape}, not {expected} (events, FEATURES + TRUTH)"
    elif y.shape != (n_events,):
        problem = f"labels of shape {y.shape}, not ({n_events},)"
    elif not np.isin(y, (0, 1)).all():
        problem = "labels other than 0 and 1"
    if problem:
        raise GeneratorError(
            f"{where}: generate returned {problem}; nothing was written. Fix: return "
            "(features, labels) as data/interface.py describes"
        )
    return x, y.astype(np.int64)
