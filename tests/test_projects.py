"""Full tier: generated projects installed in real virtual environments, their own tests and
their make targets run for real, for every domain x ml_framework.

ci and include_docker add CI and container files only; tests/test_metadata.py proves that every
project that differs from another only in those answers has the same Python project, so the
twelve domain x ml_framework projects cover the installable content of all 96 combinations."""

from __future__ import annotations

import ast
import itertools
import json
import sys
from pathlib import Path

import pytest
import yaml
from app_checks import check_model_demo
from helpers import (
    MATRIX,
    attempt,
    generate,
    install_group,
    install_project,
    make_venv,
    project_files,
    run,
)
from packaging.markers import Marker

PROJECTS = list(itertools.product(MATRIX["ml_framework"], MATRIX["domain"]))
#: The package name of a project generated with the defaults.
PACKAGE = "my_fair_analysis"
IDS = [f"{framework}-{domain}" for framework, domain in PROJECTS]
#: The expected limits of reports/limits.json (`make likelihood`), from -2 to +2 sigma.
LIMIT_BAND = ("minus_2_sigma", "minus_1_sigma", "median", "plus_1_sigma", "plus_2_sigma")

#: The projects whose documentation is built: each domain without a model, and each framework
#: once, each in another domain. What the docs render differs by domain (the data pages) and by
#: framework (the model page, the estimator's docstrings on the API page), not by the pair;
#: tests/test_next_steps.py builds the default project's too.
DOCS_BUILT = {
    *((framework, domain) for framework, domain in PROJECTS if framework == "none"),
    ("scikit-learn", "hep"),
    ("pytorch", "life-science"),
    ("xgboost", "generic"),
}
assert {f for f, _ in DOCS_BUILT} == set(MATRIX["ml_framework"])
assert {d for f, d in DOCS_BUILT if f != "none"} == set(MATRIX["domain"])


#: The projects whose release crate roc-validator checks (7 s each): every domain with a model
#: and without; the crate of the other frameworks is written by the same code from the same
#: files, and their bag and file entities are checked all the same (tests/package_checks.py).
CRATE_VALIDATED = {"none", "scikit-learn"}


#: The projects whose model demo (`make app`) is driven in headless Chromium: a generic one here,
#: the life-science one on real data in tests/test_real_data.py. The app serves the ONNX model and
#: its card, whatever the framework that trained it (another one here than there).
APP_DRIVEN = {("xgboost", "generic")}


#: The generated tests of the data side: they test data/ and features/, the same files whatever
#: the ml_framework. They run in each domain's ml_framework=none project; a project with a
#: model skips those that are byte for byte the same as there, testing the same code.
DATA_SIDE = (
    "test_data.py",
    "test_features.py",
    "test_inputs_config.py",
    "test_inputs_tables.py",
    "test_ntuple.py",
)
#: The generated tests of the figures (HEP): a project with a model adds tests of its HEPData
#: tables to them; those of the ml_framework=none project run there only.
FIGURES = "test_figures.py"


def covered_by_the_none_project(project: Path, framework: str, domain: str) -> list[str]:
    """pytest options that leave out the DATA_SIDE test modules of `project` which the
    ml_framework=none project of the same domain runs as they are, on the same code.

    Args:
        project: a generated project.
        framework: its ml_framework.
        domain: its domain.

    Returns:
        `--ignore=tests/<module>` options, and `--deselect` options for the tests of the
        figures the none project runs on the same visualization/ code (HEP); none for the none
        project itself, or when the data or features code differs from that project's.
    """
    if framework == "none":
        return []
    reference = generate(
        project.parent / "none", skip_tasks=True, ml_framework="none", domain=domain
    )
    package = Path("src") / PACKAGE
    for folder in ("data", "features"):
        if not _same_files(project / package / folder, reference / package / folder):
            return []
    ignored = [
        f"--ignore=tests/{name}"
        for name in DATA_SIDE
        if (project / "tests" / name).is_file()
        and (project / "tests" / name).read_bytes() == (reference / "tests" / name).read_bytes()
    ]
    # The figures (HEP): the same visualization/ code, and the none project's test module
    # contained in this one (which adds the HEPData tables' tests): its tests are left out here.
    ours, theirs = project / "tests" / FIGURES, reference / "tests" / FIGURES
    figures = project / package / "visualization", reference / package / "visualization"
    if not ours.is_file() or not _same_files(*figures):
        return ignored
    statements = _statements(ours)
    if not set(_statements(theirs)) <= set(statements):
        return ignored
    tests = [
        node.name
        for node in ast.parse(theirs.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    return [*ignored, *(f"--deselect=tests/{FIGURES}::{name}" for name in tests)]


def _same_files(ours: Path, theirs: Path) -> bool:
    """Whether two folders hold the same files, byte for byte."""
    names = project_files(ours)
    return names == project_files(theirs) and all(
        (ours / name).read_bytes() == (theirs / name).read_bytes() for name in names
    )


def _statements(module: Path) -> list[str]:
    """The top-level statements of a Python module (its docstring aside), as `ast.dump`s."""
    body = ast.parse(module.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return [ast.dump(node) for node in body]


@pytest.mark.full
@pytest.mark.parametrize(("framework", "domain"), PROJECTS, ids=IDS)
def test_project_installs_tests_and_runs_its_pipeline(
    tmp_path: Path, framework: str, domain: str
) -> None:
    project = generate(tmp_path / "analysis", ml_framework=framework, domain=domain)
    python = make_venv(tmp_path / "venv")
    # The pinned environment alone must be complete and consistent, and satisfy the package's
    # own dependency ranges.
    install_project(project, python)
    run([str(python), "-m", "pip", "check"], cwd=project)
    frozen = run(
        [str(python), "-m", "pip", "freeze", "--all", "--exclude-editable"],
        cwd=project,
        stdout_only=True,
    )
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (project / "requirements.txt").read_text().splitlines()
        if "==" in line
        and not line.startswith("#")
        and (";" not in line or Marker(line.split(";", 1)[1].split("#")[0].strip()).evaluate())
    }
    installed = {line.split("==")[0].lower().replace("_", "-") for line in frozen.splitlines()}
    assert pinned <= installed
    env = {"PATH": f"{python.parent}:/usr/bin:/bin"}
    skipped = covered_by_the_none_project(project, framework, domain)
    assert bool(skipped) == (framework != "none"), skipped  # the data side is shared
    pytest_run = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *skipped]
    run(pytest_run, cwd=project, env=env)
    out = run(["make", "all", f"PYTHON={python}"], cwd=project, env=env, timeout=1800)
    config = yaml.safe_load((project / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    raw = project / config["data"]["raw_file"]
    # Tables in CSV, or Parquet for the life-science default.
    assert raw.name == {"hep": "events.csv", "life-science": "samples.parquet"}.get(
        domain, "records.csv"
    )
    assert raw.is_file()
    assert "read 2 partitions on a local Dask cluster" in out
    run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=raw.parent)
    assert (project / "reports" / "figures" / "feature_distributions.png").is_file()
    if framework != "none":
        metrics = json.loads((project / "reports" / "metrics.json").read_text())
        assert metrics["roc_auc"] > 0.85, out
        training = json.loads((project / "models" / "classifier" / "training.json").read_text())
        assert training["provenance"]["data_sha256"]
        assert (project / "reports" / "figures" / "roc_curve.png").is_file()
        # Every framework: the permutation importance of each input, in the card.
        ranked = json.loads((project / "reports" / "feature_importance.json").read_text())
        assert sorted(f["name"] for f in ranked["features"]) == sorted(training["features"])
        card = (project / "models" / "classifier" / "MODEL_CARD.md").read_text(encoding="utf-8")
        assert "### Feature importance" in card and f"`{ranked['features'][0]['name']}`" in card
        assert ("### Cut flow" in card) == (domain == "hep")
        # HEP: `make all` runs `make likelihood` before the card and the HEPData record.
        ran = [line.split(":")[0][4:] for line in out.splitlines() if line.startswith("--- ")]
        assert ("likelihood" in ran) == (domain == "hep"), ran
        if domain == "hep":
            assert ran.index("likelihood") < ran.index("model-card") < ran.index("hepdata")
            assert "95% CL upper limit on mu: expected" in out
        check_release(project, python, framework, domain, env)
        if (framework, domain) in APP_DRIVEN:
            check_model_demo(project, python, env, PACKAGE, tmp_path / "app.png")
    check_release_package(project, python, framework, domain, env)
    # Raw data are never overwritten by a second run.
    before = raw.read_bytes()
    run(["make", "data", f"PYTHON={python}"], cwd=project, env=env)
    assert raw.read_bytes() == before
    out = run(["make", "check-metadata", f"PYTHON={python}"], cwd=project, env=env)
    assert "OK: no errors" in out
    # The FAIR scorecard passes (exit 0: warnings only) in every domain, with or without a model;
    # its I2 line checked the EDAM terms of the release's crate.
    out = run(["make", "fair", f"PYTHON={python}"], cwd=project, env=env)
    assert "EDAM terms and schema.org types in build/release/my-fair-analysis-0.1.0/" in out
    # The documentation builds with warnings as errors, with the README, the model card and
    # its figures.
    # Without the docs group, make docs names it; make install-docs installs it.
    missing = attempt(["make", "docs", f"PYTHON={python}"], cwd=project, env=env)
    assert missing.returncode != 0
    assert "error: make docs needs Sphinx and MyST, the docs group" in missing.stderr
    assert "make install-docs" in missing.stderr and "Traceback" not in missing.stderr
    if (framework, domain) not in DOCS_BUILT:
        return
    # With uv: `make install-docs` (pip) runs as the README offers it in tests/test_next_steps.py;
    # the group is the same in every project.
    install_group(project, python, "docs")
    run(["make", "docs", f"PYTHON={python}"], cwd=project, env=env)
    html = project / "docs" / "_build" / "html"
    assert "Running the analysis" in (html / "index.html").read_text()
    # Every figure the pipeline drew is on the figures page, in every framework.
    drawn = {p.name for p in (project / "reports" / "figures").glob("*.png")}
    assert "feature_distributions.png" in drawn
    assert (html / "figures.html").read_text().count("<img") == len(drawn)
    assert {p.name for p in (html / "_images").iterdir()} >= drawn
    if framework != "none":
        model = (html / "model.html").read_text()
        # Features, ROC curve, scores, importance; in HEP the efficiency map too.
        assert "Inputs" in model and model.count("<img") == 4 + (domain == "hep")
        assert {p.name for p in (html / "_images").iterdir()} >= {
            "roc_curve.png",
            "score_distribution.png",
        }


def check_release_package(
    project: Path, python: Path, framework: str, domain: str, env: dict[str, str]
) -> None:
    """`make release` after `make all`: a valid BagIt bag whose RO-Crate describes each file
    and the run, accepted by roc-validator (REQUIRED, Process Run Crate 0.5 and RO-Crate 1.1,
    offline), and no file of the project written."""
    crate = project / "ro-crate-metadata.json"
    before = crate.read_bytes() if crate.exists() else None
    out = run(["make", "release", f"PYTHON={python}"], cwd=project, env=env)
    assert "nothing to do" in out  # `make all` ran already
    bag = project / "build" / "release" / "my-fair-analysis-0.1.0"
    assert f"release: {bag.relative_to(project)} (BagIt bag" in out
    assert (crate.read_bytes() if crate.exists() else None) == before
    checker = Path(__file__).with_name("package_checks.py")
    summary = json.loads(
        run([str(python), str(checker), str(bag)], cwd=project, env=env, stdout_only=True)
    )
    assert summary["problems"] == []
    assert summary["context"][0] == "https://w3id.org/ro/crate/1.1/context"
    assert summary["conforms_to"] == {"@id": "https://w3id.org/ro/wfrun/process/0.5"}
    # EDAM: the topic of the crate, the formats of its files (CSV, JSON, PNG, YAML).
    assert summary["about"] == {"@id": "http://edamontology.org/topic_3474"}
    edam = "http://edamontology.org/format_"
    assert summary["edam_formats"] == [edam + n for n in ("3464", "3603", "3750", "3752")]
    files = set(summary["files"])
    assert {"config/pipeline.yaml", "code/CITATION.cff", "code/requirements.txt"} <= files
    assert "dataset/processed/train.csv" in files  # CC-BY-4.0: the data go in
    # The tables' columns with their units (schema.org variableMeasured), the raw table too.
    columns = summary["columns"]
    raw = {"hep": "events.csv", "life-science": "samples.parquet"}.get(domain, "records.csv")
    assert {
        "dataset/processed/train.csv",
        "dataset/processed/test.csv",
        f"dataset/raw/{raw}",
    } <= set(columns)
    train = columns["dataset/processed/train.csv"]
    if domain == "hep":
        assert train["m_jj"] == "GeV" and train["truth_m_jj"] == "GeV" and train["eta_lead"] == ""
    else:
        assert train["marker_a"] == "ng/mL" and train["age"] == "years"
    assert len(train) == len(columns["dataset/processed/test.csv"]) >= 4
    assert ("models/classifier/model.onnx" in files) == (framework != "none")
    assert ("models/classifier/MODEL_CARD.md" in files) == (framework != "none")
    hepdata = "hepdata-files/submission.tar.gz"  # no "data/" in the crate (release.crate_path)
    assert (hepdata in files) == (framework != "none" and domain == "hep")
    action = summary["action"]
    assert action["name"] == "make all" and action["startTime"] <= action["endTime"]
    assert summary["instrument"]["softwareVersion"] == "0.1.0"
    assert summary["objects"] > 10 and summary["results"] >= 4
    if framework not in CRATE_VALIDATED:
        return
    validated = run(
        [
            sys.executable,
            str(Path(__file__).with_name("crate_checks.py")),
            str(bag),
            summary["rocrate_context"],
            str(project.parent / "validator-cache" / "http_cache"),
        ],
        cwd=project,
        stdout_only=True,
    )
    assert json.loads(validated)["passed"], validated


def check_release(
    project: Path, python: Path, framework: str, domain: str, env: dict[str, str]
) -> None:
    """The model release after `make all`, checked with the external validators."""
    model_dir = project / "models" / "classifier"
    checker = Path(__file__).with_name("release_checks.py")
    summary = json.loads(
        run([str(python), str(checker), str(project)], cwd=project, env=env, stdout_only=True)
    )
    assert summary["inputs"] == ["features"] and summary["outputs"] == ["signal_probability"]
    assert {"inputs", "preprocessing", "provenance"} <= set(summary["metadata"])
    assert summary["max_diff"] <= 1e-5
    assert summary["native_rows"] == 5000  # the held-out quarter of 20,000 events
    assert summary["native_max_diff"] <= 1e-5
    assert summary["card_license"] == "cc-by-4.0"
    assert summary["card_metrics"] == ["accuracy", "roc_auc"]
    if domain == "hep":
        assert summary["hepdata_valid"], summary["hepdata_messages"]
        # Every table with the energy of config/pipeline.yaml in GeV: 13.6 TeV for CMS.
        submission = (project / "hepdata" / "submission" / "submission.yaml").read_text()
        tables = [doc for doc in yaml.safe_load_all(submission) if doc and "data_file" in doc]
        named = [
            "ROC curve",
            "Score distributions",
            "Feature importance",
            "Cut flow",
            "Upper limits",
        ]
        assert [t["name"] for t in tables] == [*named, "Efficiency map"]
        assert all({"name": "cmenergies", "values": [13600]} in t["keywords"] for t in tables)
        # Each table with its figure and thumbnail (HEPData's image resources; the cut flow
        # is a table of its own).
        for table in [*tables[:3], tables[5]]:
            shown = {r["description"] for r in table["additional_resources"]}
            assert {"Image file", "Thumbnail image file"} <= shown, table["name"]
        # `make likelihood`: a HistFactory workspace pyhf accepts, with the background
        # normalisation and per-bin statistical uncertainties, and finite ordered limits on mu;
        # the workspace is the record's likelihood resource.
        assert summary["likelihood_poi"] == "mu"
        assert {"normfactor", "normsys", "staterror"} <= set(summary["likelihood_modifiers"])
        limits = json.loads((project / "reports" / "limits.json").read_text())
        band = [limits["expected"][key] for key in LIMIT_BAND]
        assert all(0 < value < 10 for value in [*band, limits["observed"]]), limits
        assert band == sorted(band) and band[0] < band[2] < band[-1], limits
        record = next(doc for doc in yaml.safe_load_all(submission) if doc)
        resources = {r["location"]: r.get("type") for r in record["additional_resources"]}
        assert resources["likelihood_workspace.json"] == "HistFactory", resources
        card_text = (model_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
        assert "### Likelihood" in card_text
        # `make efficiency-map`: a 2D table of the generator-level bins, and a card section.
        efficiency = json.loads((project / "reports" / "efficiency_map.json").read_text())
        assert 0 < efficiency["efficiency"] <= 1 and efficiency["bins"], efficiency
        assert "### Efficiency map" in card_text and "No efficiency map" not in card_text
        # `make surrogate`: the surrogate in ONNX on the truth columns, attached with its
        # closure test, whose numbers the card states.
        closure = json.loads((project / "reports" / "surrogate_closure.json").read_text())
        assert all(0 <= s["ks_distance"] < 0.5 for s in closure["samples"].values()), closure
        # ... on the test events that pass the cuts, passing its criterion; with validation
        # material like the classifier's.
        assert closure["passed"] is True and closure["selection"]["events"] < 5000, closure
        assert (model_dir / "surrogate" / "validation" / "expected_outputs.csv").is_file()
        # The observed limit is labelled pseudo-data (no likelihood.observed in the template).
        assert limits["observed_data"]["measured"] is False, limits
        assert (model_dir / "surrogate" / "surrogate.onnx").is_file()
        assert {"surrogate.onnx", "surrogate_closure.json"} <= set(resources), resources
        assert "### Surrogate model" in card_text
        signal = closure["samples"]["signal"]
        assert f"{signal['efficiency']['surrogate']:.4f}" in card_text
        assert f"{limits['expected']['median']:.3g}" in card_text
    else:
        assert "hepdata_valid" not in summary and "likelihood_poi" not in summary
        assert not (project / "reports" / "limits.json").exists()
    assert (model_dir / "cpp" / "classifier.h").is_file() == (framework == "scikit-learn")
    # Every released file is in the model's manifest, the native model and training.json
    # included, and GNU sha256sum accepts it.
    listed = (model_dir / "MANIFEST.sha256").read_text(encoding="utf-8")
    assert "  training.json\n" in listed and "  model.onnx\n" in listed
    run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=model_dir)
    out = run(["make", "validate-model", f"PYTHON={python}"], cwd=project, env=env)
    assert "ok: onnxruntime reproduces the 100 reference outputs" in out
    if framework == "scikit-learn":
        assert "C++ export reproduces" in out
    # The FAIR scorecard: after `make all` every model line passes but the DOI one.
    run(["make", "fair", f"PYTHON={python}"], cwd=project, env=env)
    fair = json.loads((project / "reports" / "fair.json").read_text())
    model = {
        (c["principle"], c["title"]): c["status"] for c in fair["checks"] if c["subject"] == "model"
    }
    assert {k: v for k, v in model.items() if v != "pass"} == {
        ("F1", "persistent identifier"): "warn"
    }
    assert fair["summary"]["fail"] == 0
    # A reuser's check fails loudly when a released file changed.
    outputs = model_dir / "validation" / "expected_outputs.csv"
    original = outputs.read_bytes()
    outputs.write_bytes(original.replace(b"\n0.", b"\n1.", 1))
    failed = attempt(["make", "validate-model", f"PYTHON={python}"], cwd=project, env=env)
    assert failed.returncode != 0
    assert "model validation failed" in failed.stderr and "expected_outputs.csv" in failed.stderr
    outputs.write_bytes(original)
    # `make model-card` never overwrites a card edited by hand.
    card = model_dir / "MODEL_CARD.md"
    written = card.read_text(encoding="utf-8")
    edited = written + "\nMy notes.\n"
    card.write_text(edited, encoding="utf-8")
    failed = attempt(["make", "model-card", f"PYTHON={python}"], cwd=project, env=env)
    assert failed.returncode != 0 and "edited by hand" in failed.stderr
    assert card.read_text(encoding="utf-8") == edited
    card.write_text(written, encoding="utf-8")  # as released: the scorecard fails an edited card
