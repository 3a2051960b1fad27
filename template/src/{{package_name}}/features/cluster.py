"""The Dask cluster of `make features`: an existing one if configured, else a local one.

Dask's own configuration decides: with `DASK_SCHEDULER_ADDRESS` set (or `scheduler-address` in
a Dask configuration file), the step connects to that scheduler, e.g. one that dask-jobqueue
started on HTCondor or SLURM; otherwise it starts a LocalCluster of `dask.n_workers`
single-threaded worker processes for the duration of the step. Workers import this package, so
they must run in an environment where it is installed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import dask
from distributed import Client, Future, LocalCluster

from ..config import CONFIG_FILE, Config, ConfigError

DEFAULT_WORKERS = 2
#: How long to wait for an existing cluster to have a worker, in seconds.
WORKER_TIMEOUT = 60


def n_workers(config: Config) -> int:
    """Worker processes of the local cluster: `dask.n_workers`."""
    value = (config.data.get("dask") or {}).get("n_workers", DEFAULT_WORKERS)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{CONFIG_FILE}: 'dask.n_workers' must be a positive integer")
    return value


def scheduler_address() -> str | None:
    """The address of an existing scheduler from Dask's configuration, if one is set."""
    address = dask.config.get("scheduler-address", None)
    return str(address) if address else None


@contextmanager
def dask_client(config: Config) -> Iterator[Client]:
    """A client of the configured cluster, closed (and a local cluster stopped) on exit."""
    address = scheduler_address()
    if address is None:
        with (
            LocalCluster(
                n_workers=n_workers(config),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address)
    except OSError as error:
        raise OSError(
            f"cannot reach the Dask scheduler at {address} (DASK_SCHEDULER_ADDRESS): {error}. "
            "Start the cluster, or unset DASK_SCHEDULER_ADDRESS to run on a local one"
        ) from error
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError as error:
            raise OSError(
                f"the Dask scheduler at {address} has had no worker for {WORKER_TIMEOUT} s: "
                "start workers (dask worker ADDRESS), or unset DASK_SCHEDULER_ADDRESS"
            ) from error
        yield client


def describe(client: Client, futures: Sequence[Future]) -> str:
    """Where the tasks ran: the scheduler and the number of results per worker."""
    held = client.who_has(futures)
    per_worker = Counter(worker for workers in held.values() for worker in workers[:1])
    kind = "the Dask cluster" if scheduler_address() else "a local Dask cluster"
    counts = ", ".join(f"{worker}: {n}" for worker, n in sorted(per_worker.items()))
    return f"{len(futures)} partitions on {kind} at {client.scheduler_info()['address']} ({counts})"
