"""Full tier: a new user's first hour, followed literally.

A default project is generated with the real `copier copy` command line (its tasks run), and the
"Next steps" Copier prints are run as written, in one shell, in that order; then the README's
"Setting up" block, each tool group it offers (docs, notebooks), the notebook on its registered
Jupyter kernel, and every target `make help` lists, in the order it lists them (`make app`, a
server, until it answers: then it is stopped as Ctrl-C stops it). The generated
GitHub workflow's `run:` steps come last, as written (but pre-commit, which needs GitHub to
fetch its hooks: tests/test_precommit.py runs the same hooks from PyPI). Nothing is adapted
but `python`, which is this machine's Python 3.11 (a user's `python`), and HOME (a scratch
folder, for the Jupyter kernel the README registers).

The uv route of the README is followed too, in a second copy (uv downloads from PyPI).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from app_checks import app_server
from helpers import GIT_ID, TEMPLATE, clean_env

pytestmark = pytest.mark.full

#: What the GitHub workflow runs that needs a network this machine does not have.
NEEDS_GITHUB = ("pre-commit run",)
#: `make test` of the README routes runs these modules of the generated tests (pytest takes
#: them from PYTEST_ADDOPTS): the whole suite of the default project runs in
#: tests/test_projects.py, on the same pins.
SOME_TESTS = {"PYTEST_ADDOPTS": "tests/test_metadata.py tests/test_release.py"}
#: The make targets a shell line runs.
MAKE = re.compile(r"(?:^|&& |; )make ([a-z-]+)")


def shell(script: str, cwd: Path, env: dict[str, str], timeout: int = 3600) -> str:
    """Run `script` in one bash, stopping at the first failing line; return its output."""
    proc = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, (
        f"{script}\nexited {proc.returncode}\n--- stdout ---\n{proc.stdout[-5000:]}\n"
        f"--- stderr ---\n{proc.stderr[-5000:]}"
    )
    return proc.stdout + proc.stderr


def commands(text: str) -> list[str]:
    """The lines of a shell block without their comments and blank lines."""
    lines = (re.sub(r"\s+#\s.*$", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def readme_blocks(readme: str, heading: str) -> list[str]:
    """The ```bash blocks of the README section under `heading`, in order."""
    section = readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)


def user_environment(home: Path, bin_dir: Path) -> dict[str, str]:
    """A user's shell: `python` is the base Python 3.11, HOME is scratch (the download caches
    aside), git knows the user."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    base = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    for name in ("python", "python3"):
        link = bin_dir / name
        if not link.exists():
            link.symlink_to(base)
    home.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join([str(bin_dir), "/usr/local/bin", "/usr/bin", "/bin"])
    env = {**clean_env(), **GIT_ID, "HOME": str(home), "PATH": path}
    # The user has installed Python packages before: pip's and uv's caches are the machine's.
    env["XDG_CACHE_HOME"] = os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    return env


def copy_project(destination: Path, env: dict[str, str]) -> tuple[Path, str]:
    """`copier copy` as a user types it; return the project and what Copier printed."""
    copier = Path(sys.executable).with_name("copier")
    proc = subprocess.run(
        [str(copier), "copy", "--trust", "--defaults", "--vcs-ref", "HEAD"]
        + [str(TEMPLATE), str(destination)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return destination, proc.stdout + proc.stderr


def test_next_steps_readme_and_every_make_target_work_as_written(tmp_path: Path) -> None:
    env = user_environment(tmp_path / "home", tmp_path / "bin")
    project, printed = copy_project(tmp_path / "my-analysis", env)
    # 1. The next steps Copier printed, as one shell session (cd, git, venv, install, all).
    steps = printed.split("Next steps:\n", 1)[1].split("\n\n", 1)[0]
    script = commands(steps)
    assert script[0] == f"cd {project}" and "make install" in script
    out = shell("\n".join(script), cwd=tmp_path, env=env)
    assert "OK: no errors" in out  # make check-metadata, the last step
    activate = ". .venv/bin/activate"
    # 2. The README's setting up, then each tool group it offers.
    readme = (project / "README.md").read_text(encoding="utf-8")
    venv_block, _ = readme_blocks(readme, "Setting up")
    assert commands(venv_block)[-1] == "make test"
    # `make test` as written, on the modules of the metadata and the release (they import the
    # package and its release libraries): every generated test of this project, on the same
    # pins, runs in tests/test_projects.py (scikit-learn-hep, the defaults).
    out = shell("\n".join(commands(venv_block)), cwd=project, env={**env, **SOME_TESTS})
    assert "tests/test_release.py" in out and " failed" not in out, out[-3000:]
    assert re.search(r"\d+ passed", out), out[-3000:]
    offered = re.findall(r"^- `(make install-[a-z]+)`", readme, flags=re.MULTILINE)
    assert offered == ["make install-docs", "make install-notebooks"]
    shell("\n".join([activate, *offered]), cwd=project, env=env)
    # The notebook runs on the kernel the README registered (named in the notebook).
    (notebook,) = (project / "notebooks").glob("*.ipynb")
    kernel = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
    assert (tmp_path / "home" / ".local/share/jupyter/kernels" / kernel / "kernel.json").is_file()
    executed = tmp_path / "executed"
    shell(
        f"{activate}\ncd notebooks\njupyter nbconvert --to notebook --execute "
        f"--output-dir {executed} {notebook.name}",
        cwd=project,
        env=env,
    )
    cells = json.loads((executed / notebook.name).read_text(encoding="utf-8"))["cells"]
    assert "events," in "".join(cells[1]["outputs"][0]["text"])
    # 3. Every target of `make help`, in its order (clean last: it removes what they made).
    listed = re.findall(r"^  (\S+)\s", shell(f"{activate}\nmake help", project, env), re.MULTILINE)
    assert listed[0] == "help" and listed[-1] == "clean"
    targets = [target for target in listed if target != "help"]
    # Those the steps above ran already (make install, test, all ...) are not run again.
    done = {m for line in script + commands(venv_block) + offered for m in MAKE.findall(line)}
    assert {"install", "test", "all", "install-docs"} <= done
    subprocess.run(["git", "add", "-A"], cwd=project, env=env, check=True)
    for target in (target for target in targets if target not in done):
        if target == "app":  # a server, until Ctrl-C: it must answer, then it is stopped
            python = project / ".venv" / "bin" / "python"
            log = tmp_path / "app-server.log"
            with (
                app_server(project, python, env, log) as address,
                urllib.request.urlopen(address + "/", timeout=30) as response,
            ):
                page = response.read().decode("utf-8")
            assert "Model demo" in page and "Score one event" in page
            continue
        shell(f"{activate}\nmake {target}", cwd=project, env=env)
        if target == "format":  # the generated code is formatted already: nothing changes
            shell("git diff --exit-code -- src tests", cwd=project, env=env)
    config = yaml.safe_load((project / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    raw = project / config["data"]["raw_file"]
    assert raw.is_file() and (raw.parent / "MANIFEST.sha256").is_file()  # clean keeps raw data
    assert not (project / "reports" / "metrics.json").exists()
    # 4. The GitHub workflow's steps: each line is a target run above, or runs here as written
    # (pre-commit aside: it clones its hooks from GitHub).
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    lines = [
        line for s in workflow["jobs"]["checks"]["steps"] for line in commands(s.get("run", ""))
    ]
    ran = {f"make {target}" for target in targets}  # above, or in steps 1 and 2
    rest = [line for line in lines if line not in ran and not line.startswith(NEEDS_GITHUB)]
    assert {"make install", "make install-docs", "make docs"} <= set(lines) - set(rest)
    assert any(line.startswith(NEEDS_GITHUB) for line in lines)
    shell("\n".join([activate, "make metadata", *rest]), cwd=project, env=env)


def test_the_readme_uv_route_works_as_written(tmp_path: Path) -> None:
    env = user_environment(tmp_path / "home", tmp_path / "bin")
    uv = Path(sys.executable).with_name("uv")
    shutil.copy(uv, tmp_path / "bin" / "uv")
    project, _ = copy_project(tmp_path / "my-analysis", env)
    readme = (project / "README.md").read_text(encoding="utf-8")
    _, uv_block = readme_blocks(readme, "Setting up")
    script = commands(uv_block)
    assert script[0].startswith("uv venv") and script[-1] == "make test"
    # `make test` as written, on some modules (SOME_TESTS), as in the pip route above.
    out = shell("\n".join(script), cwd=project, env={**env, **SOME_TESTS})
    assert "tests/test_release.py" in out and " failed" not in out, out[-3000:]
    assert re.search(r"\d+ passed", out), out[-3000:]
