"""Full tier: generated projects installed in real virtual environments, their own tests and
their make targets run for real, for every ml_framework."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import generate, make_venv, run

FRAMEWORKS = [
    ("scikit-learn", "hep"),
    ("pytorch", "life-science"),
    ("xgboost", "generic"),
    ("none", "hep"),
]


@pytest.mark.full
@pytest.mark.parametrize(("framework", "domain"), FRAMEWORKS, ids=[f for f, _ in FRAMEWORKS])
def test_project_installs_tests_and_runs_its_pipeline(
    tmp_path: Path, framework: str, domain: str
) -> None:
    project = generate(tmp_path / "analysis", ml_framework=framework, domain=domain)
    python = make_venv(tmp_path / "venv")
    pip = [str(python), "-m", "pip", "install", "-q"]
    # The pinned environment alone must be complete and consistent ...
    run([*pip, "--no-deps", "-r", "requirements.txt"], cwd=project, timeout=1800)
    run([str(python), "-m", "pip", "check"], cwd=project)
    # ... and satisfy the package's own dependency ranges.
    run([*pip, "-e", ".[test]"], cwd=project, timeout=1800)
    frozen = run(
        [str(python), "-m", "pip", "freeze", "--all", "--exclude-editable"],
        cwd=project,
        stdout_only=True,
    )
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (project / "requirements.txt").read_text().splitlines()
        if "==" in line
    }
    installed = {line.split("==")[0].lower().replace("_", "-") for line in frozen.splitlines()}
    assert pinned <= installed
    env = {"PATH": f"{python.parent}:/usr/bin:/bin"}
    run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env)
    out = run(["make", "all", f"PYTHON={python}"], cwd=project, env=env, timeout=1800)
    raw = project / "data" / "raw" / "events.csv"
    assert raw.is_file()
    run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=raw.parent)
    assert (project / "reports" / "figures" / "feature_distributions.png").is_file()
    if framework != "none":
        metrics = json.loads((project / "reports" / "metrics.json").read_text())
        assert metrics["roc_auc"] > 0.85, out
        training = json.loads((project / "models" / "classifier" / "training.json").read_text())
        assert training["provenance"]["data_sha256"]
        assert (project / "reports" / "figures" / "roc_curve.png").is_file()
    # Raw data are never overwritten by a second run.
    before = raw.read_bytes()
    run(["make", "data", f"PYTHON={python}"], cwd=project, env=env)
    assert raw.read_bytes() == before
    out = run(["make", "check-metadata", f"PYTHON={python}"], cwd=project, env=env)
    assert "OK: no errors" in out
