"""Helpers shared by the template's tests: generate projects for real with Copier."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import threading
import tomllib
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import copier
import yaml

TEMPLATE = Path(__file__).resolve().parents[1]
COPIER = str(Path(sys.executable).with_name("copier"))
#: A git identity for the commits the tests make (CI machines may have none).
GIT_ID = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}

#: copier.yml, parsed: its questions and its settings (the names that start with "_").
QUESTIONS: dict[str, Any] = yaml.safe_load((TEMPLATE / "copier.yml").read_text(encoding="utf-8"))


def load_script(path: Path, name: str) -> ModuleType:
    """The Python file `path` (a hook or other script, not on sys.path) imported as `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path} as a Python module", path=str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def choices(question: str) -> list[Any]:
    """The answers copier.yml offers for `question`, in its order (a yes/no question: True, False)."""
    spec = QUESTIONS[question]
    if spec.get("type") == "bool":
        return [True, False]
    offered = spec["choices"]
    return list(offered.values() if isinstance(offered, dict) else offered)


def covering(*questions: str) -> list[tuple[Any, ...]]:
    """Every choice of each question at least once, in as few tuples as the longest list: the
    shorter lists are cycled."""
    lists = [choices(question) for question in questions]
    cycled = zip(*(itertools.cycle(values) for values in lists), strict=False)
    return list(itertools.islice(cycled, max(map(len, lists))))


#: The answers every combination test varies, with their choices from copier.yml.
MATRIX = {name: choices(name) for name in ("domain", "ml_framework", "ci", "include_docker")}


def combinations() -> list[dict[str, Any]]:
    """Every combination of the MATRIX answers."""
    keys = list(MATRIX)
    return [dict(zip(keys, values)) for values in itertools.product(*MATRIX.values())]


def combo_id(answers: dict[str, Any]) -> str:
    """A short test id for a combination."""
    docker = "docker" if answers["include_docker"] else "nodocker"
    return f"{answers['domain']}-{answers['ml_framework']}-{answers['ci']}-{docker}"


def generate(
    dst: Path, vcs_ref: str | None = "HEAD", skip_tasks: bool = False, **data: Any
) -> Path:
    """Generate a project from the template's work tree (uncommitted changes included)."""
    copier.run_copy(
        str(TEMPLATE),
        str(dst),
        data=data,
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref=vcs_ref,
        skip_tasks=skip_tasks,
    )
    return dst


def free_text_questions() -> list[str]:
    """The free-text questions of copier.yml (no choices; computed values are not asked)."""
    return sorted(
        name
        for name, spec in QUESTIONS.items()
        if not name.startswith("_")
        and isinstance(spec, dict)
        and spec.get("type") == "str"
        and spec.get("when") is not False
        and "choices" not in spec
    )


def edit_pipeline(project: Path, changes: dict[str, Any]) -> None:
    """Merge `changes` into a generated project's config/pipeline.yaml, mapping into mapping (a
    value that is no mapping replaces the old); the file is written again without its comments."""

    def merge(config: dict[str, Any], changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(config.get(key), dict):
                merge(config[key], value)
            else:
                config[key] = value

    path = project / "config" / "pipeline.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    merge(config, changes)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def project_files(root: Path) -> set[str]:
    """All files below `root`, as POSIX paths relative to it."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


#: What the Python project consists of: the files an install and its tests depend on.
PYTHON_PROJECT = ("src/", "tests/", "config/", "pyproject.toml", "requirements.txt", "Makefile")


def _installed_content(root: Path, name: str) -> bytes:
    """A file of the Python project as the install sees it: pyproject.toml without its
    [tool.repo-review] table, whose ignored checks name the CI the project has (GH100)."""
    if name != "pyproject.toml":
        return (root / name).read_bytes()
    data = tomllib.loads((root / name).read_text(encoding="utf-8"))
    data.get("tool", {}).pop("repo-review", None)
    return json.dumps(data, sort_keys=True).encode("utf-8")


def python_project_digest(root: Path) -> dict[str, str]:
    """The sha256 of each file of the Python project of a generated project (PYTHON_PROJECT).

    Args:
        root: the generated project.

    Returns:
        {POSIX path relative to `root`: sha256 hex digest}, pyproject.toml as the install sees it.
    """
    return {
        name: hashlib.sha256(_installed_content(root, name)).hexdigest()
        for name in sorted(project_files(root))
        if name.startswith(PYTHON_PROJECT)
    }


def run(
    cmd: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: int = 900,
    stdout_only: bool = False,
) -> str:
    """Run a command (never through a shell); fail the test with its output if it fails.

    Returns stdout followed by stderr, or stdout alone with `stdout_only`.
    """
    full_env = {**clean_env(), **(env or {})}
    proc = subprocess.run(
        cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {proc.returncode} in {cwd}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
        )
    return proc.stdout if stdout_only else proc.stdout + proc.stderr


def attempt(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """Run a command expected to fail (never through a shell); return the result unchecked."""
    return subprocess.run(  # noqa: PLW1510 - the caller asserts the exit code
        cmd,
        cwd=cwd,
        env={**clean_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def clean_env() -> dict[str, str]:
    """The environment of a user's shell: without the variables of an enclosing `make test`."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}


def make_venv(path: Path) -> Path:
    """Create a real virtual environment; return its python."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    python = path / "bin" / "python"
    assert python.exists(), python
    return python


def install_project(project: Path, python: Path) -> None:
    """Install a generated project into the environment of `python`: the pins of
    requirements.txt alone (they must be complete), then the package in editable mode with its
    `test` group, as `make install` does with `dev`.

    With uv (the README's uv route), from its cache: a second of work where pip takes half a
    minute, as the tests share the downloaded and unpacked wheels between projects. The pip
    route is followed by `make install` (tests/test_next_steps.py), `make demo` and `make
    install-docs`. uv is given pip's indexes and find-links of this machine (`pip config
    list`); a `--find-links` web address of requirements.txt (PyTorch's CPU wheels) is left
    out, as no network but the package indexes is reachable here: pip retries it for every
    pin, uv stops.
    """
    install_pins(project, python)
    # pip 25.1 or newer as `make install` leaves it: `make install-docs` runs pip with --group.
    run([*_uv(python), "pip>=25.1", "-e", ".", "--group", "test"], cwd=project, timeout=1800)


def install_group(project: Path, python: Path, group: str) -> None:
    """Install a dependency group of a generated project with uv (see `install_project`), as
    its `make install-<group>` does with pip."""
    run([*_uv(python), "--group", group], cwd=project, timeout=1800)


def install_pins(project: Path, python: Path) -> None:
    """Install the pins of a generated project's requirements.txt alone (`--no-deps`: they must
    be complete) into the environment of `python`, with uv (see `install_project`)."""
    requirements = project.parent / f".{project.name}-requirements.txt"
    lines = (project / "requirements.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    requirements.write_text("".join(line for line in lines if not _unreachable(line)))
    run([*_uv(python), "--no-deps", "-r", str(requirements)], cwd=project, timeout=1800)


def _uv(python: Path) -> list[str]:
    """`uv pip install` into the environment of `python`, from this machine's pip sources."""
    # pip takes the best version from all its indexes; uv only when told to.
    strategy = ["--index-strategy", "unsafe-best-match"]
    return [UV, "pip", "install", "-q", "--python", str(python), *strategy, *pip_sources()]


UV = str(Path(sys.executable).with_name("uv"))


def _unreachable(line: str) -> bool:
    """Whether a requirements line is an option naming a web address (no network here)."""
    option = line.strip().split()
    return len(option) == 2 and option[0] in ("--find-links", "-f") and "://" in option[1]


@functools.cache
def pip_sources() -> tuple[str, ...]:
    """pip's index-url, extra-index-url and find-links on this machine, as uv's options (uv
    reads no pip configuration); sources that are missing folders are left out."""
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(),
    ).stdout
    options: list[str] = []
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        name = key.rsplit(".", 1)[-1]
        if name not in ("index-url", "extra-index-url", "find-links"):
            continue
        for source in value.strip().strip("'\"").split():
            local = source.removeprefix("file://")
            if "://" not in local and not Path(local).exists():
                continue
            pair = [f"--{name}", source]
            if not any(options[i : i + 2] == pair for i in range(0, len(options), 2)):
                options += pair
    return tuple(options)


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` with the test identity; return its output."""
    return run(["git", *args], cwd=cwd, env=GIT_ID)


def commit_all(cwd: Path, message: str) -> None:
    """Stage everything and commit."""
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", message)


def release(repo: Path, tag: str) -> None:
    """A template change (a line at the end of the project README), committed and tagged."""
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + f"\n<!-- template {tag} -->\n")
    commit_all(repo, f"release {tag}")
    git(repo, "tag", tag)


def copy_at(template: Path, project: Path, tag: str, *data: str) -> None:
    """`copier copy` of a tagged template version, then `git init` and a first commit."""
    answers = [arg for item in data for arg in ("-d", item)]
    run(
        [
            COPIER,
            "copy",
            "--trust",
            "--defaults",
            "--vcs-ref",
            tag,
            *answers,
            str(template),
            str(project),
        ],
        cwd=project.parent,
    )
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "start from the template")


def update(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`copier update --trust --defaults` as a user runs it; the result, not asserted."""
    return attempt([COPIER, "update", "--trust", "--defaults", *args], cwd=project, env=GIT_ID)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler] | Any) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 (a free port) with `handler`, stopped on exit.

    Args:
        handler: the request handler class (or a factory, e.g. functools.partial of
            SimpleHTTPRequestHandler with its directory).

    Yields:
        Its address, "http://127.0.0.1:<port>".
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
