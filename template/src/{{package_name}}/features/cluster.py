"""The Dask cluster of `make features`: an existing one if configured, else a local one.

Dask's own configuration decides: with `DASK_SCHEDULER_ADDRESS` set (or `scheduler-address` in
a Dask configuration file), the step connects to that scheduler, e.g. one that dask-jobqueue
started on HTCondor or SLURM; otherwise it starts a LocalCluster of `dask.n_workers`
single-threaded worker processes for the duration of the step. Workers of an existing cluster
must run this package's code as it is here (checked before any task is sent).

Tasks run through `compute`: an expected failure of a task (a table that cannot be read) comes
back as one error of its own, not as the worker's "Compute Failed" log, and a worker that dies
(killed for memory, or crashed) becomes one `ClusterError` that names the task, the memory of a
worker and the settings to change, instead of Dask's `KilledWorker` and its hashed task key.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import dask
from distributed import Client, Future, LocalCluster
from distributed.scheduler import KilledWorker

from ..config import CONFIG_FILE, Config
from ..data.partitions import partition_size
from ..step import EXPECTED

#: The package whose functions the workers run.
PACKAGE = __name__.split(".")[0]
#: The failures a task returns to the step, which reports them as one line (step.py).
TASK_ERRORS = EXPECTED


class ClusterError(Exception):
    """A Dask worker died while it ran a task of the step (killed for memory, or crashed)."""


@dataclass(frozen=True)
class _Failed:
    """An expected failure of a task, returned instead of raised (see `compute`)."""

    error: Exception


def _guarded(function: Callable[..., Any], item: Any) -> Any:
    """Run `function(item)` on a worker; return an expected failure instead of raising it.

    So the worker does not log it as "Compute Failed" with a traceback.
    """
    try:
        return function(item)
    except TASK_ERRORS as error:
        return _Failed(error)


def scheduler_address() -> tuple[str, str, str] | None:
    """(address, where it is set, how to drop it) of an existing scheduler, if one is set.

    Returns:
        The scheduler's address, where it is set (DASK_SCHEDULER_ADDRESS or Dask's
        configuration) and what to do to use a local cluster instead, for messages; None when
        no scheduler is set (the step starts a local cluster).
    """
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
    """The sha256 of this package's Python files as installed where it runs (on a worker too).

    Returns:
        The hex digest of the bytes of every .py file of the package, in sorted path order;
        "missing" where the package cannot be found.
    """
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
def _ctrl_c_for_this_process_only() -> Iterator[None]:
    """Start worker processes that ignore Ctrl-C (SIGINT) inside this block.

    Only this process gets it then, and stops the cluster in order with one line (step.py),
    instead of every worker printing its own traceback. An ignored signal stays ignored in a
    child process, and Python then installs no KeyboardInterrupt handler of its own (POSIX exec
    semantics; Python's signal module).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def dask_client(config: Config) -> Iterator[Client]:
    """A client of the configured cluster, closed (and a local cluster stopped) on exit.

    Args:
        config: the checked configuration: `dask.n_workers` for a local cluster,
            `dask.worker_timeout` (seconds) to wait for a worker of an existing one.

    Yields:
        The client, connected: to the scheduler of `scheduler_address`, with at least one
        worker that runs this package's code as it is here; or else to a new local cluster.

    Raises:
        OSError: the configured scheduler cannot be reached, has no worker within
            `dask.worker_timeout`, or has a worker that cannot import this package or runs
            other code of it.
    """
    existing = scheduler_address()
    if existing is None:
        with _ctrl_c_for_this_process_only():
            cluster = LocalCluster(
                n_workers=config.dask.n_workers,
                threads_per_worker=1,
                processes=True,
                # No dashboard, and its HTTP server on a free port: never 8787, which another
                # cluster may hold (Dask would warn and move).
                dashboard_address=":0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            )
        with cluster, Client(cluster) as client:
            try:
                yield client
            except KeyboardInterrupt:
                # Ctrl-C: the cluster is torn down mid-task; its log of that is noise.
                logging.getLogger("distributed").setLevel(logging.CRITICAL)
                raise
        return
    address, source, drop = existing
    timeout = config.dask.worker_timeout
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
    """Where the tasks ran: the scheduler and the number of results per worker.

    Args:
        client: the client the tasks ran through.
        futures: the futures of the tasks, before they are released.

    Returns:
        One line for the step's output: the number of partitions, the kind of cluster, the
        scheduler's address and, per worker, the results it holds.
    """
    held = client.who_has(futures)
    per_worker = Counter(worker for workers in held.values() for worker in workers[:1])
    kind = "a local Dask cluster" if scheduler_address() is None else "the Dask cluster"
    counts = ", ".join(f"{worker}: {n}" for worker, n in sorted(per_worker.items()))
    parts = f"{len(futures)} partition{'' if len(futures) == 1 else 's'}"
    return f"{parts} on {kind} at {client.scheduler_info()['address']} ({counts})"


def _gib(size: float) -> str:
    return f"{size / 2**30:.1f} GiB"


def _memory(client: Client) -> str:
    """The memory each worker of the cluster may use, as far as Dask knows it."""
    limits = sorted(
        {int(w.get("memory_limit") or 0) for w in client.scheduler_info()["workers"].values()}
    )
    if not limits or limits == [0]:
        return "no memory limit is set for the workers"
    low, high = limits[0], limits[-1]
    return (
        f"each worker may use {_gib(high) if low in (0, high) else f'{_gib(low)} to {_gib(high)}'}"
    )


def killed(client: Client, config: Config, task: str) -> ClusterError:
    """The error of a task whose workers died: what ran, the likely cause, the fix.

    Args:
        client: the client of the cluster (for the workers' memory limits).
        config: the checked configuration (its dask settings are named in the fix).
        task: what the task did, e.g. 'reading rows 0-1000 of x.csv'.

    Returns:
        The error to raise (it is not raised here).
    """
    failures = int(dask.config.get("distributed.scheduler.allowed-failures", 3)) + 1
    local = scheduler_address() is None
    n_workers = config.dask.n_workers
    size = partition_size(config)
    where = (
        f"the local cluster shares this machine's memory among dask.n_workers = {n_workers}"
        if local
        else "set by the worker jobs of the cluster"
    )
    more = (
        f"or dask.n_workers (now {n_workers}) in {CONFIG_FILE}"
        if local
        else f"in {CONFIG_FILE}, or start the workers with more memory each (e.g. memory in "
        "~/.config/dask/jobqueue.yaml)"
    )
    times = "once" if failures == 1 else f"{failures} times"
    return ClusterError(
        f"a Dask worker died while {task} ({times}, Dask's KilledWorker): most likely it ran out "
        f"of memory ({_memory(client)}; {where}), or the code it ran crashed. Fix: lower "
        f"dask.partition_size (now {size}) {more}, so that one partition fits in a worker's "
        "memory; then run the step again"
    )


class _DeathsLogged(logging.Filter):
    """Drops the scheduler's log line of a task whose workers died.

    The line names the hashed task key; `compute` reports the failure itself.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "workers died while trying to run it" not in record.getMessage()


def compute(
    client: Client,
    config: Config,
    function: Callable[..., Any],
    items: Sequence[Any],
    describe_item: Callable[[Any], str],
) -> tuple[list[Any], list[Future]]:
    """Run `function` on every item on the cluster; return the results and their futures.

    Args:
        client: the client of `dask_client`.
        config: the configuration (its dask settings are named in a message).
        function: an importable function of this package, run on the workers.
        items: its arguments, one task each.
        describe_item: what a task does, for a message (e.g. 'reading rows 0-1000 of x.csv').

    Returns:
        (results, futures): the result of each item, in the order of `items`, and the futures
        that hold them on the workers (for `describe`; drop them to free the workers' copies).

    Raises:
        ClusterError: a task's workers died (KilledWorker).
        Exception: a task failed with one of step.EXPECTED; the first such error is raised.
    """
    futures = client.map(partial(_guarded, function), items)
    scheduler_log, quiet = logging.getLogger("distributed.scheduler"), _DeathsLogged()
    scheduler_log.addFilter(quiet)  # a local cluster's scheduler logs in this process
    try:
        results = client.gather(futures)
    except KilledWorker as error:
        key = getattr(error, "task", None) or (error.args[0] if error.args else None)
        index = next((i for i, f in enumerate(futures) if f.key == key), None)
        task = (
            describe_item(items[index]) if index is not None else f"a task of {function.__name__}"
        )
        raise killed(client, config, task) from error
    finally:
        scheduler_log.removeFilter(quiet)
    for result in results:
        if isinstance(result, _Failed):
            raise result.error
    return results, futures
