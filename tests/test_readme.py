"""The template's README: its quick start works as written, and CI runs its test command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import QUESTIONS, TEMPLATE, run
from packaging.version import Version


def quick_start_commands() -> list[str]:
    """The commands of the first code block under '## Quick start', comments stripped."""
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert block, "no bash block in the quick start"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command() -> None:
    demo, test = quick_start_commands()
    assert demo == "make demo"
    assert test == "make test"
    ci = (TEMPLATE / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test


@pytest.mark.full
def test_quick_start_demo_on_a_fresh_copy(tmp_path: Path) -> None:
    """`make demo` from a fresh copy of the repository (no .venv) generates a project, installs
    it with pip, and runs its pipeline and scorecard (its tests run in the pip-installed default
    project of tests/test_next_steps.py, as `make test` there)."""
    clone = tmp_path / "copier4fair"
    shutil.copytree(
        TEMPLATE, clone, ignore=shutil.ignore_patterns(".venv*", "build", "__pycache__")
    )
    out = run(["make", "demo"], cwd=clone, timeout=1800)
    demo = clone / "build" / "demo"
    assert (demo / "CITATION.cff").is_file()
    assert (demo / "models" / "classifier" / "MODEL_CARD.md").is_file(), out[-2000:]
    fair = json.loads((demo / "reports" / "fair.json").read_text(encoding="utf-8"))
    assert fair["summary"]["fail"] == 0, out[-2000:]


def _owned_patterns_in_readme() -> set[str]:
    """The backticked paths before the ': ' of each item of the README's 'Yours' list."""
    text = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Who owns which file") :]
    section = section[section.index("Yours once generated") : section.index("The template's,")]
    return {
        pattern.replace("<package>", "*")
        for item in section.split("\n- ")[1:]
        for pattern in re.findall(r"`([^`]+)`", item.split(": ", 1)[0])
    }


def test_readme_ownership_policy_is_exactly_skip_if_exists() -> None:
    assert _owned_patterns_in_readme() == set(QUESTIONS["_skip_if_exists"])


def test_every_owned_pattern_matches_generated_files(default_project: Path) -> None:
    files = [p.relative_to(default_project) for p in default_project.rglob("*") if p.is_file()]
    for pattern in QUESTIONS["_skip_if_exists"]:
        if pattern.endswith("/**"):
            matched = [f for f in files if f.as_posix().startswith(pattern[:-2])]
        else:
            matched = [f for f in files if f.match(pattern)]
        assert matched, f"_skip_if_exists pattern {pattern!r} matches no generated file"


def test_min_copier_version_is_the_one_the_readme_states() -> None:
    major_minor = ".".join(QUESTIONS["_min_copier_version"].split(".")[:2])
    assert f"Copier {major_minor} or newer is required" in (TEMPLATE / "README.md").read_text()


def _changelog_releases() -> list[str]:
    changelog = (TEMPLATE / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (\S+) \(\d{4}-\d{2}-\d{2}\)$", changelog, flags=re.MULTILINE)


def test_changelog_releases_are_pep440_newest_first() -> None:
    releases = _changelog_releases()
    assert releases, "CHANGELOG.md has no '## X.Y.Z (YYYY-MM-DD)' release heading"
    for release in releases:
        assert str(Version(release)) == release, f"{release} is not a canonical PEP 440 version"
    assert releases == sorted(releases, key=Version, reverse=True), "newest release first"


def test_every_release_tag_has_a_changelog_entry() -> None:
    """Tags and CHANGELOG headings are the same set where the clone carries the tags.

    CI checks out the branch alone (no tags); the maintainer's clone, where releases are tagged,
    runs the comparison.
    """
    tags = subprocess.run(
        ["git", "tag", "--list"], cwd=TEMPLATE, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tags:
        pytest.skip("this clone carries no release tags (a branch-only checkout)")
    for tag in tags:
        assert str(Version(tag)) == tag, f"tag {tag} is not a canonical PEP 440 version"
    assert sorted(tags, key=Version) == sorted(_changelog_releases(), key=Version)
