"""Shared fixtures: a copy of the project's configuration in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project folder with the real config/pipeline.yaml, scaled down for speed."""
    (tmp_path / "config").mkdir()
    config = yaml.safe_load((PROJECT / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    config["data"]["n_events"] = 2000
    (tmp_path / "config" / "pipeline.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path


@pytest.fixture
def metadata_project(tmp_path: Path) -> Path:
    """A scratch copy of the project's metadata files."""
    for name in ("CITATION.cff", "codemeta.json", ".zenodo.json", "pyproject.toml"):
        shutil.copy(PROJECT / name, tmp_path / name)
    if (PROJECT / "models").is_dir():
        shutil.copytree(PROJECT / "models", tmp_path / "models")
    return tmp_path
