"""The Dask cluster of `make features`: an existing one if configured, else a local one.

Dask's own configuration decides: with `DASK_SCHEDULER_ADDRESS` set (or `scheduler-address` in
a Dask configuration file), the step connects to that scheduler, e.g. one that dask-jobqueue
started on HTCondor or SLURM; otherwise it starts a LocalCluster of `dask.n_workers`
single-threaded worker processes for the duration of the step. Workers of an existing cluster
must run this package's code as it is here (checked before any task is sent).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import dask
from distributed import Client, Future, LocalCluster

from ..config import Config

#: The package whose functions the workers run.
PACKAGE = __name__.split(".")[0]
DEFAULT_WORKERS = 2
#: Seconds to wait for the first worker of an existing cluster (batch jobs may queue).
DEFAULT_WORKER_TIMEOUT = 600


def scheduler_address() -> tuple[str, str, str] | None:
    """(address, where it is set, how to drop it) of an existing scheduler, if one is set."""
    address = dask.config.get("scheduler-address", None)
    if not address:
        return None
    if os.environ.get("DASK_SCHEDULER_ADDRESS"):
        return str(address), "DASK_SCHEDULER_ADDRESS", "unset DASK_SCHEDULER_ADDRESS"
    return (
        str(address),
        "scheduler-address in Dask's configuration",
        "remove scheduler-address from Dask's configuration (`dask config find`)",
    )


def code_digest() -> str:
    """The sha256 of this package's Python files as installed where it runs (on a worker too)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        return "missing"
    digest = hashlib.sha256()
    for path in sorted(Path(spec.origin).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _check_workers(client: Client, address: str) -> None:
    """Fail, naming the workers, if any cannot import this package or runs other code of it."""
    # A lambda travels by value: a worker without the package can still run it.
    found = client.run(lambda: importlib.util.find_spec(PACKAGE) is not None)
    missing = sorted(worker for worker, ok in found.items() if not ok)
    if missing:
        raise OSError(
            f"the Dask workers {', '.join(missing)} of {address} cannot import {PACKAGE}: start "
            "them in the environment of requirements.txt with this project installed"
        )
    local = code_digest()
    other = sorted(w for w, digest in client.run(code_digest).items() if digest != local)
    if other:
        raise OSError(
            f"the Dask workers {', '.join(other)} of {address} run other code of {PACKAGE} "
            "than this step (its Python files differ): install this project where they run "
            "(e.g. a shared virtual environment with `pip install -e .`), then restart them"
        )


@contextmanager
def dask_client(config: Config) -> Iterator[Client]:
    """A client of the configured cluster, closed (and a local cluster stopped) on exit."""
    existing = scheduler_address()
    if existing is None:
        with (
            LocalCluster(
                n_workers=config.setting("dask", "n_workers", DEFAULT_WORKERS),
                threads_per_worker=1,
                processes=True,
                # No dashboard, and its HTTP server on a free port: never 8787, which another
                # cluster may hold (Dask would warn and move).
                dashboard_address=":0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    address, source, drop = existing
    timeout = config.setting("dask", "worker_timeout", DEFAULT_WORKER_TIMEOUT)
    try:
        client = Client(address)
    except OSError as error:
        raise OSError(
            f"cannot reach the Dask scheduler at {address} (from {source}): {error}. Start the "
            f"cluster, or {drop} to run on a local one"
        ) from error
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError as error:
            raise OSError(
                f"the Dask scheduler at {address} (from {source}) has had no worker for "
                f"{timeout} s (dask.worker_timeout): check that the worker jobs run "
                "(condor_q, squeue) or start workers with `dask worker ADDRESS`"
            ) from error
        _check_workers(client, address)
        yield client


def describe(client: Client, futures: Sequence[Future]) -> str:
    """Where the tasks ran: the scheduler and the number of results per worker."""
    held = client.who_has(futures)
    per_worker = Counter(worker for workers in held.values() for worker in workers[:1])
    kind = "a local Dask cluster" if scheduler_address() is None else "the Dask cluster"
    counts = ", ".join(f"{worker}: {n}" for worker, n in sorted(per_worker.items()))
    return f"{len(futures)} partitions on {kind} at {client.scheduler_info()['address']} ({counts})"
