"""Misuse of `copier copy` and a failed check after it: a clear message, a non-zero exit, and
nothing generated or written by the user lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import (
    COPIER,
    GIT_ID,
    QUESTIONS,
    TEMPLATE,
    attempt,
    commit_all,
    git,
    make_venv,
    project_files,
    release,
    run,
)


def test_without_trust_copier_names_the_option(tmp_path: Path) -> None:
    proc = attempt(
        [COPIER, "copy", "--defaults", "--vcs-ref", "HEAD", str(TEMPLATE), str(tmp_path / "p")],
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    assert "Template uses potentially unsafe feature: tasks." in proc.stderr
    assert "--trust" in proc.stderr
    assert not (tmp_path / "p").exists()


def test_an_unknown_answer_key_is_refused_with_the_nearest_question(tmp_path: Path) -> None:
    proc = attempt(
        [COPIER, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", "-d", "projectname=Higgs",
         str(TEMPLATE), str(tmp_path / "p")],
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "-d projectname: copier4fair has no question 'projectname'" in proc.stderr
    assert "Did you mean -d project_name=...?" in proc.stderr
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(("value", "refused"), [("maybe", True), ("ja", True), ("no", False)])
def test_a_yes_no_answer_copier_would_misread_is_refused(
    tmp_path: Path, value: str, refused: bool
) -> None:
    """Copier reads any text it does not know as yes: `include_docker=maybe` must not give a
    Dockerfile silently."""
    proc = attempt(
        [COPIER, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", "-d",
         f"include_docker={value}", str(TEMPLATE), str(tmp_path / "p")],
        cwd=tmp_path,
    )  # fmt: skip
    if refused:
        assert proc.returncode != 0
        assert (
            f"-d include_docker={value}: include_docker is a yes/no question, and Copier would "
            f"read '{value}' as yes. Give -d include_docker=true or -d include_docker=false."
        ) in proc.stderr
        assert not (tmp_path / "p").exists()
    else:
        assert proc.returncode == 0, proc.stderr
        assert not (tmp_path / "p" / "Dockerfile").exists()


@pytest.mark.full
def test_an_older_copier_is_refused_with_the_version_needed(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "venv")
    run([str(python), "-m", "pip", "install", "-q", "copier==9.5.0"], cwd=tmp_path, timeout=900)
    old_copier = str(python.with_name("copier"))
    proc = attempt(
        [old_copier, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", str(TEMPLATE),
         str(tmp_path / "p")],
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "This template requires Copier version >= 9.6.0" in proc.stdout + proc.stderr
    assert not (tmp_path / "p").exists()


@pytest.mark.full
def test_the_oldest_copier_allowed_copies_and_updates(template_repo: Path, tmp_path: Path) -> None:
    """The README's "Copier 9.6 or newer": _min_copier_version itself copies and updates."""
    minimum = QUESTIONS["_min_copier_version"]
    python = make_venv(tmp_path / "venv")
    pip = [str(python), "-m", "pip", "install", "-q", f"copier=={minimum}"]
    run(pip, cwd=tmp_path, timeout=900)
    copier = str(python.with_name("copier"))
    project = tmp_path / "analysis"
    out = run(
        [copier, "copy", "--trust", "--defaults", "--vcs-ref", "0.1.0", str(template_repo),
         str(project)],
        cwd=tmp_path,
    )  # fmt: skip
    assert "OK: no errors" in out
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "start")
    release(template_repo, "0.2.0")
    out = run([copier, "update", "--trust", "--defaults"], cwd=project, env=GIT_ID)
    assert "checking the metadata after update" in out
    assert (project / "README.md").read_text().endswith("<!-- template 0.2.0 -->\n")
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.2.0"
    # A changed answer is carried into the user's own config/pipeline.yaml (nested rendering).
    commit_all(project, "update")
    source = "https://data.example.org/events.csv"
    out = run([copier, "update", "--trust", "--defaults", "-d", f"data_source={source}"],
              cwd=project, env=GIT_ID)  # fmt: skip
    assert "config/pipeline.yaml: the changed answers applied" in out
    assert f'source: "{source}"' in (project / "config" / "pipeline.yaml").read_text()


def _template_with_a_metadata_bug(template_repo: Path) -> Path:
    """The template with a bug the questions cannot catch: a licence outside CFF 1.2.0's list."""
    citation = template_repo / "template" / "CITATION.cff.jinja"
    text = citation.read_text(encoding="utf-8")
    assert "license: {{ license }}\n" in text
    citation.write_text(text.replace("license: {{ license }}\n", "license: Unicode-3.0\n"))
    commit_all(template_repo, "a metadata bug")
    return template_repo


def _copy(template: Path, dst: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return attempt(
        [COPIER, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *options, str(template),
         str(dst)],
        cwd=dst.parent,
    )  # fmt: skip


def test_a_failed_check_after_copy_into_a_new_folder_keeps_every_generated_file(
    template_repo: Path, tmp_path: Path
) -> None:
    template = _template_with_a_metadata_bug(template_repo)
    expected = tmp_path / "expected"
    _copy(template, expected, "--skip-tasks")
    dst = tmp_path / "analysis"
    proc = _copy(template, dst)
    assert proc.returncode != 0
    assert (
        "CITATION.cff: license: 'Unicode-3.0' is not an SPDX licence" in proc.stdout + proc.stderr
    )
    assert "Traceback" not in proc.stderr
    kept = tmp_path / "analysis.unchecked"
    assert f"is kept in {kept}" in proc.stderr
    assert f"`mv {kept} {dst}`" in proc.stderr
    assert not dst.exists(), "Copier's cleanup removed the new folder (if not, the note is moot)"
    assert project_files(kept) == project_files(expected)
    for name in project_files(expected):
        assert (kept / name).read_bytes() == (expected / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "analysis.unchecked",
        "expected",
        "template",
    ]
    # The kept project is a project: fix the field, and its own check passes.
    citation = kept / "CITATION.cff"
    citation.write_text(citation.read_text().replace("license: Unicode-3.0", "license: MIT"))
    check = attempt([sys.executable, "-m", "my_fair_analysis.fair", "check-metadata"], cwd=kept,
                    env={"PYTHONPATH": str(kept / "src")})  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr

    # A second failure never writes into the first kept folder.
    again = _copy(template, dst)
    assert again.returncode != 0
    assert (tmp_path / "analysis.unchecked-2").is_dir()
    assert "license: MIT" in citation.read_text()


def test_a_failed_check_after_copy_into_an_existing_folder_keeps_it_in_place(
    template_repo: Path, tmp_path: Path
) -> None:
    template = _template_with_a_metadata_bug(template_repo)
    dst = tmp_path / "analysis"
    dst.mkdir()
    (dst / "notes.txt").write_text("my notes\n")
    proc = _copy(template, dst)
    assert proc.returncode != 0
    assert "license: 'Unicode-3.0' is not an SPDX licence" in proc.stdout + proc.stderr
    assert (dst / "notes.txt").read_text() == "my notes\n"
    assert (dst / "CITATION.cff").is_file() and (dst / ".copier-answers.yml").is_file()
    # Copier keeps a folder it did not create, so the hook makes no copy of it.
    assert not (tmp_path / "analysis.unchecked").exists()
    assert "is kept in" not in proc.stderr


def test_no_cleanup_keeps_the_files_in_place_and_makes_no_copy(
    template_repo: Path, tmp_path: Path
) -> None:
    template = _template_with_a_metadata_bug(template_repo)
    dst = tmp_path / "analysis"
    proc = _copy(template, dst, "--no-cleanup")
    assert proc.returncode != 0
    assert (dst / "CITATION.cff").is_file()
    assert not (tmp_path / "analysis.unchecked").exists()


def test_a_checker_that_crashes_after_copy_still_keeps_every_generated_file(
    template_repo: Path, tmp_path: Path
) -> None:
    """A bug that makes the checker raise (not fail) shows its traceback and keeps the files."""
    cli = template_repo / "template" / "src" / "{{package_name}}" / "fair" / "cli.py"
    cli.write_text(cli.read_text(encoding="utf-8") + '\nraise RuntimeError("a checker bug")\n')
    commit_all(template_repo, "a crashing checker")
    dst = tmp_path / "analysis"
    proc = _copy(template_repo, dst)
    assert proc.returncode != 0
    assert "RuntimeError: a checker bug" in proc.stderr  # the traceback stays visible
    assert "the metadata checker of src/my_fair_analysis crashed (above)" in proc.stderr
    kept = tmp_path / "analysis.unchecked"
    assert f"is kept in {kept}" in proc.stderr
    assert (kept / ".copier-answers.yml").is_file() and (kept / "CITATION.cff").is_file()
