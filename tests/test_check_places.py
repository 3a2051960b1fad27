"""The one metadata checker in each of its places: after `copier update` (the migration) and in
`make metadata` (its pre-commit hook: test_precommit.py)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from helpers import commit_all, release, run, update


@pytest.mark.full
def test_update_rechecks_metadata_and_keeps_files_when_it_fails(
    template_repo: Path, old_project: Path
) -> None:
    project = old_project

    release(template_repo, "0.2.0")
    first = update(project)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "checking the metadata after update" in out and "OK: no errors" in out
    assert "template 0.2.0" in (project / "README.md").read_text()
    commit_all(project, "update to 0.2.0")

    # The user breaks CITATION.cff; the next update applies, then the check fails loudly.
    citation = project / "CITATION.cff"
    citation.write_text(citation.read_text().replace('version: "0.1.0"', 'version: ""'))
    commit_all(project, "bad version")
    release(template_repo, "0.3.0")
    proc = update(project)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "ERROR   CITATION.cff: version: " in output
    assert "make check-metadata" in output
    assert 'version: ""' in citation.read_text()  # the user's file is as they left it
    assert "template 0.3.0" in (project / "README.md").read_text()  # the update is applied


def test_make_metadata_regenerates_derived_files(default_project: Path, tmp_path: Path) -> None:
    project = Path(shutil.copytree(default_project, tmp_path / "p"))
    for name in ("CITATION.cff", "pyproject.toml", "models/classifier/MODEL_CARD.md"):
        path = project / name
        text = path.read_text()
        text = text.replace('version: "0.1.0"', 'version: "0.2.0"')
        text = text.replace('version = "0.1.0"', 'version = "0.2.0"')
        path.write_text(text.replace('model_version: "0.1.0"', 'model_version: "0.2.0"'))
    out = run(
        [
            "make",
            "metadata",
            f"PYTHON={sys.executable}",
        ],
        cwd=project,
    )
    assert "OK: no errors" in out
    assert '"version": "0.2.0"' in (project / "codemeta.json").read_text()
    assert '"version": "0.2.0"' in (project / ".zenodo.json").read_text()
