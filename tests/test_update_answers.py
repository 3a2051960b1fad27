"""`copier update` with changed answers, in real git repositories: nothing the user made is lost.

An answer that shapes paths (found from the template's file names, not listed by hand) can make
Copier delete files. When they hold the user's work the update is undone, byte for byte, with a
way to make the change safely; the template's unedited text is deleted as asked. An answer whose
effect lives in a file that is the user's is merged into it, keeping every other line.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import GIT_ID, TEMPLATE, commit_all, copy_at, git, update
from test_update import PACKAGE, digests, edit

CONFIG = yaml.safe_load((TEMPLATE / "copier.yml").read_text(encoding="utf-8"))
#: A variable of a path in template/: {{ name }} or a name tested in {% if ... %}.
PATH_VARIABLE = re.compile(r"\{\{\s*(\w+)|\{%\s*if\s+(\w+)")


def answers_in(expression: str) -> set[str]:
    """The questions an expression of copier.yml reads (computed values resolved)."""
    names = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", expression))
    found = set()
    for name in names & set(CONFIG):
        spec = CONFIG[name]
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
    """A valid answer for `name` other than its default that removes paths of the default."""
    spec = CONFIG[name]
    if spec.get("type") == "bool":
        return not spec["default"]
    if "choices" in spec:
        values = (
            list(spec["choices"].values()) if isinstance(spec["choices"], dict) else spec["choices"]
        )
        return [v for v in values if v != spec["default"]][-1]  # 'none', 'generic', last licence
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


@pytest.mark.full
@pytest.mark.parametrize("answer", sorted(SHAPING))
def test_an_answer_that_would_delete_edited_files_is_undone(
    template_repo: Path, tmp_path: Path, answer: str
) -> None:
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    edited = own_files(project, answer)
    assert edited, f"no generated file depends on {answer}"
    for path in edited:
        path.write_bytes(path.read_bytes() + b"\n")  # the user's edit
    (project / "data" / "raw" / "mine.csv").write_text("a,label\n1,0\n")  # ignored by git
    commit_all(project, "my edits")
    before, head = digests(project), git(project, "rev-parse", "HEAD")

    value = another_value(answer)
    proc = update(
        project, "-d", f"{answer}={str(value).lower() if isinstance(value, bool) else value}"
    )
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0, said
    assert "the update was undone; every file is as it was before it." in said
    assert f"Changing {answer} from " in said
    assert any(f"  {p.relative_to(project).as_posix()}: your edits" in said for p in edited)
    assert digests(project) == before  # the ignored data/raw/mine.csv included
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD") == head
    if answer == "package_name":
        return  # its own way, followed in the next test
    # The advice: move each file listed to a name of your own, commit, update again.
    listed = re.findall(
        r"^  (\S+): your edits; the new answers delete this file$", said, re.MULTILINE
    )
    assert listed
    for name in listed:
        git(project, "mv", name, f"{name}.mine")
    commit_all(project, "keep my files")
    mine = {name: (project / f"{name}.mine").read_bytes() for name in listed}
    proc = update(
        project, "-d", f"{answer}={str(value).lower() if isinstance(value, bool) else value}"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {name: (project / f"{name}.mine").read_bytes() for name in listed} == mine


@pytest.mark.full
def test_a_package_rename_is_undone_and_the_printed_way_keeps_every_edit(
    template_repo: Path, tmp_path: Path
) -> None:
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    src = project / "src" / PACKAGE
    edit(src / "models" / "estimator.py", "\nLIBRARY", "\n# my tuned estimator\nLIBRARY")
    (src / "my_selection.py").write_text('"""My cuts."""\n')
    commit_all(project, "my work")
    before = digests(project)

    proc = update(project, "-d", "package_name=higgs_bdt")
    said = proc.stderr
    assert proc.returncode != 0
    assert (
        f"  src/{PACKAGE}/models/estimator.py: your edits; the new answers delete this file" in said
    )
    assert (
        f"  src/{PACKAGE}/my_selection.py: yours; it would stay behind in a folder the update "
        "empties"
    ) in said
    assert digests(project) == before

    # Follow the printed steps literally (the shell runs them, as the user would paste them).
    steps = said[said.index("To rename the package") :].splitlines()[1:]
    commands = [line.split("#")[0].strip() for line in steps if line.startswith("  ")]
    assert commands[0] == f"git mv src/{PACKAGE} src/higgs_bdt"
    for command in commands[:2]:
        subprocess.run(
            command, shell=True, cwd=project, check=True, env={**GIT_ID, "PATH": "/usr/bin:/bin"}
        )
    commit_all(project, "Rename the package to higgs_bdt")
    assert shlex.split(commands[-1])[:2] == ["copier", "update"]
    proc = update(project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    new = project / "src" / "higgs_bdt"
    assert "# my tuned estimator" in (new / "models" / "estimator.py").read_text()
    assert (new / "my_selection.py").read_text() == '"""My cuts."""\n'
    assert not (project / "src" / PACKAGE).exists()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["package_name"] == "higgs_bdt"
    assert "PACKAGE := higgs_bdt" in (project / "Makefile").read_text()
    assert git(project, "status", "--porcelain") == ""  # nothing left to move


@pytest.mark.full
def test_unedited_files_follow_the_new_answers(template_repo: Path, tmp_path: Path) -> None:
    """A fresh project: a new data licence and author replace the template's unedited files."""
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0")
    proc = update(
        project,
        "-d",
        "data_license=CC0-1.0",
        "-d",
        "author_given_names=Zoë",
        "-d",
        "package_name=zz_study",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (
        "the update deleted these files, the template's text unedited: LICENSES/CC-BY-4.0.txt"
        in proc.stdout
    )
    assert sorted(p.name for p in (project / "LICENSES").iterdir()) == ["CC0-1.0.txt"]
    assert (project / "notebooks" / "1.0-zl-initial-data-exploration.ipynb").is_file()
    assert not (project / "notebooks" / "1.0-fl-initial-data-exploration.ipynb").exists()
    assert (project / "src" / "zz_study" / "models" / "estimator.py").is_file()
    assert not (project / "src" / PACKAGE).exists()
    assert "LICENSE: the changed answers applied" in proc.stdout
    assert "Zoë Lastname" in (project / "LICENSE").read_text()


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
