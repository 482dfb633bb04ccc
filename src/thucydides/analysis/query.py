"""Filter stored events with parameterised SQL, count them and page through them.

:class:`EventFilter` is the one description of "which events" shared by the
analyses, the JSON API and the dashboard. Every value reaches DuckDB as a bound
parameter; only fixed column names and operators are written into the SQL text.
Each query runs on a cursor of its own (:meth:`EventStore.cursor`), so one
read-only store can serve several threads (the web server's workers) at once.

Prefix filters (``source``, ``target``, ``actor``, ``code``) match the start of a
code: "RUS" matches "RUSGOV", "04" matches "042". ``since`` and ``until`` are
inclusive and drop undated events. ``asserted_only`` keeps the events the text
reports as having happened (modality "asserted", not negated): the counting
analyses use it by default, event listings do not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import duckdb

from thucydides.errors import ConfigError, StoreError
from thucydides.records import Event, Location, Quote
from thucydides.store import EventStore
from thucydides.store.schema import (
    EVENT_ORDER,
    EVENT_SELECT,
    QUOTE_COLUMNS,
    event_from_row,
    option_date,
    quote_from_row,
)

__all__ = [
    "MAX_PAGE",
    "EventFilter",
    "EventPage",
    "LocationCount",
    "QuotePage",
    "actor_prefix",
    "find_events",
    "find_quotes",
    "location_counts",
    "read_rows",
    "to_date",
]

#: The largest page of events or quotes one call returns.
MAX_PAGE: Final = 500
_ACTOR_CODE: Final = re.compile(r"[A-Z0-9]{1,32}|---")  # "---": CAMEO's unidentified actor
_CAMEO_PREFIX: Final = re.compile(r"[0-9]{1,4}")
_COUNTRY: Final = re.compile(r"[A-Z]{3}")
# Cursors are opened from one shared connection; opening is serialised, running is not.
_OPEN_LOCK: Final = threading.Lock()


def actor_prefix(name: str, value: str) -> str:
    """Return an actor-code prefix upper-cased, or raise ConfigError when it is not one."""
    code = value.strip().upper()
    if _ACTOR_CODE.fullmatch(code) is None:
        raise ConfigError(
            f"{name} must be a CAMEO actor code or its prefix (letters and digits, "
            f"e.g. RUS or KAZGOV), or --- for the unidentified actor, got {value!r}"
        )
    return code


def to_date(name: str, value: str | dt.date | None) -> dt.date | None:
    """Return ``value`` as a date (YYYY-MM-DD strings are parsed), raising ConfigError if malformed."""
    if value is None or isinstance(value, dt.date):
        return value
    return option_date(name, value)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to read; every field left ``None`` (or False) matches everything.

    ``country`` is the ISO3 country of the event's location and ``place`` a part
    of its location name (case-insensitive). ``actor`` matches either side; with
    ``partner`` too, only events between the two, in either direction (an
    undirected dyad; use ``source`` and ``target`` for a directed one).
    Values are checked when the filter is built and raise ConfigError.
    """

    source: str | None = None
    target: str | None = None
    actor: str | None = None
    partner: str | None = None
    code: str | None = None
    quad_class: int | None = None
    since: dt.date | str | None = None
    until: dt.date | str | None = None
    country: str | None = None
    place: str | None = None
    article_id: str | None = None
    asserted_only: bool = False

    def __post_init__(self) -> None:
        """Normalise codes and dates, and reject values no event could have."""
        for name in ("source", "target", "actor", "partner"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, actor_prefix(name, value))
        if self.partner is not None and self.actor is None:
            raise ConfigError(
                "partner needs actor: give both to select the events between two actors"
            )
        if self.code is not None and _CAMEO_PREFIX.fullmatch(self.code) is None:
            raise ConfigError(
                f"code must be a CAMEO event code or its prefix (1 to 4 digits with the "
                f'leading zero, e.g. "04" or "042"), got {self.code!r}'
            )
        if self.quad_class is not None and (
            isinstance(self.quad_class, bool) or self.quad_class not in (1, 2, 3, 4)
        ):
            raise ConfigError(f"quad_class must be 1, 2, 3 or 4, got {self.quad_class!r}")
        since = to_date("since", self.since)
        until = to_date("until", self.until)
        if since is not None and until is not None and since > until:
            raise ConfigError(
                f"since ({since}) is after until ({until}); swap them or widen the range"
            )
        object.__setattr__(self, "since", since)
        object.__setattr__(self, "until", until)
        if self.country is not None:
            country = self.country.strip().upper()
            if _COUNTRY.fullmatch(country) is None:
                raise ConfigError(
                    f"country must be an ISO 3166 alpha-3 code such as RUS, got {self.country!r}"
                )
            object.__setattr__(self, "country", country)
        if self.place is not None and not self.place.strip():
            raise ConfigError("place must name a place (part of its name), got an empty value")

    def where(self, table: str = "") -> tuple[str, list[Any]]:
        """Return the SQL condition (``TRUE`` when empty) and its parameters, in order.

        ``table`` is an optional alias prefix ("e.") for the events columns.
        """
        t = table
        clauses: list[str] = []
        params: list[Any] = []
        for column, prefix in (
            ("source_code", self.source),
            ("target_code", self.target),
            ("cameo_code", self.code),
        ):
            if prefix is not None:
                clauses.append(f"starts_with({t}{column}, ?)")
                params.append(prefix)
        if self.actor is not None and self.partner is not None:
            pair = f"(starts_with({t}source_code, ?) AND coalesce(starts_with({t}target_code, ?), false))"
            clauses.append(f"({pair} OR {pair})")
            params += [self.actor, self.partner, self.partner, self.actor]
        elif self.actor is not None:
            clauses.append(
                f"(starts_with({t}source_code, ?) OR coalesce(starts_with({t}target_code, ?), false))"
            )
            params += [self.actor, self.actor]
        if self.quad_class is not None:
            clauses.append(f"{t}quad_class = ?")
            params.append(self.quad_class)
        for value, op in ((self.since, ">="), (self.until, "<=")):
            if value is not None:
                clauses.append(f'{t}"date" {op} ?')
                params.append(value)
        if self.country is not None:
            clauses.append(f"{t}location_country = ?")
            params.append(self.country)
        if self.place is not None:
            clauses.append(f"{t}location_name ILIKE ? ESCAPE '\\'")
            params.append(f"%{_escape_like(self.place.strip())}%")
        if self.article_id is not None:
            clauses.append(f"{t}article_id = ?")
            params.append(self.article_id)
        if self.asserted_only:
            clauses.append(f"{t}modality = 'asserted' AND NOT {t}negated")
        return (" AND ".join(clauses) or "TRUE"), params


def _escape_like(text: str) -> str:
    """Escape LIKE wildcards so that a user's "%" or "_" matches itself."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@contextlib.contextmanager
def _cursor(store: EventStore) -> Iterator[duckdb.DuckDBPyConnection]:
    with _OPEN_LOCK:
        cursor = store.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def read_rows(store: EventStore, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one read query on a cursor of its own; translate DuckDB errors into StoreError."""
    try:
        with _cursor(store) as cursor:
            rows: list[tuple[Any, ...]] = cursor.execute(sql, list(params)).fetchall()
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot read the event store {store.path}: {exc}; check that it was written "
            "by this version of Thucydides"
        ) from exc
    return rows


def _check_page(limit: int, offset: int) -> None:
    if isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        raise ConfigError(f"limit must be from 1 to {MAX_PAGE}, got {limit!r}")
    if isinstance(offset, bool) or offset < 0:
        raise ConfigError(f"offset must be 0 or more, got {offset!r}")


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of matching events, with the number of all matches."""

    total: int
    limit: int
    offset: int
    events: tuple[Event, ...] = field(default_factory=tuple)


def find_events(
    store: EventStore, where: EventFilter | None = None, *, limit: int = 50, offset: int = 0
) -> EventPage:
    """Return one page of events matching ``where``, in the store's order (date, article, sentence)."""
    _check_page(limit, offset)
    condition, params = (where or EventFilter()).where()
    [(total,)] = read_rows(store, f"SELECT count(*) FROM events WHERE {condition}", params)
    rows = read_rows(
        store,
        f"SELECT {EVENT_SELECT} FROM events WHERE {condition} ORDER BY {EVENT_ORDER} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return EventPage(int(total), limit, offset, tuple(event_from_row(row) for row in rows))


@dataclass(frozen=True, slots=True)
class QuotePage:
    """One page of quotes, with the number of all matches."""

    total: int
    limit: int
    offset: int
    quotes: tuple[Quote, ...] = field(default_factory=tuple)


def find_quotes(
    store: EventStore,
    *,
    speaker: str | None = None,
    article_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> QuotePage:
    """Return one page of quotes; ``speaker`` matches the speaker's code prefix, name or words."""
    _check_page(limit, offset)
    clauses: list[str] = []
    params: list[Any] = []
    if speaker is not None:
        words = f"%{_escape_like(speaker.strip())}%"
        clauses.append(
            "(speaker_name ILIKE ? ESCAPE '\\' OR speaker_words ILIKE ? ESCAPE '\\' "
            "OR coalesce(starts_with(speaker_code, ?), false))"
        )
        params += [words, words, speaker.strip().upper()]
    if article_id is not None:
        clauses.append("article_id = ?")
        params.append(article_id)
    condition = " AND ".join(clauses) or "TRUE"
    [(total,)] = read_rows(store, f"SELECT count(*) FROM quotes WHERE {condition}", params)
    names = ", ".join(f'"{name}"' for name, _ in QUOTE_COLUMNS)
    rows = read_rows(
        store,
        f'SELECT {names} FROM quotes WHERE {condition} ORDER BY article_id, "start" LIMIT ? OFFSET ?',
        [*params, limit, offset],
    )
    return QuotePage(int(total), limit, offset, tuple(quote_from_row(row) for row in rows))


@dataclass(frozen=True, slots=True)
class LocationCount:
    """How many matching events happened at one resolved place."""

    location: Location
    events: int


def location_counts(
    store: EventStore, where: EventFilter | None = None, *, limit: int = 1000
) -> list[LocationCount]:
    """Return the places of matching events that have coordinates, most events first."""
    if isinstance(limit, bool) or limit < 1:
        raise ConfigError(f"limit must be 1 or more, got {limit!r}")
    condition, params = (where or EventFilter()).where()
    columns = (
        "location_name, location_country, location_admin1, location_lat, location_lon, "
        "location_geonames_id, location_precision, location_feature_class"
    )
    rows = read_rows(
        store,
        f"SELECT {columns}, count(*) AS n FROM events "
        f"WHERE location_lat IS NOT NULL AND location_lon IS NOT NULL AND {condition} "
        f"GROUP BY ALL ORDER BY n DESC, location_name LIMIT ?",
        [*params, limit],
    )
    return [LocationCount(Location(*row[:8]), int(row[8])) for row in rows]
