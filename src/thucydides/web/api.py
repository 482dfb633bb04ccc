"""The JSON API: events, dyad series, articles, actors, quotes and event locations.

Every endpoint is a GET that reads the newest snapshot of the store
(:class:`~thucydides.store.live.LiveStore`): each request leases one snapshot for its
whole length, so its answer is consistent even while a coding run writes. Parameters are declared with their bounds and patterns, so FastAPI rejects
malformed ones with 422 before any query runs; checks that need two values
(``since`` after ``until``, ``partner`` without ``actor``) raise ConfigError,
which the app turns into 400. The shapes are documented in the OpenAPI schema
at ``/openapi.json`` (and readable at ``/docs``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from thucydides.analysis import (
    MAX_PAGE,
    DyadPeriod,
    EventFilter,
    dyad_series,
    find_events,
    find_quotes,
    location_counts,
    search_actors,
    top_actors,
)
from thucydides.analysis.query import read_rows
from thucydides.records import UNIDENTIFIED, Event, Location, Place, Quote
from thucydides.store import EventStore
from thucydides.store.live import LiveStore
from thucydides.store.schema import PLACE_COLUMNS, place_from_row
from thucydides.web.labels import UNIDENTIFIED_LABEL, actor_name

__all__ = ["ARTICLE_ID", "ErrorResponse", "StoreLease", "load_article", "router"]

#: An actor code or its prefix, or CAMEO's unidentified actor "---" (whole: no prefix of it).
ACTOR_PATTERN: Final = r"^(?:[A-Za-z0-9]{1,32}|---)$"
CODE_PATTERN: Final = r"^[0-9]{1,4}$"
COUNTRY_PATTERN: Final = r"^[A-Za-z]{3}$"
#: Article ids are the inputs' own (any text from a JSONL ``id``) or hash prefixes: any
#: printable text up to 300 characters; slashes are allowed (the route takes a path).
ARTICLE_ID: Final = r"^[^\x00-\x1f\x7f]{1,300}$"


class ErrorDetail(BaseModel):
    """One problem with the request: where it is and what is wrong."""

    location: str = Field(description="the parameter, e.g. 'query.limit'")
    message: str


class ErrorResponse(BaseModel):
    """The body of every 4xx (and 5xx) answer."""

    error: str = Field(description="what went wrong and how to fix it, in one sentence")
    details: list[ErrorDetail] = Field(default_factory=list)


_ERRORS: Final[dict[int | str, dict[str, object]]] = {
    400: {"model": ErrorResponse, "description": "Parameters that contradict each other"},
    422: {"model": ErrorResponse, "description": "A malformed or out-of-range parameter"},
}

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)


def _lease(request: Request) -> Iterator[EventStore]:
    """Lend the request the snapshot being served, until its answer is built."""
    live: LiveStore = request.app.state.live
    with live.lease() as store:
        yield store


#: The store a request reads: one consistent snapshot for the whole request.
StoreLease = Annotated[EventStore, Depends(_lease)]


# -- shared parameters --------------------------------------------------------------------------

Source = Annotated[
    str | None,
    Query(
        pattern=ACTOR_PATTERN,
        description="Source actor code prefix (RUS matches RUSGOV); --- is the unidentified actor.",
    ),
]
Target = Annotated[
    str | None, Query(pattern=ACTOR_PATTERN, description="Target actor code prefix.")
]
Actor = Annotated[
    str | None, Query(pattern=ACTOR_PATTERN, description="Actor code prefix, on either side.")
]
Partner = Annotated[
    str | None,
    Query(
        pattern=ACTOR_PATTERN,
        description="With actor: only events between actor and partner, in either direction.",
    ),
]
Code = Annotated[
    str | None,
    Query(pattern=CODE_PATTERN, description='CAMEO event code prefix ("04" matches "042").'),
]
QuadClass = Annotated[
    int | None,
    Query(
        ge=1,
        le=4,
        description="1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.",
    ),
]
Since = Annotated[dt.date | None, Query(description="First event date, YYYY-MM-DD (inclusive).")]
Until = Annotated[dt.date | None, Query(description="Last event date, YYYY-MM-DD (inclusive).")]
Country = Annotated[
    str | None,
    Query(pattern=COUNTRY_PATTERN, description="ISO 3166 alpha-3 country of the event's location."),
]
PlaceName = Annotated[
    str | None,
    Query(min_length=1, max_length=100, description="Part of the event location's name."),
]
ArticleParam = Annotated[
    str | None, Query(pattern=ARTICLE_ID, description="Only events of this article.")
]
AssertedOnly = Annotated[
    bool, Query(description="Only events reported as happened (asserted, not negated).")
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}.")]
Offset = Annotated[int, Query(ge=0, le=100_000_000, description="Matches to skip.")]


# -- events -------------------------------------------------------------------------------------


class EventPageResponse(BaseModel):
    """One page of events and the number of all matches."""

    total: int
    limit: int
    offset: int
    events: list[Event]


@router.get("/events", response_model=EventPageResponse, summary="Filter and page events")
def api_events(
    store: StoreLease,
    source: Source = None,
    target: Target = None,
    actor: Actor = None,
    partner: Partner = None,
    code: Code = None,
    quad_class: QuadClass = None,
    since: Since = None,
    until: Until = None,
    country: Country = None,
    place: PlaceName = None,
    article_id: ArticleParam = None,
    asserted_only: AssertedOnly = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> EventPageResponse:
    """Return stored events matching every filter, ordered by date, article and sentence.

    Each event carries its evidence: the sentence, the trigger and the actors'
    character offsets in the article text.
    """
    where = EventFilter(
        source=source, target=target, actor=actor, partner=partner, code=code,
        quad_class=quad_class, since=since, until=until, country=country, place=place,
        article_id=article_id, asserted_only=asserted_only,
    )  # fmt: skip
    page = find_events(store, where, limit=limit, offset=offset)
    return EventPageResponse(
        total=page.total, limit=page.limit, offset=page.offset, events=list(page.events)
    )


# -- dyad ---------------------------------------------------------------------------------------


class DyadResponse(BaseModel):
    """A dyad's events per period (gap-free), with the options that produced it."""

    a: str
    b: str
    freq: str
    directed: bool
    scale: str
    include_unasserted: bool
    total: int = Field(description="dated events in the series")
    undated: int = Field(description="events of the dyad with no date (not in any period)")
    periods: list[DyadPeriod]


@router.get("/dyad", response_model=DyadResponse, summary="Dyad time series")
def api_dyad(
    store: StoreLease,
    a: Annotated[str, Query(pattern=ACTOR_PATTERN, description="First actor code prefix.")],
    b: Annotated[str, Query(pattern=ACTOR_PATTERN, description="Second actor code prefix.")],
    freq: Annotated[Literal["day", "week", "month", "year"], Query()] = "month",
    directed: Annotated[bool, Query(description="Only a as source and b as target.")] = False,
    scale: Annotated[
        Literal["gdelt", "icews", "phoenix"], Query(description="Goldstein table.")
    ] = "gdelt",
    since: Since = None,
    until: Until = None,
    include_unasserted: Annotated[
        bool, Query(description="Also count pledges, plans, hypothetical and negated events.")
    ] = False,
) -> DyadResponse:
    """Return per period the dyad's counts per QuadClass and its Goldstein sum and mean."""
    series = dyad_series(
        store, a, b, freq=freq, directed=directed, scale=scale, since=since,
        until=until, include_unasserted=include_unasserted,
    )  # fmt: skip
    return DyadResponse(
        a=series.a, b=series.b, freq=series.freq, directed=series.directed, scale=series.scale,
        include_unasserted=series.include_unasserted, total=series.total,
        undated=series.undated, periods=list(series.periods),
    )  # fmt: skip


# -- articles -----------------------------------------------------------------------------------


class ArticleResponse(BaseModel):
    """An article's text with everything coded from it; offsets index into ``text``."""

    article_id: str
    title: str | None
    url: str | None
    publisher: str | None
    published: str | None
    text: str
    events: list[Event]
    quotes: list[Quote]
    places: list[Place]


def load_article(store: EventStore, article_id: str) -> ArticleResponse:
    """Return the article with its events, quotes and places; raise 404 when it is not stored."""
    rows = read_rows(
        store,
        "SELECT article_id, title, url, publisher, published, text FROM articles "
        "WHERE article_id = ? ORDER BY coded_at LIMIT 1",
        [article_id],
    )
    if not rows:
        raise HTTPException(
            status_code=404,
            detail=f"no article with id {article_id!r} in this database; "
            "find ids in the events (article_id)",
        )
    ident, title, url, publisher, published, text = rows[0]
    events = find_events(store, EventFilter(article_id=article_id), limit=MAX_PAGE).events
    quotes = find_quotes(store, article_id=article_id, limit=MAX_PAGE).quotes
    names = ", ".join(f'"{name}"' for name, _ in PLACE_COLUMNS)
    places = [
        place_from_row(row)
        for row in read_rows(
            store,
            f'SELECT {names} FROM places WHERE article_id = ? ORDER BY "start" LIMIT ?',
            [article_id, MAX_PAGE],
        )
    ]
    return ArticleResponse(
        article_id=ident, title=title, url=url, publisher=publisher,
        published=published.isoformat() if published else None, text=text,
        events=list(events), quotes=list(quotes), places=places,
    )  # fmt: skip


@router.get(
    "/articles/{article_id:path}",
    response_model=ArticleResponse,
    summary="One article with its events and quotes",
    responses={404: {"model": ErrorResponse, "description": "No such article"}},
)
def api_article(
    store: StoreLease,
    article_id: Annotated[str, Path(pattern=ARTICLE_ID, description="The article's id.")],
) -> ArticleResponse:
    """Return the article text with its events, quotes and places (up to 500 of each)."""
    return load_article(store, article_id)


# -- actors -------------------------------------------------------------------------------------


class ActorCount(BaseModel):
    """An actor code and how many events it took part in."""

    code: str
    name: str | None = Field(description='the actor\'s usual name; "unidentified" for "---"')
    as_source: int
    as_target: int
    total: int


class ActorsResponse(BaseModel):
    """Actors matching the search (or the most active ones), most active first."""

    query: str | None
    actors: list[ActorCount]


@router.get("/actors", response_model=ActorsResponse, summary="Search actors")
def api_actors(
    store: StoreLease,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            description="Code prefix or part of a name; leave out for the most active actors.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ActorsResponse:
    """Return actor codes whose code starts with ``q`` or whose name or mention contains it.

    The unidentified actor ``---`` is also found by the start of its label ("unid").
    """
    if q is None:
        found = top_actors(store, limit=limit, include_unasserted=True)
    else:
        found = search_actors(store, q, limit=limit)
        words = q.strip().lower()
        if len(words) >= 3 and UNIDENTIFIED_LABEL.startswith(words):
            codes = {a.code for a in found}
            extra = [a for a in search_actors(store, UNIDENTIFIED, limit=1) if a.code not in codes]
            found = sorted([*found, *extra], key=lambda a: (-a.total, a.code))[:limit]
    return ActorsResponse(
        query=q,
        actors=[
            ActorCount(
                code=a.code,
                name=actor_name(a.code, a.name),
                as_source=a.as_source,
                as_target=a.as_target,
                total=a.total,
            )
            for a in found
        ],
    )


# -- quotes -------------------------------------------------------------------------------------


class QuotePageResponse(BaseModel):
    """One page of quotes and the number of all matches."""

    total: int
    limit: int
    offset: int
    quotes: list[Quote]


@router.get("/quotes", response_model=QuotePageResponse, summary="Quotes and reported speech")
def api_quotes(
    store: StoreLease,
    speaker: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Speaker code prefix, name or words."),
    ] = None,
    article_id: ArticleParam = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> QuotePageResponse:
    """Return stored quotes with their speakers and offsets, by article and position."""
    page = find_quotes(store, speaker=speaker, article_id=article_id, limit=limit, offset=offset)
    return QuotePageResponse(
        total=page.total, limit=page.limit, offset=page.offset, quotes=list(page.quotes)
    )


# -- locations ----------------------------------------------------------------------------------


class LocationEvents(BaseModel):
    """A resolved place and the number of matching events there."""

    location: Location
    events: int


class LocationsResponse(BaseModel):
    """Places of matching events that have coordinates, most events first."""

    locations: list[LocationEvents]


@router.get("/locations", response_model=LocationsResponse, summary="Where events happened")
def api_locations(
    store: StoreLease,
    source: Source = None,
    target: Target = None,
    actor: Actor = None,
    partner: Partner = None,
    code: Code = None,
    quad_class: QuadClass = None,
    since: Since = None,
    until: Until = None,
    country: Country = None,
    asserted_only: AssertedOnly = False,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> LocationsResponse:
    """Return event counts per resolved place (for the map); filters as for /api/events."""
    where = EventFilter(
        source=source, target=target, actor=actor, partner=partner, code=code,
        quad_class=quad_class, since=since, until=until, country=country,
        asserted_only=asserted_only,
    )  # fmt: skip
    found = location_counts(store, where, limit=limit)
    return LocationsResponse(
        locations=[LocationEvents(location=c.location, events=c.events) for c in found]
    )
