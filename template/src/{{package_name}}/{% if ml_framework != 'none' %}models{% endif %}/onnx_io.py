"""The ONNX interface of the exported classifier, shared by export, validation and benchmarks.

Every exported model has one input, `features` (float32, shape [N, n_features], the columns of
the processed tables in their order and units), and one output, `signal_probability` (float32,
shape [N]).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime
from google.protobuf.message import DecodeError
from onnx import TensorProto, helper
from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors

from ..layout import ONNX_FILE as ONNX_FILE  # the file name, re-exported

INPUT_NAME = "features"
OUTPUT_NAME = "signal_probability"
# Default-domain opset of the exported graphs, and the IR version they are saved with: IR 10
# (ONNX 1.16) is read by every onnxruntime since 1.17.
ONNX_OPSET = 18
IR_VERSION = 10


#: What a damaged or missing model.onnx asks for.
EXPORT_FIX = "run `make export` again to write it"
# What onnxruntime raises for a model it cannot load (its own exception types, not RuntimeError).
_RUNTIME_ERRORS = (
    ort_errors.Fail,
    ort_errors.InvalidArgument,
    ort_errors.InvalidGraph,
    ort_errors.InvalidProtobuf,
    ort_errors.NoModel,
    ort_errors.NotImplemented,
    ort_errors.RuntimeException,
)


class ModelInterfaceError(Exception):
    """The ONNX model is invalid or does not have the interface described above."""


class ModelFileError(Exception):
    """A model file (model.onnx, or the native model of the training library) cannot be read.

    It is truncated or damaged, or it is not a model of the kind its name says.
    """


def summary(message: str, limit: int = 160) -> str:
    """A library's message on one line.

    Args:
        message: the message, possibly over several lines.
        limit: the most characters returned.

    Returns:
        The message with its whitespace collapsed; its first sentence when it is longer than
        `limit`; cut to `limit` characters (ending in '...') if still longer.
    """
    text = " ".join(message.split())
    if len(text) > limit and ". " in text[:limit]:
        text = text[: text.index(". ") + 1]
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unreadable(path: Path, what: str, fix: str, error: BaseException | str) -> ModelFileError:
    """The one message of a model file that cannot be read.

    Args:
        path: the file.
        what: what it should be, e.g. "ONNX model" or "scikit-learn model".
        fix: the step that writes the file again, e.g. "run `make train` again to write it".
        error: the library's exception (the file is damaged or truncated), or a sentence
            saying what else is wrong (e.g. "it holds a dict").

    Returns:
        The error to raise, e.g. `models/classifier/model.onnx is not a readable ONNX model
        (damaged or truncated: DecodeError: Error parsing message ...); run ...`.
    """
    if isinstance(error, BaseException):
        text = summary(str(error))
        detail = f"damaged or truncated: {type(error).__name__}" + (f": {text}" if text else "")
    else:
        detail = summary(error)
    return ModelFileError(f"{path} is not a readable {what} ({detail}); {fix}")


def load(path: Path) -> onnx.ModelProto:
    """Read an .onnx file, refusing one that is damaged, truncated or no ONNX model at all.

    Args:
        path: the file, e.g. models/<name>/model.onnx.

    Returns:
        The model (ONNX protobuf), not yet checked (see `check`).

    Raises:
        FileNotFoundError: the file is missing (the message asks for `make export`).
        ModelFileError: the bytes are not an ONNX model (protobuf cannot parse them, or they
            parse to an empty model, as an empty file does).
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make export`")
    try:
        model = onnx.load(path)
    except DecodeError as error:
        raise unreadable(path, "ONNX model", EXPORT_FIX, error) from error
    if not model.ir_version or not model.graph.node:
        raise unreadable(path, "ONNX model", EXPORT_FIX, "it holds no graph, e.g. an empty file")
    return model


def signal_column(model: onnx.ModelProto, probabilities: str) -> onnx.ModelProto:
    """Make the signal column of a two-column probability output the model's only output.

    A Gather node takes column 1 (signal) of `probabilities`, shape [events, 2], as
    `signal_probability`, shape [events]; the default opset (ONNX_OPSET) is added if missing.

    Args:
        model: the converted model; it is changed in place.
        probabilities: the name of its [events, 2] output (background, signal).

    Returns:
        `model`, with the one output OUTPUT_NAME (float32, shape [events]).
    """
    graph = model.graph
    if not any(entry.domain in ("", "ai.onnx") for entry in model.opset_import):
        model.opset_import.append(helper.make_opsetid("", ONNX_OPSET))
    index = helper.make_tensor(f"{OUTPUT_NAME}_column", TensorProto.INT64, [], [1])
    graph.initializer.append(index)
    graph.node.append(
        helper.make_node(
            "Gather", [probabilities, index.name], [OUTPUT_NAME], axis=1, name="signal_column"
        )
    )
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [None]))
    return model


def finalise(
    model: onnx.ModelProto, name: str, metadata: dict[str, Any], doc: str
) -> onnx.ModelProto:
    """Set the IR version, the graph's name, the documentation and the metadata_props.

    The converters name the graph by a random UUID (skl2onnx) or by their own class names; the
    model's own name makes the same model export to the same bytes.

    Args:
        model: the model; it is changed in place.
        name: the graph's name, the model's name (`model.name` of config/pipeline.yaml).
        metadata: the metadata_props entries: a text value as it is, any other as JSON (keys
            sorted); the previous entries are removed.
        doc: the model's doc_string.

    Returns:
        `model`, with IR_VERSION (10, readable by onnxruntime 1.17 and newer).
    """
    model.ir_version = IR_VERSION
    model.graph.name = name
    model.doc_string = doc
    del model.metadata_props[:]
    for key, value in metadata.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        model.metadata_props.append(onnx.StringStringEntryProto(key=key, value=text))
    return model


def check(model: onnx.ModelProto, n_features: int, source: Path | None = None) -> None:
    """Run onnx.checker (full check) and verify the input and output names, types and shapes.

    The interface is the one described at the top of this module: input `features`, float32
    [events, n_features]; output `signal_probability`, float32.

    Args:
        model: the model.
        n_features: the number of input columns it must take.
        source: the file it was read from, named in the message (None: a model in memory).

    Raises:
        ModelInterfaceError: the checker rejects the model, or its interface differs.
    """
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        where = f"{source}: " if source else ""
        raise ModelInterfaceError(f"{where}onnx.checker rejects the model: {error}") from error
    inputs = [(i.name, i.type.tensor_type) for i in model.graph.input]
    outputs = [(o.name, o.type.tensor_type) for o in model.graph.output]
    if [name for name, _ in inputs] != [INPUT_NAME] or [name for name, _ in outputs] != [
        OUTPUT_NAME
    ]:
        raise ModelInterfaceError(
            f"expected input '{INPUT_NAME}' and output '{OUTPUT_NAME}', found inputs "
            f"{[n for n, _ in inputs]} and outputs {[n for n, _ in outputs]}"
        )
    in_type, out_type = inputs[0][1], outputs[0][1]
    if in_type.elem_type != TensorProto.FLOAT or out_type.elem_type != TensorProto.FLOAT:
        raise ModelInterfaceError("the input and the output must be float32 tensors")
    dims = in_type.shape.dim
    if len(dims) != 2 or dims[1].dim_value != n_features:
        raise ModelInterfaceError(f"the input must have shape [N, {n_features}]")


def json_metadata(model: onnx.ModelProto, key: str) -> Any:
    """The JSON value of one metadata_props entry of an exported model.

    Args:
        model: the model.
        key: the entry, e.g. "inputs".

    Returns:
        The entry's value, parsed as JSON.

    Raises:
        ModelInterfaceError: the model has no such entry, or its value is not JSON.
    """
    for entry in model.metadata_props:
        if entry.key == key:
            try:
                return json.loads(entry.value)
            except json.JSONDecodeError as error:
                raise ModelInterfaceError(f"metadata_props '{key}' is not JSON: {error}") from error
    raise ModelInterfaceError(f"metadata_props has no '{key}' entry: run `make export` again")


def session(
    model: onnx.ModelProto | Path, source: Path | None = None
) -> onnxruntime.InferenceSession:
    """An onnxruntime session on the CPU for a model or an .onnx file (read with `load`).

    Args:
        model: the model, or the file to read it from.
        source: the file a model in memory was read from, named in the message.

    Returns:
        The session, with the CPU execution provider only.

    Raises:
        FileNotFoundError: the file is missing (see `load`).
        ModelFileError: the file cannot be read (see `load`).
        ModelInterfaceError: onnxruntime cannot load the model.
    """
    if isinstance(model, Path):
        model, source = load(model), model
    try:
        return onnxruntime.InferenceSession(
            model.SerializeToString(), providers=["CPUExecutionProvider"]
        )
    except _RUNTIME_ERRORS as error:
        where = f"{source}: " if source else ""
        raise ModelInterfaceError(
            f"{where}onnxruntime cannot load the model ({' '.join(str(error).split())[:300]}); "
            f"{EXPORT_FIX}"
        ) from error


def run(model_session: onnxruntime.InferenceSession, x: np.ndarray) -> np.ndarray:
    """Run the model on some events.

    Args:
        model_session: the session (`session`).
        x: the inputs, shape [events, features], in the units of the processed tables; cast
            to float32.

    Returns:
        The signal probability of each event, float32 in [0, 1], shape [events].
    """
    features = np.ascontiguousarray(x, dtype=np.float32)
    (scores,) = model_session.run([OUTPUT_NAME], {INPUT_NAME: features})
    return np.asarray(scores, dtype=np.float32)
