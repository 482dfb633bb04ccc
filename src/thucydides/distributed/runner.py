"""Run the coding pipeline on a Dask cluster: paths in, records out, stored by the client.

:func:`run_distributed` connects to a cluster (:mod:`~thucydides.distributed.cluster`),
registers the :class:`~thucydides.distributed.worker.CoderPlugin` so that every
worker builds its Coder once, and then, in a loop on the client:

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
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Final

from distributed import Client, Future, KilledWorker

from thucydides.distributed.cluster import connect, parse_address
from thucydides.distributed.cutting import cut_file
from thucydides.distributed.partitions import (
    Leaf,
    Partition,
    Piece,
    ReadOptions,
    expand_inputs,
    group_pieces,
)
from thucydides.distributed.report import RunProgress, RunReport, WorkerShare
from thucydides.distributed.storing import ResultStore
from thucydides.distributed.worker import (
    CoderPlugin,
    PartitionResult,
    RecordRef,
    code_partition,
    describe_partition,
)
from thucydides.errors import ConfigError, ThucydidesError
from thucydides.parallel import CoderOptions
from thucydides.records import CodedArticle, Rejection, RejectReason
from thucydides.store import EventStore
from thucydides.store.export import ExportReport, export_events

__all__ = [
    "DEFAULT_ALLOWED_FAILURES",
    "DEFAULT_ARTICLE_TIMEOUT",
    "DEFAULT_CHUNK_BYTES",
    "DEFAULT_RECORDS_PER_TASK",
    "DEFAULT_RETRIES",
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

_TASKS_PER_THREAD = 4
_RECHECK_WORKERS_S = 2.0


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
    ``distributed.scheduler.allowed-failures``).

    The callbacks run on the client: ``on_progress`` after every task,
    ``on_stored`` with the articles each task newly stored (in input order),
    ``on_rejected`` with every rejection as it is stored. Raises ConfigError for
    a bad address or option, StoreError when the store cannot be written, and the
    worker's own error (e.g. ModelNotFoundError) when the Coder cannot be built.
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
    )
    if out_parquet is not None:
        _check_parquet_target(Path(out_parquet))
    if where.scheduler is not None:
        _warn_relative(inputs)
    results = ResultStore(
        store, near_duplicates=near_duplicates, on_stored=on_stored, on_rejected=on_rejected
    )
    started = time.perf_counter()
    plugin = CoderPlugin(
        options, name=f"thucydides-coder-{uuid.uuid4().hex[:12]}", article_timeout=article_timeout
    )
    with connect(where, allowed_failures=allowed_failures) as client:
        client.register_plugin(plugin)
        try:
            setup = time.perf_counter() - started
            run = _Run(
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


@dataclass(slots=True)
class _Slot:
    """One place in the output order: a partition on its way through the cluster, or ready records.

    A partition is first ``reading`` (its record list, when earlier runs may
    have stored some of its texts), then ``coding``.
    """

    size: int
    partition: Partition | None = None
    reading: Future[tuple[tuple[RecordRef, ...], ...]] | None = None
    coding: Future[PartitionResult] | None = None
    ready: tuple[CodedArticle | Rejection, ...] = ()


class _Run:
    """The client's loop: submit partitions ahead, collect them in order, store what they hold."""

    def __init__(
        self,
        client: Client,
        *,
        plugin: str,
        results: ResultStore,
        read: ReadOptions,
        chunk_bytes: int,
        records_per_task: int,
        article_timeout: float,
        retries: int,
        on_progress: Callable[[RunProgress], None] | None,
    ) -> None:
        self.client = client
        self.plugin = plugin
        self.results = results
        self.read = read
        self.chunk_bytes = chunk_bytes
        self.records_per_task = records_per_task
        self.article_timeout = article_timeout
        self.retries = retries
        self.on_progress = on_progress
        self.bytes_total = 0
        self.bytes_done = 0
        self.tasks = 0
        self.articles = 0
        self.rescued = 0
        self.workers = 0
        self.shares: dict[str, tuple[int, int, float]] = {}
        self._resume = False
        self._slots: deque[_Slot] = deque()
        self._ahead: deque[Partition | Leaf | Rejection] = deque()
        self._plan: Iterator[Partition | Leaf | Rejection] = iter(())
        self._cuts: dict[Leaf, Future[tuple[Piece, ...]]] = {}
        self._threads = 1
        self._threads_checked = -_RECHECK_WORKERS_S

    # -- the loop ---------------------------------------------------------------------

    def execute(self, inputs: Sequence[str | PathLike[str]]) -> None:
        """Code every input, storing results in input order."""
        listed = list(expand_inputs(inputs, read=self.read, chunk_bytes=self.chunk_bytes))
        self.bytes_total = sum(item.size for item in listed if not isinstance(item, Rejection))
        for item in listed:
            if isinstance(item, Leaf) and item not in self._cuts:
                self._cuts[item] = self._submit(
                    cut_file,
                    item.path,
                    size=item.size,
                    chunk_bytes=self.chunk_bytes,
                    records_per_task=self.records_per_task,
                    read=self.read,
                    priority=10,  # cheap, and the coding tasks of the file wait for them
                )
        # With articles from earlier runs in the store, each partition's record list
        # is read first, so that workers do not code again what a re-run would skip.
        self._resume = self.results.has_earlier_runs()
        logger.info(
            "planned %d inputs (%d files to cut on workers, %d bytes)%s",
            len(listed),
            len(self._cuts),
            self.bytes_total,
            "; texts stored by earlier runs will not be coded again" if self._resume else "",
        )
        self._plan = group_pieces(
            listed, chunk_bytes=self.chunk_bytes, records_per_task=self.records_per_task
        )
        self._fill()
        while self._slots:
            slot = self._slots.popleft()
            self.results.take(self._collect(slot))
            self.bytes_done += slot.size
            self._progress()
            self._fill()

    def _fill(self) -> None:
        """Submit partitions until the window is full, without waiting on a cut while work is in flight."""
        for slot in self._slots:
            if slot.reading is not None and slot.reading.done():  # type: ignore[no-untyped-call]
                self._start_coding(slot)
        while len(self._slots) < self._window():
            if not self._ahead:
                item = next(self._plan, None)
                if item is None:
                    return
                self._ahead.append(item)
            item = self._ahead[0]
            if isinstance(item, Leaf):
                future = self._cuts[item]
                if not future.done() and self._slots:  # type: ignore[no-untyped-call]
                    return
                self._ahead.popleft()
                pieces = self._cut(item, future)
                self._ahead.extendleft(Partition((piece,)) for piece in reversed(pieces))
            elif isinstance(item, Rejection):
                self._ahead.popleft()
                self._slots.append(_Slot(0, ready=(item,)))
            else:
                self._ahead.popleft()
                slot = _Slot(item.size, partition=item)
                if self._resume:
                    slot.reading = self._submit(
                        describe_partition, item, plugin=self.plugin, read=self.read
                    )
                else:
                    slot.coding = self._submit(
                        code_partition, item, plugin=self.plugin, read=self.read
                    )
                self._slots.append(slot)

    def _start_coding(self, slot: _Slot) -> None:
        """Submit a read partition for coding, telling the worker which texts earlier runs stored."""
        assert slot.partition is not None and slot.reading is not None
        skip: frozenset[str] = frozenset()
        try:
            refs = slot.reading.result()
        except ThucydidesError:
            raise
        except CancelledError as exc:
            raise _lost(exc) from exc
        except Exception as exc:  # coding it will fail too, and be rescued
            logger.info("could not list %s first (%s)", slot.partition.label(), exc)
        else:
            hashes = [ref.content_hash for piece in refs for ref in piece if ref.content_hash]
            skip = frozenset(self.results.stored_before(hashes))
        slot.reading = None
        slot.coding = self._submit(
            code_partition, slot.partition, plugin=self.plugin, read=self.read, skip=skip
        )

    def _window(self) -> int:
        """Return how many tasks to keep in flight: a few per worker thread."""
        now = time.monotonic()
        if now - self._threads_checked >= _RECHECK_WORKERS_S:
            self._threads_checked = now
            threads = self.client.nthreads()  # type: ignore[no-untyped-call]
            self.workers = max(self.workers, len(threads))
            if not threads:
                logger.warning("the cluster has no workers yet; tasks wait until one joins")
            self._threads = max(1, sum(threads.values()))
        return max(8, _TASKS_PER_THREAD * self._threads)

    def _submit(
        self, function: Callable[..., Any], *args: Any, priority: int = 0, **kwargs: Any
    ) -> Any:
        return self.client.submit(
            function, *args, retries=self.retries, priority=priority, pure=False, **kwargs
        )

    def _cut(self, leaf: Leaf, future: Future[tuple[Piece, ...]]) -> tuple[Piece, ...]:
        """Return the pieces a worker cut a file into; the whole file when cutting failed."""
        try:
            return future.result()
        except ThucydidesError:
            raise
        except CancelledError as exc:
            raise _lost(exc) from exc
        except Exception as exc:
            logger.warning(
                "could not cut %s (%s); a worker reads it whole",
                leaf.path,
                _why(exc, self.article_timeout),
            )
            return (Piece(leaf.path, leaf.size),)

    # -- collecting -------------------------------------------------------------------

    def _collect(self, slot: _Slot) -> tuple[CodedArticle | Rejection, ...]:
        """Wait for one slot's records; isolate the records of a task that failed."""
        if slot.partition is None:
            return slot.ready
        if slot.reading is not None:
            self._start_coding(slot)
        assert slot.coding is not None
        try:
            result = slot.coding.result()
        except ThucydidesError:
            raise
        except CancelledError as exc:
            raise _lost(exc) from exc
        except Exception as exc:
            return self._rescue(slot.partition, exc)
        finally:
            slot.coding = None  # let the cluster forget the result
        self._account(result)
        return result.records

    def _rescue(
        self, partition: Partition, error: Exception
    ) -> tuple[CodedArticle | Rejection, ...]:
        """Code a failed partition one record at a time; reject the records that fail alone.

        The records run one after another, each alone: a worker that dies while
        it holds several tasks counts against all of them, so records coded side
        by side with a poison one could fail without cause.
        """
        self._check_alive(error)
        self.rescued += 1
        logger.warning(
            "%s failed (%s); coding its records one at a time to find the one that fails",
            partition.label(),
            _why(error, self.article_timeout),
        )
        refs = self._describe(partition)
        if isinstance(refs, Exception):
            detail = (
                f"this input could not be read without stopping the workers that tried "
                f"({_why(refs, self.article_timeout)}); nothing in it was stored. "
                "Check the file, and report it if it is sound"
            )
            return tuple(
                Rejection(piece.label(), RejectReason.CODER_ERROR, detail)
                for piece in partition.pieces
            )
        records: list[CodedArticle | Rejection] = []
        for piece, piece_refs in zip(partition.pieces, refs, strict=True):
            for index, ref in enumerate(piece_refs):
                single = Partition((piece.one_record(index),))
                future = self._submit(
                    code_partition, single, plugin=self.plugin, read=self.read, priority=5
                )
                try:
                    result = future.result()
                except ThucydidesError:
                    raise
                except Exception as exc:
                    self._check_alive(exc)
                    why = _why(exc, self.article_timeout)
                    logger.error("rejecting %s: coding it alone failed (%s)", ref.origin, why)
                    detail = (
                        f"coding this article failed on every try ({why}); it was not stored. "
                        "Please report it with the article attached"
                    )
                    records.append(
                        Rejection(ref.origin, RejectReason.CODER_ERROR, detail, ref.content_hash)
                    )
                    continue
                self._account(result)
                records.extend(result.records)
        return tuple(records)

    def _describe(self, partition: Partition) -> tuple[tuple[RecordRef, ...], ...] | Exception:
        """Return where each record of a partition comes from, or the error of the last of two tries."""
        failure: Exception | None = None
        for _ in range(2):  # the first try may die with a worker that another task killed
            future = self._submit(
                describe_partition, partition, plugin=self.plugin, read=self.read, priority=5
            )
            try:
                refs: tuple[tuple[RecordRef, ...], ...] = future.result()
            except ThucydidesError:
                raise
            except Exception as exc:
                self._check_alive(exc)
                failure = exc
                continue
            return refs
        assert failure is not None
        return failure

    def _check_alive(self, error: BaseException) -> None:
        """Stop the run when the client has lost its scheduler: a failure then says nothing about the records."""
        if isinstance(error, CancelledError) or self.client.status != "running":
            raise _lost(error)

    # -- accounting -------------------------------------------------------------------

    def _account(self, result: PartitionResult) -> None:
        self.tasks += 1
        self.articles += result.articles
        tasks, articles, seconds = self.shares.get(result.worker, (0, 0, 0.0))
        self.shares[result.worker] = (
            tasks + 1,
            articles + result.articles,
            seconds + result.seconds,
        )

    def _progress(self) -> None:
        if self.on_progress is None:
            return
        r = self.results
        self.on_progress(
            RunProgress(
                bytes_done=self.bytes_done,
                bytes_total=self.bytes_total,
                records=r.records,
                coded=r.coded,
                events=r.events,
                rejected=r.rejected,
                already_stored=r.already_stored,
                workers=self.workers,
            )
        )

    def report(
        self, *, address: str, setup: float, seconds: float, parquet: ExportReport | None
    ) -> RunReport:
        """Return the run's report."""
        r = self.results
        shares = tuple(
            WorkerShare(worker, tasks, articles, busy)
            for worker, (tasks, articles, busy) in sorted(self.shares.items())
        )
        return RunReport(
            address=address,
            workers=self.workers,
            coded=r.coded,
            events=r.events,
            already_stored=r.already_stored,
            rejected=r.rejected,
            near_duplicates=r.near_duplicates,
            coder_errors=r.coder_errors,
            articles=self.articles,
            tasks=self.tasks,
            rescued=self.rescued,
            setup_seconds=setup,
            seconds=seconds,
            shares=shares,
            parquet=parquet,
        )


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
) -> None:
    """Raise ConfigError for a sizing or fault option that cannot work."""
    for name, value, least in (
        ("chunk_bytes", chunk_bytes, 1),
        ("records_per_task", records_per_task, 1),
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


def _why(error: BaseException, timeout: float) -> str:
    """Say in words why a task failed."""
    if isinstance(error, KilledWorker):
        return (
            f"the {error.allowed_failures + 1} worker processes that ran it died: crashed, ran out "
            f"of memory or made no progress for {timeout:g} s"
        )
    return f"{type(error).__name__}: {error}"


def _lost(error: BaseException) -> ThucydidesError:
    return ThucydidesError(
        f"lost the Dask cluster in the middle of the run ({type(error).__name__}: {error}); "
        "what was stored so far is kept: run the same command again to code the rest"
    )
