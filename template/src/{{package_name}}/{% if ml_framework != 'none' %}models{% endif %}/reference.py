"""Validation material saved beside the exported model: reference inputs and expected outputs.

models/<name>/validation/reference_inputs.csv holds events of the held-out test set (float32
values, one column per input) and expected_outputs.csv the ONNX model's output for each; both
are plain CSV so that a reuser can check the model in any language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from ..files import atomic_write
from ..layout import EXPECTED_OUTPUTS, REFERENCE_INPUTS, VALIDATION_DIR
from .onnx_io import OUTPUT_NAME

DIRECTORY = VALIDATION_DIR
INPUTS_FILE = REFERENCE_INPUTS
OUTPUTS_FILE = EXPECTED_OUTPUTS
N_ROWS = 100
# Nine significant digits represent every float32 value exactly.
_FORMAT = "%.9g"


def _write_csv(path: Path, table: np.ndarray, header: Sequence[str]) -> Path:
    with atomic_write(path) as stream:
        np.savetxt(stream, table, delimiter=",", header=",".join(header), comments="", fmt=_FORMAT)
    return path


def save(
    directory: Path, x: np.ndarray, names: Sequence[str], outputs: np.ndarray
) -> tuple[Path, Path]:
    """Save the first N_ROWS inputs and their outputs as the model's validation material.

    The values are written with nine significant digits, which represent every float32 value
    exactly.

    Args:
        directory: the model folder, models/<name>/.
        x: the inputs, shape [events, features], in the units of the processed tables.
        names: the input column names, one per column of `x`.
        outputs: the model's output for each event of `x`, shape [events].

    Returns:
        (reference_inputs.csv, expected_outputs.csv) in `directory`/validation/.

    Raises:
        WriteError: the disk is full; the previous files are untouched.
        OSError: any other failure to write.
    """
    folder = directory / DIRECTORY
    n = min(N_ROWS, len(x))
    return (
        _write_csv(folder / INPUTS_FILE, x[:n], names),
        _write_csv(folder / OUTPUTS_FILE, outputs[:n, None], [OUTPUT_NAME]),
    )


def _read_csv(path: Path, ndmin: Literal[1, 2]) -> np.ndarray:
    """A CSV file of numbers below its header, as float32; fail naming the file."""
    try:
        return np.loadtxt(path, delimiter=",", skiprows=1, ndmin=ndmin, dtype=np.float32)
    except ValueError as error:  # numpy's message names the value, not the file
        raise ValueError(
            f"{path} is not a table of numbers ({error}): run `make export` again"
        ) from error


def load(directory: Path) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Read the validation material `save` wrote.

    Args:
        directory: the model folder, models/<name>/.

    Returns:
        (inputs, names, expected): the inputs as float32, shape [events, features]; the input
        column names; the expected outputs as float32, shape [events].

    Raises:
        FileNotFoundError: a file is missing.
        ValueError: a file is no table of numbers, or the two do not match.
    """
    folder = directory / DIRECTORY
    paths = (folder / INPUTS_FILE, folder / OUTPUTS_FILE)
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `make export`")
    lines = paths[0].read_text(encoding="utf-8").splitlines()
    names = lines[0].split(",") if lines else []
    x = _read_csv(paths[0], ndmin=2)
    expected = _read_csv(paths[1], ndmin=1)
    if len(x) != len(expected) or x.shape[1] != len(names):
        raise ValueError(f"{paths[0]} and {paths[1]} do not match: run `make export` again")
    return x, names, expected
