"""Store coded events in one DuckDB file: append-only, idempotent per article.

The file is an ordinary DuckDB database that R (``duckdb::dbConnect``), pandas
(``duckdb.sql(...).df()``) or the ``duckdb`` command line can query directly.
Codes are VARCHAR, so leading zeros survive ("042"); dates are DATE; the
``coded_at`` and ``rejected_at`` times are TIMESTAMP in UTC.

Tables (schema version 2)
-------------------------
``meta``
    ``key``, ``value``: ``schema_version`` (this layout's number) and ``created_at``.

``articles`` (one row per distinct article text)
    ``content_hash``  SHA-256 of the text; the primary key and idempotency key
    ``article_id``    the input's id, or the first 16 hex digits of the hash
    ``title``, ``url``, ``publisher``  as given by the input, else NULL
    ``published``     publication date (DATE), NULL when unknown
    ``origin``        where it was read from: a path, ``path:LINE`` or ``<stdin>``
    ``lang``          language code of the text ("en")
    ``text``          the full text; event offsets index into it
    ``n_chars``       length of ``text`` in characters
    ``n_events``      number of events stored for the article
    ``coded_at``      when the article was stored (UTC)
    ``run_id``        the run that stored it (see :attr:`EventStore.run_id`)

``events`` (one row per coded event; join to articles on ``content_hash``)
    ``event_id``      primary key
    ``article_id``, ``content_hash``  the article the event comes from
    ``sentence_index``  0-based sentence number in the article
    ``date``          event date (DATE), NULL when unknown
    ``source_*``, ``target_*``  the two actors, flattened: ``text`` (the mention),
                      ``code`` (full CAMEO actor code, "RUSGOV"), ``country``
                      (ISO 3166 alpha-3 or NULL), ``sectors`` (VARCHAR[] of role
                      codes), ``name`` (canonical name or NULL), ``start``/``end``
                      (character offsets of the mention in ``articles.text``),
                      ``reason`` (the rule or entry that chose the code). All
                      ``target_*`` columns are NULL for events with no target.
    ``cameo_code``    CAMEO event code as text ("042"); ``cameo_root`` its root
                      ("04"); ``cameo_name`` its label
    ``plover_type``   PLOVER event type, NULL where CAMEO has no match
    ``quad_class``    1 verbal cooperation, 2 material cooperation, 3 verbal
                      conflict, 4 material conflict
    ``goldstein``     Goldstein score (-10 to +10)
    ``negated``       true when the text denies the event ("did not attack")
    ``modality``      asserted, intent, future, conditional, hypothetical,
                      question or speculative (only "asserted" events happened)
    ``sentence``      the sentence that says so; ``sentence_start``/``sentence_end``
                      its offsets in ``articles.text``
    ``trigger``       the word(s) that triggered the code; ``trigger_start``/
                      ``trigger_end`` their offsets in ``articles.text``
    ``goldstein_table``, ``quad_class_scheme``  which ontology tables the
                      ``goldstein`` and ``quad_class`` values come from

    ``location_*``    where the event happened: ``name``, ``country`` (ISO3),
                      ``admin1``, ``lat``, ``lon``, ``geonames_id``, ``precision``
                      (site, city, admin1, country, region), ``feature_class``;
                      all NULL when the text does not say
    ``future``        true for planned or announced events (dated after the article)

``places`` (one row per toponym in an article)
    ``article_id``, ``content_hash``, ``text`` (the words), ``start``/``end``
    (offsets in ``articles.text``), the location fields as in ``events``
    without the prefix, ``reason`` (how it was resolved)

``quotes`` (one row per direct quote or reported statement)
    ``article_id``, ``content_hash``, ``kind`` (direct, indirect), ``text`` (the
    quoted words), ``start``/``end``, ``speaker_words`` (the words naming the
    speaker) and ``speaker_*`` actor columns as for events (NULL when the
    speaker could not be resolved)

``rejections`` (one row per input that could not be coded; never deduplicated)
    ``origin``, ``reason`` (empty, binary, encoding, too_large, malformed,
    unreadable, duplicate, not_english), ``detail`` (the message), ``content_hash``
    (NULL unless the text was read), ``rejected_at`` (UTC), ``run_id``

DuckDB allows one process to open a file for writing, or several to open it
read-only, not both at once. A writer opened with ``snapshot_every`` publishes
read-only copies for readers that must not wait (:mod:`thucydides.store.snapshot`);
``lock_timeout`` makes an opening wait for a reader's or writer's lock to go.
Writes are transactional: a batch of articles with all their events, places and
quotes is committed whole or not at all, so a killed run leaves whole articles
only, and re-running it stores the rest. One :class:`EventStore` must not be shared
between threads (reads through :meth:`EventStore.cursor` may be).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import duckdb

from thucydides.errors import ConfigError, StoreError
from thucydides.records import Article, CodedArticle, Event, Place, Quote, Rejection, RejectReason
from thucydides.store.schema import (
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    EVENT_ORDER,
    EVENT_SELECT,
    FETCH_ROWS,
    PLACE_COLUMNS,
    QUOTE_COLUMNS,
    REJECTION_COLUMNS,
    SCHEMA_VERSION,
    TABLES,
    article_row,
    base_type,
    check_article,
    event_from_row,
    event_row,
    option_date,
    place_from_row,
    place_row,
    quote_from_row,
    quote_row,
)
from thucydides.store.snapshot import SnapshotPolicy, copy_database, snapshot_path

__all__ = ["SCHEMA_VERSION", "EventStore", "is_lock_conflict"]

logger = logging.getLogger(__name__)

_LOCK_PID = re.compile(r"\(PID (\d+)\)")
_LOCK_POLL = 0.1  # seconds between attempts to open a locked file


def is_lock_conflict(exc: BaseException) -> bool:
    """Return whether ``exc`` (a StoreError or DuckDB error) means another process holds the file."""
    for error in (exc, exc.__cause__):
        message = str(error).lower() if error is not None else ""
        if "could not set lock" in message or "conflicting lock" in message:
            return True
    return False


# A coding run's waits: for a reader (a server copying a snapshot) to let go of the file,
# and at least this long between the snapshots it publishes for readers
RUN_LOCK_WAIT = 30.0
RUN_SNAPSHOT_EVERY = 5.0


def open_for_run(path: str | Path) -> EventStore:
    """Return the store a coding run writes: it waits for readers and feeds them snapshots."""
    return EventStore(path, lock_timeout=RUN_LOCK_WAIT, snapshot_every=RUN_SNAPSHOT_EVERY)


class EventStore:
    """Append-only DuckDB event store with article-level idempotency (content hash).

    Opening a path that does not exist creates the file, its parent directories
    and the tables (unless ``read_only``). Storing an article whose content hash
    is already stored changes nothing, so re-running the same input is safe.
    ``run_id`` labels the articles and rejections written through this handle; a
    new one (UTC time plus a random suffix) is made when none is given. Every
    failure raises :class:`~thucydides.errors.StoreError` naming the file.

    ``lock_timeout``: seconds to keep trying while another process holds the file
    (a server copying it for a snapshot holds it for a moment); 0 fails at once.
    ``snapshot_every``: on a writer, publish a snapshot for readers after a commit
    when one is due (see :class:`~thucydides.store.snapshot.SnapshotPolicy`);
    None publishes none.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        run_id: str | None = None,
        lock_timeout: float = 0.0,
        snapshot_every: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        now = dt.datetime.now(dt.UTC)
        self.run_id = run_id or f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        self.snapshots = (
            SnapshotPolicy(self.path, every=snapshot_every)
            if snapshot_every is not None and not read_only
            else None
        )
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._conn = self._connect(lock_timeout)
        try:
            self._prepare_schema()
        except BaseException:
            self.close()
            raise

    # --- opening and closing --------------------------------------------------------

    def _connect(self, lock_timeout: float) -> duckdb.DuckDBPyConnection:
        """Open the DuckDB file, translating DuckDB's errors into StoreErrors that say what to do."""
        path = self.path
        if path.is_dir():
            raise StoreError(
                f"the event store path {path} is a directory, not a database file; "
                f"pass a file path such as {path / 'events.duckdb'}"
            )
        if self.read_only and not path.exists():
            raise StoreError(
                f"no event store at {path}; code some articles into it first "
                "or check the path (a read-only store must already exist)"
            )
        if not self.read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder {path.parent} for the event store: "
                    f"{exc.strerror or exc}; choose a writable location"
                ) from exc
        deadline = time.monotonic() + lock_timeout
        waiting = False
        while True:
            try:
                return duckdb.connect(str(path), read_only=self.read_only)
            except duckdb.Error as exc:
                if not is_lock_conflict(exc) or time.monotonic() >= deadline:
                    raise StoreError(self._open_failure(exc)) from exc
                if not waiting:
                    waiting = True
                    logger.warning(
                        "%s; waiting up to %.0f s for it",
                        self._open_failure(exc).split(";")[0],
                        lock_timeout,
                    )
            time.sleep(_LOCK_POLL)

    def _open_failure(self, exc: duckdb.Error) -> str:
        """Explain why DuckDB could not open the file, and what to do about it."""
        message = str(exc)
        path = self.path
        if is_lock_conflict(exc):
            pid = _LOCK_PID.search(message)
            holder = f"process {pid.group(1)}" if pid else "another process"
            return (
                f"the event store {path} is locked by {holder}; wait for that run (or server) "
                "to finish or stop it, or write to another --db file "
                "(DuckDB allows one writer, or several read-only readers, at a time)"
            )
        if "not a valid DuckDB database" in message:
            return (
                f"{path} exists but is not a DuckDB database; pass a new file name "
                "(e.g. events.duckdb) or move that file away"
            )
        if "different configuration" in message:
            return (
                f"the event store {path} is already open in this process with a different "
                f"read_only setting; close that EventStore first (this one: read_only={self.read_only})"
            )
        return f"cannot open the event store {path}: {message}; check the path and its permissions"

    def _prepare_schema(self) -> None:
        """Create the tables in a new file, or check that an existing file has our layout."""
        tables = {row[0] for row in self._fetch("SELECT table_name FROM duckdb_tables()")}
        if "meta" not in tables:
            if tables & set(TABLES):
                raise StoreError(
                    f"{self.path} has tables {sorted(tables)} but no Thucydides meta table, "
                    "so it is not an event store; pass a new file name"
                )
            if self.read_only:
                raise StoreError(
                    f"{self.path} is an empty DuckDB file, not an event store; "
                    "open it without read_only once to create the tables"
                )
            self._create_schema()
            return
        rows = self._fetch("SELECT value FROM meta WHERE key = 'schema_version'")
        row = rows[0] if rows else None
        if row is None or not str(row[0]).isdigit():
            raise StoreError(
                f"{self.path} has a meta table without a schema_version, so it is not an "
                "event store; pass a new file name"
            )
        version = int(row[0])
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has event-store schema version {version}, but this Thucydides "
                f"reads version {SCHEMA_VERSION}; use the Thucydides version that wrote it, "
                "or code the articles into a new file"
            )

    def _create_schema(self) -> None:
        """Create the meta, articles, events and rejections tables in one transaction."""
        statements = ["CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"]
        for table, columns in TABLES.items():
            body = ", ".join(f'"{name}" {kind}' for name, kind in columns)
            statements.append(f"CREATE TABLE {table} ({body})")
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._transaction("create the tables in") as conn:
            for statement in statements:
                conn.execute(statement)
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [["schema_version", str(SCHEMA_VERSION)], ["created_at", created]],
            )
        logger.info("created event store %s (schema version %d)", self.path, SCHEMA_VERSION)

    def close(self) -> None:
        """Close the database file; further calls on this store raise StoreError."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        """Return the open store."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()

    def __repr__(self) -> str:
        """Show the file and the mode."""
        state = (
            "closed" if self._conn is None else ("read-only" if self.read_only else "read-write")
        )
        return f"EventStore({str(self.path)!r}, {state}, run_id={self.run_id!r})"

    # --- writing --------------------------------------------------------------------

    def has_article(self, content_hash: str) -> bool:
        """Return whether an article with this content hash is stored."""
        return bool(
            self._fetch("SELECT 1 FROM articles WHERE content_hash = ? LIMIT 1", [content_hash])
        )

    def add_article(self, article: Article, events: Sequence[Event]) -> bool:
        """Store one article and its events in one transaction; return False if it was already stored.

        Events whose ``event_id`` is already stored are skipped with a warning.
        """
        return self.add_articles([CodedArticle(article, tuple(events))])[0]

    def add_articles(self, coded: Sequence[CodedArticle]) -> list[bool]:
        """Store a batch of articles with their events in one transaction; return which were new.

        The result has one flag per input, in order: False for an article whose
        content hash is already stored (or appears earlier in the batch). Batching
        matters for speed: each DuckDB statement costs about a millisecond however
        few rows it writes.
        """
        self._check_writable("add articles")
        for item in coded:
            check_article(item.article, item.events)
        with self._transaction("store articles in") as conn:
            wanted = list(dict.fromkeys(item.article.content_hash for item in coded))
            stored = self._existing(conn, "articles", "content_hash", wanted)
            added: list[bool] = []
            article_rows: list[tuple[Any, ...]] = []
            event_rows: list[tuple[Any, ...]] = []
            place_rows: list[tuple[Any, ...]] = []
            quote_rows: list[tuple[Any, ...]] = []
            new_events = self._new_events(conn, coded, stored)
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            for item in coded:
                article = item.article
                if article.content_hash in stored:
                    added.append(False)
                    continue
                stored.add(article.content_hash)
                rows = [
                    event_row(e, article.content_hash) for e in new_events[article.content_hash]
                ]
                article_rows.append(article_row(article, len(rows), now, self.run_id))
                event_rows.extend(rows)
                place_rows.extend(place_row(p, article.content_hash) for p in item.places)
                quote_rows.extend(quote_row(q, article.content_hash) for q in item.quotes)
                added.append(True)
            _insert(conn, "articles", ARTICLE_COLUMNS, article_rows)
            _insert(conn, "events", EVENT_COLUMNS, event_rows)
            _insert(conn, "places", PLACE_COLUMNS, place_rows)
            _insert(conn, "quotes", QUOTE_COLUMNS, quote_rows)
        self._publish_if_due()
        logger.debug(
            "stored %d of %d articles and %d events in %s",
            len(article_rows),
            len(coded),
            len(event_rows),
            self.path,
        )
        return added

    def _new_events(
        self, conn: duckdb.DuckDBPyConnection, coded: Sequence[CodedArticle], stored: set[str]
    ) -> dict[str, list[Event]]:
        """Return, per new article, its events whose ids are neither stored nor seen earlier."""
        candidates = [e.event_id for item in coded for e in item.events]
        taken = self._existing(conn, "events", "event_id", list(dict.fromkeys(candidates)))
        result: dict[str, list[Event]] = {}
        skipped: list[str] = []
        for item in coded:
            digest = item.article.content_hash
            if digest in stored or digest in result:
                continue
            kept = result[digest] = []
            for event in item.events:
                if event.event_id in taken:
                    skipped.append(event.event_id)
                else:
                    taken.add(event.event_id)
                    kept.append(event)
        if skipped:
            logger.warning(
                "skipped %d events whose event_id is already stored in %s (first: %r); "
                "event ids must be unique across articles",
                len(skipped),
                self.path,
                skipped[0],
            )
        return result

    def add_rejection(self, rejection: Rejection) -> None:
        """Record one rejected input, with the time and this store's run id."""
        self.add_rejections([rejection])

    def add_rejections(self, rejections: Sequence[Rejection]) -> None:
        """Record a batch of rejected inputs in one transaction."""
        self._check_writable("record rejections")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        rows = [
            (r.origin, str(r.reason), r.detail, r.content_hash, now, self.run_id)
            for r in rejections
        ]
        with self._transaction("record rejections in") as conn:
            _insert(conn, "rejections", REJECTION_COLUMNS, rows)
        self._publish_if_due()

    # --- snapshots ------------------------------------------------------------------

    def publish_snapshot(self, target: str | Path | None = None) -> Path:
        """Write a consistent copy of the store to ``target`` (default: its snapshot path); return it.

        The copy goes to a temporary file that is then renamed over ``target``, so a
        reader of ``target`` sees the old copy or the new one, never a partial one.
        Works on read-only stores too.
        """
        path = Path(target) if target is not None else snapshot_path(self.path)
        copy_database(self._connection(), path)
        return path

    def fingerprint(self) -> tuple[Any, ...]:
        """Return a value that changes whenever anything is stored (row counts, latest times).

        The store is append-only, so two handles with equal fingerprints hold the same
        rows; readers use it to tell whether a snapshot is up to date.
        """
        (row,) = self._fetch(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), "
            "(SELECT count(*) FROM rejections), (SELECT max(coded_at) FROM articles), "
            "(SELECT max(rejected_at) FROM rejections)"
        )
        return tuple(row)

    def _publish_if_due(self) -> None:
        """After a commit, publish a snapshot when the policy says so; a failure only warns."""
        policy = self.snapshots
        if policy is None or not policy.due():
            return
        try:
            policy.publish(self._connection())
        except StoreError as exc:
            policy.postpone()
            logger.warning("%s (coding goes on; the next attempt is later)", exc)

    # --- reading --------------------------------------------------------------------

    def events(
        self,
        *,
        source: str | None = None,
        target: str | None = None,
        code: str | None = None,
        since: str | None = None,
        until: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Return stored events matching every filter given, ordered by date, article, sentence, id.

        ``source``, ``target`` and ``code`` are prefixes of the source actor code,
        target actor code and CAMEO code ("RUS" matches "RUSGOV", "04" matches
        "042"); a target filter drops events with no target. ``since`` and
        ``until`` (YYYY-MM-DD, inclusive) drop events with no date. Bad values
        raise :class:`~thucydides.errors.ConfigError`.
        """
        return list(
            self.iter_events(
                source=source,
                target=target,
                code=code,
                since=since,
                until=until,
                article_id=article_id,
                limit=limit,
            )
        )

    def iter_events(
        self,
        *,
        source: str | None = None,
        target: str | None = None,
        code: str | None = None,
        since: str | None = None,
        until: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Event]:
        """Yield the events :meth:`events` would return, a batch at a time (for large exports).

        The filters are checked at once; the query runs when iteration starts.
        """
        clauses: list[str] = []
        params: list[Any] = []
        for column, prefix in (
            ("source_code", source),
            ("target_code", target),
            ("cameo_code", code),
        ):
            if prefix is not None:
                clauses.append(f"starts_with({column}, ?)")
                params.append(prefix)
        for name, value, op in (("since", since, ">="), ("until", until, "<=")):
            if value is not None:
                clauses.append(f'"date" {op} ?')
                params.append(option_date(name, value))
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(article_id)
        sql = f"SELECT {EVENT_SELECT} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY {EVENT_ORDER}"
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise ConfigError(f"limit must be a whole number of events >= 0, got {limit!r}")
            sql += " LIMIT ?"
            params.append(limit)
        return self._stream_events(sql, params)

    def _stream_events(self, sql: str, params: list[Any]) -> Iterator[Event]:
        """Run an events query and yield its rows as Events, fetching a batch at a time."""
        # A cursor of its own, so that other calls on this store can run while we iterate.
        cursor = self._connection().cursor()
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH_ROWS):
                for row in rows:
                    yield event_from_row(row)
        except duckdb.Error as exc:
            raise StoreError(f"cannot read events from {self.path}: {exc}") from exc
        finally:
            cursor.close()

    def places(self, *, article_id: str | None = None, country: str | None = None) -> list[Place]:
        """Return stored toponyms, by article and position; filter by article id or ISO3 country."""
        clauses, params = [], []
        for column, value in (("article_id", article_id), ("country", country)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        names = ", ".join(f'"{name}"' for name, _ in PLACE_COLUMNS)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._fetch(
            f'SELECT {names} FROM places{where} ORDER BY article_id, "start"', params
        )
        return [place_from_row(row) for row in rows]

    def quotes(self, *, speaker: str | None = None, article_id: str | None = None) -> list[Quote]:
        """Return stored quotes; ``speaker`` matches the speaker's name or words, case-insensitively."""
        clauses, params = [], []
        if speaker is not None:
            clauses.append("(speaker_name ILIKE ? OR speaker_words ILIKE ? OR speaker_code = ?)")
            params += [f"%{speaker}%", f"%{speaker}%", speaker]
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(article_id)
        names = ", ".join(f'"{name}"' for name, _ in QUOTE_COLUMNS)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._fetch(
            f'SELECT {names} FROM quotes{where} ORDER BY article_id, "start"', params
        )
        return [quote_from_row(row) for row in rows]

    def rejections(self) -> list[Rejection]:
        """Return every recorded rejection, oldest first."""
        rows = self._fetch(
            "SELECT origin, reason, detail, content_hash FROM rejections ORDER BY rejected_at, rowid"
        )
        return [
            Rejection(origin, RejectReason(reason), detail, h) for origin, reason, detail, h in rows
        ]

    def counts(self) -> dict[str, int]:
        """Return the number of stored articles, events, rejections, places and quotes."""
        tables = ("articles", "events", "rejections", "places", "quotes")
        sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in tables)
        (row,) = self._fetch(sql)
        return {table: int(n) for table, n in zip(tables, row, strict=True)}

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return a new cursor on the store, for streaming reads (exports, analysis).

        Each cursor runs its own query, so several can be iterated at once; close it
        when done.
        """
        return self._connection().cursor()

    # --- helpers --------------------------------------------------------------------

    def _connection(self) -> duckdb.DuckDBPyConnection:
        """Return the open connection, or raise StoreError if the store was closed."""
        if self._conn is None:
            raise StoreError(f"the event store {self.path} is closed; open a new EventStore")
        return self._conn

    def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read query and return its rows, translating DuckDB errors into StoreError."""
        try:
            rows: list[tuple[Any, ...]] = self._connection().execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot read the event store {self.path}: {exc}; if the file was changed by "
                "hand or by another program, restore it or code into a new file"
            ) from exc
        return rows

    def _check_writable(self, action: str) -> None:
        """Raise StoreError when this store was opened read-only."""
        if self.read_only:
            raise StoreError(
                f"cannot {action}: the event store {self.path} was opened read-only; "
                "open it with read_only=False to write"
            )

    @contextlib.contextmanager
    def _transaction(self, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the block in one transaction: commit on success, roll back on any error."""
        conn = self._connection()
        conn.execute("BEGIN TRANSACTION")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                conn.execute("ROLLBACK")
            except duckdb.Error:
                logger.debug("no transaction left to roll back in %s", self.path)
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    f"cannot {action} the event store {self.path}: {exc}; nothing was written. "
                    "If the disk is full or the file is read-only, fix that and run again"
                ) from exc
            raise

    @staticmethod
    def _existing(
        conn: duckdb.DuckDBPyConnection, table: str, column: str, keys: list[str]
    ) -> set[str]:
        """Return which of ``keys`` are already in ``table.column``."""
        if not keys:
            return set()
        rows = conn.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN (SELECT unnest(?::VARCHAR[]))", [keys]
        ).fetchall()
        return {row[0] for row in rows}


def _insert(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: list[tuple[Any, ...]],
) -> None:
    """Insert ``rows`` into ``table`` with one statement, passing each column as a list parameter."""
    if not rows:
        return
    names = ", ".join(f'"{name}"' for name, _ in columns)
    values = ", ".join(f"unnest(?::{base_type(kind)}[])" for _, kind in columns)
    params = [list(column) for column in zip(*rows, strict=True)]
    # Plain INSERT: callers drop rows whose key is stored first, inside the same transaction
    # (INSERT OR IGNORE would do the same but makes every insert about twice as slow).
    conn.execute(f"INSERT INTO {table} ({names}) SELECT {values}", params)
