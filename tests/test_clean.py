"""`make clean` removes only what the pipeline can rebuild: never raw or external data, never
the released models, notebooks or anything else of the user's."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import project_files, run

PACKAGE = "my_fair_analysis"
REBUILDABLE = {
    "data/interim/step.parquet",
    "data/processed/train.csv",
    "data/processed/test.csv",
    "data/processed/MANIFEST.sha256",
    "reports/figures/roc_curve.png",
    "reports/predictions.csv",
    "reports/metrics.json",
    "reports/fair.json",
    "hepdata/submission/submission.yaml",
    "hepdata/submission.tar.gz",
    "docs/_build/html/index.html",
    f"src/{PACKAGE}/__pycache__/config.cpython-311.pyc",
    ".pytest_cache/README.md",
}
KEPT = {
    "data/raw/events.csv",
    "data/raw/MANIFEST.sha256",
    "data/external/calibration.csv",
    "models/classifier/model.joblib",
    "models/classifier/model.onnx",
    "models/classifier/MODEL_CARD.md",
    "models/classifier/validation/expected_outputs.csv",
    "notebooks/2.0-fl-my-study.ipynb",
    "reports/my-notes.md",
    "references/paper.pdf",
}


def test_make_clean_removes_only_what_the_pipeline_rebuilds(
    default_project: Path, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(default_project, tmp_path / "p"))
    for name in REBUILDABLE | KEPT:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(f"{name}\n")
    kept = {name: (project / name).read_bytes() for name in KEPT}
    generated = project_files(default_project)
    run(["make", "clean"], cwd=project)
    remaining = project_files(project)
    assert not remaining & REBUILDABLE
    assert {name: (project / name).read_bytes() for name in KEPT} == kept
    # Every file the template generated is still there (the .gitkeep files included).
    assert generated <= remaining
