"""Code articles in several worker processes (``thucydides code --jobs N``).

Each worker builds its own :class:`~thucydides.pipeline.Coder` once (loading the
spaCy pipeline once per process) and codes batches of articles; only plain
records cross between processes. At most ``2 × jobs`` batches are in flight, so
memory stays flat however large the corpus, and results come back in input order,
so the output is the same as a single-process run.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult

from thucydides.errors import ConfigError
from thucydides.records import Article, CodedArticle


@dataclass(frozen=True, slots=True)
class CoderOptions:
    """What a worker needs to build the same Coder as the parent."""

    model: str
    goldstein_table: str
    quad_class_scheme: str
    actor_files: tuple[str, ...] = ()


_WORKER_CODER: object = None


def _start_worker(options: CoderOptions) -> None:
    global _WORKER_CODER
    from thucydides.pipeline import Coder

    knowledge = None
    if options.actor_files:
        from thucydides.actors.importers import layered_knowledge

        knowledge = layered_knowledge(list(options.actor_files))
    _WORKER_CODER = Coder(
        model=options.model,
        goldstein_table=options.goldstein_table,
        quad_class_scheme=options.quad_class_scheme,
        knowledge=knowledge,
    )


def _code_batch(batch: list[Article]) -> list[CodedArticle]:
    from thucydides.pipeline import Coder

    assert isinstance(_WORKER_CODER, Coder), "worker started without a Coder"
    return list(_WORKER_CODER.code_articles(batch))


def code_in_processes(
    articles: Iterable[Article], *, jobs: int, options: CoderOptions, batch_size: int = 16
) -> Iterator[CodedArticle]:
    """Yield the coded articles, in input order, coded by ``jobs`` worker processes."""
    if jobs < 1:
        raise ConfigError(f"--jobs must be 1 or more, got {jobs}")
    context = multiprocessing.get_context("spawn")  # fork is unsafe with loaded native libraries
    with context.Pool(jobs, initializer=_start_worker, initargs=(options,)) as pool:
        pending: deque[AsyncResult[list[CodedArticle]]] = deque()
        batches = _batches(articles, batch_size)
        for batch in batches:
            pending.append(pool.apply_async(_code_batch, (batch,)))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
