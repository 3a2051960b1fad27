"""REUSE: every file of a generated project has a copyright holder and a licence (REUSE.toml), and
every licence its text in LICENSES/; `reuse lint` (offline: its SPDX list is inside) passes.

The code, data and models of a project are under the licences the user chose, so each choice of
`license` and of `data_license` (read from copier.yml) is generated at least once.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import attempt, choices, covering, generate

REUSE = str(Path(sys.executable).with_name("reuse"))
#: Folders whose files are the data, the models and what is made from them: the data licence.
DATA_FOLDERS = ("data/", "models/", "reports/")
SCHEMA = "fair/schemas/cff-1.2.0.schema.json"


def lint(project: Path) -> dict[str, Any]:
    """`reuse lint --json` of `project`; fails the test with the report when it is not compliant."""
    proc = attempt([REUSE, "lint", "--json"], cwd=project)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["summary"]["compliant"], (
        proc.stdout[-6000:] + proc.stderr[-2000:]
    )
    return report


def expected_licence(path: str, code: str, data: str) -> str:
    """The licence REUSE.toml must give a file: the schema's own, the data's, or the code's."""
    if path.endswith(SCHEMA):
        return "CC-BY-4.0"
    return data if path.startswith(DATA_FOLDERS) else code


@pytest.mark.parametrize(("code", "data"), covering("license", "data_license"), ids="-".join)
def test_reuse_lint_passes_and_each_file_has_its_licence(
    tmp_path: Path, code: str, data: str
) -> None:
    project = generate(
        tmp_path / "p",
        license=code,
        data_license=data,
        author_given_names="Zoë",
        author_family_names="O'Brien",
    )
    report = lint(project)
    year = datetime.date.today().year
    files = {entry["path"]: entry for entry in report["files"]}
    assert any(path.startswith("data/") for path in files)
    assert any(path.startswith("models/") for path in files)
    assert any(path.endswith(SCHEMA) for path in files)
    for path, entry in files.items():
        licences = [e["value"] for e in entry["spdx_expressions"]]
        holders = [e["value"] for e in entry["copyrights"]]
        assert licences == [expected_licence(path, code, data)], path
        assert {e["source"] for e in entry["spdx_expressions"] + entry["copyrights"]} == {
            "REUSE.toml"
        }, path
        if not path.endswith(SCHEMA):
            assert holders == [f"SPDX-FileCopyrightText: {year} Zoë O'Brien"], path
    # Exactly the licences used, each once: the code's, the data's, the CFF schema's.
    texts = sorted(p.name for p in (project / "LICENSES").iterdir())
    assert texts == sorted({f"{code}.txt", f"{data}.txt", "CC-BY-4.0.txt"})
    assert sorted(report["summary"]["used_licenses"]) == sorted({code, data, "CC-BY-4.0"})


@pytest.mark.parametrize("code", choices("license"))
def test_the_code_licence_text_is_the_license_file_without_its_notice(
    tmp_path: Path, code: str
) -> None:
    """LICENSES/<id>.txt is the licence's text with no year or holder (those are in REUSE.toml
    and LICENSE), so a later `copier update` renders it byte for byte as it was generated."""
    project = generate(tmp_path / "p", skip_tasks=True, license=code, author_family_names="Noether")
    year = str(datetime.date.today().year)
    notice = f"Copyright (c) {year} Firstname Noether"
    licence = (project / "LICENSE").read_text(encoding="utf-8").splitlines()
    text = (project / "LICENSES" / f"{code}.txt").read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith(notice) for line in licence) == 1
    assert not any("Noether" in line or year in line for line in text)
    placeholder = [line for line in text if "<year> <copyright holders>" in line]
    assert len(placeholder) <= 1
    without_notice = [line for line in licence if not line.startswith(notice)]
    if placeholder:  # MIT and BSD: the notice is part of the licence text
        assert [line for line in text if line not in placeholder] == without_notice
    else:  # the others: a notice above the text
        assert text == without_notice[1:]  # the blank line after the notice


def test_reuse_lint_refuses_a_licence_without_its_text(tmp_path: Path) -> None:
    """The lint really checks: a licence whose text is missing from LICENSES/ fails it."""
    project = generate(tmp_path / "p", skip_tasks=True)
    (project / "LICENSES" / "MIT.txt").unlink()
    proc = attempt([REUSE, "lint"], cwd=project)
    assert proc.returncode == 1
    assert "MIT" in proc.stdout and "Missing licenses" in proc.stdout
