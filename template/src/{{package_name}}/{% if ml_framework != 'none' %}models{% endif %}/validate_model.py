"""`make validate-model`: the first check a reuser of the model makes.

It verifies the released files against models/<name>/MANIFEST.sha256, runs onnx.checker and the
interface check on model.onnx, and re-runs the saved reference inputs through onnxruntime,
comparing with the expected outputs to 1e-5; a scikit-learn model's C++ export is compiled and
run on them too.
It needs only onnx, onnxruntime and numpy, not the training library.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import project
from ..config import load_config
from ..data import manifest
from ..layout import CARD_EDITED_FIX, CPP_BUILD_DIR, CPP_DIR, MODEL_CARD, Layout
from ..step import run_step
from . import agreement, estimator, onnx_io, reference

#: What a release whose manifest lacks or does not match a file asks for.
RELEASE_FIX = "run `make export` (and `make model-card`) to write the release again"


class ValidationError(Exception):
    """The released model does not reproduce its reference outputs."""


def compare(scores: np.ndarray, expected: np.ndarray, what: str) -> float:
    """The largest difference of `scores` from the saved reference outputs.

    Args:
        scores: shape [events], the outputs of `what` on the reference inputs.
        expected: shape [events], the saved expected outputs.
        what: the computation checked, for the message ("onnxruntime", "the C++ export").

    Returns:
        The largest absolute difference (at most `agreement.TOLERANCE`, 1e-5).

    Raises:
        ValidationError: a different number of outputs, or an event differing by more than
            `agreement.TOLERANCE`.
    """
    try:
        difference, disagreement = agreement.compare(scores, expected)
    except ValueError:
        raise ValidationError(
            f"{what} gave {scores.shape[0]} outputs for {len(expected)} inputs"
        ) from None
    if disagreement is not None:
        raise ValidationError(
            f"{what} differs from the expected outputs on {disagreement.count} of "
            f"{disagreement.total} reference {project.ROW_NAMES[1]} (row {disagreement.row + 1}: "
            f"{disagreement.got:.8g} instead of {disagreement.expected:.8g}); the model or its "
            "validation files changed: restore them or run `make export`"
        )
    return difference


def _check_cpp_export(root: Path, directory: Path, expected: np.ndarray) -> list[str]:
    """Compile and run a scikit-learn model's C++ export on the reference inputs, if it has one.

    Args:
        root: the project folder (its build/cpp keeps the compiled program).
        directory: the model folder.
        expected: the expected outputs of the reference inputs, shape [events].

    Returns:
        The line of the passed check, or [] without a C++ export.

    Raises:
        ValidationError: the export does not build, run or reproduce `expected`.
    """
    if project.ML_FRAMEWORK != "scikit-learn":  # export_cpp.py is in scikit-learn projects only
        return []
    from .export_cpp import CppError
    from .export_cpp import check as check_cpp

    cpp = directory / CPP_DIR
    if not cpp.is_dir():
        return []
    inputs_csv = (directory / reference.DIRECTORY / reference.INPUTS_FILE).resolve()
    try:
        worst = check_cpp(cpp, inputs_csv, expected.astype(np.float64), root / CPP_BUILD_DIR)
    except CppError as error:
        raise ValidationError(f"C++ export: {error}; {RELEASE_FIX}") from error
    return [f"the C++ export reproduces them too (max diff {worst:.2g})"]


def validate(root: Path) -> list[str]:
    """Validate the released model; stop at the first check that fails.

    The checks: the released files against models/<name>/MANIFEST.sha256; onnx.checker and the
    interface of model.onnx (`onnx_io.check`); the input names it records against the reference
    inputs; onnxruntime on the reference inputs against the expected outputs, to
    `agreement.TOLERANCE`; and a scikit-learn model's C++ export, where it has one.

    Args:
        root: the project folder.

    Returns:
        One line per passed check, e.g. "onnxruntime reproduces the 100 reference outputs".

    Raises:
        ConfigError: config/pipeline.yaml is missing or invalid.
        FileNotFoundError: model.onnx or a validation file is missing (run `make export`).
        ChecksumError: the manifest is missing, or a released file is unlisted, missing or
            changed.
        ValueError: a validation file is no table of numbers, or the two do not match.
        ModelFileError: model.onnx cannot be read.
        ModelInterfaceError: onnx.checker rejects the model, its interface differs, or its
            input metadata is missing.
        ValidationError: the inputs it records differ from the reference inputs', or an
            output (onnxruntime or C++) differs from the expected one by more than 1e-5.
    """
    layout = Layout(load_config(root))
    directory = layout.model_dir
    onnx_file = directory / onnx_io.ONNX_FILE
    if not onnx_file.is_file():
        raise FileNotFoundError(f"{onnx_file} is missing: run `make export`")
    manifest_file = directory / manifest.MANIFEST_NAME
    card = directory / MODEL_CARD
    card_sha256 = manifest.read_manifest(manifest_file).get(MODEL_CARD)
    if card_sha256 is not None and card.is_file() and manifest.sha256_of(card) != card_sha256:
        # make model-card keeps a card edited by hand: RELEASE_FIX would not mend it.
        raise manifest.ChecksumError(
            f"{card} was edited by hand since `make model-card` wrote it, so the release no "
            f"longer matches {manifest.MANIFEST_NAME}. Fix: {CARD_EDITED_FIX}"
        )
    released = manifest.verify_release(
        manifest_file, layout.release(estimator.MODEL_FILE), fix=RELEASE_FIX
    )
    passed = [f"{len(released)} released files match {manifest.MANIFEST_NAME}"]
    x, names, expected = reference.load(directory)
    model = onnx_io.load(onnx_file)
    onnx_io.check(model, len(names), onnx_file)
    recorded = [entry["name"] for entry in onnx_io.json_metadata(model, "inputs")]
    if recorded != names:
        raise ValidationError(
            f"{onnx_file} documents inputs {recorded}, the reference inputs have {names}"
        )
    passed.append(f"onnx.checker accepts {onnx_file.name}; input '{onnx_io.INPUT_NAME}' {names}")
    worst = compare(onnx_io.run(onnx_io.session(model, onnx_file), x), expected, "onnxruntime")
    passed.append(
        f"onnxruntime reproduces the {len(expected)} reference outputs (max diff {worst:.2g})"
    )
    passed += _check_cpp_export(root, directory, expected)
    return passed


def report(root: Path) -> None:
    """Validate the released model and print one `ok:` line per passed check.

    Args:
        root: the project folder.

    Raises:
        ValidationError: a check fails; so do the other errors `validate` names.
    """
    for line in validate(root):
        print(f"ok: {line}")


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = (
    onnx_io.ModelInterfaceError,
    onnx_io.ModelFileError,
    ValidationError,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `make validate-model`: `report` under the project's lock (`run_step`).

    Args:
        argv: the command-line arguments (`--root`); default: those of the process.

    Returns:
        The exit code: 0 when every check passes, 1 after the failure printed as one line.
    """
    return run_step(report, __doc__, argv, ERRORS, label="error: model validation failed")


if __name__ == "__main__":
    sys.exit(main())
