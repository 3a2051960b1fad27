"""Generation: the exact file set of every combination, rendered cleanly, with working make help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    MATRIX,
    TEMPLATE,
    clean_env,
    combo_id,
    generate,
    project_files,
    run,
)

DEFAULTS = {"domain": "hep", "ml_framework": "scikit-learn", "ci": "github", "include_docker": True}

COMMON = {
    ".copier-answers.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".zenodo.json",
    "CITATION.cff",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "LICENSE",
    "Makefile",
    "README.md",
    "REUSE.toml",
    "codemeta.json",
    "pyproject.toml",
    "requirements.txt",
    "tox.ini",
    "config/pipeline.yaml",
    "data/README.md",
    "data/external/.gitkeep",
    "data/interim/.gitkeep",
    "data/processed/.gitkeep",
    "data/raw/.gitkeep",
    "docs/conf.py",
    "docs/index.md",
    "docs/data.md",
    "docs/figures.md",
    "docs/api.md",
    "models/README.md",
    "notebooks/README.md",
    "references/README.md",
    "reports/README.md",
    "reports/figures/.gitkeep",
    "tests/conftest.py",
    "tests/test_data.py",
    "tests/test_files.py",
    "tests/test_features.py",
    "tests/test_pipeline.py",
    "tests/test_inputs_config.py",
    "tests/test_inputs_tables.py",
    "tests/test_metadata.py",
    "tests/test_scorecard_checks.py",
    "tests/test_release.py",
}
PACKAGE = {
    "__init__.py",
    "py.typed",
    "project.py",
    "config.py",
    "provenance.py",
    "vcs.py",
    "release.py",
    "fair/vocabularies.py",
    "files.py",
    "step.py",
    "pipeline.py",
    "layout.py",
    "clean.py",
    "data/__init__.py",
    "data/download.py",
    "data/make_dataset.py",
    "data/manifest.py",
    "data/interface.py",
    "data/partitions.py",
    "data/schema.py",
    "data/synthetic.py",
    "data/table.py",
    "features/__init__.py",
    "features/build_features.py",
    "features/cluster.py",
    "visualization/__init__.py",
    "visualization/plots.py",
    "fair/__init__.py",
    "fair/__main__.py",
    "fair/archives.json",
    "fair/archives.py",
    "fair/licences.py",
    "fair/cff.py",
    "fair/checks.py",
    "fair/cli.py",
    "fair/crosswalk.py",
    "fair/derive.py",
    "fair/fairchecks.py",
    "fair/findings.py",
    "fair/modelchecks.py",
    "fair/rules.py",
    "fair/scorecard.py",
    "fair/scoring.py",
    "fair/schemas/README.md",
    "fair/schemas/cff-1.2.0.schema.json",
    "fair/schemas/fair-report-1.schema.json",
    "fair/sources.py",
    "fair/validate.py",
}
MODEL_PACKAGE = {
    "models/__init__.py",
    "models/agreement.py",
    "models/estimator.py",
    "models/interface.py",
    "models/train_model.py",
    "models/hyperparameters.py",
    "models/importance.py",
    "models/predict_model.py",
    "models/evaluate_model.py",
    "models/onnx_io.py",
    "models/export_onnx.py",
    "models/reference.py",
    "models/inputs.py",
    "models/validate_model.py",
    "models/model_card.py",
    "models/card_config.py",
    "models/model_card_template.md",
    "models/app.py",
    "models/app_page_template.html",
}


def expected_files(answers: dict[str, Any], package: str = "my_fair_analysis") -> set[str]:
    """The exact file set a combination of answers must produce."""
    files = set(COMMON)
    files |= {f"src/{package}/{name}" for name in PACKAGE}
    files |= {"LICENSES/CC-BY-4.0.txt", "LICENSES/MIT.txt"}  # the data and code licences
    files.add("notebooks/1.0-fl-initial-data-exploration.ipynb")
    if answers["ml_framework"] != "none":
        files |= {f"src/{package}/{name}" for name in MODEL_PACKAGE}
        files |= {"tests/test_models.py", "tests/test_model_inputs.py"}
        files.add("tests/test_estimator_interface.py")
        files.add("models/classifier/MODEL_CARD.md")
        files |= {"config/model_card.yaml", "docs/model.md"}
        if answers["ml_framework"] == "scikit-learn":
            files |= {f"src/{package}/models/export_cpp.py", f"src/{package}/models/score.cc"}
        if answers["domain"] == "hep":
            files.add(f"src/{package}/models/hepdata_submission.py")
            files.add(f"src/{package}/models/likelihood.py")
            files.add(f"src/{package}/models/cutflow.py")
            files.add(f"src/{package}/models/efficiency_map.py")
            files.add(f"src/{package}/models/surrogate.py")
            files.add("tests/test_likelihood.py")
    if answers["ci"] in ("github", "both"):
        files |= {".github/workflows/ci.yml", ".github/dependabot.yml", ".github/zizmor.yml"}
    if answers["ci"] in ("gitlab", "both"):
        files.add(".gitlab-ci.yml")
    if answers["include_docker"]:
        files |= {"Dockerfile", ".dockerignore"}
    if answers["domain"] == "hep":
        files |= {f"src/{package}/data/ntuple.py", f"src/{package}/data/samples.py"}
        files.add("tests/test_ntuple.py")
        files |= {f"src/{package}/visualization/style.py", "tests/test_figures.py"}
    else:
        files.add("ro-crate-metadata.json")
    return files


#: Jinja templates of the generated project itself (rendered by it at run time, not by Copier).
RUNTIME_TEMPLATES = {"model_card_template.md", "app_page_template.html"}


def assert_rendered_cleanly(root: Path) -> None:
    """No Jinja left anywhere but in the project's own run-time templates; no empty file."""
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.name not in RUNTIME_TEMPLATES:
            # `${{ ... }}` is a GitHub Actions expression, not Jinja.
            unrendered = re.search(r"(?<!\$)\{\{|\{%", text)
            assert not unrendered, f"unrendered Jinja in {path}"
        if path.name != ".gitkeep":
            assert text.strip(), f"empty file {path}"


def test_defaults_without_any_data(default_project: Path) -> None:
    assert project_files(default_project) == expected_files(DEFAULTS)
    assert_rendered_cleanly(default_project)


def test_copy_with_the_cli_as_a_user_would(tmp_path: Path) -> None:
    """`copier copy --trust --defaults` succeeds and prints the metadata check's next steps."""
    copier = Path(sys.executable).with_name("copier")
    out = run(
        [
            str(copier),
            "copy",
            "--trust",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            str(TEMPLATE),
            str(tmp_path / "p"),
        ],
        cwd=tmp_path,
    )
    assert "OK: no errors" in out
    assert (
        "WARNING CITATION.cff: authors[0]: 'Firstname Lastname' is the template's placeholder"
        in out
    )
    # The message after copy: what to do next.
    assert f"is ready in {tmp_path / 'p'}" in out
    assert "git init && git add -A" in out
    assert "make check-metadata     # re-run the metadata check" in out


def test_license_is_the_real_text_with_year_and_holder(tmp_path: Path) -> None:
    gpl = generate(
        tmp_path / "gpl",
        license="GPL-3.0-or-later",
        data_license="CC0-1.0",
        author_given_names="Marie",
        author_family_names="Curie",
    )
    text = (gpl / "LICENSE").read_text(encoding="utf-8")
    year = __import__("datetime").date.today().year
    assert text.startswith(f"Copyright (c) {year} Marie Curie\n")
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    assert "CC0 1.0 Universal" in (gpl / "LICENSES" / "CC0-1.0.txt").read_text(encoding="utf-8")
    mit = generate(tmp_path / "mit", author_given_names="Ada", author_family_names="Lovelace")
    lines = (mit / "LICENSE").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "MIT License"
    assert lines[2] == f"Copyright (c) {year} Ada Lovelace"


def test_make_help_is_the_default_goal_and_lists_every_target(default_project: Path) -> None:
    out = subprocess.run(
        ["make"], cwd=default_project, capture_output=True, text=True, check=True, env=clean_env()
    ).stdout
    makefile = (default_project / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-zA-Z0-9_-]+):", makefile, flags=re.MULTILINE)
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert listed == targets
    assert all(len(line.split(maxsplit=1)) == 2 for line in out.splitlines() if line.strip())
    for target in (
        "data",
        "features",
        "train",
        "predict",
        "evaluate",
        "all",
        "check-metadata",
        "docs",
        "clean",
        "test",
    ):
        assert target in listed


def test_readme_explains_setup_targets_citation_and_updates(default_project: Path) -> None:
    readme = (default_project / "README.md").read_text(encoding="utf-8")
    for heading in (
        "## Setting up",
        "## Running the analysis",
        "## How to cite",
        "## Updating from the template",
        "## Licences",
    ):
        assert heading in readme
    assert "copier update --trust" in readme
    makefile = (default_project / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^([a-zA-Z0-9_-]+):.*## ", makefile, flags=re.MULTILINE):
        if target not in ("help", "install", "format"):
            assert f"`make {target}" in readme, f"make {target} is not in the README"


def test_notebook_has_no_outputs(default_project: Path) -> None:
    import json

    notebook = json.loads(
        (default_project / "notebooks/1.0-fl-initial-data-exploration.ipynb").read_text()
    )
    assert notebook["nbformat"] == 4
    for cell in notebook["cells"]:
        assert cell.get("outputs", []) == []
        assert cell.get("execution_count") is None


@pytest.mark.parametrize("domain", MATRIX["domain"])
@pytest.mark.parametrize("framework", MATRIX["ml_framework"])
def test_generated_code_passes_ruff(tmp_path: Path, domain: str, framework: str) -> None:
    """Every domain x ml_framework renders different Python: each passes ruff as generated, with
    the longest package name allowed (50 characters), which the import lines must fit."""
    project = generate(
        tmp_path / "p",
        domain=domain,
        ml_framework=framework,
        package_name="a" * 49 + "z",
        skip_tasks=True,
    )
    ruff = Path(sys.executable).with_name("ruff")
    run([str(ruff), "check", "--no-cache", "src", "tests"], cwd=project)
    run([str(ruff), "format", "--check", "--no-cache", "src", "tests"], cwd=project)


# A few combinations cover every value of every answer in the fast tier; the full tier renders
# all of them once, in tests/test_metadata.py (its files, then its metadata).
FAST = [
    {"domain": "hep", "ml_framework": "pytorch", "ci": "gitlab", "include_docker": False},
    {"domain": "life-science", "ml_framework": "xgboost", "ci": "both", "include_docker": True},
    {"domain": "generic", "ml_framework": "none", "ci": "none", "include_docker": False},
    {
        "domain": "life-science",
        "ml_framework": "scikit-learn",
        "ci": "github",
        "include_docker": False,
    },
]
assert all(any(c[k] == v for c in [DEFAULTS, *FAST]) for k, vs in MATRIX.items() for v in vs)


@pytest.mark.parametrize("answers", FAST, ids=combo_id)
def test_combination_fast(tmp_path: Path, answers: dict[str, Any]) -> None:
    project = generate(tmp_path / "p", **answers)
    assert project_files(project) == expected_files(answers)
    assert_rendered_cleanly(project)
