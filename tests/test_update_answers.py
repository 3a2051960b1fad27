"""`copier update` with changed answers, in real git repositories: nothing the user made is lost.

An answer that shapes paths (found from the template's file names, not listed by hand) can make
Copier delete files. When they hold the user's work the update is undone, byte for byte, with a
way to make the change safely; the template's unedited text is deleted as asked. An answer whose
effect lives in a file that is the user's is merged into it, keeping every other line.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import (
    COPIER,
    GIT_ID,
    QUESTIONS,
    TEMPLATE,
    choices,
    commit_all,
    copy_at,
    git,
    run,
    update,
)
from test_update import PACKAGE, digests, edit

#: A variable of a path in template/: {{ name }} or a name tested in {% if ... %}.
PATH_VARIABLE = re.compile(r"\{\{\s*(\w+)|\{%\s*if\s+(\w+)")


def answers_in(expression: str) -> set[str]:
    """The questions an expression of copier.yml reads (computed values resolved)."""
    names = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", expression))
    found = set()
    for name in names & set(QUESTIONS):
        spec = QUESTIONS[name]
        if isinstance(spec, dict) and spec.get("when") is False:
            found |= answers_in(str(spec.get("default", "")))
        else:
            found.add(name)
    return found


def path_shaping_answers() -> dict[str, set[str]]:
    """{question: template paths whose name depends on it}, from the template's file names."""
    shaping: dict[str, set[str]] = {}
    for path in (TEMPLATE / "template").rglob("*"):
        relative = path.relative_to(TEMPLATE / "template").as_posix()
        for match in PATH_VARIABLE.finditer(relative):
            for answer in answers_in(match.group(1) or match.group(2)):
                shaping.setdefault(answer, set()).add(relative)
    return shaping


def another_value(name: str) -> Any:
    """A valid answer for `name` other than its default (and START) that removes their paths."""
    spec = QUESTIONS[name]
    if "choices" in spec or spec.get("type") == "bool":
        # 'none', 'generic', the last licence, not the default yes or no
        return [v for v in choices(name) if v not in (spec["default"], START.get(name))][-1]
    if name.startswith("author_"):
        return "Zoë"  # another initial
    return "renamed_analysis" if name == "package_name" else "renamed-analysis"


SHAPING = path_shaping_answers()


def test_the_path_shaping_answers_are_found_from_the_template() -> None:
    """The parametrisation below covers every answer a file name of the template depends on."""
    assert {
        "package_name",
        "domain",
        "ml_framework",
        "ci",
        "include_docker",
        "license",
        "data_license",
    } <= set(SHAPING)
    assert {"author_given_names", "author_family_names"} <= set(SHAPING)  # the notebook's initials


def own_files(project: Path, answer: str) -> list[Path]:
    """The files of `project` that were generated under a path depending on `answer`."""
    tracked = git(project, "ls-files").split()
    patterns = [
        re.compile(
            "^"
            + re.sub(
                r"\\\{%.*?%\\\}|\\\{\\\{.*?\\\}\\\}", ".*", re.escape(p.removesuffix(".jinja"))
            )
            + "(/|$)"
        )
        for p in SHAPING[answer]
    ]
    return [project / name for name in tracked if any(p.match(name) for p in patterns)]


#: Answers whose renamed paths carry the user's work to the new place instead (tested below).
CARRIED = {"package_name"}
#: Where the default's files stay whatever the answer, the project starts from another value:
#: LICENSES/CC-BY-4.0.txt, the default data licence, is also the licence of the CFF schema.
START = {"data_license": "CC0-1.0"}


@pytest.mark.full
@pytest.mark.parametrize("answer", sorted(set(SHAPING) - CARRIED))
def test_an_answer_that_would_delete_edited_files_is_undone(
    template_repo: Path, tmp_path: Path, answer: str
) -> None:
    project = tmp_path / "analysis"
    start = [f"{answer}={START[answer]}"] if answer in START else []
    copy_at(template_repo, project, "0.1.0", *start)
    edited = own_files(project, answer)
    assert edited, f"no generated file depends on {answer}"
    for path in edited:
        path.write_bytes(path.read_bytes() + b"\n")  # the user's edit
    (project / "data" / "raw" / "mine.csv").write_text("a,label\n1,0\n")  # ignored by git
    commit_all(project, "my edits")
    before, head = digests(project), git(project, "rev-parse", "HEAD")

    value = another_value(answer)
    option = f"{answer}={str(value).lower() if isinstance(value, bool) else value}"
    proc = update(project, "-d", option)
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0, said
    assert "the update was undone; every file is as it was before it." in said
    assert f"Changing {answer} from " in said
    assert any(f"  {p.relative_to(project).as_posix()}: your edits" in said for p in edited)
    assert digests(project) == before  # the ignored data/raw/mine.csv included
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD") == head

    # The advice, run as printed: a name of your own for each file listed, commit, update.
    listed = re.findall(
        r"^  (\S+): your edits; the new answers delete this file$", said, re.MULTILINE
    )
    moves = re.findall(r"^  (git mv \S+ \S+)$", said, re.MULTILINE)
    assert len(moves) == len(listed) > 0
    for command in moves:
        run(shlex.split(command), cwd=project, env=GIT_ID)
    commit_all(project, "Keep my files")
    mine = {name: digests(project)[name] for name in (shlex.split(m)[3] for m in moves)}
    proc = update(project, "-d", option)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {name: digests(project)[name] for name in mine} == mine
    assert all(name.rsplit("/", 1)[-1].count("-mine") == 1 for name in mine)


@pytest.mark.full
def test_a_package_rename_carries_every_edit_to_the_new_package(
    template_repo: Path, tmp_path: Path
) -> None:
    """The slug and the package are the same word: only the package moves, nothing else."""
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0", "project_name=Biomarkers", "domain=life-science")
    old = "biomarkers"
    src = project / "src" / old
    edit(src / "models" / "estimator.py", "\nLIBRARY", "\n# my tuned estimator\nLIBRARY")
    edit(src / "models" / "train_model.py", "def train(", "# my note\ndef train(")
    (src / "my_selection.py").write_text(f'"""My cuts."""\nfrom {old}.config import load_config\n')
    (project / "tests" / "test_mine.py").write_text(f"import {old}\n")
    commit_all(project, "my work")

    proc = update(project, "-d", "package_name=biomarker_panel")
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0, said
    new = project / "src" / "biomarker_panel"
    assert "# my tuned estimator" in (new / "models" / "estimator.py").read_text()
    assert "# my note\ndef train(" in (new / "models" / "train_model.py").read_text()
    assert (new / "my_selection.py").read_text().startswith('"""My cuts."""')
    for line in (
        f"    src/{old}/models/estimator.py -> src/biomarker_panel/models/estimator.py",
        f"    src/{old}/my_selection.py -> src/biomarker_panel/my_selection.py",
    ):
        assert line in proc.stdout
    assert (
        f"these files still import {old}: src/biomarker_panel/my_selection.py, tests/test_mine.py"
        in said
    )
    git(project, "add", "-A")
    assert git(project, "ls-files", f"src/{old}") == ""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["package_name"], answers["project_slug"]) == ("biomarker_panel", old)
    assert "PACKAGE := biomarker_panel" in (project / "Makefile").read_text()
    assert f'name = "{old}"' in (project / "pyproject.toml").read_text()
    notebook = next((project / "notebooks").glob("*.ipynb")).read_text()
    assert "biomarker_panel" in notebook  # the template's import line, merged into yours


@pytest.mark.full
def test_your_files_beside_the_templates_do_not_stop_a_change(
    template_repo: Path, tmp_path: Path
) -> None:
    """A licence file or a workflow of your own in a folder the template also writes to."""
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    (project / "LICENSES" / "BSD-3-Clause.txt").write_text("the licence of code I vendored\n")
    workflow = project / ".github" / "workflows" / "nightly.yml"
    workflow.write_text("on: schedule\n")
    commit_all(project, "my files")
    proc = update(project, "-d", "data_license=CC0-1.0", "-d", "ci=gitlab")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in (project / "LICENSES").iterdir()) == [
        "BSD-3-Clause.txt",
        "CC-BY-4.0.txt",  # the CFF schema's licence
        "CC0-1.0.txt",
        "MIT.txt",
    ]
    assert (project / "LICENSES" / "BSD-3-Clause.txt").read_text() == (
        "the licence of code I vendored\n"
    )
    assert workflow.read_text() == "on: schedule\n"
    assert "note: these files of yours stay in folders the template's files left" in proc.stdout
    assert ".github/workflows/nightly.yml" in proc.stdout


@pytest.mark.full
def test_unedited_files_follow_the_new_answers(template_repo: Path, tmp_path: Path) -> None:
    """A fresh project: new licences and author replace the template's unedited files, and the
    project stays REUSE-compliant."""
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    proc = update(
        project,
        "-d",
        "license=Apache-2.0",
        "-d",
        "data_license=CC0-1.0",
        "-d",
        "author_given_names=Zoë",
        "-d",
        "package_name=zz_study",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (
        "the update deleted these files, the template's text unedited: LICENSES/MIT.txt"
        in proc.stdout
    )
    assert sorted(p.name for p in (project / "LICENSES").iterdir()) == [
        "Apache-2.0.txt",
        "CC-BY-4.0.txt",  # the CFF schema's licence
        "CC0-1.0.txt",
    ]
    assert (project / "notebooks" / "1.0-zl-initial-data-exploration.ipynb").is_file()
    assert not (project / "notebooks" / "1.0-fl-initial-data-exploration.ipynb").exists()
    assert (project / "src" / "zz_study" / "models" / "estimator.py").is_file()
    assert not (project / "src" / PACKAGE).exists()
    assert "LICENSE: the changed answers applied" in proc.stdout
    licence = (project / "LICENSE").read_text()
    assert "Zoë Lastname" in licence and "Apache License" in licence
    reuse = (project / "REUSE.toml").read_text()
    assert 'SPDX-License-Identifier = "Apache-2.0"' in reuse
    assert 'SPDX-License-Identifier = "CC0-1.0"' in reuse
    assert "Zoë Lastname" in reuse and "MIT" not in reuse
    run([str(Path(COPIER).with_name("reuse")), "lint"], cwd=project)


SOURCE = "https://data.example.org/analysis/events.csv"
SHA = "ab" * 32


@pytest.mark.full
def test_a_new_data_source_reaches_the_users_config_keeping_every_other_line(
    template_repo: Path, tmp_path: Path
) -> None:
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    settings = project / "config" / "pipeline.yaml"
    edit(settings, "seed: 20260101", "seed: 7  # my seed")
    commit_all(project, "my seed")
    mine = settings.read_text()

    proc = update(project, "-d", f"data_source={SOURCE}", "-d", f"data_sha256={SHA}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (
        "copier4fair: config/pipeline.yaml: the changed answers applied; your other lines kept"
        in proc.stdout
    )
    expected = mine.replace('  source: "synthetic"\n', f'  source: "{SOURCE}"\n  sha256: "{SHA}"\n')
    assert settings.read_text() == expected
    assert yaml.safe_load(settings.read_text())["data"]["source"] == SOURCE


@pytest.mark.full
def test_a_new_data_source_on_a_line_the_user_edited_is_written_beside_it(
    template_repo: Path, tmp_path: Path
) -> None:
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    settings = project / "config" / "pipeline.yaml"
    edit(settings, '  source: "synthetic"', '  source: "synthetic"  # until the ntuples are ready')
    commit_all(project, "my note")
    mine = settings.read_bytes()

    proc = update(project, "-d", f"data_source={SOURCE}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert settings.read_bytes() == mine
    assert (
        "config/pipeline.yaml: yours, and the changed answers touch lines you edited, so it was "
        "not changed; the change is in config/pipeline.yaml.rej"
    ) in proc.stderr
    assert '    -  source: "synthetic"' in proc.stderr
    assert f'    +  source: "{SOURCE}"' in proc.stderr
    rej = (project / "config" / "pipeline.yaml.rej").read_text()
    assert f'+  source: "{SOURCE}"' in rej
    # The patch applies to the template's text: it is the whole change, nothing else.
    assert [
        line for line in rej.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ] == [
        '-  source: "synthetic"',
        f'+  source: "{SOURCE}"',
    ]


@pytest.mark.full
def test_a_new_data_source_merges_when_the_template_changed_the_lines_around_it(
    template_repo: Path, tmp_path: Path
) -> None:
    """The user's config follows the version it was made from: the answer's change is taken
    from that version, so a template change next to the line is not blamed on the user."""
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    settings = project / "config" / "pipeline.yaml"
    mine = settings.read_text()
    config = template_repo / "template" / "config" / "pipeline.yaml.jinja"
    edit(
        config,
        '  # columns and a 0/1 "label" column.',
        '  # columns and a 0/1 "label" column (1 = signal).',
    )
    commit_all(template_repo, "0.2.0")
    git(template_repo, "tag", "0.2.0")

    proc = update(project, "-d", f"data_source={SOURCE}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "config/pipeline.yaml: the changed answers applied" in proc.stdout
    assert not (project / "config" / "pipeline.yaml.rej").exists()
    assert settings.read_text() == mine.replace('  source: "synthetic"', f'  source: "{SOURCE}"')
