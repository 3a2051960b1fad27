"""`make clean` removes exactly the files the pipeline writes, by name (the project's layout.py),
and the temporary files interrupted runs left; never raw or external data, never the released
models, and never a file of the user's, even in the folders the pipeline writes into."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from helpers import attempt, generate, project_files, run

PACKAGE = "my_fair_analysis"
#: The test environment has what `python -m <package>.clean` needs (PyYAML, filelock).
PYTHON = f"PYTHON={sys.executable}"
REBUILDABLE = {
    "data/processed/train.csv",
    "data/processed/test.csv",
    "data/processed/MANIFEST.sha256",
    "reports/figures/feature_distributions.png",
    "reports/figures/roc_curve.png",
    "reports/figures/score_distribution.png",
    "reports/predictions.csv",
    "reports/metrics.json",
    "reports/feature_importance.json",
    "reports/figures/feature_importance.png",
    "reports/likelihood_workspace.json",
    "reports/limits.json",
    "reports/cutflow.json",
    "reports/efficiency_map.json",
    "reports/figures/efficiency_map.png",
    "reports/surrogate_closure.json",
    "reports/fair.json",
    "hepdata/submission/submission.yaml",
    "hepdata/submission.tar.gz",
    "docs/_build/html/index.html",
    f"src/{PACKAGE}/__pycache__/config.cpython-311.pyc",
    ".pytest_cache/README.md",
    # What a killed step left: the writer's temporary folders.
    "data/processed/.train.csv.k1ll3d00.part/train.csv",
    "reports/figures/.roc_curve.png.abcd1234.part/roc_curve.png",
    "models/classifier/.model.onnx.zz99yy88.part/model.onnx",
}
KEPT = {
    "data/raw/events.csv",
    "data/raw/MANIFEST.sha256",
    "data/external/calibration.csv",
    "data/interim/step.parquet",
    "data/processed/my-selection.csv",
    "models/classifier/model.joblib",
    "models/classifier/model.onnx",
    "models/classifier/MODEL_CARD.md",
    "models/classifier/validation/expected_outputs.csv",
    "notebooks/2.0-fl-my-study.ipynb",
    "reports/my-notes.md",
    "reports/my-table.csv",
    "reports/figures/my-plot.png",
    "references/paper.pdf",
    "hepdata/my-notes.txt",
}


def _fill(project: Path, names: set[str]) -> dict[str, bytes]:
    for name in names:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(f"{name}\n")
    return {name: (project / name).read_bytes() for name in names}


def test_make_clean_removes_only_what_the_pipeline_writes(
    default_project: Path, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(default_project, tmp_path / "p"))
    kept = _fill(project, KEPT)
    _fill(project, REBUILDABLE)
    generated = project_files(default_project)
    run(["make", "clean", PYTHON], cwd=project)
    remaining = project_files(project)
    assert not remaining & REBUILDABLE
    assert not [name for name in remaining if ".part/" in name]
    assert {name: (project / name).read_bytes() for name in KEPT} == kept
    # Every file the template generated is still there (the .gitkeep files included).
    assert generated <= remaining


@pytest.mark.parametrize("answers", [{"ml_framework": "none", "domain": "generic"}])
def test_make_clean_without_a_model(tmp_path: Path, answers: dict[str, str]) -> None:
    project = generate(tmp_path / "p", skip_tasks=True, **answers)
    names = {
        "data/processed/train.csv",
        "reports/figures/feature_distributions.png",
        "reports/predictions.csv",
    }
    kept = _fill(project, names | {"reports/figures/mine.png"})
    run(["make", "clean", PYTHON], cwd=project)
    assert not (project / "data/processed/train.csv").exists()
    assert not (project / "reports/figures/feature_distributions.png").exists()
    # Without a model there are no predictions the pipeline writes: a file of that name is yours.
    for name in ("reports/predictions.csv", "reports/figures/mine.png"):
        assert (project / name).read_bytes() == kept[name]


def test_make_clean_with_a_broken_configuration_removes_nothing(
    default_project: Path, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(default_project, tmp_path / "p"))
    kept = _fill(project, {"data/processed/train.csv", "reports/metrics.json"})
    (project / "config" / "pipeline.yaml").write_text("features: [\n", encoding="utf-8")
    result = attempt(["make", "clean", PYTHON], cwd=project)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "pipeline.yaml is not valid YAML" in errors[0], result.stderr
    assert {name: (project / name).read_bytes() for name in kept} == kept
