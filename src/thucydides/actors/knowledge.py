"""The actor knowledge base: countries, organisations, roles and office holders.

Built from the project's own tables in ``thucydides/data`` (countries.csv,
organizations.csv, roles.csv, leaders.csv). Every lookup is case-sensitive on
proper names ("US" is the United States, "us" is not) and case-insensitive on
role words. Office holders are time-aware: :meth:`KnowledgeBase.office` answers
for a given date.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from thucydides.errors import DataFileError
from thucydides.tables import read_table, split_multi

log = logging.getLogger(__name__)

ROLE_KINDS = ("person", "group", "body", "generic")


@dataclass(frozen=True, slots=True)
class KnownActor:
    """A named actor from the knowledge base (a country, capital, seat or organisation)."""

    code: str
    country: str | None
    sectors: tuple[str, ...]
    name: str
    kind: str  # country | capital | seat | organization | person
    reason: str


@dataclass(frozen=True, slots=True)
class Role:
    """A role or sector word ("president", "troops") and its CAMEO role codes."""

    term: str
    sectors: tuple[str, ...]
    kind: str  # person | group | body | generic


@dataclass(frozen=True, slots=True)
class Tenure:
    """One person's term in one office, with inclusive ISO dates (end None: in office)."""

    name: str
    country: str
    role: str
    start: str
    end: str | None
    code: str = ""  # full CAMEO code to assign; empty means country + GOV

    def covers(self, date: str) -> bool:
        """Return whether the term includes ``date`` (YYYY-MM-DD)."""
        return self.start <= date and (self.end is None or date <= self.end)


@dataclass
class KnowledgeBase:
    """All actor knowledge, indexed for lookup by surface form."""

    names: dict[str, KnownActor] = field(default_factory=dict)
    adjectives: dict[str, KnownActor] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    tenures: dict[str, list[Tenure]] = field(default_factory=dict)
    countries: dict[str, KnownActor] = field(default_factory=dict)  # by CAMEO code
    # names two organisations share ("BNP": British National Party, Bangladesh Nationalist
    # Party), in table order; the article's countries choose between them
    homonyms: dict[str, list[KnownActor]] = field(default_factory=dict)

    def copy(self) -> KnowledgeBase:
        """Return an independent copy, to layer user dictionaries over the built-in one."""
        return KnowledgeBase(
            names=dict(self.names),
            adjectives=dict(self.adjectives),
            roles=dict(self.roles),
            tenures={name: list(terms) for name, terms in self.tenures.items()},
            countries=dict(self.countries),
            homonyms={name: list(actors) for name, actors in self.homonyms.items()},
        )

    def office(self, name: str, date: str | None) -> Tenure | None:
        """Return the office ``name`` held on ``date``, or None.

        Without a date the most recent term is taken, which is right for current
        news and says so in the actor's reason.
        """
        terms = self.tenures.get(name)
        if not terms:
            return None
        if date is None:
            return max(terms, key=lambda term: term.start)
        held = [term for term in terms if term.covers(date)]
        if not held:
            return None
        # A head of state outranks a foreign minister when terms overlap.
        rank = {"head_of_state": 0, "head_of_government": 1}
        return min(held, key=lambda term: rank.get(term.role, 2))

    def office_spelled_like(self, name: str, date: str | None) -> Tenure | None:
        """Return the office of the one leader whose name is ``name`` misspelt by one letter.

        For titled names only ("President Bouteflicka"): transliterations and typos
        differ by one inserted, dropped, changed or swapped letter. Short names and
        ambiguous ones (two leaders within one letter) give None.
        """
        if len(name) < 6 or " " in name:
            return None
        found = _one_letter_off(name, self._tenure_names)
        tenures = {t for key in found if (t := self.office(key, date)) is not None}
        return tenures.pop() if len(tenures) == 1 else None

    def country_spelled_like(self, word: str) -> KnownActor | None:
        """Return the one country whose one-word name is ``word`` misspelt by one letter.

        "Ethopia", "Quatar": typos and variant spellings of a country name. Words under
        six letters, and words near two countries' names, give None.
        """
        if len(word) < 6 or not word[:1].isupper():
            return None
        found = _one_letter_off(word, self._country_words)
        return self.countries.get(found.pop()) if len(found) == 1 else None

    @functools.cached_property
    def _country_words(self) -> _SpellingIndex:
        """One-word country names (→ code) by first letter, for :meth:`country_spelled_like`."""
        return _spelling_index(
            (key, actor.code) for key, actor in self.names.items() if actor.kind == "country"
        )

    @functools.cached_property
    def _tenure_names(self) -> _SpellingIndex:
        """One-word leader names by first letter, for :meth:`office_spelled_like`."""
        return _spelling_index((key, key) for key in self.tenures)

    def role(self, word: str) -> Role | None:
        """Return the role a lower-cased word or phrase names, or None."""
        return self.roles.get(word.lower())

    def add_name(self, surface: str, actor: KnownActor, *, override: bool = False) -> None:
        """Index ``actor`` under ``surface``; earlier entries win unless ``override``."""
        if override or surface not in self.names:
            self.names[surface] = actor
            self.__dict__.pop("_country_words", None)  # rebuilt on next use

    def add_tenure(self, alias: str, tenure: Tenure) -> None:
        """Index an office term under a name variant."""
        self.__dict__.pop("_tenure_names", None)  # rebuilt on next use
        terms = self.tenures.setdefault(alias, [])
        if tenure not in terms:
            terms.append(tenure)


def _load_countries(kb: KnowledgeBase, source: str | Path) -> None:
    rows = read_table(
        source, required=("code", "iso3", "name", "aliases", "adjectives", "capitals", "seats")
    )
    for row in rows:
        code, name = row["code"], row["name"]
        country = row["iso3"] or code
        entity = KnownActor(code, country, (), name, "country", f"country name ({name})")
        kb.countries[code] = entity
        for surface in [name, *split_multi(row["aliases"])]:
            kb.add_name(surface, entity)
        for surface in split_multi(row["adjectives"]):
            adjective = KnownActor(code, country, (), name, "country", f"demonym of {name}")
            kb.adjectives.setdefault(surface, adjective)
        for surface in split_multi(row["capitals"]):
            kb.add_name(
                surface, KnownActor(code, country, (), name, "capital", f"capital of {name}")
            )
        for surface in split_multi(row["seats"]):
            seat = KnownActor(
                code + "GOV", country, ("GOV",), name, "seat", f"seat of power of {name}"
            )
            kb.add_name(surface, seat)
            if surface.startswith("the "):
                kb.add_name(surface[4:], seat)


def _load_organizations(kb: KnowledgeBase, source: str | Path) -> None:
    rows = read_table(source, required=("code", "country", "name", "aliases", "kind"))
    for row in rows:
        code, name = row["code"], row["name"]
        country = row["country"] or None
        sectors = _sectors_of(code) if country else ()
        entity = KnownActor(code, country, sectors, name, "organization", f"organisation ({name})")
        for surface in [name, *split_multi(row["aliases"])]:
            known = kb.names.get(surface)
            if known is not None and known.kind == "organization" and known.code != code:
                kb.homonyms.setdefault(surface, [known]).append(entity)
            kb.add_name(surface, entity, override=True)


def _sectors_of(code: str) -> tuple[str, ...]:
    return tuple(code[i : i + 3] for i in range(3, len(code) - len(code) % 3, 3))


def _load_roles(kb: KnowledgeBase, source: str | Path) -> None:
    for row in read_table(source, required=("term", "sectors", "kind")):
        kind = row["kind"] if row["kind"] in ROLE_KINDS else "generic"
        kb.roles[row["term"].lower()] = Role(
            row["term"].lower(), tuple(split_multi(row["sectors"])), kind
        )


def _load_leaders(kb: KnowledgeBase, source: str | Path) -> None:
    rows = read_table(source, required=("name", "aliases", "country", "role", "start", "end"))
    for row in rows:
        tenure = Tenure(row["name"], row["country"], row["role"], row["start"], row["end"] or None)
        for alias in {row["name"], *split_multi(row["aliases"])}:
            kb.add_tenure(alias, tenure)


@functools.cache
def builtin_knowledge() -> KnowledgeBase:
    """Return the knowledge base built from the tables shipped with Thucydides."""
    kb = KnowledgeBase()
    _load_countries(kb, "countries.csv")
    _load_organizations(kb, "organizations.csv")
    _load_roles(kb, "roles.csv")
    try:
        _load_leaders(kb, "leaders.csv")
    except DataFileError:
        log.warning("leaders.csv is missing: people are resolved from the article only")
    log.debug(
        "knowledge base: %d names, %d adjectives, %d roles, %d leader aliases",
        len(kb.names),
        len(kb.adjectives),
        len(kb.roles),
        len(kb.tenures),
    )
    return kb


_SpellingIndex = dict[str, list[tuple[str, str]]]  # first letter → (spelling, value)


def _spelling_index(pairs: Iterable[tuple[str, str]]) -> _SpellingIndex:
    """Index one-word spellings by their first letter."""
    index: _SpellingIndex = {}
    for key, value in pairs:
        if " " not in key:
            index.setdefault(key[:1], []).append((key, value))
    return index


def _one_letter_off(word: str, index: _SpellingIndex) -> set[str]:
    """Return the values of the indexed spellings one letter away from ``word``."""
    return {
        value
        for key, value in index.get(word[:1], ())
        if key != word and abs(len(key) - len(word)) <= 1 and _one_edit_apart(key, word)
    }


def _one_edit_apart(a: str, b: str) -> bool:
    """Return whether two different strings differ by one insertion, deletion, change or swap."""
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True  # one letter changed
        return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i:] == b[i + 1 :]  # one letter inserted
