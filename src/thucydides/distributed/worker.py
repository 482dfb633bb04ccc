"""What runs on a Dask worker: one Coder per worker process, and the tasks that use it.

:class:`CoderPlugin` is registered with the cluster for one run. Its ``setup``
builds the :class:`~thucydides.pipeline.Coder` and loads the spaCy pipeline once
per worker process, again on a worker the nanny restarts, and never per task;
:func:`warm_up` then loads what coding and the language check would otherwise
load during the first tasks.
Tasks take a :class:`~thucydides.distributed.partitions.Partition` (paths and
ranges) and return a :class:`PartitionResult` of plain records: a
:class:`~thucydides.records.CodedArticle` or a
:class:`~thucydides.records.Rejection` per record, in input order.

A task that stops making progress is stopped by the process's :class:`Watchdog`: when no
record has been read or coded for ``article_timeout`` seconds it ends the worker
process (exit status :data:`EXIT_NO_PROGRESS`), so that the nanny starts a fresh
one and the scheduler retries or fails the task (``allowed-failures``). A Python
thread cannot interrupt code that hangs while holding the GIL (a catastrophic
regular expression, a C loop), so while a task runs the watchdog thread also
keeps pushing back a ``SIGALRM`` timer, ``article_timeout`` plus a grace ahead:
if that thread cannot run, the timer ends the process. The client then isolates
the record that kills workers (:mod:`thucydides.distributed.scheduling`).
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
from thucydides.ingest.language import detect_language
from thucydides.parallel import CoderOptions
from thucydides.pipeline import Coder
from thucydides.records import Article, CodedArticle, Rejection

__all__ = [
    "EXIT_NO_PROGRESS",
    "WATCHDOG",
    "CoderPlugin",
    "PartitionResult",
    "RecordRef",
    "Watchdog",
    "build_coder",
    "code_partition",
    "describe_partition",
    "warm_up",
]

logger = logging.getLogger(__name__)

#: Exit status of a worker process that the watchdog ended (no progress in time).
EXIT_NO_PROGRESS = 75

# Coding this loads what the Coder otherwise loads on first use, inside a timed task:
# dateparser for an explicit date (0.6 s), the quote and place stages.
_WARM_UP = (
    "BEIJING, March 3 - Russia and China held talks in Beijing on March 2, 1987, the foreign "
    'ministry said. "We agreed to expand trade," the Russian minister told reporters in Moscow.'
)
# Latin letters, no English function word, no letter peculiar to one language: the
# language detector must load all its Latin-script models (1.8 s and about 290 MB,
# on the first article that is not plainly English, in every process).
_LANGUAGE_WARM_UP = (
    "Ruritania Freedonia talks Monday Zenda ministers agreed trade pact border dispute"
)


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


def warm_up(coder: Coder, *, languages: bool) -> None:
    """Load now what coding and reading would otherwise load during the first tasks.

    ``languages``: also build the language detector (when the run checks languages).
    """
    coder.code_text(_WARM_UP)
    if languages:
        detect_language(_LANGUAGE_WARM_UP)


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
    """End this process when a watched task makes no progress for its time limit.

    One watchdog serves every task thread of a process (so runs that share a
    worker share its ``SIGALRM`` timer): a thread watches itself with
    :meth:`watching` and calls the returned ``tick`` after every record.
    ``grace`` is how long after a missed deadline the alarm fires if the watchdog
    thread cannot run (default: half the limit, at least 2 s).
    """

    def __init__(self, *, grace: float | None = None) -> None:
        self._grace = grace
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, float, str]] = {}  # thread: (deadline, limit, what)
        self._thread: threading.Thread | None = None
        self._alarm = hasattr(signal, "setitimer") and signal.getsignal(signal.SIGALRM) in (
            signal.SIG_DFL,
            None,
        )

    @contextlib.contextmanager
    def watching(self, what: str, *, limit: float) -> Iterator[Callable[[], None]]:
        """Watch the calling thread while the block runs; yield the function that marks progress."""
        if not limit > 0:
            raise ConfigError(f"the article time limit must be positive seconds, got {limit!r}")
        me = threading.get_ident()

        def tick() -> None:
            with self._lock:
                self._deadlines[me] = (time.monotonic() + limit, limit, what)
                self._arm()

        with self._lock:
            if self._thread is None:
                if not self._alarm:
                    logger.warning(
                        "SIGALRM is unavailable or handled here: a task that hangs while "
                        "holding the GIL cannot be stopped by the watchdog"
                    )
                self._thread = threading.Thread(
                    target=self._watch, name="thucydides-watchdog", daemon=True
                )
                self._thread.start()
        tick()
        try:
            yield tick
        finally:
            with self._lock:
                self._deadlines.pop(me, None)
                self._arm()

    def _watch(self) -> None:
        while True:
            with self._lock:
                watched = list(self._deadlines.values())
                self._arm()  # this thread runs, so no task holds the GIL for good
            late = [entry for entry in watched if time.monotonic() > entry[0]]
            if late:
                self._expire(late[0][1], late[0][2])
            time.sleep(min([1.0, *(limit / 4 for _, limit, _ in watched)]))

    def _arm(self) -> None:
        """Set the alarm a grace beyond the longest limit watched; clear it when nothing is (lock held)."""
        if not self._alarm:
            return
        limits = [limit for _, limit, _ in self._deadlines.values()]
        seconds = max((limit + self._grace_for(limit) for limit in limits), default=0.0)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def _grace_for(self, limit: float) -> float:
        return max(2.0, limit / 2) if self._grace is None else self._grace

    def _expire(self, limit: float, what: str) -> None:
        logger.error(
            "no progress for %.0f s while coding %s: ending this worker process so that the "
            "scheduler retries the task and the client can isolate the record that hangs",
            limit,
            what,
        )
        for handler in (*logging.getLogger().handlers, *logging.getLogger("distributed").handlers):
            handler.flush()
        os._exit(EXIT_NO_PROGRESS)


#: The watchdog of this process, shared by every task thread and every run.
WATCHDOG = Watchdog()


class CoderPlugin(WorkerPlugin):
    """Build one Coder in every worker process of the cluster, when the worker starts."""

    idempotent = False

    def __init__(
        self,
        options: CoderOptions,
        *,
        name: str,
        article_timeout: float,
        languages: bool = True,
    ) -> None:
        self.name = name
        self.options = options
        self.article_timeout = article_timeout
        self.languages = languages
        self.coder: Coder | None = None

    def setup(self, worker: Worker) -> None:
        """Load the pipeline (and the language detector) now, so that no task pays for it."""
        started = time.perf_counter()
        coder = build_coder(self.options)
        warm_up(coder, languages=self.languages)
        self.coder = coder
        logger.info(
            "worker %s: %s loaded in %.1f s",
            worker.address,
            self.options.model,
            time.perf_counter() - started,
        )

    def teardown(self, worker: Worker) -> None:
        """Drop the Coder (the run is over)."""
        self.coder = None


def code_partition(
    partition: Partition, *, plugin: str, read: ReadOptions, skip: frozenset[str] = frozenset()
) -> PartitionResult:
    """Read and code one partition on this worker (a Dask task).

    Articles whose content hash is in ``skip`` (texts that earlier runs stored,
    which the client will skip) come back uncoded, without events.
    """
    coder, limit = _plugin(plugin)
    started = time.perf_counter()
    with WATCHDOG.watching(partition.label(), limit=limit) as tick:
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
    _, limit = _plugin(plugin)
    pieces: list[tuple[RecordRef, ...]] = []
    with WATCHDOG.watching(f"reading {partition.label()}", limit=limit) as tick:
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


def _plugin(name: str) -> tuple[Coder, float]:
    """Return this worker's Coder, built by the run's plugin, and the run's article time limit."""
    plugin = get_worker().plugins.get(name)
    if not isinstance(plugin, CoderPlugin) or plugin.coder is None:
        raise ConfigError(
            f"this worker has no Thucydides coder (plugin {name!r} is missing or failed); "
            "start the run with run_distributed(), which registers it on every worker"
        )
    return plugin.coder, plugin.article_timeout


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
