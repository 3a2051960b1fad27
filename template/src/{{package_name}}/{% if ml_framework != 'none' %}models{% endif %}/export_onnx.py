"""`make export`: convert the trained classifier to ONNX (models/<name>/model.onnx).

The export is checked before anything is written: onnx.checker must accept the graph, and the
native model and onnxruntime must agree to 1e-5 on every event of the held-out test set. The
model's metadata_props record the inputs, the output, the preprocessing and the training
provenance; reference inputs and the expected outputs are saved beside the model
(validation/) for `make validate-model`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime

from .. import project
from ..config import load_config
from ..data import manifest
from ..data.schema import Feature
from ..data.table import read_inputs
from ..files import write_bytes, write_text
from ..layout import EXPORT_CHECK, FEATURES_FIX, MODEL_CARD, TRAINING_RECORD, Layout
from ..step import run_step
from . import agreement, estimator, onnx_io, reference
from .inputs import describe_inputs
from .train_model import load_trained


class ExportError(Exception):
    """The model cannot be exported faithfully."""


def compare(native: np.ndarray, exported: np.ndarray) -> float:
    """The largest difference of the ONNX export's outputs from the native model's.

    Args:
        native: shape (N,), the native model's probabilities on the test events.
        exported: shape (N,), onnxruntime's on the same events.

    Returns:
        The largest absolute difference (at most `agreement.TOLERANCE`).

    Raises:
        ExportError: an event differs by more than `agreement.TOLERANCE`.
    """
    difference, disagreement = agreement.compare(exported, native)
    if disagreement is not None:
        raise ExportError(
            f"onnxruntime and {estimator.LIBRARY} disagree by {difference:.3g} "
            f"(> {agreement.TOLERANCE:g}) on {disagreement.count} of {disagreement.total} test "
            f"{project.ROW_NAMES[1]} (row {disagreement.row + 1}: native "
            f"{disagreement.expected:.8f}, ONNX {disagreement.got:.8f}); the converter does not "
            "reproduce this model, nothing was written"
        )
    return difference


def onnx_metadata(
    name: str,
    inputs: Sequence[Feature],
    input_steps: Sequence[str],
    output: str,
    preprocessing: str,
    library: str,
    hyperparameters: dict[str, Any],
    record: dict[str, Any],
) -> dict[str, Any]:
    """The metadata an exported ONNX file carries (its `metadata_props`, see onnx_io.finalise).

    The one layout of the metadata of every released ONNX file: the classifier's (`make
    export`) and the surrogate's (`make surrogate`).

    Args:
        name: the model's name, e.g. `model.name` of config/pipeline.yaml.
        inputs: one description (name, unit, meaning) per input column, in order.
        input_steps: what the model does to each input first, one per input.
        output: its output, e.g. "signal_probability: probability that ..., in [0, 1]".
        preprocessing: the preprocessing a user must apply before the model, one phrase.
        library: the training library and its version.
        hyperparameters: the settings it was trained with.
        record: the classifier's training record (training.json): its seed and provenance
            (time, versions, git commit, configuration, sha256 of the data).

    Returns:
        Name, inputs (name, unit, description, preprocessing), output, preprocessing, library,
        hyperparameters, seed, provenance and the card's file name.
    """
    return {
        "model_name": name,
        "inputs": [
            {"name": i.name, "unit": i.unit, "description": i.description, "preprocessing": step}
            for i, step in zip(inputs, input_steps, strict=True)
        ],
        "output": output,
        "preprocessing": preprocessing,
        "library": library,
        "hyperparameters": hyperparameters,
        "seed": record["seed"],
        "provenance": record["provenance"],
        "model_card": MODEL_CARD,
    }


def _metadata(
    root: Path, name: str, model: Any, record: dict[str, Any], names: list[str]
) -> dict[str, Any]:
    """The classifier's ONNX metadata (`onnx_metadata`).

    Args:
        root: the project folder (for config/model_card.yaml's input descriptions).
        name: the model's name (`model.name`).
        model: the trained model.
        record: its training record (training.json).
        names: the input columns, in order.

    Returns:
        The metadata, see `onnx_metadata`.

    Raises:
        ConfigError: an input is described nowhere, or config/model_card.yaml is wrong.
    """
    return onnx_metadata(
        name,
        describe_inputs(root, names),
        estimator.input_preprocessing(model),
        f"{onnx_io.OUTPUT_NAME}: probability that the event is signal, in [0, 1]",
        estimator.preprocessing(model),
        f"{estimator.LIBRARY} {estimator.LIBRARY_VERSION}",
        record["hyperparameters"],
        record,
    )


def export(root: Path) -> Path:
    """Export, check and save the model and its validation material; return the ONNX file.

    Writes models/<name>/model.onnx, the reference inputs and expected outputs (validation/),
    the record of the check (validation/export_check.json), and records them in the model's
    manifest with the native model and its training record (training.json); nothing is
    written unless onnx.checker accepts the export and it agrees with the native model on every
    test event.

    Args:
        root: the project folder.

    Returns:
        The ONNX file, models/<name>/model.onnx.

    Raises:
        ExportError: the test table's columns are not those the model was trained on, or the
            export disagrees with the native model by more than `agreement.TOLERANCE`.
        ConfigError: config/pipeline.yaml has no `model:` section or is wrong, or an input is
            described nowhere (config/model_card.yaml).
        ChecksumError: the test table differs from its manifest entry.
        ModelInterfaceError: onnx.checker rejects the export, or its interface differs.
    """
    config = load_config(root)
    layout = Layout(config)
    directory = layout.model_dir
    model, record = load_trained(directory)
    test_file = layout.test_table
    manifest.verify(test_file, fix=FEATURES_FIX, rewrite=FEATURES_FIX)
    x, _, names = read_inputs(test_file)
    if names != record["features"]:
        raise ExportError(
            f"{test_file} has columns {names} but the model was trained on {record['features']}: "
            "run `make train` again"
        )
    # Both runtimes see the same float32 inputs, the type of the ONNX input.
    x32 = x.astype(np.float32)
    proto = estimator.to_onnx(model, len(names))
    metadata = _metadata(root, config.model_section().name, model, record, names)
    doc = f"{metadata['model_name']}: {estimator.MODEL_TYPE}. See {MODEL_CARD} beside this file."
    proto = onnx_io.finalise(proto, metadata["model_name"], metadata, doc)
    onnx_io.check(proto, len(names))
    native = estimator.predict_proba(model, x32.astype(np.float64))
    exported = onnx_io.run(onnx_io.session(proto), x32)
    difference = compare(native, exported)

    onnx_file = write_bytes(directory / onnx_io.ONNX_FILE, proto.SerializeToString())
    reference_files = reference.save(directory, x32[: reference.N_ROWS], names, exported)
    check_file = write_text(
        layout.validation_dir / EXPORT_CHECK,
        json.dumps(
            {
                "n_events": len(x32),
                "max_abs_difference": difference,
                "tolerance": agreement.TOLERANCE,
                "native": f"{estimator.LIBRARY} {estimator.LIBRARY_VERSION}",
                "onnx": onnx.__version__,
                "onnxruntime": onnxruntime.__version__,
            },
            indent=2,
        )
        + "\n",
    )
    # Every released file with its sha256: the native model and its training record too.
    native_files = [directory / estimator.MODEL_FILE, directory / TRAINING_RECORD]
    manifest.record_many(
        [onnx_file, *native_files, *reference_files, check_file],
        directory / manifest.MANIFEST_NAME,
    )
    print(
        f"wrote {onnx_file}: onnx.checker passed; onnxruntime agrees with {estimator.LIBRARY} "
        f"to {difference:.2g} on {len(x32)} test {project.ROW_NAMES[1]}"
    )
    return onnx_file


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = (
    ExportError,
    onnx_io.ModelInterfaceError,
    onnx_io.ModelFileError,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code.

    Runs `export` under the project's lock (`step.run_step`).

    Args:
        argv: the command-line arguments (`--root DIR`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line, 130 after Ctrl-C.
    """
    return run_step(export, __doc__, argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
