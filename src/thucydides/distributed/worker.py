"""What runs on a Dask worker: one Coder per worker process, and the tasks that use it.

:class:`CoderPlugin` is registered with the cluster for one run. Its ``setup``
builds the :class:`~thucydides.pipeline.Coder` and loads the spaCy pipeline once
per worker process, again on a worker the nanny restarts, and never per task.
Tasks take a :class:`~thucydides.distributed.partitions.Partition` (paths and
ranges) and return a :class:`PartitionResult` of plain records: a
:class:`~thucydides.records.CodedArticle` or a
:class:`~thucydides.records.Rejection` per record, in input order.

A task that stops making progress is stopped by the :class:`Watchdog`: when no
record has been read or coded for ``article_timeout`` seconds it ends the worker
process (exit status :data:`EXIT_NO_PROGRESS`), so that the nanny starts a fresh
one and the scheduler retries or fails the task (``allowed-failures``). A Python
thread cannot interrupt code that hangs while holding the GIL (a catastrophic
regular expression, a C loop), so while a task runs the watchdog thread also
keeps pushing back a ``SIGALRM`` timer, ``article_timeout`` plus a grace ahead:
if that thread cannot run, the timer ends the process. The client then isolates
the record that kills workers (:mod:`thucydides.distributed.runner`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from distributed import Worker, WorkerPlugin, get_worker

from thucydides.distributed.cutting import read_partition, read_piece
from thucydides.distributed.partitions import Partition, ReadOptions
from thucydides.errors import ConfigError
from thucydides.parallel import CoderOptions
from thucydides.pipeline import Coder
from thucydides.records import Article, CodedArticle, Rejection

__all__ = [
    "EXIT_NO_PROGRESS",
    "CoderPlugin",
    "PartitionResult",
    "RecordRef",
    "Watchdog",
    "build_coder",
    "code_partition",
    "describe_partition",
]

logger = logging.getLogger(__name__)

#: Exit status of a worker process that the watchdog ended (no progress in time).
EXIT_NO_PROGRESS = 75

_WARM_UP = "Warm-up: Russia and China held talks in Beijing on Monday."


@dataclass(frozen=True, slots=True)
class PartitionResult:
    """What a task sends back: one record per input record, in order, and who coded them how fast."""

    records: tuple[CodedArticle | Rejection, ...]
    worker: str
    seconds: float
    articles: int


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where one record of a partition comes from, read without coding it."""

    origin: str
    content_hash: str | None


def build_coder(options: CoderOptions) -> Coder:
    """Build the Coder that ``options`` describe (the same one the client would build)."""
    knowledge = None
    if options.actor_files:
        from thucydides.actors.importers import layered_knowledge

        knowledge = layered_knowledge(list(options.actor_files))
    return Coder(
        model=options.model,
        goldstein_table=options.goldstein_table,
        quad_class_scheme=options.quad_class_scheme,
        knowledge=knowledge,
    )


class Watchdog:
    """End this process when a watched task makes no progress for ``limit`` seconds.

    Each thread that runs a task watches itself with :meth:`watching` and calls
    the returned ``tick`` after every record.
    """

    def __init__(self, limit: float, *, grace: float | None = None) -> None:
        if limit <= 0:
            raise ConfigError(f"the article time limit must be positive seconds, got {limit!r}")
        self.limit = limit
        self.grace = max(2.0, limit / 2) if grace is None else grace
        self._step = min(1.0, limit / 4)
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, str]] = {}
        self._closed = threading.Event()
        self._alarm = hasattr(signal, "setitimer") and signal.getsignal(signal.SIGALRM) in (
            signal.SIG_DFL,
            None,
        )
        if not self._alarm:
            logger.warning(
                "SIGALRM is unavailable or handled here: a task that hangs while holding "
                "the GIL cannot be stopped by the watchdog"
            )
        self._thread = threading.Thread(target=self._watch, name="thucydides-watchdog", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def watching(self, what: str) -> Iterator[Callable[[], None]]:
        """Watch the calling thread while the block runs; yield the function that marks progress."""
        me = threading.get_ident()

        def tick() -> None:
            with self._lock:
                self._deadlines[me] = (time.monotonic() + self.limit, what)
                self._set_alarm(self.limit + self.grace)

        tick()
        try:
            yield tick
        finally:
            with self._lock:
                self._deadlines.pop(me, None)
                idle = not self._deadlines
            if idle:
                self._set_alarm(0.0)

    def close(self) -> None:
        """Stop watching (the worker is closing)."""
        self._closed.set()
        self._set_alarm(0.0)

    def _watch(self) -> None:
        while not self._closed.wait(self._step):
            with self._lock:
                late = min(self._deadlines.values(), default=None)
                if late is not None:  # this thread runs, so no task holds the GIL for good
                    self._set_alarm(self.limit + self.grace)
            if late is not None and time.monotonic() > late[0]:
                self._expire(late[1])

    def _expire(self, what: str) -> None:
        logger.error(
            "no progress for %.0f s while coding %s: ending this worker process so that the "
            "scheduler retries the task and the client can isolate the record that hangs",
            self.limit,
            what,
        )
        for handler in (*logging.getLogger().handlers, *logging.getLogger("distributed").handlers):
            handler.flush()
        os._exit(EXIT_NO_PROGRESS)

    def _set_alarm(self, seconds: float) -> None:
        if self._alarm:
            signal.setitimer(signal.ITIMER_REAL, seconds)


class CoderPlugin(WorkerPlugin):
    """Build one Coder, and its watchdog, in every worker process of the cluster."""

    idempotent = False

    def __init__(self, options: CoderOptions, *, name: str, article_timeout: float) -> None:
        self.name = name
        self.options = options
        self.article_timeout = article_timeout
        self.coder: Coder | None = None
        self.watchdog: Watchdog | None = None

    def setup(self, worker: Worker) -> None:
        """Load the pipeline now, so that the first task does not pay for it."""
        started = time.perf_counter()
        coder = build_coder(self.options)
        coder.code_text(_WARM_UP)
        self.coder = coder
        self.watchdog = Watchdog(self.article_timeout)
        logger.info(
            "worker %s: %s loaded in %.1f s",
            worker.address,
            self.options.model,
            time.perf_counter() - started,
        )

    def teardown(self, worker: Worker) -> None:
        """Stop the watchdog and drop the Coder."""
        if self.watchdog is not None:
            self.watchdog.close()
        self.coder = None


def code_partition(
    partition: Partition, *, plugin: str, read: ReadOptions, skip: frozenset[str] = frozenset()
) -> PartitionResult:
    """Read and code one partition on this worker (a Dask task).

    Articles whose content hash is in ``skip`` (texts that earlier runs stored,
    which the client will skip) come back uncoded, without events.
    """
    coder, watchdog = _plugin(plugin)
    started = time.perf_counter()
    with watchdog.watching(partition.label()) as tick:
        records: list[Article | Rejection] = []
        for record in read_partition(partition, read):
            records.append(record)
            tick()
        articles = [r for r in records if isinstance(r, Article) and r.content_hash not in skip]
        coded = iter(list(_code(coder, articles, tick)))
    results = tuple(
        r
        if isinstance(r, Rejection)
        else CodedArticle(r)
        if r.content_hash in skip
        else next(coded)
        for r in records
    )
    return PartitionResult(
        results,
        worker=get_worker().address,
        seconds=time.perf_counter() - started,
        articles=len(articles),
    )


def describe_partition(
    partition: Partition, *, plugin: str, read: ReadOptions
) -> tuple[tuple[RecordRef, ...], ...]:
    """Read one partition without coding it and say where each record of each piece comes from."""
    _, watchdog = _plugin(plugin)
    pieces: list[tuple[RecordRef, ...]] = []
    with watchdog.watching(f"reading {partition.label()}") as tick:
        for piece in partition.pieces:
            refs: list[RecordRef] = []
            for record in read_piece(piece, read):
                if isinstance(record, Article):
                    refs.append(RecordRef(record.origin or record.article_id, record.content_hash))
                else:
                    refs.append(RecordRef(record.origin, record.content_hash))
                tick()
            pieces.append(tuple(refs))
    return tuple(pieces)


def _plugin(name: str) -> tuple[Coder, Watchdog]:
    """Return this worker's Coder and watchdog, built by the run's plugin."""
    plugin = get_worker().plugins.get(name)
    if not isinstance(plugin, CoderPlugin) or plugin.coder is None or plugin.watchdog is None:
        raise ConfigError(
            f"this worker has no Thucydides coder (plugin {name!r} is missing or failed); "
            "start the run with run_distributed(), which registers it on every worker"
        )
    return plugin.coder, plugin.watchdog


def _code(
    coder: Coder, articles: Sequence[Article], tick: Callable[[], None]
) -> Iterator[CodedArticle]:
    """Code articles as a stream; if the stream itself fails, code the rest one at a time.

    The Coder turns a failure on one article into that article's error; an
    exception that escapes it (while segmenting or parsing a batch) would lose the
    whole batch, so the remaining articles are coded alone, each failure becoming
    that article's error, which the client stores as a ``coder_error`` rejection.
    """
    done = 0
    try:
        for coded in coder.code_articles(articles):
            yield coded
            done += 1
            tick()
    except Exception:
        logger.exception(
            "coding a batch failed; coding its %d other articles one at a time",
            len(articles) - done,
        )
        for article in articles[done:]:
            yield _code_alone(coder, article)
            tick()


def _code_alone(coder: Coder, article: Article) -> CodedArticle:
    """Code one article; an exception becomes its error."""
    try:
        return coder.code_article(article)
    except Exception as exc:
        logger.exception("coding failed on article %s", article.article_id)
        return CodedArticle(
            article,
            error=(
                f"the coder failed on this article ({type(exc).__name__}: {exc}); it was not "
                "stored, so a re-run retries it. Please report it with the article attached"
            ),
        )
