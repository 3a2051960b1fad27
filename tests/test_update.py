"""`copier update` in real git repositories: each sentence of the README's "Updating your
project" section is backed by a test here (or, for the metadata re-check, in
test_check_places.py)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml
from helpers import (
    GIT_ID,
    TEMPLATE,
    attempt,
    commit_all,
    copy_at,
    git,
    install_project,
    make_venv,
    release,
    run,
    update,
)
from test_precommit import offline_config

PACKAGE = "my_fair_analysis"


def digests(root: Path, below: str = "") -> dict[str, str]:
    """sha256 of every file below `root / below` (the .git folder excepted)."""
    base = root / below
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(base.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.full
def test_update_applies_the_template_change_and_keeps_every_user_edit(
    template_repo: Path, old_project: Path
) -> None:
    project = old_project
    src = project / "src" / PACKAGE

    # The user's work: analysis code (their own and in a tooling file), a README paragraph,
    # settings, data files, a trained model and its card.
    edit(
        src / "data" / "synthetic.py",
        "def generate(",
        "def my_cut(x):\n    return x\n\n\ndef generate(",
    )
    edit(
        src / "models" / "train_model.py",
        "def train(root: Path) -> Path:",
        "# My note on training.\ndef train(root: Path) -> Path:",
    )
    edit(project / "README.md", "\n## ", "\nOur analysis searches for a 125 GeV resonance.\n\n## ")
    edit(project / "config" / "pipeline.yaml", "seed: 20260101", "seed: 7")
    (project / "data" / "raw" / "events.csv").write_text("m_jj,label\n125.0,1\n")  # git-ignored
    (project / "data" / "external" / "calibration.csv").write_text("a,b\n1,2\n")  # git-ignored
    (project / "models" / "classifier" / "model.joblib").write_bytes(bytes(range(256)) * 8)
    edit(project / "models" / "classifier" / "MODEL_CARD.md", "## Uses", "## Uses\n\nMy own words.")
    (project / "references" / "README.md").unlink()  # files of the user's, deleted
    (src / "visualization" / "plots.py").unlink()
    commit_all(project, "my analysis")
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.1.0"
    before = digests(project)
    readme_before = (project / "README.md").read_text()
    train_before = (src / "models" / "train_model.py").read_text()

    # The template's change: tooling it owns, and files that are now the user's.
    template = template_repo / "template"
    makefile = template / "Makefile.jinja"
    makefile.write_text(makefile.read_text() + "\n# template 0.2.0: a new tooling line\n")
    checker = template / "src" / "{{package_name}}" / "fair" / "cli.py"
    checker.write_text(checker.read_text() + "\n# template 0.2.0: checker improved\n")
    code, text = "\n# template 0.2.0 change\n", "\n<!-- template 0.2.0 change -->\n"
    for changed_file, line in {
        "src/{{package_name}}/data/{% if domain == 'hep' %}synthetic.py{% endif %}": code,
        "src/{{package_name}}/visualization/{% if domain == 'hep' %}plots.py{% endif %}": code,
        "config/pipeline.yaml.jinja": code,
        "{% if include_docker %}Dockerfile{% endif %}.jinja": code,
        "data/README.md.jinja": text,
        "models/README.md.jinja": text,
        "notebooks/1.0-{{author_initials}}-initial-data-exploration.ipynb.jinja": text,
        "references/README.md": text,
        "LICENSE.jinja": text,
    }.items():
        path = template / changed_file
        path.write_text(path.read_text() + line)
    release(template_repo, "0.2.0")  # also appends a line to the README

    proc = update(project)
    assert proc.returncode == 0, proc.stderr
    assert "checking the metadata after update" in proc.stdout
    # The message after update: the version reached and how to review the merge.
    assert '"My FAIR Analysis" is updated to copier4fair 0.2.0.' in proc.stdout + proc.stderr
    assert (
        "pre-commit run --all-files   # finds left-over conflict markers"
        in proc.stdout + proc.stderr
    )
    after = digests(project)

    # The template change is applied to the files the template owns ...
    assert (project / "Makefile").read_text().endswith("# template 0.2.0: a new tooling line\n")
    assert (src / "fair" / "cli.py").read_text().endswith("# template 0.2.0: checker improved\n")
    assert (project / "Dockerfile").read_text().endswith("# template 0.2.0 change\n")
    # ... merged with the user's edits there, byte for byte ...
    assert (project / "README.md").read_text() == readme_before + "\n<!-- template 0.2.0 -->\n"
    assert (src / "models" / "train_model.py").read_text() == train_before
    # ... and never to the files that are the user's: analysis code, settings, data, models.
    for name in (
        f"src/{PACKAGE}/data/synthetic.py",
        "config/pipeline.yaml",
        "data/raw/events.csv",
        "data/external/calibration.csv",
        "models/classifier/model.joblib",
        "models/classifier/MODEL_CARD.md",
    ):
        assert after[name] == before[name], name
    assert digests(project, "data") == {k: v for k, v in before.items() if k.startswith("data/")}
    assert digests(project, "models") == {
        k: v for k, v in before.items() if k.startswith("models/")
    }
    # ... nor to their other files the template changed (data sheet, notebook, licence) ...
    (notebook,) = (project / "notebooks").glob("*.ipynb")
    for name in ("data/README.md", "models/README.md", f"notebooks/{notebook.name}", "LICENSE"):
        assert after[name] == before[name], name
    # ... and a file of the user's they deleted comes back as the template has it now.
    references = (project / "references" / "README.md").read_text()
    assert references.endswith("<!-- template 0.2.0 change -->\n")
    assert (src / "visualization" / "plots.py").read_text().endswith("# template 0.2.0 change\n")
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.2.0"
    # Nothing else changed, nothing is left over.
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {
        "references/README.md",
        f"src/{PACKAGE}/visualization/plots.py",
        "Makefile",
        "Dockerfile",
        "README.md",
        f"src/{PACKAGE}/fair/cli.py",
        ".copier-answers.yml",
    }
    assert not [k for k in after if k.endswith(".rej")]


@pytest.mark.full
def test_same_line_changed_on_both_sides_leaves_markers_the_hook_refuses(
    template_repo: Path, old_project: Path
) -> None:
    project = old_project
    line = "lint: ## Check code style and common errors with ruff"
    edit(project / "Makefile", line, "lint: ## Lint (my wording)")
    commit_all(project, "my wording")
    edit(template_repo / "template" / "Makefile.jinja", line, "lint: ## Lint (template wording)")
    release(template_repo, "0.2.0")

    proc = update(project)
    makefile = (project / "Makefile").read_text()
    assert re.search(r"^<<<<<<< ", makefile, re.MULTILINE), proc.stdout + proc.stderr
    assert "lint: ## Lint (my wording)" in makefile
    assert "lint: ## Lint (template wording)" in makefile
    assert re.search(r"^>>>>>>> ", makefile, re.MULTILINE)

    # The project's pre-commit hook, as configured, on the merged tree: it fails on Makefile.
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: (r, h) for r in config["repos"] for h in r["hooks"]}
    repo, hook = hooks["check-merge-conflict"]
    assert repo["repo"] == "https://github.com/pre-commit/pre-commit-hooks"
    assert hook["args"] == ["--assume-in-merge"]
    # The hook as configured, installed by pre-commit from PyPI at the same version (this
    # machine cannot clone from GitHub), refuses the commit of the merged tree.
    alone = {"repos": [{**repo, "hooks": [hook]}]}
    config_file = project.parent / "conflict-check.yaml"
    config_file.write_text(yaml.safe_dump(offline_config(alone), sort_keys=False))
    env = {**GIT_ID, "PRE_COMMIT_HOME": str(project.parent / "pre-commit-cache")}
    pre_commit = str(Path(sys.executable).with_name("pre-commit"))
    run([pre_commit, "install", "--config", str(config_file)], cwd=project, env=env)
    git(project, "add", "-A")
    head = git(project, "rev-parse", "HEAD")
    refused = attempt(["git", "commit", "-q", "-m", "update"], cwd=project, env=env, timeout=900)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    said = refused.stdout + refused.stderr  # git shows the hook's output on stderr
    assert "Makefile:" in said and "Merge conflict string" in said
    assert "README.md:" not in said
    assert git(project, "rev-parse", "HEAD") == head  # nothing committed


@pytest.mark.full
def test_changing_answers_adds_files_and_removes_none(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "analysis"
    copy_at(template_repo, project, "0.1.0", "ci=github", "include_docker=false")
    (project / "notes.md").write_text("my notes\n")
    (project / "src" / PACKAGE / "extra_analysis.py").write_text('"""Mine."""\n')
    commit_all(project, "my files")
    before = digests(project)

    proc = update(project, "-d", "ci=both", "-d", "include_docker=true")
    assert proc.returncode == 0, proc.stderr
    after = digests(project)
    added = set(after) - set(before)
    assert added == {".gitlab-ci.yml", "Dockerfile", ".dockerignore"}
    assert set(before) <= set(after)  # none removed
    assert after["notes.md"] == before["notes.md"]
    assert after[f"src/{PACKAGE}/extra_analysis.py"] == before[f"src/{PACKAGE}/extra_analysis.py"]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["ci"] == "both" and answers["include_docker"] is True


#: The scikit-learn hyperparameters of config/pipeline.yaml in 0.2.0 (GradientBoosting), as a
#: user tuned them.
OLD_HYPERPARAMETERS = """\
  # sklearn.ensemble.GradientBoostingClassifier (always with init="zero", for the C++ export)
  hyperparameters:
    n_estimators: 300  # tuned
    max_depth: 3
    learning_rate: 0.1"""


MIGRATION = TEMPLATE / "hooks" / "migrations" / "v0_3_0_hist_gradient_boosting.py"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # A CRLF file keeps its line ends, the added line included.
        (
            "model:\r\n  hyperparameters:\r\n    n_estimators: 10\r\nreports: {}\r\n",
            (
                "model:\r\n  hyperparameters:\r\n    max_iter: 10\r\n    early_stopping: false\r\n"
                "reports: {}\r\n"
            ),
        ),
        # The last line of a file without its line end.
        (
            "model:\n  hyperparameters:\n    n_estimators: 10",
            "model:\n  hyperparameters:\n    max_iter: 10\n    early_stopping: false\n",
        ),
        # n_iter_no_change stopped GradientBoosting early: HistGradientBoosting is told to.
        (
            "model:\n  hyperparameters:\n    n_estimators: 10\n    n_iter_no_change: 5\n",
            (
                "model:\n  hyperparameters:\n    max_iter: 10\n    n_iter_no_change: 5\n"
                "    early_stopping: true\n"
            ),
        ),
        # Before 0.2.0 the settings were HistGradientBoosting's already: nothing changes.
        (
            (
                "model:\n  # sklearn.ensemble.HistGradientBoostingClassifier\n  hyperparameters:\n"
                "    max_iter: 200\n    max_leaf_nodes: 31\n    early_stopping: false\n"
            ),
            None,
        ),
    ],
)
def test_the_migration_keeps_every_other_byte(
    before: str, after: str | None, tmp_path: Path
) -> None:
    """The 0.3.0 migration on the shapes a user's config/pipeline.yaml takes; a second run
    changes nothing (it runs on every update)."""
    path = tmp_path / "pipeline.yaml"
    path.write_bytes(before.encode())
    run([sys.executable, str(MIGRATION), "--config", str(path)], cwd=tmp_path)
    assert path.read_bytes().decode() == (before if after is None else after)
    once = path.read_bytes()
    output = run([sys.executable, str(MIGRATION), "--config", str(path)], cwd=tmp_path)
    assert path.read_bytes() == once and output == ""


def test_the_migration_names_settings_the_new_model_lacks(tmp_path: Path) -> None:
    """A GradientBoosting setting with no HistGradientBoosting counterpart is kept and named."""
    path = tmp_path / "pipeline.yaml"
    path.write_text("model:\n  hyperparameters:\n    n_estimators: 10\n    subsample: 0.5\n")
    proc = attempt([sys.executable, str(MIGRATION), "--config", str(path)], cwd=tmp_path)
    assert proc.returncode == 0
    assert "HistGradientBoostingClassifier has no subsample: remove or replace" in proc.stderr
    assert "subsample: 0.5" in path.read_text()


@pytest.mark.full
def test_migration_renames_hyperparameters_once_from_the_old_version(
    template_repo: Path, tmp_path: Path
) -> None:
    """The 0.3.0 migration renames 0.2.0's settings on the update from that version, the model
    trains with them, and later updates change nothing; no tag is needed (a clone of main has
    none)."""
    repo = template_repo
    config = repo / "template" / "config" / "pipeline.yaml.jinja"
    current = config.read_text()
    block = current[current.index("  # sklearn.ensemble.HistGradientBoostingClassifier") :]
    block = block[: block.index("    early_stopping: false") + len("    early_stopping: false")]
    # Version 0.2.0 of the template had the GradientBoostingClassifier settings.
    shipped = OLD_HYPERPARAMETERS.replace("n_estimators: 300  # tuned", "n_estimators: 200")
    config.write_text(current.replace(block, shipped))
    commit_all(repo, "0.2.0")
    old = git(repo, "rev-parse", "HEAD").strip()
    config.write_text(current)
    commit_all(repo, "0.3.0")
    new = git(repo, "rev-parse", "HEAD").strip()
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n<!-- template 0.4.0 -->\n")
    commit_all(repo, "0.4.0")

    project = tmp_path / "analysis"
    copy_at(repo, project, old)
    settings = project / "config" / "pipeline.yaml"
    edit(settings, "n_estimators: 200", "n_estimators: 300  # tuned")
    edit(settings, "seed: 20260101", "seed: 7  # my seed")
    commit_all(project, "my settings")
    mine = settings.read_text()
    assert OLD_HYPERPARAMETERS in mine

    proc = update(project, "--vcs-ref", new)
    assert proc.returncode == 0, proc.stderr
    assert "copier4fair 0.3.0 migration: config/pipeline.yaml" in proc.stdout
    text = settings.read_text()
    # Only the hyperparameter lines change; every other line is the user's, byte for byte.
    renamed = OLD_HYPERPARAMETERS.replace(
        '# sklearn.ensemble.GradientBoostingClassifier (always with init="zero", for the C++ '
        "export)",
        "# sklearn.ensemble.HistGradientBoostingClassifier (one thread; thresholds made "
        "float32-exact)",
    )
    renamed = renamed.replace("n_estimators: 300", "max_iter: 300") + "\n    early_stopping: false"
    assert text == mine.replace(OLD_HYPERPARAMETERS, renamed)
    hyperparameters = yaml.safe_load(text)["model"]["hyperparameters"]
    assert hyperparameters == {
        "max_iter": 300,
        "max_depth": 3,
        "learning_rate": 0.1,
        "early_stopping": False,
    }
    commit_all(project, "update to 0.3.0")

    proc = update(project, "--vcs-ref", "HEAD")  # to 0.4.0
    assert proc.returncode == 0, proc.stderr
    assert "0.3.0 migration" not in proc.stdout + proc.stderr
    assert settings.read_text() == text
    assert "<!-- template 0.4.0 -->" in (project / "README.md").read_text()


@pytest.mark.full
def test_update_on_a_dirty_work_tree_refuses_and_changes_nothing(
    template_repo: Path, old_project: Path
) -> None:
    project = old_project
    edit(project / "README.md", "\n## ", "\nUncommitted work.\n\n## ")
    (project / "draft.py").write_text("x = 1\n")
    release(template_repo, "0.2.0")
    before, status = digests(project), git(project, "status", "--porcelain")

    proc = update(project)
    assert proc.returncode != 0
    assert "Destination repository is dirty; cannot continue." in proc.stderr
    assert digests(project) == before
    assert git(project, "status", "--porcelain") == status


@pytest.mark.full
def test_update_with_an_unknown_answer_key_refuses_before_changing_anything(
    template_repo: Path, old_project: Path
) -> None:
    project = old_project
    release(template_repo, "0.2.0")
    before = digests(project)

    proc = update(project, "-d", "ci=both", "-d", "include_dockr=true")
    assert proc.returncode != 0
    assert "-d include_dockr: copier4fair has no question 'include_dockr'" in proc.stderr
    assert "Did you mean -d include_docker=...?" in proc.stderr
    assert digests(project) == before
    assert git(project, "status", "--porcelain") == ""
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.1.0"


#: The commit released as 0.2.0 (CI clones carry the history but not the tags).
RELEASE_0_2_0 = "9cdc066041d3a43fd55bad907ffbd5af1515ac5a"


def _template_history(repo: Path) -> None:
    """A template repository with two tags: 0.2.0 as released, 0.3.0 as the work tree is now."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", RELEASE_0_2_0],
        cwd=TEMPLATE,
        capture_output=True,
        check=True,
    ).stdout
    repo.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(repo, filter="data")
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "0.2.0")
    git(repo, "tag", "0.2.0")
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    ignore = shutil.ignore_patterns(".git", ".venv*", "build", "__pycache__", ".pytest_cache")
    shutil.copytree(TEMPLATE, repo, ignore=ignore, dirs_exist_ok=True)
    commit_all(repo, "0.3.0")
    git(repo, "tag", "0.3.0")


@pytest.mark.full
def test_a_real_update_from_0_2_0_leaves_a_working_project(tmp_path: Path) -> None:
    """The release before this one, updated for real: the project installs, its own tests
    pass, the Dask features step runs, and the scorecard has no fail."""
    shallow = git(TEMPLATE, "rev-parse", "--is-shallow-repository").strip()
    if shallow == "true":
        pytest.skip("a shallow clone lacks the 0.2.0 commit")
    repo = tmp_path / "template"
    _template_history(repo)
    project = tmp_path / "analysis"
    copy_at(repo, project, "0.2.0", "ml_framework=none")
    proc = update(project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.3.0"
    src = project / "src" / PACKAGE
    # The features step is the template's now: the Dask version arrives; the user's settings
    # file (no `dask:` section) and old data README stay as they were.
    assert "dask_client" in (src / "features" / "build_features.py").read_text()
    assert "dask:" not in (project / "config" / "pipeline.yaml").read_text()
    assert "## Motivation" not in (project / "data" / "README.md").read_text()
    python = make_venv(tmp_path / "venv")
    install_project(project, python)
    env = {"PATH": f"{python.parent}:/usr/bin:/bin"}
    run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env)
    out = run(["make", "data", "features", f"PYTHON={python}"], cwd=project, env=env)
    assert "read 2 partitions on a local Dask cluster" in out
    out = run(["make", "fair", f"PYTHON={python}"], cwd=project, env=env)
    assert "data/README.md: not a datasheet yet" in out
