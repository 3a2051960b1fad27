"""The one rule for two computations of a model's outputs to count as the same model.

The native model against its ONNX export (`make export`), the C++ export against the model
(`make export`, `make validate-model`), and the released model against its saved reference
outputs (`make validate-model`) are all compared here, element by element, with one tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The largest absolute difference allowed between two computations of the same output, a
#: probability in [0, 1]. Inference in float32 (ONNX, C++) of a model trained in float64 agrees
#: to about 1e-7 to 1e-6; 1e-5 leaves room for that and still catches a changed model, input
#: order or preprocessing (the CMS recommendation for released models: outputs reproduced on
#: validation inputs; Les Houches guide for ML in reinterpretation, arXiv:2312.14575).
TOLERANCE = 1e-5


@dataclass(frozen=True)
class Disagreement:
    """Where two output vectors differ by more than TOLERANCE.

    Attributes:
        count: how many events differ by more than TOLERANCE (or are NaN).
        total: how many events were compared.
        row: the first such event, counted from 0.
        got: the output compared, at `row`.
        expected: the reference output, at `row`.
        largest: the largest absolute difference over all events (NaN if any output is NaN).
    """

    count: int
    total: int
    row: int
    got: float
    expected: float
    largest: float


def compare(got: np.ndarray, expected: np.ndarray) -> tuple[float, Disagreement | None]:
    """Compare two computations of the same outputs, event by event.

    Args:
        got: shape [events], the outputs to check (e.g. ONNX, C++ or the released model's),
            probabilities in [0, 1].
        expected: shape [events], the reference outputs (the native model's, or the saved
            ones).

    Returns:
        (the largest absolute difference, None) when every event agrees within TOLERANCE
        (1e-5, see its comment for the source); otherwise (that difference, the
        Disagreement). A NaN output never agrees.

    Raises:
        ValueError: the two have different shapes (a different number of events).
    """
    got64, expected64 = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if got64.shape != expected64.shape:
        raise ValueError(f"{got64.shape[0]} outputs for {expected64.shape[0]} rows")
    deviation = np.abs(got64 - expected64)
    largest = float(np.max(deviation)) if deviation.size else 0.0
    bad = np.flatnonzero(~(deviation <= TOLERANCE))
    if not len(bad):
        return largest, None
    first = int(bad[0])
    return largest, Disagreement(
        len(bad), len(deviation), first, float(got64[first]), float(expected64[first]), largest
    )
