"""Run the coding pipeline on a Dask cluster: paths in, records out, stored by the client.

:func:`run_distributed` connects to a cluster (:mod:`~thucydides.distributed.cluster`),
registers the :class:`~thucydides.distributed.worker.CoderPlugin` so that every
worker builds its Coder once, and then, in a loop on the client
(:mod:`~thucydides.distributed.scheduling`):

1. plans partitions without reading the inputs
   (:mod:`~thucydides.distributed.partitions`); big files are cut by a worker
   (:mod:`~thucydides.distributed.cutting`);
2. keeps about four tasks per worker thread in flight, so that memory stays flat
   however large the corpus; when earlier runs stored articles, each partition's
   record list is read first, so that texts already stored are not coded again;
3. collects the results in input order and stores them as ``thucydides code``
   would (:mod:`~thucydides.distributed.storing`): the same articles, events and
   event ids as a single-process run, whatever the partitioning.

Faults: tasks are submitted with ``retries`` (a task that raises is run again).
A worker process that dies (killed, out of memory, or ended by the watchdog when
an article makes no progress for ``article_timeout`` seconds) has its tasks
rescheduled by Dask; a task that has killed ``allowed_failures + 1`` workers
fails with ``KilledWorker``. The client then lists that partition's records and
codes them one at a time: a record that still fails alone is stored as a
``coder_error`` rejection, every other record is coded, none is lost.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path
from typing import Final

from thucydides.distributed.cluster import connect, parse_address
from thucydides.distributed.partitions import ReadOptions
from thucydides.distributed.report import RunProgress, RunReport
from thucydides.distributed.scheduling import ClientLoop
from thucydides.distributed.storing import DEFAULT_STORE_BATCH, ResultStore
from thucydides.distributed.worker import CoderPlugin
from thucydides.errors import ConfigError
from thucydides.parallel import CoderOptions
from thucydides.records import CodedArticle, Rejection
from thucydides.store import EventStore
from thucydides.store.export import export_events

__all__ = [
    "DEFAULT_ALLOWED_FAILURES",
    "DEFAULT_ARTICLE_TIMEOUT",
    "DEFAULT_CHUNK_BYTES",
    "DEFAULT_RECORDS_PER_TASK",
    "DEFAULT_RETRIES",
    "DEFAULT_STORE_BATCH",
    "run_distributed",
]

logger = logging.getLogger(__name__)

#: Bytes of input per task: 10 to 30 news articles, 1 to 2 seconds of coding on one core.
DEFAULT_CHUNK_BYTES: Final = 32 * 1024
#: Most records per task (small files grouped together, ranges of CSV rows).
DEFAULT_RECORDS_PER_TASK: Final = 50
#: Seconds without progress (a record read or coded) after which a worker process is ended.
DEFAULT_ARTICLE_TIMEOUT: Final = 120.0
#: Automatic re-runs of a task that raises.
DEFAULT_RETRIES: Final = 2
#: Worker deaths a task may cause before it fails (local clusters; a remote scheduler has its own).
DEFAULT_ALLOWED_FAILURES: Final = 1


def run_distributed(
    inputs: Sequence[str | PathLike[str]],
    *,
    address: str,
    options: CoderOptions,
    store: EventStore,
    out_parquet: Path | None = None,
    read: ReadOptions | None = None,
    near_duplicates: bool = True,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    records_per_task: int = DEFAULT_RECORDS_PER_TASK,
    article_timeout: float = DEFAULT_ARTICLE_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    allowed_failures: int = DEFAULT_ALLOWED_FAILURES,
    store_batch: int = DEFAULT_STORE_BATCH,
    on_progress: Callable[[RunProgress], None] | None = None,
    on_stored: Callable[[Sequence[CodedArticle]], None] | None = None,
    on_rejected: Callable[[Rejection], None] | None = None,
) -> RunReport:
    """Code ``inputs`` on the Dask cluster at ``address``, store the results in ``store``; report.

    ``inputs`` are what :func:`~thucydides.ingest.read_inputs` takes (files,
    directories, glob patterns, ``"-"``), read by the workers with ``read``'s
    options: workers must see the same paths (use absolute paths on a shared
    filesystem for a remote cluster). ``options`` describe the Coder each worker
    builds. With ``out_parquet`` the store's events are then exported there as a
    Parquet dataset partitioned by year and month (a new or empty directory).

    ``chunk_bytes`` and ``records_per_task`` size the tasks; ``article_timeout``
    is the most seconds a worker may go without reading or coding a record;
    ``retries`` re-runs a task that raises; ``allowed_failures`` is how many
    worker deaths a task may cause before it is isolated record by record (set
    on the clusters this function starts; a running scheduler keeps its own
    ``distributed.scheduler.allowed-failures``). ``store_batch`` is the most
    articles per store transaction (a transaction is also committed every 5 s);
    a run that stops early commits what it coded.

    The callbacks run on the client: ``on_progress`` after every task,
    ``on_stored`` with the articles each transaction newly stored (in input
    order), ``on_rejected`` with every rejection once it is stored. Raises
    ConfigError for a bad address or option, StoreError when the store cannot be
    written, and the worker's own error (e.g. ModelNotFoundError) when the Coder
    cannot be built.
    """
    where = parse_address(address)
    read = read or ReadOptions()
    read.check()
    _check_options(
        chunk_bytes=chunk_bytes,
        records_per_task=records_per_task,
        article_timeout=article_timeout,
        retries=retries,
        allowed_failures=allowed_failures,
        store_batch=store_batch,
    )
    if out_parquet is not None:
        _check_parquet_target(Path(out_parquet))
    if where.scheduler is not None:
        _warn_relative(inputs)
    results = ResultStore(
        store,
        near_duplicates=near_duplicates,
        batch_articles=store_batch,
        on_stored=on_stored,
        on_rejected=on_rejected,
    )
    started = time.perf_counter()
    plugin = CoderPlugin(
        options,
        name=f"thucydides-coder-{uuid.uuid4().hex[:12]}",
        article_timeout=article_timeout,
        languages=read.detect_language,
    )
    with connect(where, allowed_failures=allowed_failures) as client:
        client.register_plugin(plugin)
        try:
            setup = time.perf_counter() - started
            run = ClientLoop(
                client,
                plugin=plugin.name,
                results=results,
                read=read,
                chunk_bytes=chunk_bytes,
                records_per_task=records_per_task,
                article_timeout=article_timeout,
                retries=retries,
                on_progress=on_progress,
            )
            run.execute(inputs)
            seconds = time.perf_counter() - started - setup
        finally:
            if where.scheduler is not None:
                with contextlib.suppress(OSError, TimeoutError):
                    client.unregister_worker_plugin(plugin.name)  # type: ignore[no-untyped-call]
    parquet = export_events(store, "parquet", out_parquet) if out_parquet is not None else None
    return run.report(address=address, setup=setup, seconds=seconds, parquet=parquet)


def _warn_relative(inputs: Sequence[str | PathLike[str]]) -> None:
    """Warn that relative paths name files relative to each worker's own directory."""
    relative = [
        str(item) for item in inputs if str(item) not in ("", "-") and not Path(item).is_absolute()
    ]
    if relative:
        logger.warning(
            "relative input paths (%s) are read from each worker's working directory; "
            "pass absolute paths on a filesystem every worker shares",
            ", ".join(relative[:3]) + (" ..." if len(relative) > 3 else ""),
        )


def _check_parquet_target(out: Path) -> None:
    """Refuse, before any coding, a Parquet path the export would refuse at the end."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(
            f"the Parquet output {out} already exists and is not an empty directory; "
            "pass a new directory (old partitions would mix with the new ones)"
        )


def _check_options(
    *,
    chunk_bytes: int,
    records_per_task: int,
    article_timeout: float,
    retries: int,
    allowed_failures: int,
    store_batch: int,
) -> None:
    """Raise ConfigError for a sizing or fault option that cannot work."""
    for name, value, least in (
        ("chunk_bytes", chunk_bytes, 1),
        ("records_per_task", records_per_task, 1),
        ("store_batch", store_batch, 1),
        ("retries", retries, 0),
        ("allowed_failures", allowed_failures, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"{name} must be a whole number of at least {least}, got {value!r}")
    if isinstance(article_timeout, bool) or not article_timeout > 0:
        raise ConfigError(
            f"article_timeout must be a positive number of seconds, got {article_timeout!r}; "
            f"the default is {DEFAULT_ARTICLE_TIMEOUT:g}"
        )
