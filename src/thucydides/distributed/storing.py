"""Store a cluster run's records on the client, in input order, as ``thucydides code`` does.

For each record, in the order of the inputs:

- a rejection (unreadable, empty, not English, ...) is stored as it is;
- an article whose text an earlier run stored is skipped (``already_stored``),
  but the near-duplicate index still remembers it, exactly as the earlier run
  did, so that a resumed run rejects the same later copies as an uninterrupted one;
- a near-copy of an article seen earlier in this run is rejected as ``duplicate``
  (one :class:`~thucydides.ingest.dedup.NearDuplicates` sees every article in
  input order, so its verdicts are those of a single-process run);
- an article the coder failed on is rejected as ``coder_error``;
- the rest are stored with their events.

Writes are batched as ``thucydides code`` batches them: one transaction holds the
records of several tasks, and is committed once it holds ``batch_articles``
articles or ``batch_seconds`` have passed since the last commit, whichever comes
first (each DuckDB statement costs about a millisecond, so a transaction per
small task cost the client three times the CPU per article). A run that is
killed loses at most that much work; a re-run codes it again.

Texts stored earlier in *this* run are not "already stored": a later exact copy
goes through the near-duplicate check, and the store then keeps the first copy.
So the outcome never depends on where one task's records end and the next begin.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Final

import duckdb

from thucydides.errors import StoreError
from thucydides.ingest.dedup import NearDuplicates
from thucydides.records import CodedArticle, Rejection, RejectReason
from thucydides.store import EventStore

__all__ = ["DEFAULT_STORE_BATCH", "DEFAULT_STORE_SECONDS", "ResultStore"]

logger = logging.getLogger(__name__)

#: Articles per store transaction (as ``thucydides code``): 0.2 ms of client CPU per
#: article at 200, 0.6 ms at 30 (one task), 1.3 ms at 10 (Reuters-21578, DuckDB 2.0).
DEFAULT_STORE_BATCH: Final = 200
#: Longest time between commits, so that readers (snapshots) see progress and a
#: killed run loses little.
DEFAULT_STORE_SECONDS: Final = 5.0


class ResultStore:
    """Write the records of a run to an :class:`EventStore` in batches and count what happened to them.

    Call :meth:`take` with each task's records in input order, and :meth:`flush`
    at the end (and when the run stops early, to keep what was coded).
    """

    def __init__(
        self,
        store: EventStore,
        *,
        near_duplicates: bool,
        batch_articles: int = DEFAULT_STORE_BATCH,
        batch_seconds: float = DEFAULT_STORE_SECONDS,
        on_stored: Callable[[Sequence[CodedArticle]], None] | None = None,
        on_rejected: Callable[[Rejection], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.duplicates = NearDuplicates() if near_duplicates else None
        self.batch_articles = batch_articles
        self.batch_seconds = batch_seconds
        self.on_stored = on_stored
        self.on_rejected = on_rejected
        self.records = 0
        self.coded = 0
        self.events = 0
        self.already_stored = 0
        self.rejected = 0
        self.near_duplicates = 0
        self.coder_errors = 0
        self.commits = 0
        self._clock = clock
        self._earlier: bool | None = None
        self._articles: list[CodedArticle] = []
        self._rejections: list[Rejection] = []
        self._flushed = clock()
        self._broken = False

    def has_earlier_runs(self) -> bool:
        """Return whether earlier runs stored any article (so that some inputs may be done).

        Asked once: while this run holds the store, no other run can write it.
        """
        if self._earlier is None:
            rows = self._query(
                "SELECT 1 FROM articles WHERE run_id IS DISTINCT FROM ? LIMIT 1",
                [self.store.run_id],
            )
            self._earlier = bool(rows)
        return self._earlier

    def stored_before(self, hashes: Sequence[str]) -> set[str]:
        """Return which of these content hashes earlier runs stored, with one query."""
        if not hashes or not self.has_earlier_runs():
            return set()
        rows = self._query(
            "SELECT content_hash FROM articles WHERE content_hash IN "
            "(SELECT unnest(?::VARCHAR[])) AND run_id IS DISTINCT FROM ?",
            [list(hashes), self.store.run_id],
        )
        return {str(row[0]) for row in rows}

    def take(self, records: Sequence[CodedArticle | Rejection]) -> None:
        """Judge one task's records, in order; commit the batch when it is due."""
        stored = self.stored_before(
            [r.article.content_hash for r in records if isinstance(r, CodedArticle)]
        )
        for record in records:
            if isinstance(record, CodedArticle):
                article = record.article
                if article.content_hash in stored:
                    self.already_stored += 1
                    logger.info("skipped %s: already coded", article.origin)
                    if self.duplicates is not None:
                        # Remember it as the interrupted run did, so that a resumed run
                        # rejects the same later copies as an uninterrupted one.
                        self.duplicates.check(article)
                    continue
                copy = self.duplicates.check(article) if self.duplicates is not None else None
                if copy is not None:
                    self.near_duplicates += 1
                    self._rejections.append(copy)
                    continue
                failed = record.rejection()
                if failed is None:
                    self._articles.append(record)
                    continue
                self.coder_errors += 1
                record = failed
            elif record.reason is RejectReason.CODER_ERROR:
                self.coder_errors += 1  # a record that failed on its own in a rescue
            self._rejections.append(record)
        self.records += len(records)
        if (
            len(self._articles) >= self.batch_articles
            or self._clock() - self._flushed >= self.batch_seconds
        ):
            self.flush()

    def flush(self) -> None:
        """Commit what has been taken and not stored yet: articles with their events, then rejections.

        Articles go first so that a snapshot published after that commit (a
        reader's request is answered at the next commit) shows them. Does nothing
        after a write to the store failed (the error was raised then).
        """
        self._flushed = self._clock()
        if self._broken or not (self._articles or self._rejections):
            return
        articles, self._articles = self._articles, []
        rejections, self._rejections = self._rejections, []
        self._broken = True  # until both writes have gone through
        added = self.store.add_articles(articles) if articles else []
        if rejections:
            self.store.add_rejections(rejections)
            self.rejected += len(rejections)
        self._broken = False
        self.commits += 1
        if self.on_rejected is not None:
            for rejection in rejections:
                self.on_rejected(rejection)
        new: list[CodedArticle] = []
        for item, was_added in zip(articles, added, strict=True):
            if was_added:
                new.append(item)
                self.coded += 1
                self.events += len(item.events)
            else:
                self.already_stored += 1  # a short text (never judged a near-copy) seen before
        if new and self.on_stored is not None:
            self.on_stored(new)

    def _query(self, sql: str, params: list[object]) -> list[tuple[object, ...]]:
        cursor = self.store.cursor()
        try:
            rows: list[tuple[object, ...]] = cursor.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot read the event store {self.store.path}: {exc}; if the file was changed "
                "by hand or by another program, restore it or code into a new file"
            ) from exc
        finally:
            cursor.close()
        return rows
