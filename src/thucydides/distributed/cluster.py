"""Reach a Dask cluster: start one here (``local:N``) or join a running scheduler (``tcp://HOST:PORT``)."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import dask
from distributed import Client, LocalCluster

from thucydides.errors import ConfigError

__all__ = ["QUIET_SETTINGS", "ClusterAddress", "connect", "parse_address"]

logger = logging.getLogger(__name__)

#: Dask settings of the clusters ``local:N`` starts that cut its background work, which
#: shares the cores with the coding. With Dask's defaults an idle 2-worker cluster
#: took 30 ms of CPU per second in the client (scheduler and nannies) and 20 ms in
#: each worker; with these, 5 and 2. Tasks here are seconds of CPU-bound coding that
#: return small results, so none of this serves them:
QUIET_SETTINGS: Final[dict[str, object]] = {
    # the statistical profiler samples every worker's stack every 10 ms (dashboard only)
    "distributed.worker.profile.enabled": False,
    # event-loop health checks every 20 ms in the scheduler, every nanny and worker
    "distributed.admin.tick.interval": "1s",
    # memory polling every 100 ms, in every worker and its nanny: once a second still
    # catches a runaway worker (the nanny restarts it at 95% of its memory limit)
    "distributed.worker.memory.monitor-interval": "1s",
    # results are small and collected at once: nothing to spill, no reason to pause
    "distributed.worker.memory.target": False,
    "distributed.worker.memory.spill": False,
    "distributed.worker.memory.pause": False,
    # CPU, memory, network and disk figures for the dashboard, every 500 ms
    "distributed.admin.system-monitor.interval": "5s",
    # tasks wait on the scheduler (worker-saturation 1.0), so there is nothing to steal
    "distributed.scheduler.work-stealing": False,
}

_CONNECT_TIMEOUT_S = 30
_ADDRESS_FORMS = (
    "local:N (start N worker processes here) or tcp://HOST:PORT (a running `dask scheduler`)"
)
_LOCAL = re.compile(r"local:([0-9]+)")
_REMOTE = re.compile(r"tcp://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})")


@dataclass(frozen=True, slots=True)
class ClusterAddress:
    """Where to run: ``local_workers`` processes started here, or the ``scheduler`` at an address."""

    local_workers: int | None = None
    scheduler: str | None = None


def parse_address(address: str) -> ClusterAddress:
    """Return the cluster an address names; raise ConfigError, with the accepted forms, for any other."""
    text = address.strip() if isinstance(address, str) else ""
    local = _LOCAL.fullmatch(text)
    if local:
        workers = int(local.group(1))
        if workers < 1:
            raise ConfigError(
                f"the cluster address (--dask) {address!r} asks for no workers; use local:1 or more"
            )
        return ClusterAddress(local_workers=workers)
    remote = _REMOTE.fullmatch(text)
    if remote and 0 < int(remote.group(2)) < 65536:
        return ClusterAddress(scheduler=text)
    raise ConfigError(
        f"the cluster address (--dask) {address!r} is not valid; use {_ADDRESS_FORMS}"
    )


@contextlib.contextmanager
def connect(where: ClusterAddress, *, allowed_failures: int) -> Iterator[Client]:
    """Start a local cluster or join a running scheduler; close what was opened here."""
    if where.local_workers is not None:
        settings = {
            "distributed.scheduler.allowed-failures": allowed_failures,
            # One task per worker thread at a time: a worker that dies then takes only
            # the task it was running down with it, not the one queued behind it.
            "distributed.scheduler.worker-saturation": 1.0,
            # Dask sets MALLOC_TRIM_THRESHOLD_=65536 for its workers so that they hand
            # memory back at once; coding allocates and frees all the time, and runs
            # about 8% slower so (measured on Reuters-21578). Leave glibc's default.
            "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
            **QUIET_SETTINGS,
        }
        with dask.config.set(settings):
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=where.local_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            )
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
            logger.info("started a local cluster of %d worker processes", where.local_workers)
            yield client
        return
    assert where.scheduler is not None
    try:
        client = Client(where.scheduler, timeout=_CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise ConfigError(
            f"cannot reach a Dask scheduler at {where.scheduler} ({exc}); start one with "
            "`dask scheduler` and pass the address it prints, or use local:N"
        ) from exc
    with client:
        logger.info("joined the Dask scheduler at %s", where.scheduler)
        yield client
