"""The generated CI files and Dockerfile, checked with their linters (offline): GitHub Actions
and GitLab CI files against check-jsonschema's built-in schemas, Dockerfiles with hadolint."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from helpers import MATRIX, QUESTIONS, choices, generate, run

BIN = Path(sys.executable).parent
#: What every CI of the project runs: the install of the README, every pre-commit hook, tests,
#: metadata, scorecard, pipeline and the documentation.
CI_STEPS: tuple[str, ...] = (
    "make install",
    "pre-commit run --all-files",
    "make test",
    "make metadata",
)
CI_STEPS += ("make fair", "make all", "make install-docs", "make docs")


@pytest.mark.parametrize("ci", MATRIX["ci"])
def test_ci_files_are_valid_and_run_every_check(tmp_path: Path, ci: str) -> None:
    project = generate(tmp_path / "p", ci=ci)
    github = project / ".github" / "workflows" / "ci.yml"
    gitlab = project / ".gitlab-ci.yml"
    assert github.is_file() == (ci in ("github", "both"))
    assert gitlab.is_file() == (ci in ("gitlab", "both"))
    for path, schema in ((github, "vendor.github-workflows"), (gitlab, "vendor.gitlab-ci")):
        if not path.is_file():
            continue
        out = run(
            [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)], cwd=project
        )
        assert "ok -- validation done" in out
        text = path.read_text(encoding="utf-8")
        for step in CI_STEPS:
            assert step in text, f"{path.name} does not run {step}"
        yaml.safe_load(text)


#: The python_version choices, oldest first: every framework is checked on the oldest, the
#: default framework on the newest as well.
PYTHONS = choices("python_version")


@pytest.mark.parametrize(
    ("framework", "python_version"),
    [(framework, PYTHONS[0]) for framework in MATRIX["ml_framework"]]
    + [(QUESTIONS["ml_framework"]["default"], PYTHONS[-1])],
)
def test_dockerfile_passes_hadolint(tmp_path: Path, framework: str, python_version: str) -> None:
    project = generate(tmp_path / "p", ml_framework=framework, python_version=python_version)
    dockerfile = project / "Dockerfile"
    out = run([str(BIN / "hadolint"), "--no-color", str(dockerfile)], cwd=project)
    assert out.strip() == ""
    text = dockerfile.read_text(encoding="utf-8")
    assert f"FROM python:{python_version}-slim-bookworm" in text
    assert "USER 1000:1000" in text and 'CMD ["make", "all"]' in text
    assert "-r requirements.txt" in text
    stages = re.findall(r"^FROM (.+)$", text, flags=re.MULTILINE)
    if framework == "none":
        assert len(stages) == 1 and "make app" not in text
        return
    # The model demo's stage, as SciLifeLab Serve runs an image (serve.scilifelab.se/docs/
    # application-hosting/other/): a non-root user of UID 1000, a port in 3000-9999, listening
    # on every interface; `docker build` without --target still builds the analysis.
    assert stages[1:] == ["analysis AS app", "analysis"], stages
    app_stage = text.split("FROM analysis AS app", 1)[1]
    assert "--group app" in app_stage and 'CMD ["make", "app"]' in app_stage
    assert "ENV APP_HOST=0.0.0.0" in app_stage and "EXPOSE 8000" in app_stage
    assert "USER" not in app_stage  # the user of the analysis stage, UID 1000, runs it
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    assert "APP_PORT ?= 8000" in makefile and "APP_PORT=8000" in app_stage
