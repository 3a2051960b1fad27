"""The settings of `model.hyperparameters` in config/pipeline.yaml: their names and values.

Checked before training, so that a wrong setting is one line naming it, not a library's
traceback: a name the estimator does not take (with the one probably meant), a setting the
pipeline sets itself (the seed, the threads), a count that is not a whole number above zero,
and a number YAML read as text. What only the library knows it refuses when training;
`refused_value` turns that into the same kind of message.

Independent of models/estimator.py: the estimator's names and library are arguments, so that
estimator.py can use `above_zero` too.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ..config import CONFIG_FILE, ConfigError

#: Names one setting has in other libraries, or in another model of the same library, in the
#: order they are suggested: a setting written for one model is renamed for another. E.g.
#: scikit-learn's GradientBoostingClassifier says `n_estimators` where the
#: HistGradientBoostingClassifier says `max_iter`; XGBoost's native interface says `eta` where
#: its scikit-learn interface says `learning_rate`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "n_estimators": ("max_iter", "epochs"),
    "num_boost_round": ("n_estimators", "max_iter"),
    "max_iter": ("n_estimators", "epochs"),
    "n_epochs": ("epochs", "max_iter"),
    "num_epochs": ("epochs", "max_iter"),
    "eta": ("learning_rate",),
    "lr": ("learning_rate",),
    "learning_rate_init": ("learning_rate",),
    "num_leaves": ("max_leaf_nodes", "max_leaves"),
    "max_leaves": ("max_leaf_nodes",),
    "max_leaf_nodes": ("max_leaves",),
    "min_child_samples": ("min_samples_leaf",),
    "min_data_in_leaf": ("min_samples_leaf",),
    "lambda": ("reg_lambda", "l2_regularization"),
    "reg_lambda": ("l2_regularization",),
    "l2_regularization": ("reg_lambda",),
    "alpha": ("reg_alpha",),
    "hidden_layer_sizes": ("hidden_sizes",),
    "batch": ("batch_size",),
}

#: Settings of the libraries that the pipeline sets itself, and how to change them instead.
_SEED = (
    "the pipeline sets it from `seed:` of config/pipeline.yaml, so that every step draws from "
    "one seed. Fix: remove it, and change `seed:` instead"
)
_THREADS = "the pipeline sets the number of threads (two: more only add overhead). Fix: remove it"
PIPELINE_SETTINGS: dict[str, str] = {
    **dict.fromkeys(("random_state", "seed", "random_seed"), _SEED),
    **dict.fromkeys(("n_jobs", "nthread", "num_threads", "thread_count"), _THREADS),
    "callbacks": "the pipeline sets them (the progress bar). Fix: remove it",
}

#: Settings that count something (trees, iterations, epochs, rows in a batch): whole numbers
#: above zero in every library that takes them.
COUNTS = frozenset({"n_estimators", "max_iter", "epochs", "batch_size", "num_boost_round"})
#: A count above this is worth a second look (training would take hours on the toy data).
LARGE_COUNT = 100_000

#: A number as YAML 1.1 (PyYAML) reads it as text: an exponent without a dot ("1e9"), digits
#: with underscores or a plus sign in places it does not take.
_NUMBER_AS_TEXT = re.compile(r"[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?")


def above_zero(name: str, value: Any, kind: type[int] | type[float]) -> Any:
    """A setting's value, checked to be a number above zero of the kind it must be.

    Args:
        name: the setting, named in the message.
        value: its value as config/pipeline.yaml gives it.
        kind: int (a count or a width: a whole number) or float.

    Returns:
        The value as `kind` (2.0 becomes 2 for an int).

    Raises:
        ValueError: it is no number (true or false included), not whole where `kind` is int,
            or not above zero. The message names `name` (`refused_value` finds it there).
    """
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or (kind is int and not float(value).is_integer()) or not value > 0:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what} above zero, not {value!r}")
    return kind(value)


def nearest(name: str, known: frozenset[str]) -> str | None:
    """The known setting a user most likely meant by `name`.

    Args:
        name: a setting the estimator does not take.
        known: the settings it takes (estimator.HYPERPARAMETERS).

    Returns:
        Its name in this model (`SYNONYMS`), else the closest spelling (difflib), else None.
    """
    for other in SYNONYMS.get(name, ()):
        if other in known:
            return other
    near = difflib.get_close_matches(name, sorted(known), n=1)
    return near[0] if near else None


def _problem(name: str, value: Any, known: frozenset[str], library: str) -> str | None:
    """What is wrong with one setting, ending with its fix; None when nothing is seen."""
    if name not in known:
        if name in PIPELINE_SETTINGS:
            return f"is not for config/pipeline.yaml to give: {PIPELINE_SETTINGS[name]}"
        near = nearest(name, known)
        hint = f" (did you mean {near}?)" if near else ""
        fix = f"rename it {near}" if near else f"remove it; known: {', '.join(sorted(known))}"
        return f"is not a setting of {library}{hint}. Fix: {fix}"
    if isinstance(value, str) and _NUMBER_AS_TEXT.fullmatch(value.strip()):
        number = float(value.replace("_", ""))
        written = f"{int(number)}" if number.is_integer() and abs(number) < 1e16 else f"{number!r}"
        large = " (a count this large trains for hours: is it the one you mean?)"
        return (
            f"= {value!r} is text, not a number: YAML reads a number with an exponent but no "
            f"dot (or with underscores) as text. Fix: write {name}: {written}"
            + (large if name in COUNTS and number > LARGE_COUNT else "")
        )
    if name in COUNTS:
        try:
            above_zero(name, value, int)
        except ValueError:
            return (
                f"= {value!r} is not a count: it must be a whole number above zero. "
                f"Fix: write e.g. {name}: 100"
            )
    return None


def check(hyperparameters: dict[str, Any], known: frozenset[str], library: str) -> None:
    """Check the settings of `model.hyperparameters` before training.

    Args:
        hyperparameters: the section as config/pipeline.yaml gives it.
        known: the settings the estimator takes (estimator.HYPERPARAMETERS).
        library: the training library, named in the message (estimator.LIBRARY).

    Raises:
        ConfigError: the first wrong setting in alphabetical order: a name the estimator does
            not take (with the one meant, `nearest`), one the pipeline sets itself
            (`PIPELINE_SETTINGS`), a number YAML read as text, or a count (`COUNTS`) that is
            not a whole number above zero.
    """
    for name in sorted(hyperparameters):
        problem = _problem(name, hyperparameters[name], known, library)
        if problem:
            joined = " " if problem.startswith("=") else ": "
            raise ConfigError(f"{CONFIG_FILE}: model.hyperparameters.{name}{joined}{problem}")


def _reason(error: Exception) -> str:
    """The library's reason, on one line: without C++ log prefixes and stack traces.

    XGBoost's errors carry its log line ("[19:21:03] /workspace/src/gbm/gbm.cc:24: ") and a
    stack trace of the shared library; those say nothing to the user.
    """
    text = str(error).split("Stack trace:")[0]
    lines = [re.sub(r"^\[[\d:]+\] \S+:\d+: ", "", line.strip()) for line in text.splitlines()]
    sentences = [line if line.endswith((".", ":", ";")) else f"{line}." for line in lines if line]
    return " ".join(" ".join(sentences).split())[:300] or type(error).__name__ + "."


def refused_value(
    error: Exception, hyperparameters: dict[str, Any], library: str
) -> ConfigError | None:
    """The configuration error behind a failure of `estimator.fit`, if it is one.

    A library refuses a value with a TypeError or a ValueError naming the setting, e.g.
    scikit-learn's "The 'max_iter' parameter of HistGradientBoostingClassifier must be an int in
    the range [1, inf). Got 0 instead." or XGBoost's "value -1 for Parameter max_depth should be
    greater equal to 0", or naming the value ("Invalid Input: 'gpu_hist', valid values are:
    ...").

    Args:
        error: what `fit` raised.
        hyperparameters: the settings it was given.
        library: the training library, named in the message (estimator.LIBRARY).

    Returns:
        One error naming the file and the setting (when the message names exactly one, by its
        name or else by its text value), the library's reason and the fix; for a message that
        names none, the whole section. None for Python's own ValueError naming no setting (a
        failure that is no configuration error: it is raised as it is).
    """
    reason = _reason(error)

    def named_by(match: Any) -> list[str]:
        return [name for name, value in hyperparameters.items() if match(name, value)]

    named = named_by(lambda name, value: re.search(rf"\b{re.escape(name)}\b", reason))
    if not named:
        named = named_by(lambda name, value: isinstance(value, str) and value and value in reason)
    library_error = type(error).__module__ != "builtins"  # e.g. xgboost.core.XGBoostError
    if not named and not isinstance(error, TypeError) and not library_error:
        return None
    key = "model.hyperparameters" + (f".{named[0]}" if len(named) == 1 else "")
    value = f" = {hyperparameters[named[0]]!r}" if len(named) == 1 else ""
    return ConfigError(
        f"{CONFIG_FILE}: {key}{value} is refused by {library}: {reason} Fix: write a "
        f"value {library} accepts there (its documentation lists them)"
    )
