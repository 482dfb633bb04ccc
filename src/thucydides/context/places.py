"""Resolve every toponym of an article to a place, and pick the place of an event.

Names are looked up in a :class:`Gazetteer` (:mod:`.gazetteer`): GeoNames cities of
15,000 people or more, and our own table of countries, provinces, regions and sites.

:class:`PlaceResolver` reads one parsed block. Toponyms are the GPE, LOC and FAC
entities (or the known names inside them: "Brent South" → Brent), ORG entities
that name a known site ("Downing Street said"), multi-word gazetteer names the
NER missed ("Milton Keynes" tagged PERSON), and one-word names the NER missed
after a preposition or in a list of places ("from Gorebridge to Edinburgh",
"Maseru and Mbabane"). A name's candidates are narrowed and ranked:

1. a qualifier keeps those it allows: "Moscow, Idaho", "Basra in southern Iraq",
   "the Israeli city of Tel Aviv"; a name the gazetteer lacks but a qualifier
   places ("Pease Pottage, West Sussex") is located, coarser, at the qualifier;
2. a country name wins over its homonyms, except a province of the article's main
   country when the article does not name that country ("Georgia" in US news);
3. else the highest score: prominence (log10 of population for cities, +2.5 for a
   national capital, -1 when only an alternate name matched; fixed values for our
   own rows) plus 3 in the article's most named country, 2 in another it names.

:func:`place_for_sentence` applies the event location rule to the places found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from thucydides.actors.knowledge import KnowledgeBase, builtin_knowledge
from thucydides.context.gazetteer import (
    ALTERNATE_PENALTY,
    PRECISIONS,
    TABLE_COLUMNS,
    Candidate,
    Gazetteer,
    default_gazetteer,
    normalize_name,
)
from thucydides.records import Location, Place

__all__ = [
    "LOCATIVE_REASON",
    "PRECISIONS",
    "TABLE_COLUMNS",
    "Candidate",
    "Gazetteer",
    "PlaceResolver",
    "default_gazetteer",
    "normalize_name",
    "place_for_sentence",
]

LOCATIVE_REASON = "locative"  # a Place whose reason starts with this follows "in", "at" ...

_CONTEXT_BONUS = (3.0, 2.0)  # in the article's most named country; in another it names
_DOMINANT_MARGIN = 1.0  # ten times as prominent: the name points to one country
_CONTEXT_CITY = 5.0  # only cities this prominent (100,000 people) count as context

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_NAMES = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL", "LAW", "LANGUAGE"}
)
_LOCATIVE = frozenset(
    {"in", "at", "near", "outside", "inside", "within", "across", "throughout", "around", "off"}
)
_CUES = _LOCATIVE | {"from", "to", "into", "towards", "toward", "via", "through"}
_COMPASS = frozenset(
    {"central", "northern", "southern", "eastern", "western", "north", "south", "east", "west"}
    | {"north-east", "north-west", "south-east", "south-west", "nearby", "neighbouring"}
)
_PLACE_NOUNS = frozenset(
    {"city", "town", "village", "capital", "region", "province", "state", "port", "district"}
)
_CONNECTORS = frozenset({"of", "on", "upon", "-", "le", "de", "en", "el", "al", "'s"})
_LIST = frozenset({"and", "or", ","})
_PARTS = frozenset({",", "and", "in", "at"})  # split entities such as "People in England"
_FEATURES = frozenset(  # the feature, not the place, in "Edinburgh Airport", "George Street"
    {"Airport", "Hotel", "Station", "Street", "Road", "Square", "Hall", "House", "Palace"}
    | {"Centre", "Center", "Church", "Cathedral", "School", "University", "College", "Park"}
    | {"Hospital", "Prison", "Bridge", "Line", "Stadium", "Tower", "Court", "Council"}
)
_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Lord", "Lady", "Prof"})


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int  # token offsets in the doc
    end: int
    via: str  # how it was found, for the Place's reason
    sites_only: bool = False  # an ORG entity: only a site may be meant
    inner: bool = False  # a name inside a longer entity: trusted only near the article's countries


class PlaceResolver:
    """Find and resolve the toponyms of parsed text (rules in the module docstring)."""

    def __init__(
        self, gazetteer: Gazetteer | None = None, *, knowledge: KnowledgeBase | None = None
    ) -> None:
        self._gazetteer = gazetteer
        self._knowledge = knowledge

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer in use; the default one is built on first use."""
        if self._gazetteer is None:
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    @property
    def knowledge(self) -> KnowledgeBase:
        """The actor knowledge base that names countries, demonyms and organisations."""
        if self._knowledge is None:
            self._knowledge = builtin_knowledge()
        return self._knowledge

    def resolve(
        self, doc: Doc, *, article_id: str, base: int = 0, context_countries: Sequence[str] = ()
    ) -> list[Place]:
        """Return a Place for every toponym in ``doc``, offsets shifted by ``base``.

        ``context_countries`` are ISO3 codes of the countries the article names, most
        named first (:meth:`article_countries`); when empty, the doc's own are used.
        """
        context = tuple(context_countries) or tuple(self.article_countries([doc]))
        mentions = self._mentions(doc)
        resolved: dict[int, tuple[Location, str]] = {}
        for k in reversed(range(len(mentions))):  # right to left: "Moscow, Idaho" needs Idaho
            found = self._resolve_one(doc, mentions, k, resolved, context)
            if found is not None:
                resolved[k] = found
        places = []
        for k, (location, reason) in sorted(resolved.items()):
            span = doc[mentions[k].start : mentions[k].end]
            start, end = base + span.start_char, base + span.end_char
            places.append(Place(article_id, span.text, start, end, location, reason))
        return places

    def article_countries(self, docs: Iterable[Doc]) -> list[str]:
        """Return ISO3 codes of the countries the docs name, most often first.

        Counted: country names, demonyms, organisations and seats the knowledge base
        places in a country, and places whose name points to one country (every
        candidate in it, or a prominent one ten times ahead of the next).
        """
        counts: Counter[str] = Counter()
        for doc in docs:
            for ent in doc.ents:
                if ent.label_ in _PLACE_LABELS or ent.label_ in ("NORP", "ORG"):
                    country = self._country_of(ent.text, organization=ent.label_ == "ORG")
                    if country is not None:
                        counts[country] += 1
        return [code for code, _ in counts.most_common()]  # ties: first named first

    def _country_of(self, text: str, *, organization: bool) -> str | None:
        key = normalize_name(text)
        if organization and key in self.knowledge.homonyms:
            return None  # "BNP": which country's party is what the article decides
        actor = (
            self.knowledge.names.get(key) if organization else self.knowledge.adjectives.get(key)
        )
        if organization and actor is None:  # "Scottish Conservative Party", "UK Independence Party"
            first = key.split(" ", 1)[0]
            actor = self.knowledge.adjectives.get(first) or self.knowledge.names.get(first)
            actor = actor if actor is not None and actor.kind == "country" else None
        if organization or actor is not None:
            country = actor.country if actor is not None else None
            return country if country and len(country) == 3 else None  # former states: no ISO3
        pool = [c for c in self.gazetteer.lookup(key) if not c.needs_context]
        if not pool or {"country", "admin1"} <= {c.location.precision for c in pool}:
            return None  # unknown, or "Georgia": the country or a US state
        top = pool[0]
        if top.location.precision == "city" and top.prominence < _CONTEXT_CITY:
            return None  # "Woodbridge": a small US city, or a Suffolk town GeoNames lacks
        if len({c.location.country for c in pool}) == 1:
            return top.location.country
        ahead = top.prominence - pool[1].prominence >= _DOMINANT_MARGIN
        return top.location.country if ahead else None

    def _mentions(self, doc: Doc) -> list[_Mention]:
        people = _people(doc)
        mentions: list[_Mention] = []
        taken: set[int] = set()

        def take(
            start: int, end: int, via: str, *, sites: bool = False, inner: bool = False
        ) -> None:
            if end - start == 1 and doc[start].text in people:
                return  # "Hague" after "Mr Hague": a person
            if doc[start].lower_ in _COMPASS and end < len(doc) and doc[end].pos_ == "ADJ":
                return  # "South East Asian countries": part of a longer name
            mentions.append(_Mention(start, end, via, sites, inner))
            taken.update(range(start, end))

        for ent in doc.ents:
            if ent.label_ in _PLACE_LABELS or ent.label_ == "ORG":
                for start, end, via, inner in self._known_parts(doc, ent):
                    take(start, end, via, sites=ent.label_ == "ORG", inner=inner)
        ends = {m.end for m in mentions}
        i = 0
        while i < len(doc):  # names the NER missed or mislabelled
            if i in taken or not _name_token(doc[i]):
                i += 1
                continue
            run = i
            while run < len(doc) and run not in taken and run - i < 8 and _in_name(doc, run):
                run += 1
            cue = _cue(doc, i, ends)
            for end in range(run, i, -1):
                if (
                    (end - i > 1 or (cue and doc[i].text not in _FEATURES))
                    and _whole_entities(doc, i, end)
                    and self._lookup(doc, i, end)
                ):
                    take(i, end, f"name missed by the NER{cue}")
                    ends.add(end)
                    i = end - 1
                    break
            i += 1
        return sorted(mentions, key=lambda m: m.start)

    def _known_parts(self, doc: Doc, ent: Span) -> list[tuple[int, int, str, bool]]:
        start, end = ent.start, ent.end
        while start < end and doc[start].lower_ == "the":
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s")):
            end -= 1
        via = f"{ent.label_} entity"
        if start >= end or ent.label_ == "ORG":
            sites = start < end and any(
                c.location.precision == "site" for c in self._lookup(doc, start, end)
            )
            return [(start, end, "ORG entity naming a site", False)] if sites else []
        if self._lookup(doc, start, end):
            return [(start, end, via, False)]
        parts, i = [], start
        while i < end:  # "Grantham and Stamford", "the Golden Temple in Amritsar", "Brent South"
            for stop in range(end, i, -1):
                words = doc[i:stop]
                if (
                    words[0].is_title
                    and len(words.text) >= 3
                    and words.text.lower() not in _COMPASS
                    and words.text not in _FEATURES
                    and self._lookup(doc, i, stop)
                ):
                    parts.append((i, stop, f"name inside {via} '{ent.text}'", True))
                    i = stop - 1
                    break
            i += 1
        return parts or [(start, end, via, False)]  # unknown: a qualifier may still place it

    def _lookup(self, doc: Doc, start: int, end: int) -> list[Candidate]:
        return self.gazetteer.lookup(doc[start:end].text)

    def _resolve_one(
        self, doc: Doc, mentions: Sequence[_Mention], k: int,
        resolved: Mapping[int, tuple[Location, str]], context: tuple[str, ...],
    ) -> tuple[Location, str] | None:  # fmt: skip
        mention = mentions[k]
        raw = [
            c
            for c in self._lookup(doc, mention.start, mention.end)
            if (not c.needs_context or c.location.country in context)
            and (not mention.sites_only or c.location.precision == "site")
        ]
        pool = [c for c in raw if _plausible(c, context)]
        notes = [mention.via]
        qualifier = _qualifier(doc, mentions, k, resolved)
        demonym = self._demonym_before(doc, mention.start)
        if qualifier is not None:
            allowed = [c for c in raw if _within(c.location, qualifier[0])]
            if allowed:
                pool = allowed
                notes.append(f"qualified by '{qualifier[1]}'")
            elif not pool:
                notes.append(f"not in the gazetteer; placed by its qualifier '{qualifier[1]}'")
                return qualifier[0], _reason(doc, mention, notes)
        elif demonym is not None and any(c.location.country == demonym for c in pool):
            pool = [c for c in pool if c.location.country == demonym]
            notes.append(f"a place of {demonym} by the demonym before it")
        if not pool:
            return None
        best = max(pool, key=lambda c: _score(c, context))
        where = best.location
        if where.precision == "country" and context and where.country not in context:
            states = [c for c in pool if c.location.precision == "admin1" and c.location.country == context[0]]  # fmt: skip
            if states:
                best, where = states[0], states[0].location
                notes.append(f"a province: the article is about {context[0]}, not the country")
        if mention.inner and where.country not in context and where.precision in ("site", "city"):
            return None  # "George Street" is not George, South Africa
        if where.country in context and len(pool) > 1:
            notes.append(f"article context {where.country}")
        notes.append(f"{where.precision} {where.name} ({where.country or 'no country'})")
        return where, _reason(doc, mention, notes)

    def _demonym_before(self, doc: Doc, start: int) -> str | None:
        # "the Israeli city of Tel Aviv", "the Pakistani city of Lahore"
        if start >= 3 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in _PLACE_NOUNS:
            adjective = self.knowledge.adjectives.get(doc[start - 3].text)
            return adjective.country if adjective is not None else None
        return None


def _people(doc: Doc) -> set[str]:
    """Return the surnames the doc uses for people ("Mr Hague", "William Hague")."""
    names = {doc[i + 1].text for i in range(len(doc) - 1) if doc[i].text.rstrip(".") in _HONORIFICS}
    names.update(ent[-1].text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1)
    return names


def _name_token(tok: Any) -> bool:
    capital = tok.is_title or tok.is_upper
    return bool(
        capital and tok.pos_ in ("PROPN", "ADJ", "NOUN") and tok.ent_type_ not in _NOT_NAMES
    )


def _in_name(doc: Doc, i: int) -> bool:
    """Return whether token ``i`` continues a name: a name word, or "-on-" before one."""
    j = i
    while j < len(doc) and j - i < 3 and doc[j].lower_ in _CONNECTORS:
        j += 1
    return j < len(doc) and _name_token(doc[j])


def _cue(doc: Doc, i: int, ends: set[int]) -> str:
    """Return why a one-word name at ``i`` is a place: a preposition or a list of places."""
    j = i - 1 if i and doc[i - 1].lower_ != "the" else i - 2
    if j >= 0 and doc[j].lower_ in _CUES and doc[j].pos_ == "ADP":
        return f" after '{doc[j].lower_}'"
    if i >= 2 and doc[i - 1].lower_ in _LIST and (i - 1) in ends:
        return " in a list of places"
    return ""


def _whole_entities(doc: Doc, start: int, end: int) -> bool:
    """Return whether the span cuts no entity (its comma-separated parts count as wholes)."""
    for tok in (doc[start], doc[end - 1]):
        if not tok.ent_type_:
            continue
        left = tok.i
        while doc[left].ent_iob_ == "I" and doc[left - 1].lower_ not in _PARTS:
            left -= 1
        right = tok.i + 1
        while right < len(doc) and doc[right].ent_iob_ == "I" and doc[right].lower_ not in _PARTS:
            right += 1
        if left < start or right > end:
            return False
    return True


def _qualifier(
    doc: Doc, mentions: Sequence[_Mention], k: int, resolved: Mapping[int, tuple[Location, str]]
) -> tuple[Location, str] | None:
    """Return the place qualifying mention ``k`` ("Moscow, Idaho"; "Basra in southern Iraq")."""
    if k + 1 not in resolved:
        return None
    head, nxt = mentions[k], mentions[k + 1]
    gap = [t.lower_ for t in doc[head.end : nxt.start]]
    if not gap or len(gap) > 3 or gap[0] not in (",", "in") or not set(gap) <= {",", "in", "the"} | _COMPASS:  # fmt: skip
        return None
    location, _ = resolved[k + 1]
    after = doc[nxt.end].lower_ if nxt.end < len(doc) else "."
    listed = k + 2 < len(mentions) and mentions[k + 2].start == nxt.end + 1
    if after == "'s" or (gap[0] == "," and (after in ("and", "or") or (after == "," and listed))):
        return None  # "London, Paris and Berlin" is a list; "Unison, Britain's union"
    if location.precision in ("country", "admin1", "region") or (gap[0] == "," and location.precision == "city"):  # fmt: skip
        return location, doc[nxt.start : nxt.end].text
    return None


def _plausible(candidate: Candidate, context: Sequence[str]) -> bool:
    """Return False for a small city abroad ("Dome" in a UK article is not Dome, Ghana)
    and for a small city known by that name only as an alternate ("Empire", "Tsunami")."""
    location = candidate.location
    penalty = ALTERNATE_PENALTY if candidate.alternate else 0.0
    big = candidate.prominence + penalty >= _CONTEXT_CITY
    if location.precision != "city" or big:
        return True
    return not candidate.alternate and (not context or location.country in context)


def _within(place: Location, container: Location) -> bool:
    if place.country is None or place.country != container.country:
        return False
    if container.precision == "admin1" and container.admin1 and place.admin1:
        return place.admin1 == container.admin1
    return place != container


def _score(candidate: Candidate, context: Sequence[str]) -> float:
    country = candidate.location.country
    if context and country == context[0]:
        return candidate.prominence + _CONTEXT_BONUS[0]
    return candidate.prominence + (_CONTEXT_BONUS[1] if country and country in context else 0.0)


def _reason(doc: Doc, mention: _Mention, notes: list[str]) -> str:
    preposition = _introducer(doc, mention.start)
    text = "; ".join(notes)
    return f"{LOCATIVE_REASON} '{preposition}'; {text}" if preposition else text


def _introducer(doc: Doc, start: int) -> str | None:
    """Return the locative preposition introducing the name at ``start`` ("in central X")."""
    i = start - 1
    while i >= 0 and start - i <= 6:
        tok = doc[i]
        if tok.lower_ in _LOCATIVE:
            return tok.lower_
        of_place = tok.lower_ == "of" and i > 0 and doc[i - 1].lower_ in _PLACE_NOUNS
        if not (tok.lower_ in _COMPASS | _PLACE_NOUNS or tok.pos_ in ("DET", "ADJ") or of_place):
            return None
        i -= 1
    return None


def place_for_sentence(places: Sequence[Place], start: int, end: int) -> Location | None:
    """Return where the event of the sentence at [start, end) happened, or None.

    Candidates are the places inside the sentence that follow a locative preposition
    ("in", "at", "near", "outside" ...) or are a site or city; the most specific wins
    (site > city > admin1 > country > region), then one after a preposition, then the
    first. A country named only as an actor ("Russia said") is never the location.
    """

    def rank(place: Place) -> tuple[int, bool, int]:
        precision = place.location.precision
        locative = place.reason.startswith(LOCATIVE_REASON)
        return (
            PRECISIONS.index(precision) if precision in PRECISIONS else 9,
            not locative,
            place.start,
        )

    inside = [p for p in places if start <= p.start and p.end <= end]
    eligible = [p for p in inside if p.reason.startswith(LOCATIVE_REASON) or rank(p)[0] <= 1]
    return min(eligible, key=rank).location if eligible else None
