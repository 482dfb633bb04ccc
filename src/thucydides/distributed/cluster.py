"""Reach a Dask cluster: start one here (``local:N``) or join a running scheduler (``tcp://HOST:PORT``)."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import dask
from distributed import Client, LocalCluster

from thucydides.errors import ConfigError

__all__ = ["ClusterAddress", "connect", "parse_address"]

logger = logging.getLogger(__name__)

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
