"""Fixtures of the template's tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import TEMPLATE, commit_all, copy_at, generate, git, make_venv


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
