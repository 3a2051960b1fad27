"""Full tier: nothing a researcher made is ever lost. A real project, installed once, whose steps
are killed (SIGKILL) at several moments, run out of disk, and run twice at the same time.

After each fault every output is the previous complete version or the new complete one (the
model loads, the ONNX file passes onnx.checker, the raw file matches its checksum), a model and
a training.json that disagree are refused with one `error:` line, the next run leaves no
temporary file behind, and every file of the user's is unchanged byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Literal

import pytest
from filelock import FileLock
from helpers import (
    attempt,
    clean_env,
    edit_pipeline,
    generate,
    install_pins,
    make_venv,
    run,
    serving,
)

pytestmark = pytest.mark.full

PACKAGE = "my_fair_analysis"
MODEL_DIR = Path("models/classifier")
RAW = Path("data/raw/events.csv")
#: Files of the user's in the folders the pipeline writes into.
USER_FILES = {
    "reports/my-notes.md": b"# notes\n",
    "reports/figures/my-plot.png": b"\x89PNG my own figure",
    "data/processed/my-selection.csv": b"a,label\n1,0\n",
    "data/interim/step.parquet": b"PAR1 mine",
    "models/classifier/my-notes.txt": b"tried max_depth 4\n",
    "hepdata/my-draft.yaml": b"draft: true\n",
}
#: Run in the project's environment: is every output complete, and do model and record agree?
CHECK = """
import json, sys
from pathlib import Path
import onnx
from my_fair_analysis.data import manifest
from my_fair_analysis.models import estimator
from my_fair_analysis.models.train_model import load_trained
directory = Path("models/classifier")
estimator.load(directory)  # the model file is complete
json.loads((directory / "training.json").read_text(encoding="utf-8"))  # and so is its record
onnx.checker.check_model(onnx.load(directory / "model.onnx"), full_check=True)
for name in ("data/processed/train.csv", "data/processed/test.csv"):
    manifest.verify(Path(name))
try:
    load_trained(directory)
    agree = True
except manifest.ChecksumError as error:
    agree = str(error)
print(json.dumps({"agree": agree}))
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Slow(BaseHTTPRequestHandler):
    """Serves one file slowly (in 50 pieces), so that a download can be killed half way."""

    body = b""
    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        piece = len(self.body) // 50 + 1
        try:
            for start in range(0, len(self.body), piece):
                self.wfile.write(self.body[start : start + piece])
                self.wfile.flush()
                time.sleep(0.04)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_server(installed: tuple[Path, Path]) -> Iterator[tuple[str, type[_Slow]]]:
    """An HTTP server on 127.0.0.1 serving the project's raw table slowly; yields (URL, handler)."""
    base, _ = installed
    handler = type("Handler", (_Slow,), {"body": (base / RAW).read_bytes(), "requests": 0})
    with serving(handler) as address:
        yield f"{address}/events.csv", handler


def _build(root: Path) -> tuple[Path, Path]:
    """Generate, install and run the whole pipeline once (smaller data for speed)."""
    project = generate(root / "analysis")
    edit_pipeline(project, {"data": {"n_events": 8000}})
    python = make_venv(root / "venv")
    install_pins(project, python)
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", "."], cwd=project)
    run(["make", "all", f"PYTHON={python}"], cwd=project, env=_env(python), timeout=1800)
    for name, content in USER_FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes(content)
    return project, python


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project after `make all`, its python): built once for all pytest-xdist workers."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "faults"
    shared.mkdir(exist_ok=True)
    with FileLock(shared / "build.lock"):
        done = shared / "built.json"
        if not done.is_file():
            project, python = _build(shared)
            done.write_text(json.dumps([str(project), str(python)]), encoding="utf-8")
        project_name, python_name = json.loads(done.read_text(encoding="utf-8"))
    return Path(project_name), Path(python_name)


@pytest.fixture
def project(installed: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the installed project after `make all` (the package is the installed one)."""
    return Path(shutil.copytree(installed[0], tmp_path / "analysis", symlinks=True))


@pytest.fixture
def python(installed: tuple[Path, Path]) -> Path:
    return installed[1]


def _env(python: Path) -> dict[str, str]:
    return {"PATH": f"{python.parent}:/usr/bin:/bin"}


def _make(
    project: Path,
    python: Path,
    target: str,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], object] | None = None,
) -> subprocess.Popen[str]:
    """Start `make <target>` in its own process group (so that a kill reaches the step too)."""
    return subprocess.Popen(
        ["make", target, f"PYTHON={python}"],
        cwd=project,
        env={**clean_env(), **_env(python), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=preexec_fn,  # noqa: PLW1509 - a setrlimit call only: takes no lock
    )


def _kill_after(process: subprocess.Popen[str], delay: float) -> None:
    """SIGKILL the whole process group of `process` after `delay` seconds (if still running)."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)


def _snapshot(project: Path) -> dict[str, str]:
    """sha256 of every file of the project."""
    return {
        p.relative_to(project).as_posix(): _sha256(p) for p in project.rglob("*") if p.is_file()
    }


def _temporaries(project: Path) -> list[str]:
    """What interrupted writers left: the writer's `.part` folders, pooch's staging folder."""
    return sorted(
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.name.endswith(".part") or p.name == ".download"
    )


def _assert_user_files_intact(project: Path) -> None:
    for name, content in USER_FILES.items():
        assert (project / name).read_bytes() == content, name


def _check(project: Path, python: Path) -> Literal[True] | str:
    """Run CHECK in the project: outputs complete; True if model and record agree, else why."""
    out = run([str(python), "-c", CHECK], cwd=project, env=_env(python), stdout_only=True)
    return json.loads(out.splitlines()[-1])["agree"]


def _one_error(stderr: str) -> str:
    """The one `error:` line of a failed step."""
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def _use_download(project: Path, url: str, sha256: str) -> None:
    """Point the copy at a download of its own raw table, and remove the table."""
    edit_pipeline(project, {"data": {"source": url, "sha256": sha256}})
    (project / RAW).unlink()
    (project / RAW.parent / "MANIFEST.sha256").unlink()


@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4])
def test_a_download_killed_half_way(
    project: Path, python: Path, slow_server: tuple[str, type[_Slow]], delay: float
) -> None:
    url, handler = slow_server
    digest = _sha256(project / RAW)
    _use_download(project, url, digest)
    _kill_after(_make(project, python, "data"), delay)
    raw = project / RAW
    assert not raw.exists() or _sha256(raw) == digest  # absent or complete, never partial
    run(["make", "data", f"PYTHON={python}"], cwd=project, env=_env(python))
    assert _sha256(raw) == digest
    listed = (raw.parent / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    assert listed == [f"{digest}  events.csv"]
    assert _temporaries(project) == []
    assert handler.requests in (1, 2)
    _assert_user_files_intact(project)


def test_two_downloads_at_once_download_once(
    project: Path, python: Path, slow_server: tuple[str, type[_Slow]]
) -> None:
    url, handler = slow_server
    digest = _sha256(project / RAW)
    _use_download(project, url, digest)
    first = _make(project, python, "data")
    deadline = time.monotonic() + 30
    while handler.requests == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    second = _make(project, python, "data")
    _, err = second.communicate(timeout=120)
    assert second.returncode != 0
    error = _one_error(err)
    assert error.startswith("error: .pipeline.lock: another step of this project is running")
    assert "wait for it to finish" in error
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert handler.requests == 1
    assert _sha256(project / RAW) == digest
    listed = (project / RAW.parent / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    assert listed == [f"{digest}  events.csv"]
    assert _temporaries(project) == []
    _assert_user_files_intact(project)


def _other_hyperparameters(project: Path) -> None:
    """Change the model's settings, so that the next training writes another model: four times
    the trees, so that the export (its C++ code compiled) takes long enough for the kills below
    to find it at work."""
    edit_pipeline(project, {"model": {"hyperparameters": {"max_iter": 200}}})


@pytest.mark.parametrize("delay", [1.0, 2.5, 4.0])
def test_training_killed(project: Path, python: Path, delay: float) -> None:
    _other_hyperparameters(project)
    _kill_after(_make(project, python, "train"), delay)
    agree = _check(project, python)  # both files complete (they load), the old or the new
    if agree is not True:  # killed between the two writes: refused, with the way out
        assert "does not describe" in agree and "make train" in agree
    run(["make", "train", f"PYTHON={python}"], cwd=project, env=_env(python))
    assert _check(project, python) is True
    assert _temporaries(project) == []
    _assert_user_files_intact(project)


def test_a_record_of_another_model_is_refused_until_retrained(project: Path, python: Path) -> None:
    """A full disk just as training.json is written, after the new model: the two disagree."""
    _other_hyperparameters(project)
    record = (project / MODEL_DIR / "training.json").read_bytes()
    fault = project.parent / "fault"
    fault.mkdir()
    (fault / "sitecustomize.py").write_text(
        "import errno, os\n"
        "_replace = os.replace\n"
        "def replace(source, target, *args, **kwargs):\n"
        "    if str(target).endswith('training.json'):\n"
        "        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
        "    return _replace(source, target, *args, **kwargs)\n"
        "os.replace = replace\n",
        encoding="utf-8",
    )
    failed = _make(project, python, "train", env={"PYTHONPATH": str(fault)})
    _, err = failed.communicate(timeout=300)
    assert failed.returncode != 0
    error = _one_error(err)
    assert error.startswith("error: models/classifier/training.json: could not be written")
    assert "previous version is untouched" in error
    assert (project / MODEL_DIR / "training.json").read_bytes() == record
    agree = _check(project, python)
    assert agree is not True and "does not describe" in agree
    # The step alone (`make predict` would run `make train` first, as it depends on it).
    predict = attempt(
        [str(python), "-m", f"{PACKAGE}.models.predict_model"], cwd=project, env=_env(python)
    )
    assert predict.returncode != 0
    error = _one_error(predict.stderr)
    assert error.startswith("error: models/classifier/training.json does not describe")
    assert error.endswith("run `make train`")
    run(["make", "train", f"PYTHON={python}"], cwd=project, env=_env(python))
    assert _check(project, python) is True
    assert _temporaries(project) == []
    _assert_user_files_intact(project)


def _limit_file_size() -> None:
    """preexec_fn: files larger than 64 KiB cannot be written (EFBIG; Python ignores SIGXFSZ)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.parametrize("target", ["train", "export"])
def test_a_full_disk_keeps_the_previous_outputs(project: Path, python: Path, target: str) -> None:
    _other_hyperparameters(project)
    if target == "export":
        run(["make", "train", f"PYTHON={python}"], cwd=project, env=_env(python))
    before = _snapshot(project)
    failed = _make(project, python, target, preexec_fn=_limit_file_size)
    _, err = failed.communicate(timeout=300)
    assert failed.returncode != 0
    error = _one_error(err)
    assert "could not be written (File too large)" in error and "free disk space" in error
    assert _snapshot(project) == before  # nothing changed, no temporary file left
    assert _check(project, python) is True
    run(["make", target, f"PYTHON={python}"], cwd=project, env=_env(python))
    assert _check(project, python) is True
    if target == "train":
        # The release (its manifest lists the native model) still holds the previous model:
        # the check says so, naming the file and the fix, until the model is exported again.
        stale = _make(project, python, "validate-model")
        _, err = stale.communicate(timeout=300)
        assert stale.returncode != 0
        error = _one_error(err)
        assert f"{MODEL_DIR.as_posix()}/model.joblib does not match" in error
        assert "run `make export`" in error
        run(["make", "export", "model-card", f"PYTHON={python}"], cwd=project, env=_env(python))
    run(["make", "validate-model", f"PYTHON={python}"], cwd=project, env=_env(python))
    _assert_user_files_intact(project)


@pytest.mark.parametrize("delay", [1.5, 3.0, 4.5])
def test_export_killed(project: Path, python: Path, delay: float) -> None:
    _other_hyperparameters(project)
    run(["make", "train", f"PYTHON={python}"], cwd=project, env=_env(python))
    _kill_after(_make(project, python, "export"), delay)
    assert _check(project, python) is True  # the ONNX file is complete: old or new
    run(["make", "export", f"PYTHON={python}"], cwd=project, env=_env(python))
    out = run(["make", "validate-model", f"PYTHON={python}"], cwd=project, env=_env(python))
    assert "ok: onnxruntime reproduces the 100 reference outputs" in out
    assert _temporaries(project) == []
    _assert_user_files_intact(project)


def test_clean_after_faults_keeps_the_users_files(project: Path, python: Path) -> None:
    stale = project / "reports" / "figures" / ".roc_curve.png.k1ll3d00.part"
    stale.mkdir()
    (stale / "roc_curve.png").write_bytes(b"\x89PNG half")
    run(["make", "clean", f"PYTHON={python}"], cwd=project, env=_env(python))
    assert not (project / "reports" / "metrics.json").exists()
    assert not (project / "hepdata" / "submission.tar.gz").exists()
    assert (project / MODEL_DIR / "model.onnx").is_file()
    assert _temporaries(project) == []
    _assert_user_files_intact(project)
