"""Rank and find actors: how often each actor code is a source or a target of events.

An actor here is a full CAMEO actor code ("KAZGOV"); its ``name`` is the
canonical name most often attached to that code in the store (None when the
knowledge base had none). Like the dyad counts, :func:`top_actors` counts only
events the text reports as happened unless ``include_unasserted`` is set;
:func:`search_actors` looks at every stored event, since it answers "is this
actor in the data at all".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from thucydides.analysis.query import EventFilter, read_rows
from thucydides.errors import ConfigError
from thucydides.store import EventStore

__all__ = ["ActorActivity", "search_actors", "top_actors"]

_MAX_LIMIT: Final = 10_000


@dataclass(frozen=True, slots=True)
class ActorActivity:
    """One actor code and the number of events it took part in, as source and as target."""

    code: str
    name: str | None
    as_source: int
    as_target: int

    @property
    def total(self) -> int:
        """Return the number of events the actor took part in, on either side."""
        return self.as_source + self.as_target


def _check_limit(limit: int) -> None:
    if isinstance(limit, bool) or not 1 <= limit <= _MAX_LIMIT:
        raise ConfigError(f"limit must be from 1 to {_MAX_LIMIT}, got {limit!r}")


def _ranked(
    store: EventStore, condition: str, params: list[Any], having: str, having_params: list[Any]
) -> list[ActorActivity]:
    rows = read_rows(
        store,
        f"""WITH sides AS (
                SELECT source_code AS code, source_name AS name, source_text AS words,
                       1 AS s, 0 AS t
                FROM events WHERE {condition}
                UNION ALL
                SELECT target_code, target_name, target_text, 0, 1
                FROM events WHERE target_code IS NOT NULL AND {condition}
            )
            SELECT code, mode(name), sum(s), sum(t) FROM sides
            GROUP BY code {having}
            ORDER BY count(*) DESC, code LIMIT ?""",
        [*params, *params, *having_params],
    )
    return [ActorActivity(code, name, int(s), int(t)) for code, name, s, t in rows]


def top_actors(
    store: EventStore,
    *,
    limit: int = 20,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    include_unasserted: bool = False,
) -> list[ActorActivity]:
    """Return the ``limit`` actor codes in the most events, most active first (ties by code)."""
    _check_limit(limit)
    where = EventFilter(since=since, until=until, asserted_only=not include_unasserted)
    condition, params = where.where()
    return _ranked(store, condition, params, "", [limit])


def search_actors(store: EventStore, query: str, *, limit: int = 20) -> list[ActorActivity]:
    """Return actor codes starting with ``query``, or whose name or mention contains it.

    Matching ignores case; the most active actors come first.
    """
    _check_limit(limit)
    words = query.strip()
    if not words:
        raise ConfigError("the actor search needs some text (a code such as RUS, or a name)")
    like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    having = (
        "HAVING starts_with(code, ?) OR bool_or(name ILIKE ? ESCAPE '\\') "
        "OR bool_or(words ILIKE ? ESCAPE '\\')"
    )
    return _ranked(store, "TRUE", [], having, [words.upper(), like, like, limit])
