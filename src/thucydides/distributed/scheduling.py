"""The client's loop of a cluster run: submit partitions ahead, collect them in order, store them.

:class:`ClientLoop` keeps about four tasks per worker thread in flight, collects
their records in input order and hands them to a
:class:`~thucydides.distributed.storing.ResultStore`. When earlier runs stored
articles, each partition's record list is read first, so that workers do not code
again the texts a re-run would skip. A task that fails for good (``KilledWorker``
after ``allowed-failures`` worker deaths, or an error after its retries) is
rescued: its records are listed and coded one at a time, each alone, and a
record that still fails becomes a ``coder_error`` rejection.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from os import PathLike
from typing import Any

from distributed import Client, Future, KilledWorker

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
    PartitionResult,
    RecordRef,
    code_partition,
    describe_partition,
)
from thucydides.errors import ThucydidesError
from thucydides.records import CodedArticle, Rejection, RejectReason
from thucydides.store.export import ExportReport

__all__ = ["ClientLoop"]

logger = logging.getLogger(__name__)

_TASKS_PER_THREAD = 4
_RECHECK_WORKERS_S = 2.0
# Big files are cut into windows of a quarter of a task, grouped four to a task; the
# last tasks of a run take a quarter each, so that the workers finish close together
# (a whole task at the end left one of two workers idle for up to a second).
_QUARTERS = 4


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


class ClientLoop:
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
        self._submitted = 0
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
                    chunk_bytes=max(1, self.chunk_bytes // _QUARTERS),
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
        try:
            self._fill()
            while self._slots:
                slot = self._slots.popleft()
                self.results.take(self._collect(slot))
                self.bytes_done += slot.size
                self._progress()
                self._fill()
        finally:
            # Also when the run stops early (lost cluster, Ctrl-C): keep what was coded.
            self.results.flush()
        self._progress()

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
                self._ahead.extendleft(reversed(_regroup(self._cut(item, future))))
            elif isinstance(item, Rejection):
                self._ahead.popleft()
                self._slots.append(_Slot(0, ready=(item,)))
            else:
                self._ahead.popleft()
                if self.bytes_total - self._submitted <= self._threads * self.chunk_bytes:
                    item, rest = _split(item, self.chunk_bytes // _QUARTERS)
                    if rest is not None:
                        self._ahead.appendleft(rest)
                self._submitted += item.size
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


def _regroup(pieces: Sequence[Piece]) -> list[Partition]:
    """Group consecutive byte windows of a cut file into tasks of :data:`_QUARTERS`; other pieces alone."""
    partitions: list[Partition] = []
    group: list[Piece] = []
    for piece in pieces:
        if piece.start is None:  # the whole file, or a range of records: a task of its own
            if group:
                partitions.append(Partition(tuple(group)))
                group = []
            partitions.append(Partition((piece,)))
            continue
        group.append(piece)
        if len(group) == _QUARTERS:
            partitions.append(Partition(tuple(group)))
            group = []
    if group:
        partitions.append(Partition(tuple(group)))
    return partitions


def _split(partition: Partition, size: int) -> tuple[Partition, Partition | None]:
    """Cut the first pieces covering at least ``size`` bytes off a partition; return them and the rest."""
    count = covered = 0
    while count < len(partition.pieces) and (count == 0 or covered < size):
        covered += partition.pieces[count].size
        count += 1
    if count >= len(partition.pieces):
        return partition, None
    return Partition(partition.pieces[:count]), Partition(partition.pieces[count:])


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
