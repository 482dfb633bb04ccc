"""The event store's table layout and the conversion between records and rows.

Every table is declared once, as (column, DuckDB type) pairs, and that single
declaration drives CREATE TABLE, INSERT and the rebuilding of records. The
tables are documented in :mod:`thucydides.store.duckdb_store`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Final

from thucydides.errors import ConfigError, StoreError
from thucydides.records import Actor, Article, Event, Evidence, Location, Modality, Place, Quote

#: Version of the table layout described in this module's docstring.
SCHEMA_VERSION: Final = 2

# (column, DuckDB type) for every table, in table order: the single source for both
# CREATE TABLE and INSERT.
ARTICLE_COLUMNS: Final = (
    ("content_hash", "VARCHAR PRIMARY KEY"),
    ("article_id", "VARCHAR NOT NULL"),
    ("title", "VARCHAR"),
    ("url", "VARCHAR"),
    ("publisher", "VARCHAR"),
    ("published", "DATE"),
    ("origin", "VARCHAR"),
    ("lang", "VARCHAR NOT NULL"),
    ("text", "VARCHAR NOT NULL"),
    ("n_chars", "INTEGER NOT NULL"),
    ("n_events", "INTEGER NOT NULL"),
    ("coded_at", "TIMESTAMP NOT NULL"),
    ("run_id", "VARCHAR NOT NULL"),
)


# Actor field -> DuckDB type; each actor becomes source_<field> and target_<field> columns.
_ACTOR_FIELDS: Final = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "country": "VARCHAR",
    "sectors": "VARCHAR[]",
    "name": "VARCHAR",
    "start": "INTEGER",
    "end": "INTEGER",
    "reason": "VARCHAR",
}
# events column -> Evidence field.
_EVIDENCE_FIELDS: Final = {
    "sentence": "sentence",
    "trigger": "trigger",
    "trigger_start": "start",
    "trigger_end": "end",
    "sentence_start": "sentence_start",
    "sentence_end": "sentence_end",
}


# Location field -> DuckDB type; events get location_<field>, places get <field>.
LOCATION_FIELDS: Final = {
    "name": "VARCHAR",
    "country": "VARCHAR",
    "admin1": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "geonames_id": "BIGINT",
    "precision": "VARCHAR",
    "feature_class": "VARCHAR",
}


def _actor_columns(side: str, *, required: bool) -> tuple[tuple[str, str], ...]:
    """Return the flattened columns of one actor (``source`` or ``target``)."""
    not_null = " NOT NULL" if required else ""
    return tuple(
        (f"{side}_{name}", kind + ("" if name in ("country", "name") else not_null))
        for name, kind in _ACTOR_FIELDS.items()
    )


EVENT_COLUMNS: Final = (
    ("event_id", "VARCHAR PRIMARY KEY"),
    ("article_id", "VARCHAR NOT NULL"),
    ("content_hash", "VARCHAR NOT NULL"),
    ("sentence_index", "INTEGER NOT NULL"),
    ("date", "DATE"),
    *_actor_columns("source", required=True),
    *_actor_columns("target", required=False),
    ("cameo_code", "VARCHAR NOT NULL"),
    ("cameo_root", "VARCHAR NOT NULL"),
    ("cameo_name", "VARCHAR NOT NULL"),
    ("plover_type", "VARCHAR"),
    ("quad_class", "INTEGER NOT NULL"),
    ("goldstein", "DOUBLE NOT NULL"),
    ("negated", "BOOLEAN NOT NULL"),
    ("modality", "VARCHAR NOT NULL"),
    ("sentence", "VARCHAR NOT NULL"),
    ("trigger", "VARCHAR NOT NULL"),
    *((name, "INTEGER NOT NULL") for name in tuple(_EVIDENCE_FIELDS)[2:]),
    ("goldstein_table", "VARCHAR NOT NULL"),
    ("quad_class_scheme", "VARCHAR NOT NULL"),
    *((f"location_{name}", kind) for name, kind in LOCATION_FIELDS.items()),
    ("future", "BOOLEAN NOT NULL"),
)

REJECTION_COLUMNS: Final = (
    ("origin", "VARCHAR NOT NULL"),
    ("reason", "VARCHAR NOT NULL"),
    ("detail", "VARCHAR NOT NULL"),
    ("content_hash", "VARCHAR"),
    ("rejected_at", "TIMESTAMP NOT NULL"),
    ("run_id", "VARCHAR NOT NULL"),
)

PLACE_COLUMNS: Final = (
    ("article_id", "VARCHAR NOT NULL"),
    ("content_hash", "VARCHAR NOT NULL"),
    ("text", "VARCHAR NOT NULL"),
    ("start", "INTEGER NOT NULL"),
    ("end", "INTEGER NOT NULL"),
    *LOCATION_FIELDS.items(),
    ("reason", "VARCHAR NOT NULL"),
)

QUOTE_COLUMNS: Final = (
    ("article_id", "VARCHAR NOT NULL"),
    ("content_hash", "VARCHAR NOT NULL"),
    ("kind", "VARCHAR NOT NULL"),
    ("text", "VARCHAR NOT NULL"),
    ("start", "INTEGER NOT NULL"),
    ("end", "INTEGER NOT NULL"),
    ("speaker_words", "VARCHAR"),
    *_actor_columns("speaker", required=False),
)

TABLES: Final = {
    "articles": ARTICLE_COLUMNS,
    "events": EVENT_COLUMNS,
    "rejections": REJECTION_COLUMNS,
    "places": PLACE_COLUMNS,
    "quotes": QUOTE_COLUMNS,
}

EVENT_NAMES: Final = tuple(name for name, _ in EVENT_COLUMNS)
EVENT_SELECT: Final = ", ".join(f'"{name}"' for name in EVENT_NAMES)
EVENT_ORDER: Final = '"date", "article_id", "sentence_index", "event_id"'
FETCH_ROWS: Final = 1000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAMAGED: Final = "the file is damaged or was not written by Thucydides"


def base_type(kind: str) -> str:
    """Return the bare DuckDB type of a column definition ("VARCHAR NOT NULL" -> "VARCHAR")."""
    return kind.split(" ", 1)[0]


def _parse_date(value: object) -> dt.date | None:
    """Return a YYYY-MM-DD string as a date, or None when it is not one."""
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def to_date(value: str | None, what: str) -> dt.date | None:
    """Parse a record's YYYY-MM-DD date (or None), raising StoreError naming ``what`` if malformed."""
    if value is None:
        return None
    parsed = _parse_date(value)
    if parsed is None:
        raise StoreError(
            f"{what} has date {value!r}, which is not a YYYY-MM-DD date; fix it before storing"
        )
    return parsed


def option_date(name: str, value: str) -> dt.date:
    """Parse a ``since``/``until`` option, raising ConfigError when it is not YYYY-MM-DD."""
    parsed = _parse_date(value)
    if parsed is None:
        raise ConfigError(
            f"{name} must be a date written YYYY-MM-DD, got {value!r} (e.g. 2024-03-05)"
        )
    return parsed


def check_article(article: Article, events: Sequence[Event]) -> None:
    """Raise StoreError if the article or its events cannot be stored as they are."""
    to_date(article.published, f"article {article.article_id!r}")
    for event in events:
        if event.article_id != article.article_id:
            raise StoreError(
                f"event {event.event_id!r} belongs to article {event.article_id!r}, not "
                f"{article.article_id!r}; store each article with its own events"
            )
        to_date(event.date, f"event {event.event_id!r}")


def article_row(article: Article, n_events: int, now: dt.datetime, run_id: str) -> tuple[Any, ...]:
    """Return the ``articles`` row of an article, in column order."""
    return (
        article.content_hash,
        article.article_id,
        article.title,
        article.url,
        article.publisher,
        to_date(article.published, f"article {article.article_id!r}"),
        article.origin,
        article.lang,
        article.text,
        len(article.text),
        n_events,
        now,
        run_id,
    )


def event_row(event: Event, content_hash: str) -> tuple[Any, ...]:
    """Return the ``events`` row of an event, in column order."""
    values: dict[str, Any] = {
        "content_hash": content_hash,
        "date": to_date(event.date, f"event {event.event_id!r}"),
        "modality": str(event.modality),
    }
    for side in ("source", "target"):
        actor = getattr(event, side)
        for name in _ACTOR_FIELDS:
            value = None if actor is None else getattr(actor, name)
            values[f"{side}_{name}"] = list(value) if isinstance(value, tuple) else value
    for column, name in _EVIDENCE_FIELDS.items():
        values[column] = getattr(event.evidence, name)
    for name in LOCATION_FIELDS:
        values[f"location_{name}"] = (
            None if event.location is None else getattr(event.location, name)
        )
    return tuple(values[c] if c in values else getattr(event, c) for c in EVENT_NAMES)


def place_row(place: Place, content_hash: str) -> tuple[Any, ...]:
    """Return the ``places`` row of a toponym, in column order."""
    location = tuple(getattr(place.location, name) for name in LOCATION_FIELDS)
    return (
        place.article_id,
        content_hash,
        place.text,
        place.start,
        place.end,
        *location,
        place.reason,
    )


def quote_row(quote: Quote, content_hash: str) -> tuple[Any, ...]:
    """Return the ``quotes`` row of a quote, in column order."""
    speaker = quote.speaker
    actor = tuple(
        None
        if speaker is None
        else (list(v) if isinstance(v := getattr(speaker, name), tuple) else v)
        for name in _ACTOR_FIELDS
    )
    return (
        quote.article_id,
        content_hash,
        quote.kind,
        quote.text,
        quote.start,
        quote.end,
        quote.speaker_text,
        *actor,
    )


def _location(values: dict[str, Any], prefix: str) -> Location | None:
    fields = {name: values[f"{prefix}{name}"] for name in LOCATION_FIELDS}
    if fields["name"] is None:
        return None
    return Location(**fields)


def place_from_row(row: Sequence[Any]) -> Place:
    """Rebuild a Place from a ``places`` row selected in column order."""
    values = dict(zip((name for name, _ in PLACE_COLUMNS), row, strict=True))
    location = _location(values, "")
    assert location is not None, "places rows always have a name"
    return Place(
        values["article_id"],
        values["text"],
        values["start"],
        values["end"],
        location,
        values["reason"],
    )


def quote_from_row(row: Sequence[Any]) -> Quote:
    """Rebuild a Quote from a ``quotes`` row selected in column order."""
    values = dict(zip((name for name, _ in QUOTE_COLUMNS), row, strict=True))
    return Quote(
        values["article_id"], values["text"], values["start"], values["end"], values["kind"],
        _actor(values, "speaker"), values["speaker_words"],
    )  # fmt: skip


def _actor(values: dict[str, Any], side: str) -> Actor | None:
    fields = {name: values[f"{side}_{name}"] for name in _ACTOR_FIELDS}
    if fields["code"] is None:
        return None
    fields["sectors"] = tuple(fields["sectors"] or ())
    return Actor(**fields)


def event_from_row(row: Sequence[Any]) -> Event:
    """Rebuild an Event from an ``events`` row selected in column order."""
    values = dict(zip(EVENT_NAMES, row, strict=True))
    actors = {side: _actor(values, side) for side in ("source", "target")}
    source = actors["source"]
    if source is None:
        raise StoreError(f"event {values['event_id']!r} has no source actor; {_DAMAGED}")
    evidence = Evidence(**{name: values[column] for column, name in _EVIDENCE_FIELDS.items()})
    kwargs = {f.name: values[f.name] for f in dataclasses.fields(Event) if f.name in values}
    date = values["date"]
    kwargs.update(
        date=date.isoformat() if date is not None else None,
        modality=Modality(values["modality"]),
        source=source,
        target=actors["target"],
        evidence=evidence,
        location=_location(values, "location_"),
    )
    return Event(**kwargs)
