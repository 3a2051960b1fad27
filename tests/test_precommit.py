"""The generated pre-commit configuration, run for real with `pre-commit run --all-files`.

Users get the conventional configuration (hook repositories on GitHub at pinned revs). This
machine cannot clone from GitHub, so the test runs the same hooks from their PyPI releases at
the same versions: each remote hook becomes a local hook with the package's console script,
the configured arguments and file types. Every hook of the configuration must be mapped.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml
from helpers import GIT_ID, attempt, commit_all, covering, generate, git, run

#: repository -> PyPI package at the same version.
PACKAGES = {
    "https://github.com/pre-commit/pre-commit-hooks": "pre-commit-hooks=={}",
    "https://github.com/astral-sh/ruff-pre-commit": "ruff=={}",
    "https://github.com/kynan/nbstripout": "nbstripout=={}",
    "https://github.com/pre-commit/mirrors-mypy": "mypy=={}",
    "https://github.com/codespell-project/codespell": "codespell=={}",
    "https://github.com/zizmorcore/zizmor-pre-commit": "zizmor=={}",
    "https://github.com/fsfe/reuse-tool": "reuse=={}",
}
#: hook id -> how the repository's own manifest runs it (entry and file selection).
HOOKS: dict[str, dict[str, object]] = {
    "check-added-large-files": {"entry": "check-added-large-files"},
    "check-case-conflict": {"entry": "check-case-conflict"},
    "check-merge-conflict": {"entry": "check-merge-conflict", "types": ["text"]},
    "check-json": {"entry": "check-json", "types": ["json"]},
    "check-toml": {"entry": "check-toml", "types": ["toml"]},
    "check-yaml": {"entry": "check-yaml", "types": ["yaml"]},
    "end-of-file-fixer": {"entry": "end-of-file-fixer", "types": ["text"]},
    "trailing-whitespace": {"entry": "trailing-whitespace-fixer", "types": ["text"]},
    "ruff-check": {
        "entry": "ruff check --force-exclude",
        "types_or": ["python", "pyi", "jupyter"],
        "require_serial": True,
    },
    "ruff-format": {
        "entry": "ruff format --force-exclude",
        "types_or": ["python", "pyi", "jupyter"],
        "require_serial": True,
    },
    "nbstripout": {"entry": "nbstripout", "types": ["jupyter"]},
    "mypy": {
        "entry": "mypy",
        "args": ["--ignore-missing-imports"],
        "types_or": ["python", "pyi"],
        "require_serial": True,
    },
    "codespell": {"entry": "codespell", "types": ["text"]},
    "zizmor": {"entry": "zizmor", "files": r"^\.github/.*\.ya?ml$"},
    "reuse": {"entry": "reuse", "args": ["lint"], "pass_filenames": False},
}


def offline_config(config: dict) -> dict:
    """The same hooks, installed from PyPI instead of cloned from GitHub."""
    repos = []
    for repo in config["repos"]:
        if repo["repo"] == "local":
            repos.append(repo)
            continue
        version = str(repo["rev"]).removeprefix("v")
        package = PACKAGES[repo["repo"]].format(version)
        hooks = []
        for hook in repo["hooks"]:
            local = {"id": hook["id"], "name": hook["id"], "language": "python"}
            local.update(HOOKS[hook["id"]])
            local["additional_dependencies"] = [package, *hook.get("additional_dependencies", [])]
            for key in ("args", "files", "exclude"):
                if key in hook:
                    local[key] = hook[key]
            hooks.append(local)
        repos.append({"repo": "local", "hooks": hooks})
    return {**config, "repos": repos}


@pytest.mark.full
@pytest.mark.parametrize(("framework", "ci"), covering("ml_framework", "ci"))
def test_pre_commit_run_all_files_passes_on_a_fresh_project(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, framework: str, ci: str
) -> None:
    project = generate(tmp_path / "p", ml_framework=framework, ci=ci)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    offline = offline_config(config)
    names = [h["name"] for r in offline["repos"] for h in r["hooks"]]
    ids = {h["id"] for r in offline["repos"] for h in r["hooks"]}
    assert {"check-merge-conflict", "ruff-check", "ruff-format", "nbstripout", "mypy"} <= ids
    assert {"codespell", "reuse"} <= ids
    assert {"check-metadata", "no-rej-files"} <= ids
    config_file = tmp_path / "offline-pre-commit-config.yaml"
    config_file.write_text(yaml.safe_dump(offline, sort_keys=False))
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "start")
    # One store of hook environments for every project of the run, as a user's machine keeps
    # one (~/.cache/pre-commit): pre-commit locks it, and builds an environment once.
    store = tmp_path_factory.getbasetemp()
    store = store.parent if os.environ.get("PYTEST_XDIST_WORKER") else store
    env = {**GIT_ID, "PRE_COMMIT_HOME": str(store / "pre-commit-cache")}
    pre_commit = [
        str(Path(sys.executable).with_name("pre-commit")),
        "run",
        "--all-files",
        "--show-diff-on-failure",
        "--config",
        str(config_file),
    ]
    out = run(pre_commit, cwd=project, env=env, timeout=1800)
    for name in names:
        assert name in out, f"hook {name!r} did not run"
    assert "Failed" not in out
    assert git(project, "status", "--porcelain") == ""  # no hook changed a file

    # A notebook saved with outputs: nbstripout strips them, and the run fails to say so.
    notebook = next((project / "notebooks").glob("*.ipynb"))
    data = json.loads(notebook.read_text())
    index = next(i for i, c in enumerate(data["cells"]) if c["cell_type"] == "code")
    data["cells"][index]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": ["42\n"]}
    ]
    data["cells"][index]["execution_count"] = 1
    notebook.write_text(json.dumps(data, indent=1) + "\n")
    proc = attempt(pre_commit, cwd=project, env=env, timeout=1800)
    assert proc.returncode == 1
    assert json.loads(notebook.read_text())["cells"][index]["outputs"] == []

    # The metadata check and the .rej guard refuse a broken CITATION.cff and a left-over .rej.
    git(project, "add", "-A")
    citation = project / "CITATION.cff"
    citation.write_text(citation.read_text().replace("license: MIT", "license: Unicode-3.0"))
    (project / "README.md.rej").write_text("@@ -1 +1 @@\n")
    git(project, "add", "-A")
    proc = attempt(pre_commit, cwd=project, env=env, timeout=1800)
    assert proc.returncode == 1
    assert "'Unicode-3.0' is not an SPDX licence identifier" in proc.stdout
    assert "left-over .rej file" in proc.stdout
