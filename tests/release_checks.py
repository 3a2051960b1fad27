"""Check a generated project's model release with the external validators.

Run by the full tier with the generated project's own Python (which has onnx, onnxruntime,
huggingface_hub and, for HEP, hepdata-validator): `python release_checks.py PROJECT`. Prints a
JSON summary; exits non-zero with the reason if any validator rejects a file.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
from huggingface_hub import ModelCard


def main(project: Path) -> dict[str, object]:
    model_dir = project / "models" / "classifier"
    model = onnx.load(model_dir / "model.onnx")
    onnx.checker.check_model(model, full_check=True)
    summary: dict[str, object] = {
        "inputs": [i.name for i in model.graph.input],
        "outputs": [o.name for o in model.graph.output],
        "metadata": sorted(p.key for p in model.metadata_props),
    }
    inputs = np.loadtxt(
        model_dir / "validation" / "reference_inputs.csv",
        delimiter=",",
        skiprows=1,
        dtype=np.float32,
        ndmin=2,
    )
    expected = np.loadtxt(model_dir / "validation" / "expected_outputs.csv", skiprows=1)
    session = onnxruntime.InferenceSession(str(model_dir / "model.onnx"))
    (scores,) = session.run(None, {"features": inputs})
    summary["max_diff"] = float(np.max(np.abs(scores - expected)))
    # Independently of the export's own check: the native model and onnxruntime on the whole
    # held-out table, through the project's package (its estimator and table reader).
    (package,) = (p.name for p in (project / "src").iterdir() if p.is_dir())
    estimator = importlib.import_module(f"{package}.models.estimator")
    table = importlib.import_module(f"{package}.data.table")
    # The model's inputs: the detector-level columns, without the truth_... ones (HEP).
    read = getattr(table, "read_inputs", table.read_table)
    x_test, _, _ = read(project / "data" / "processed" / "test.csv")
    x_test = x_test.astype(np.float32).astype(np.float64)  # the float32 the ONNX model sees
    native = estimator.predict_proba(estimator.load(model_dir), x_test)
    (onnx_scores,) = session.run(None, {"features": x_test.astype(np.float32)})
    summary["native_rows"] = len(x_test)
    summary["native_max_diff"] = float(np.max(np.abs(onnx_scores - native)))
    card = ModelCard.load(model_dir / "MODEL_CARD.md")
    summary["card_license"] = card.data.license
    summary["card_metrics"] = sorted(r.metric_type for r in card.data.eval_results or [])
    workspace = project / "reports" / "likelihood_workspace.json"
    if workspace.exists():
        # `make likelihood` (HEP): the workspace against pyhf's own schema, and a model from it.
        pyhf = importlib.import_module("pyhf")  # in the project's environment (HEP only)
        spec = json.loads(workspace.read_text(encoding="utf-8"))
        pyhf.schema.validate(spec, "workspace.json")
        model = pyhf.Workspace(spec).model()
        summary["likelihood_poi"] = model.config.poi_name
        summary["likelihood_modifiers"] = sorted(
            {m["type"] for c in spec["channels"] for s in c["samples"] for m in s["modifiers"]}
        )
    archive = project / "hepdata" / "submission.tar.gz"
    if archive.exists():
        from hepdata_validator.full_submission_validator import FullSubmissionValidator

        validator = FullSubmissionValidator(autoload_remote_schemas=False)
        valid = validator.validate(archive=str(archive))
        summary["hepdata_valid"] = valid
        summary["hepdata_messages"] = {
            Path(k).name: [m.message for m in v] for k, v in validator.get_messages().items()
        }
    return summary


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
