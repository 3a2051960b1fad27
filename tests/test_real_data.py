"""Full tier: a life-science project on a real clinical table, given as a user gives their own.

The Wisconsin diagnostic breast-cancer data (Street, Wolberg and Mangasarian, 1993; UCI Machine
Learning Repository, doi:10.24432/C5DW2B), which scikit-learn ships: 569 fine-needle aspirates,
30 measurements of their cell nuclei each, 212 malignant. The user writes it as a spreadsheet
CSV with the malignant tumours as label 1, serves it (here: an HTTP server on 127.0.0.1), pins its
sha256, and runs `make all`; the model card then wants each of the 30 columns described, in one
line, and with the user's descriptions and units the model release is written. Its model demo
(`make app`) is then driven in headless Chromium (tests/app_checks.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
import yaml
from app_checks import check_model_demo
from helpers import attempt, generate, install_project, make_venv, run, serving

pytestmark = pytest.mark.full

#: What each of the ten measurements of a nucleus is, with its unit: the source gives lengths
#: in the pixels of the digitised image (no physical scale) and the rest without a unit.
MEASUREMENTS = {
    "radius": ("px", "mean distance from the centre of a nucleus to points on its perimeter"),
    "texture": ("", "standard deviation of the grey-scale values of a nucleus"),
    "perimeter": ("px", "perimeter of a nucleus"),
    "area": ("px^2", "area of a nucleus"),
    "smoothness": ("", "local variation in the radius lengths of a nucleus"),
    "compactness": ("", "perimeter^2 / area - 1 of a nucleus"),
    "concavity": ("", "severity of the concave portions of the contour of a nucleus"),
    "concave points": ("", "number of concave portions of the contour of a nucleus"),
    "symmetry": ("", "symmetry of a nucleus"),
    "fractal dimension": ("", "coastline approximation - 1 of the contour of a nucleus"),
}
#: The three statistics of each measurement over the nuclei of an image, as scikit-learn names
#: the columns ("mean radius", "radius error", "worst radius").
STATISTICS = {
    "mean {}": "mean over the nuclei of the image",
    "{} error": "standard error over the nuclei of the image",
    "worst {}": "mean of the three largest values among the nuclei of the image",
}
#: The data set as the user cites it in CITATION.cff (UCI Machine Learning Repository).
WDBC_REFERENCE = {
    "type": "data",
    "title": "Breast Cancer Wisconsin (Diagnostic)",
    "authors": [
        {"given-names": "William", "family-names": "Wolberg"},
        {"given-names": "Olvi", "family-names": "Mangasarian"},
        {"given-names": "Nick", "family-names": "Street"},
        {"given-names": "W.", "family-names": "Street"},
    ],
    "doi": "10.24432/C5DW2B",
    "year": 1993,
    "publisher": {"name": "UCI Machine Learning Repository"},
    "license": "CC-BY-4.0",
}
#: The user's table, written from scikit-learn's copy with the standard library's csv module.
WRITE_TABLE = """
import csv, sys
from sklearn.datasets import load_breast_cancer
data = load_breast_cancer()
with open(sys.argv[1], "w", newline="", encoding="utf-8") as stream:
    table = csv.writer(stream)
    table.writerow([*data.feature_names, "label"])
    for row, target in zip(data.data, data.target):
        table.writerow([*(repr(float(v)) for v in row), int(target == 0)])  # 0: malignant
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 for a folder: yields (its address, the folder)."""
    folder = tmp_path / "served"
    folder.mkdir()
    with serving(functools.partial(SimpleHTTPRequestHandler, directory=str(folder))) as address:
        yield address, folder


def test_a_real_clinical_table_runs_end_to_end(tmp_path: Path, served: tuple[str, Path]) -> None:
    project = generate(tmp_path / "tumours", domain="life-science", ml_framework="scikit-learn")
    python = make_venv(tmp_path / "venv")
    install_project(project, python)
    env = {"PATH": f"{python.parent}:/usr/bin:/bin"}
    address, folder = served
    table = folder / "wdbc.csv"
    run([str(python), "-c", WRITE_TABLE, str(table)], cwd=tmp_path)
    digest = hashlib.sha256(table.read_bytes()).hexdigest()
    # The user's settings: their table instead of the toy data, pinned by its checksum.
    path = project / "config" / "pipeline.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["data"].update(source=f"{address}/wdbc.csv", sha256=digest, raw_file="data/raw/wdbc.csv")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    # Its columns are not the toy data's: every one undescribed is named in one line, with
    # the fix, before any model is released.
    failed = attempt(["make", "all", f"PYTHON={python}"], cwd=project, env=env)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    (line,) = [line for line in failed.stderr.splitlines() if "not documented" in line]
    assert "30 inputs ('mean radius', 'mean texture'" in line and "and 25 more" in line
    assert "Fix: describe each under 'inputs:'" in line
    assert not (project / "models" / "classifier" / "model.onnx").exists()
    raw = project / "data" / "raw" / "wdbc.csv"
    assert raw.read_bytes() == table.read_bytes()
    # The user describes the 30 columns with their units.
    inputs = {
        column.format(name): {"unit": unit, "description": f"{meaning}: {statistic}"}
        for column, statistic in STATISTICS.items()
        for name, (unit, meaning) in MEASUREMENTS.items()
    }
    card_config = project / "config" / "model_card.yaml"
    text = yaml.safe_load(card_config.read_text(encoding="utf-8"))
    text["inputs"] = inputs
    card_config.write_text(yaml.safe_dump(text, sort_keys=False), encoding="utf-8")
    out = run(["make", "all", f"PYTHON={python}"], cwd=project, env=env, timeout=1800)
    assert "wrote data/processed/train.csv (427 samples), data/processed/test.csv (142" in out
    metrics = json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["roc_auc"] > 0.97, metrics  # the literature: about 0.99
    # The release describes the real columns: the ONNX input, the card's table with units.
    card = (project / "models" / "classifier" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "| `worst area` | px^2 | area of a nucleus: mean of the three largest" in card
    assert "| `mean texture` | — | standard deviation of the grey-scale values" in card
    assert "ok: onnxruntime reproduces the" in out
    importance = json.loads((project / "reports" / "feature_importance.json").read_text())
    assert len(importance["features"]) == 30
    # The user cites the data set in CITATION.cff, as check-metadata asks.
    citation = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    citation["references"] = [WDBC_REFERENCE]
    (project / "CITATION.cff").write_text(
        yaml.safe_dump(citation, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    run(["make", "metadata", f"PYTHON={python}"], cwd=project, env=env)
    # The release package (a BagIt bag holding the RO-Crate) describes the user's table, raw
    # and processed, column by column with the user's units, and where it came from.
    run(["make", "release", f"PYTHON={python}"], cwd=project, env=env)
    checker = Path(__file__).with_name("package_checks.py")
    (bag,) = (project / "build" / "release").iterdir()
    summary = json.loads(run([str(python), str(checker), str(bag)], project, env, stdout_only=True))
    assert summary["problems"] == []
    for name in ("dataset/raw/wdbc.csv", "dataset/processed/train.csv"):
        columns = summary["columns"][name]
        assert len(columns) == 30 + 1 and columns["label"] == "", name  # the label too
        assert columns["worst area"] == "px^2", name
        assert columns["mean radius"] == "px" and columns["mean texture"] == "", name
    doi = "https://doi.org/10.24432/C5DW2B"
    assert summary["cited"][doi]["@type"] == "Dataset"
    assert summary["origins"]["dataset/raw/wdbc.csv"] == {
        "isBasedOn": {"@id": doi},
        "url": f"{address}/wdbc.csv",
    }
    # The raw table is kept as downloaded, and checked again by its manifest.
    run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=raw.parent)
    assert raw.read_bytes() == table.read_bytes()
    # The project's own tests (the pipeline's code, on the toy data set) still pass with the
    # user's settings in place.
    tests = run(["make", "test", f"PYTHON={python}"], cwd=project, env=env, timeout=1800)
    assert re.search(r"\d+ passed", tests) and " failed" not in tests, tests[-3000:]
    # The model demo (`make app`) shows the card and scores a reference input of the release
    # as onnxruntime does, in headless Chromium (tests/app_checks.py).
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    check_model_demo(project, python, env, answers["package_name"], tmp_path / "app.png")
