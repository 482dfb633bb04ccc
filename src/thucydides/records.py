"""Typed records: the only things that cross module boundaries or leave a worker.

All records are frozen dataclasses made of plain values (str, int, float, bool,
tuples and other records), so they pickle cheaply, compare by value and can be
written to JSON, CSV or DuckDB without any spaCy object attached.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


class Modality(enum.StrEnum):
    """How the text presents an event.

    Only ``ASSERTED`` events are reported as having happened. The others are kept,
    marked, so that users can count or drop them.
    """

    ASSERTED = "asserted"  # the text reports the event as fact
    INTENT = "intent"  # a pledge, promise, offer or willingness (CAMEO 03x where it exists)
    FUTURE = "future"  # scheduled or planned ("will visit", "next week")
    CONDITIONAL = "conditional"  # depends on a condition ("if ...")
    HYPOTHETICAL = "hypothetical"  # may/might/could; possibility only
    QUESTION = "question"  # asked, not asserted
    SPECULATIVE = "speculative"  # a third party's expectation ("analysts say ... likely")


class RejectReason(enum.StrEnum):
    """Why an input was not coded. Stored in the ``rejections`` table."""

    EMPTY = "empty"
    BINARY = "binary"
    ENCODING = "encoding"
    TOO_LARGE = "too_large"
    MALFORMED = "malformed"
    UNREADABLE = "unreadable"
    DUPLICATE = "duplicate"
    NOT_ENGLISH = "not_english"
    CODER_ERROR = "coder_error"  # the coder itself failed on this article: a bug to report


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as read from any input format.

    ``article_id`` is the caller's id when the input gives one (a JSONL ``id``),
    else derived from the content hash. ``content_hash`` (SHA-256 of the text) is
    the store's idempotency key: the same text is never stored twice.
    """

    article_id: str
    text: str
    content_hash: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD, when the input or the user says so
    origin: str | None = None  # where it was read from: a path, "path:line", "<stdin>"
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be coded, with the reason and a human-readable detail."""

    origin: str
    reason: RejectReason
    detail: str
    content_hash: str | None = None


# CAMEO's code for an actor of unknown identity (PETRARCH's convention): the source of
# "a roadside bombing killed ...", where the text names no perpetrator
UNIDENTIFIED = "---"


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved actor mention.

    ``code`` is a full CAMEO actor code ("KAZGOV", "RUS", "IGOUNO"); ``country`` is
    the ISO 3166 alpha-3 code or ``None`` for international and transnational
    actors; ``sectors`` are the three-letter role codes in order ("GOV",). ``start``
    and ``end`` are character offsets of the mention in the article text.
    ``reason`` says which rule or knowledge entry decided the code.
    """

    text: str
    code: str
    country: str | None
    sectors: tuple[str, ...] = ()
    name: str | None = None
    start: int = 0
    end: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence an event comes from, its trigger and their character offsets."""

    sentence: str
    trigger: str
    start: int  # trigger start, in the article text
    end: int  # trigger end, in the article text
    sentence_start: int = 0
    sentence_end: int = 0


@dataclass(frozen=True, slots=True)
class Location:
    """A resolved place: where an event happened or a toponym points.

    ``precision`` says how exact it is: "site" (a named facility), "city",
    "admin1" (a province or state), "country" or "region" (wider than a country).
    ``country`` is ISO 3166 alpha-3; ``geonames_id`` is the GeoNames id when known.
    """

    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    precision: str
    feature_class: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A toponym found in an article, with its offsets and resolved location."""

    article_id: str
    text: str
    start: int
    end: int
    location: Location
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    """Words an article attributes to a speaker: a direct quote or reported (indirect) speech.

    ``start``/``end`` are the quoted words' offsets in the article text; ``speaker``
    is the resolved actor when the attribution could be resolved.
    """

    article_id: str
    text: str
    start: int
    end: int
    kind: str  # "direct" | "indirect"
    speaker: Actor | None
    speaker_text: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event: who did what to whom, when, and the sentence that says so.

    ``cameo_code`` is a string with its leading zero ("042"). ``plover_type``,
    ``quad_class`` and ``goldstein`` are derived from the versioned ontology
    tables (see :mod:`thucydides.ontology`), named in ``goldstein_table`` and
    ``quad_class_scheme``.
    """

    event_id: str
    article_id: str
    sentence_index: int
    date: str | None
    source: Actor
    target: Actor | None
    cameo_code: str
    cameo_root: str
    cameo_name: str
    plover_type: str | None
    quad_class: int
    goldstein: float
    negated: bool
    modality: Modality
    evidence: Evidence
    goldstein_table: str = "gdelt"
    quad_class_scheme: str = "gdelt"
    location: Location | None = None
    future: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the event as plain JSON-ready values (the JSONL record)."""
        data = asdict(self)
        data["modality"] = str(self.modality)
        for side in ("source", "target"):
            actor = data[side]
            if actor is not None:
                actor["sectors"] = list(actor["sectors"])
        return data


@dataclass(frozen=True, slots=True)
class CodedArticle:
    """An article with everything coded from it."""

    article: Article
    events: tuple[Event, ...] = field(default_factory=tuple)
    places: tuple[Place, ...] = field(default_factory=tuple)
    quotes: tuple[Quote, ...] = field(default_factory=tuple)
    error: str | None = None  # set when coding failed; the article is then rejected, not stored
    reason: RejectReason = RejectReason.CODER_ERROR  # why, when ``error`` is set

    def rejection(self) -> Rejection | None:
        """Return the rejection to record when coding this article failed, else None."""
        if self.error is None:
            return None
        origin = self.article.origin or self.article.article_id
        return Rejection(origin, self.reason, self.error, self.article.content_hash)
