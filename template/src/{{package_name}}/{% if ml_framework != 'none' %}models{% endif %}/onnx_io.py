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
from onnx import TensorProto, helper

from ..layout import ONNX_FILE as ONNX_FILE  # the file name, re-exported

INPUT_NAME = "features"
OUTPUT_NAME = "signal_probability"
# Default-domain opset of the exported graphs, and the IR version they are saved with: IR 10
# (ONNX 1.16) is read by every onnxruntime since 1.17.
ONNX_OPSET = 18
IR_VERSION = 10


class ModelInterfaceError(Exception):
    """The ONNX model is invalid or does not have the interface described above."""


def signal_column(model: onnx.ModelProto, probabilities: str) -> onnx.ModelProto:
    """Make column 1 (signal) of the [N, 2] output `probabilities` the only output, as [N]."""
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


def finalise(model: onnx.ModelProto, metadata: dict[str, Any], doc: str) -> onnx.ModelProto:
    """Set the IR version, the documentation and the metadata_props (values as JSON or text)."""
    model.ir_version = IR_VERSION
    model.doc_string = doc
    del model.metadata_props[:]
    for key, value in metadata.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        model.metadata_props.append(onnx.StringStringEntryProto(key=key, value=text))
    return model


def check(model: onnx.ModelProto, n_features: int) -> None:
    """Run onnx.checker (full check) and verify the input and output names, types and shapes."""
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        raise ModelInterfaceError(f"onnx.checker rejects the model: {error}") from error
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
    """Return the JSON value of one metadata_props entry; fail naming a missing or bad one."""
    for entry in model.metadata_props:
        if entry.key == key:
            try:
                return json.loads(entry.value)
            except json.JSONDecodeError as error:
                raise ModelInterfaceError(f"metadata_props '{key}' is not JSON: {error}") from error
    raise ModelInterfaceError(f"metadata_props has no '{key}' entry: run `make export` again")


def session(model: onnx.ModelProto | Path) -> onnxruntime.InferenceSession:
    """Return an onnxruntime CPU session for a model or an .onnx file."""
    source = str(model) if isinstance(model, Path) else model.SerializeToString()
    return onnxruntime.InferenceSession(source, providers=["CPUExecutionProvider"])


def run(model_session: onnxruntime.InferenceSession, x: np.ndarray) -> np.ndarray:
    """Return the signal probability of each row of `x` (cast to float32) as float32."""
    features = np.ascontiguousarray(x, dtype=np.float32)
    (scores,) = model_session.run([OUTPUT_NAME], {INPUT_NAME: features})
    return np.asarray(scores, dtype=np.float32)
