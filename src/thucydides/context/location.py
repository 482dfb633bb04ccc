"""Choose where an event happened, from the places its article names.

The rules, in order (the first that gives a place wins):

1. a place attached to the event's own clause ("met *in Moscow*", "the talks *at
   Camp David*"): the most specific of them;
2. for visits, the most specific place in the sentence that lies in the visited
   party's country ("Nazarbaev's visit to Moscow");
3. a place the sentence introduces with a locative preposition, or a city or site it
   names, hanging from a verb (not buried in a noun phrase, "the use of the Baikonur
   cosmodrome in central Kazakhstan"), when it lies in a country of the event's actors;
4. the article's main place (its most mentioned city or site) when it lies in a
   country of the event's actors.

It returns the :class:`Place` (with its offsets), whose ``location`` the event takes.

Otherwise the location is unknown (None): an event is never put at a capital or a
country centroid by default, the error users of GDELT complain about most.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from thucydides.context.places import PRECISIONS, place_for_sentence
from thucydides.records import Actor, Place

_ATTACHING = frozenset({"prep", "pobj", "compound", "appos", "conj", "npadvmod", "nmod"})


def article_place(places: Sequence[Place]) -> Place | None:
    """Return the first mention of the article's most mentioned city or site (named twice or more)."""
    counts: Counter[tuple[str, str | None]] = Counter()
    first: dict[tuple[str, str | None], Place] = {}
    for place in places:
        if place.location.precision in ("site", "city"):
            key = (place.location.name, place.location.country)
            counts[key] += 1
            first.setdefault(key, place)
    if not counts:
        return None
    key, count = counts.most_common(1)[0]
    return first[key] if count >= 2 else None


def event_location(
    trigger: Token | None,
    places: Sequence[Place],
    *,
    base: int,
    sentence: tuple[int, int],
    source: Actor,
    target: Actor | None,
    visited: Actor | None,
    main_place: Place | None,
) -> Place | None:
    """Return where the event happened, or None when the text does not say (see module doc).

    ``visited`` is the party whose country a visit goes to, when the event is a visit.
    """
    start, end = sentence
    doc = trigger.doc if trigger is not None else None
    inside = [
        p
        for p in places
        if start <= p.start and p.end <= end and not _possessive(doc, p, base=base)
    ]
    countries = {a.country for a in (source, target) if a is not None and a.country}
    if trigger is not None:
        anchors = {trigger.i}
        if trigger.pos_ in ("NOUN", "PROPN") and trigger.head.pos_ in ("VERB", "AUX"):
            anchors.add(trigger.head.i)
        attached = [p for p in inside if _attached(trigger, p, base=base, anchors=anchors)]
        if attached:
            return _most_specific(attached)
    if visited is not None and visited.country:
        destinations = [p for p in inside if p.location.country == visited.country]
        if destinations:
            return _most_specific(destinations)
    verbal = [p for p in inside if doc is None or _on_a_verb(doc, p, base=base)]
    located = place_for_sentence(verbal, start, end)
    if located is not None and located.country in countries:
        return next(p for p in verbal if p.location is located)
    if main_place is not None and main_place.location.country in countries:
        return main_place
    return None


def _attached(trigger: Token, place: Place, *, base: int, anchors: set[int]) -> bool:
    """Return whether a place's words hang from the event's clause through prepositions."""
    doc = trigger.doc
    span = doc.char_span(place.start - base, place.end - base, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    while token.dep_ in _ATTACHING and token.head.i != token.i:
        token = token.head
        if token.i in anchors:
            return True
    return False


def _possessive(doc: Doc | None, place: Place, *, base: int) -> bool:
    """Return whether a place name is a possessive ("Kazakhstan's president"), not a location."""
    if doc is None:
        return False
    span = doc.char_span(place.start - base, place.end - base, alignment_mode="expand")
    return span is not None and span.root.dep_ == "poss"


def _on_a_verb(doc: Doc, place: Place, *, base: int) -> bool:
    """Return whether a place hangs from a verb through prepositions or as its object."""
    span = doc.char_span(place.start - base, place.end - base, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    while token.head.i != token.i:
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return True
        if token.pos_ in ("NOUN", "PROPN", "PRON"):
            return False
    return False


def _most_specific(places: Sequence[Place]) -> Place:
    def rank(place: Place) -> tuple[int, int]:
        precision = place.location.precision
        return (PRECISIONS.index(precision) if precision in PRECISIONS else 9, place.start)

    return min(places, key=rank)
