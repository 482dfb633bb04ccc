"""Cut an article's text into runs that carry the marks (triggers, actors, quotes) covering them.

Marks may overlap or nest (a trigger inside a quote, one actor in two events):
the text is cut at every mark boundary, and each run lists every mark over it,
so the page can style a run by all its marks and light up one event's runs.
Offsets outside the text are clipped; empty marks are dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from thucydides.records import Event, Quote

__all__ = ["Mark", "Run", "article_marks", "runs"]


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of the text to show: ``kind`` is trigger, source, target or quote."""

    start: int
    end: int
    kind: str
    key: str  # the event id (or "q<N>" for the N-th quote) the mark belongs to


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text and the kinds and keys of the marks covering all of it."""

    text: str
    kinds: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()


def article_marks(events: Iterable[Event], quotes: Iterable[Quote]) -> list[Mark]:
    """Return the marks of events (trigger and actors) and quotes, in article offsets."""
    marks: list[Mark] = []
    for event in events:
        marks.append(Mark(event.evidence.start, event.evidence.end, "trigger", event.event_id))
        for kind, actor in (("source", event.source), ("target", event.target)):
            if actor is not None and actor.end > actor.start:
                marks.append(Mark(actor.start, actor.end, kind, event.event_id))
    for number, quote in enumerate(quotes):
        marks.append(Mark(quote.start, quote.end, "quote", f"q{number}"))
    return marks


def runs(text: str, marks: Sequence[Mark]) -> list[Run]:
    """Return ``text`` as consecutive runs, each with the marks that cover it."""
    size = len(text)
    spans = [
        (max(0, m.start), min(size, m.end), m) for m in marks if min(size, m.end) > max(0, m.start)
    ]
    cuts = sorted({0, size, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    result: list[Run] = []
    for start, end in itertools.pairwise(cuts):
        covering = [m for s, e, m in spans if s <= start and end <= e]
        kinds = tuple(sorted({m.kind for m in covering}))
        keys = tuple(dict.fromkeys(m.key for m in covering))
        result.append(Run(text[start:end], kinds, keys))
    return result
