"""Full tier: the features step of an installed HEP project on real ROOT files (scikit-hep-testdata)
and on a real Dask cluster (a scheduler and two workers started here on 127.0.0.1)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import skhep_testdata
from helpers import (
    attempt,
    clean_env,
    edit_pipeline,
    generate,
    git,
    install_pins,
    make_venv,
    run,
)

pytestmark = pytest.mark.full

#: The same 2421 events of uproot's HZZ tutorial file, written with five compressions.
SIGNAL = ("uproot-HZZ.root", "uproot-HZZ-lz4.root")
BACKGROUND = ("uproot-HZZ-zlib.root", "uproot-HZZ-lzma.root", "uproot-HZZ-zstd.root")

COUNT_TWO_JETS = """
import json, sys, uproot
counts = {p: int((uproot.open(p)["events"]["NJet"].array(library="np") >= 2).sum()) for p in sys.argv[1:]}
print(json.dumps(counts))
"""


@pytest.fixture(scope="module")
def hep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A HEP project without a model, installed from its pinned requirements: (project, python)."""
    root = tmp_path_factory.mktemp("scale")
    project = generate(root / "analysis", ml_framework="none")
    python = make_venv(root / "venv")
    install_pins(project, python)
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", "."], cwd=project)
    return project, python


def _env(python: Path, **extra: str) -> dict[str, str]:
    return {"PATH": f"{python.parent}:/usr/bin:/bin", **extra}


@pytest.fixture
def copy(hep: tuple[Path, Path], tmp_path: Path) -> Path:
    """A fresh copy of the installed project (its package is imported from the original)."""
    return Path(shutil.copytree(hep[0], tmp_path / "analysis"))


def test_root_ntuples_from_scikit_hep_testdata(hep: tuple[Path, Path], copy: Path) -> None:
    _, python = hep
    raw = copy / "data" / "raw"
    for folder, names in (("signal", SIGNAL), ("background", BACKGROUND)):
        (raw / folder).mkdir(parents=True)
        for name in names:
            shutil.copy(skhep_testdata.data_path(name), raw / folder / name)
    ntuples = {
        "tree": "events",
        "samples": [
            {"files": "data/raw/signal/*.root", "label": 1},
            {"files": "data/raw/background/*.root", "label": 0},
        ],
    }
    edit_pipeline(
        copy, {"data": {"ntuples": ntuples}, "dask": {"n_workers": 2, "partition_size": 1000}}
    )
    env = _env(python)
    out = run(["make", "data", "features", f"PYTHON={python}"], cwd=copy, env=env)
    assert "5 input files checked against their manifests (5 new)" in out
    # 2421 entries per file in partitions of 1000: 3 per file, on both local workers.
    match = re.search(r"read 15 partitions on a local Dask cluster at \S+ \((.*)\) in", out)
    assert match, out
    assert len(match.group(1).split(", ")) == 2, "both workers read partitions"
    # Every event with two jets (counted here from the NJet branch, which the step never
    # reads) is kept; the compressions all decode to the same events.
    files = [str(p) for p in sorted(raw.rglob("*.root"))]
    counts = json.loads(
        run([str(python), "-c", COUNT_TWO_JETS, *files], cwd=copy, env=env, stdout_only=True)
    )
    assert len(set(counts.values())) == 1
    per_file = next(iter(counts.values()))
    labels = []
    for name in ("train.csv", "test.csv"):
        lines = (copy / "data" / "processed" / name).read_text().splitlines()
        assert lines[0] == "m_jj,pt_lead,eta_lead,delta_r_jj,met,label"
        labels += [line.rsplit(",", 1)[1] for line in lines[1:]]
    assert labels.count("1") == 2 * per_file and labels.count("0") == 3 * per_file
    run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=raw / "signal")
    # git keeps the samples' manifests and ignores the ROOT files themselves.
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    staged = git(copy, "diff", "--cached", "--name-only").splitlines()
    assert "data/raw/signal/MANIFEST.sha256" in staged
    assert "data/raw/background/MANIFEST.sha256" in staged
    assert not [name for name in staged if name.endswith(".root")]


@contextmanager
def dask_cluster(folder: Path, scheduler: Path, workers: list[Path]) -> Iterator[str]:
    """A `dask scheduler` (from the Python `scheduler`) and one `dask worker` per Python of
    `workers`, on 127.0.0.1, stopped on exit: yields the scheduler's address."""
    scheduler_file = folder / "scheduler.json"
    processes: list[subprocess.Popen[bytes]] = []

    def start(python: Path, module: str, args: list[str], log: Path) -> None:
        with log.open("wb") as stream:  # the child keeps its own handle
            processes.append(
                subprocess.Popen(
                    [str(python), "-m", f"distributed.cli.{module}", *args, "--no-dashboard"],
                    cwd=folder,
                    env=clean_env(),
                    stdout=stream,
                    stderr=subprocess.STDOUT,
                )
            )

    args = ["--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(scheduler_file)]
    start(scheduler, "dask_scheduler", args, folder / "scheduler.log")
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for number, python in enumerate(workers, 1):
            args = [address, "--host", "127.0.0.1", "--nthreads", "1", "--name", f"w{number}"]
            start(python, "dask_worker", args, folder / f"w{number}.log")
        wait = "from distributed import Client; Client(%r, timeout=60).wait_for_workers(%d, 60)"
        run([str(scheduler), "-c", wait % (address, len(workers))], cwd=folder, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def cluster(hep: tuple[Path, Path], tmp_path: Path) -> Iterator[str]:
    """A scheduler and two workers in the project's environment: yields the address."""
    _, python = hep
    with dask_cluster(tmp_path, python, [python, python]) as address:
        yield address


def test_the_step_runs_on_an_existing_cluster(
    hep: tuple[Path, Path], copy: Path, cluster: str, tmp_path: Path
) -> None:
    _, python = hep
    address = cluster
    edit_pipeline(copy, {"data": {"n_events": 20000}, "dask": {"partition_size": 2000}})
    run(["make", "data", f"PYTHON={python}"], cwd=copy, env=_env(python))
    local = Path(shutil.copytree(copy, tmp_path / "local"))
    out = run(
        ["make", "features", f"PYTHON={python}"],
        cwd=copy,
        env=_env(python, DASK_SCHEDULER_ADDRESS=address),
    )
    match = re.search(rf"read 10 partitions on the Dask cluster at {address} \((.*)\) in", out)
    assert match, out
    per_worker = dict(item.split(": ") for item in match.group(1).split(", "))
    assert len(per_worker) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in per_worker)
    assert sum(int(n) for n in per_worker.values()) == 10
    # The same step on a local cluster writes byte-identical tables.
    out = run(["make", "features", f"PYTHON={python}"], cwd=local, env=_env(python))
    assert "on a local Dask cluster" in out
    for name in ("train.csv", "test.csv"):
        processed = Path("data") / "processed" / name
        assert (copy / processed).read_bytes() == (local / processed).read_bytes()


def test_an_unreachable_scheduler_is_a_clear_error(hep: tuple[Path, Path], copy: Path) -> None:
    _, python = hep
    run(["make", "data", f"PYTHON={python}"], cwd=copy, env=_env(python))
    env = _env(
        python,
        DASK_SCHEDULER_ADDRESS="tcp://127.0.0.1:9",
        DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s",
    )
    proc = attempt(["make", "features", f"PYTHON={python}"], cwd=copy, env=env)
    assert proc.returncode != 0
    assert "error: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert "unset DASK_SCHEDULER_ADDRESS" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (copy / "data" / "processed" / "train.csv").exists()


def test_workers_without_the_package_are_named_before_any_task(
    hep: tuple[Path, Path], copy: Path, tmp_path: Path
) -> None:
    """A worker started in another environment (the template's tests': Dask, no project)."""
    _, python = hep
    run(["make", "data", f"PYTHON={python}"], cwd=copy, env=_env(python))
    with dask_cluster(tmp_path, python, [Path(sys.executable)]) as address:
        proc = attempt(
            ["make", "features", f"PYTHON={python}"],
            cwd=copy,
            env=_env(python, DASK_SCHEDULER_ADDRESS=address),
        )
    assert proc.returncode != 0
    assert "error: the Dask workers tcp://127.0.0.1:" in proc.stderr
    assert "cannot import my_fair_analysis: start them in the environment" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (copy / "data" / "processed" / "train.csv").exists()
