"""Fixtures of the template's tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import TEMPLATE, commit_all, copy_at, generate, git, make_venv

#: The slowest tests, by the start of their node id, with about how long each took on the 2-core
#: machine (seconds, 2026-11-30). They start first, so that with `--dist worksteal` no worker
#: is left with a long test at the end while the other one idles.
SLOW_FIRST = {
    "test_next_steps.py::test_next_steps_readme": 400,
    "test_projects.py::test_project_installs_tests_and_runs_its_pipeline[pytorch": 300,
    "test_readme.py::test_quick_start_demo": 280,
    "test_projects.py::test_project_installs_tests_and_runs_its_pipeline[scikit-learn": 200,
    "test_projects.py::test_project_installs_tests_and_runs_its_pipeline[xgboost": 180,
    "test_next_steps.py::test_the_readme_uv_route": 150,
    "test_answers_property.py": 95,
    "test_projects.py::test_project_installs_tests_and_runs_its_pipeline[none": 90,
    "test_precommit.py": 50,
    "test_update.py::test_a_real_update": 70,
    "test_api_docs.py": 60,
    "test_real_data.py": 55,
    "test_root_input.py": 50,
    "test_faults.py": 20,
    "test_scale_out.py": 20,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slowest tests first (SLOW_FIRST), the others in their order."""

    def cost(item: pytest.Item) -> int:
        name = item.nodeid.removeprefix("tests/")
        return max((t for start, t in SLOW_FIRST.items() if name.startswith(start)), default=0)

    items.sort(key=cost, reverse=True)


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated with `--defaults` and no data at all (shared, read-only)."""
    return generate(tmp_path_factory.mktemp("default") / "my-analysis")


@pytest.fixture(scope="session")
def cffconvert_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python with cffconvert (and PyYAML), in its own virtual environment.

    cffconvert 2.0 pins jsonschema<4, so it is kept apart from the test environment.
    """
    existing = TEMPLATE / ".venv-cffconvert" / "bin" / "python"
    if existing.exists():  # made by `make venv`
        return existing
    python = make_venv(tmp_path_factory.mktemp("cffconvert") / "venv")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "cffconvert==2.0.0", "pyyaml==6.0.3"],
        check=True,
    )
    return python


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    """A git copy of the template's work tree, tagged 0.1.0."""
    repo = tmp_path / "template"
    shutil.copytree(
        TEMPLATE, repo, ignore=shutil.ignore_patterns(".git", ".venv*", "build", "__pycache__")
    )
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "template")
    git(repo, "tag", "0.1.0")
    return repo


@pytest.fixture
def old_project(template_repo: Path, tmp_path: Path) -> Path:
    """A git project generated with the defaults from the template's tag 0.1.0."""
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    return project
