"""Store a cluster run's records on the client, in input order, as ``thucydides code`` does.

For each record, in the order of the inputs:

- a rejection (unreadable, empty, not English, ...) is stored as it is;
- an article whose text an earlier run stored is skipped (``already_stored``);
- a near-copy of an article seen earlier in this run is rejected as ``duplicate``
  (one :class:`~thucydides.ingest.dedup.NearDuplicates` sees every article in
  input order, so its verdicts are those of a single-process run);
- an article the coder failed on is rejected as ``coder_error``;
- the rest are stored with their events, one transaction per task's records.

Texts stored earlier in *this* run are not "already stored": a later exact copy
goes through the near-duplicate check, and the store then keeps the first copy.
So the outcome never depends on where one task's records end and the next begin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import duckdb

from thucydides.errors import StoreError
from thucydides.ingest.dedup import NearDuplicates
from thucydides.records import CodedArticle, Rejection, RejectReason
from thucydides.store import EventStore

__all__ = ["ResultStore"]

logger = logging.getLogger(__name__)


class ResultStore:
    """Write the records of a run to an :class:`EventStore` and count what happened to them."""

    def __init__(
        self,
        store: EventStore,
        *,
        near_duplicates: bool,
        on_stored: Callable[[Sequence[CodedArticle]], None] | None = None,
        on_rejected: Callable[[Rejection], None] | None = None,
    ) -> None:
        self.store = store
        self.duplicates = NearDuplicates() if near_duplicates else None
        self.on_stored = on_stored
        self.on_rejected = on_rejected
        self.records = 0
        self.coded = 0
        self.events = 0
        self.already_stored = 0
        self.rejected = 0
        self.near_duplicates = 0
        self.coder_errors = 0

    def has_earlier_runs(self) -> bool:
        """Return whether earlier runs stored any article (so that some inputs may be done)."""
        rows = self._query(
            "SELECT 1 FROM articles WHERE run_id IS DISTINCT FROM ? LIMIT 1", [self.store.run_id]
        )
        return bool(rows)

    def stored_before(self, hashes: Sequence[str]) -> set[str]:
        """Return which of these content hashes earlier runs stored, with one query."""
        if not hashes:
            return set()
        rows = self._query(
            "SELECT content_hash FROM articles WHERE content_hash IN "
            "(SELECT unnest(?::VARCHAR[])) AND run_id IS DISTINCT FROM ?",
            [list(hashes), self.store.run_id],
        )
        return {str(row[0]) for row in rows}

    def take(self, records: Sequence[CodedArticle | Rejection]) -> None:
        """Store one task's records, in order."""
        stored = self.stored_before(
            [r.article.content_hash for r in records if isinstance(r, CodedArticle)]
        )
        rejections: list[Rejection] = []
        keep: list[CodedArticle] = []
        for record in records:
            if isinstance(record, CodedArticle):
                article = record.article
                if article.content_hash in stored:
                    self.already_stored += 1
                    logger.info("skipped %s: already coded", article.origin)
                    continue
                copy = self.duplicates.check(article) if self.duplicates is not None else None
                if copy is not None:
                    self.near_duplicates += 1
                    rejections.append(copy)
                    continue
                failed = record.rejection()
                if failed is None:
                    keep.append(record)
                    continue
                self.coder_errors += 1
                record = failed
            elif record.reason is RejectReason.CODER_ERROR:
                self.coder_errors += 1  # a record that failed on its own in a rescue
            rejections.append(record)
        self.records += len(records)
        if rejections:
            self.store.add_rejections(rejections)
            self.rejected += len(rejections)
            if self.on_rejected is not None:
                for rejection in rejections:
                    self.on_rejected(rejection)
        if not keep:
            return
        new: list[CodedArticle] = []
        for item, added in zip(keep, self.store.add_articles(keep), strict=True):
            if added:
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
