"""What the model steps use of models/estimator.py, the module that is yours to rewrite.

Train another model by rewriting estimator.py (`copier update` leaves it as you wrote it): keep
the names of `Estimator` below, with their meaning. Every step that trains or loads the model
first checks that estimator.py defines them all (`check`); mypy checks their types
(tests/test_estimator_interface.py).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

if TYPE_CHECKING:
    import onnx


class Estimator(Protocol):
    """The names models/estimator.py provides; the module itself satisfies this protocol."""

    # Read-only (properties): a module's variable of a narrower type fits, e.g. torch's version.
    @property
    def LIBRARY(self) -> str:
        """The training library, e.g. "scikit-learn" (training.json, the model card, messages)."""
        ...

    @property
    def LIBRARY_VERSION(self) -> str:
        """Its version, recorded with the model."""
        ...

    @property
    def MODEL_FILE(self) -> str:
        """The name of the saved model file in the model folder, e.g. "model.joblib"."""
        ...

    @property
    def MODEL_TYPE(self) -> str:
        """One line on the kind of model, for the model card and the ONNX metadata."""
        ...

    @property
    def HYPERPARAMETERS(self) -> frozenset[str]:
        """The settings `model.hyperparameters` in config/pipeline.yaml may give."""
        ...

    def fit(self, x: np.ndarray, y: np.ndarray, hyperparameters: dict[str, Any], seed: int) -> Any:
        """Train a model.

        Args:
            x: the features, shape [events, features], in the units of the processed tables.
            y: the 0/1 labels, shape [events].
            hyperparameters: model.hyperparameters of config/pipeline.yaml (names in
                HYPERPARAMETERS).
            seed: the random seed; the same seed and data give the same model.

        Returns:
            The trained model, as `predict_proba`, `save` and `to_onnx` take it.
        """
        ...

    def predict_proba(self, model: Any, x: np.ndarray) -> np.ndarray:
        """The signal probability of each event.

        Args:
            model: the trained model.
            x: the features, shape [events, features], in the units of the processed tables.

        Returns:
            The probability of label 1, float64 in [0, 1], shape [events].
        """
        ...

    def save(self, model: Any, directory: Path) -> Path:
        """Save a model as MODEL_FILE in `directory`, through the atomic writer (files.py).

        Args:
            model: the trained model.
            directory: the model folder, models/<name>/.

        Returns:
            The file written.
        """
        ...

    def load(self, directory: Path) -> Any:
        """Load the model `save` wrote.

        Args:
            directory: the model folder, models/<name>/.

        Returns:
            The trained model.

        Raises:
            FileNotFoundError: there is no model file.
            ModelFileError: the file is damaged or holds no model of this kind
                (onnx_io.unreadable makes the message).
        """
        ...

    def to_onnx(self, model: Any, n_features: int) -> onnx.ModelProto:
        """Convert a model to ONNX.

        Args:
            model: the trained model.
            n_features: the number of input columns.

        Returns:
            The ONNX model: input `features`, float32 [events, n_features]; output
            `signal_probability`, float32 [events] (onnx_io.check verifies it).
        """
        ...

    def preprocessing(self, model: Any) -> str:
        """Describe the preprocessing a user of the exported model must apply.

        Args:
            model: the trained model.

        Returns:
            One phrase, for the model card and the ONNX metadata.
        """
        ...

    def input_preprocessing(self, model: Any) -> list[str]:
        """What the model does to each input first.

        Args:
            model: the trained model.

        Returns:
            One line per input column, in order.
        """
        ...


#: The names of `Estimator`: its values (properties), then its functions.
ATTRIBUTES = tuple(name for name, value in vars(Estimator).items() if isinstance(value, property))
FUNCTIONS = tuple(
    name for name, value in vars(Estimator).items() if callable(value) and not name.startswith("_")
)


class EstimatorError(ValueError):
    """models/estimator.py lacks a name of `Estimator`.

    A ValueError, so that every step reports it as one line.
    """


def missing(module: ModuleType) -> list[str]:
    """The names of `Estimator` that a module lacks.

    Args:
        module: the imported models/estimator.py.

    Returns:
        The values it does not define, then the functions it does not define or cannot call,
        in the order of `Estimator`.
    """
    absent = [name for name in ATTRIBUTES if not hasattr(module, name)]
    return absent + [name for name in FUNCTIONS if not callable(getattr(module, name, None))]


def check(module: ModuleType) -> Estimator:
    """Return `module` (models/estimator.py) as an `Estimator` if it defines every name.

    Args:
        module: the imported models/estimator.py.

    Returns:
        `module`, typed as the interface.

    Raises:
        EstimatorError: a name is missing or, for a function, not callable.
    """
    absent = missing(module)
    if absent:
        names = ", ".join(absent)
        raise EstimatorError(
            f"{module.__file__}: lacks {names}, which the model steps use. Fix: define "
            f"{'it' if len(absent) == 1 else 'them'} as the Estimator interface in "
            "models/interface.py describes (the template's estimator.py comes back if you delete "
            "it, commit and run `copier update --trust`)"
        )
    return cast(Estimator, module)
