"""Toponyms: the gazetteer, the resolver, the event location rule and the BBC gold floors."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from thucydides.context.places import (
    LOCATIVE_REASON,
    Gazetteer,
    PlaceResolver,
    default_gazetteer,
    normalize_name,
    place_for_sentence,
)
from thucydides.errors import DataFileError
from thucydides.nlp import load_pipeline
from thucydides.records import Location, Place
from thucydides.tables import read_table

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = ROOT / "tests" / "data" / "places_bbc_gold.csv"


def _city(gid: int, name: str, iso2: str, admin1: str, lat: float, lon: float, pop: int) -> Any:
    return {
        "geonameid": gid, "name": name, "countrycode": iso2, "admin1code": admin1,
        "latitude": lat, "longitude": lon, "population": pop, "alternatenames": [],
    }  # fmt: skip


# A tiny GeoNames stand-in: two Moscows, a Washington in England, and two capitals.
FAKE_GEONAMES: dict[str, Any] = {
    "cities": {
        "1": _city(524901, "Moscow", "RU", "48", 55.75, 37.62, 10_381_222),
        "2": _city(5601538, "Moscow", "US", "ID", 46.73, -117.0, 25_060),
        "3": _city(4140963, "Washington", "US", "DC", 38.9, -77.04, 689_545),
        "4": _city(2634715, "Washington", "GB", "ENG", 54.9, -1.52, 67_085),
        "5": _city(611717, "Tbilisi", "GE", "51", 41.69, 44.83, 1_049_498),
    },
    "countries": {
        "RU": {"iso3": "RUS", "geonameid": 2017370, "capital": "Moscow"},
        "US": {"iso3": "USA", "geonameid": 6252001, "capital": "Washington"},
        "GB": {"iso3": "GBR", "geonameid": 2635167, "capital": "London"},
        "GE": {"iso3": "GEO", "geonameid": 614540, "capital": "Tbilisi"},
        "KZ": {"iso3": "KAZ", "geonameid": 1522867, "capital": "Astana"},
    },
    "us_states": {"ID": {"geonameid": 5596512}, "GA": {"geonameid": 4197000}},
}


@pytest.fixture(scope="module")
def small() -> Gazetteer:
    """Return a gazetteer of our table and the tiny GeoNames stand-in (no file reads but ours)."""
    return Gazetteer.from_sources(geonames=FAKE_GEONAMES)


VOCAB = spacy.blank("en").vocab  # English lexical attributes (lower case, title case), no model


def _doc(words: list[str], pos: list[str], ents: list[str]) -> Doc:
    return Doc(VOCAB, words=words, pos=pos, ents=ents)


# -- the gazetteer --------------------------------------------------------------------------


def test_names_are_normalized_for_lookup() -> None:
    assert normalize_name("the Kremlin") == "Kremlin"
    assert normalize_name("Ivory Coast’s") == "Ivory Coast"
    assert normalize_name("  New   York ") == "New York"


def test_places_table_is_well_formed() -> None:
    rows = read_table("places.csv", required=("name", "country", "lat", "lon", "precision"))
    assert {row["precision"] for row in rows} <= {"site", "city", "admin1", "country", "region"}
    for row in rows:
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row
        assert row["country"] == "" or len(row["country"]) == 3, row
    own = [row for row in rows if row["precision"] in ("site", "region")]
    assert 150 <= len(own) <= 300


def test_candidates_rank_capitals_and_keep_homonyms(small: Gazetteer) -> None:
    moscows = small.candidates("Moscow")
    assert [m.country for m in moscows] == ["RUS", "USA"]
    assert moscows[0].geonames_id == 524901 and moscows[0].precision == "city"
    assert small.candidates("MOSCOW")[0].country == "RUS"  # datelines are upper case
    assert small.candidates("Washington")[0].country == "USA"


def test_countries_regions_and_sites_come_from_our_table(small: Gazetteer) -> None:
    britain = small.candidates("Britain")[0]
    assert (britain.country, britain.precision, britain.geonames_id) == ("GBR", "country", 2635167)
    assert small.candidates("Scotland")[0].precision == "admin1"  # not the UK's centre
    georgia = {(g.country, g.precision) for g in small.candidates("Georgia")}
    assert georgia == {("GEO", "country"), ("USA", "admin1")}
    baikonur = small.candidates("Baikonur cosmodrome")[0]
    assert (baikonur.country, baikonur.precision, baikonur.geonames_id) == ("KAZ", "site", None)
    assert (baikonur.lat, baikonur.lon) == (45.92, 63.34)
    assert small.candidates("Central Asia")[0].country is None
    assert small.candidates("the Kremlin")[0].admin1 == "48"  # in Moscow


def test_a_bad_table_row_is_reported(tmp_path: Path) -> None:
    table = tmp_path / "places.csv"
    table.write_text(
        "# test\nname,aliases,country,admin1,lat,lon,precision\nX,,,,1,2,village\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="village"):
        Gazetteer.from_sources(table=table, geonames=FAKE_GEONAMES)


# -- the resolver on hand-built docs (no model) --------------------------------------------


def test_qualifier_picks_moscow_idaho(small: Gazetteer) -> None:
    doc = _doc(
        ["Students", "rallied", "in", "Moscow", ",", "Idaho", "."],
        ["NOUN", "VERB", "ADP", "PROPN", "PUNCT", "PROPN", "PUNCT"],
        ["O", "O", "O", "B-GPE", "O", "B-GPE", "O"],
    )
    places = PlaceResolver(small).resolve(doc, article_id="a", base=100)
    moscow, idaho = places
    assert (moscow.text, moscow.start, moscow.end) == ("Moscow", 100 + 20, 100 + 26)
    assert (moscow.location.country, moscow.location.admin1) == ("USA", "ID")
    assert moscow.reason.startswith(LOCATIVE_REASON)
    assert (idaho.location.precision, idaho.location.name) == ("admin1", "Idaho")


def test_context_decides_georgia(small: Gazetteer) -> None:
    doc = _doc(["Storms", "hit", "Georgia", "."], ["NOUN", "VERB", "PROPN", "PUNCT"],
               ["O", "O", "B-GPE", "O"])  # fmt: skip
    resolver = PlaceResolver(small)
    state = resolver.resolve(doc, article_id="a", context_countries=["USA"])[0].location
    assert (state.country, state.precision) == ("USA", "admin1")
    country = resolver.resolve(doc, article_id="a", context_countries=["USA", "GEO"])[0]
    assert (country.location.country, country.location.precision) == ("GEO", "country")
    assert resolver.resolve(doc, article_id="a")[0].location.country == "GEO"


def test_missed_name_after_a_preposition_and_people_are_not_places(small: Gazetteer) -> None:
    doc = _doc(
        ["Mr", "Washington", "flew", "from", "Tbilisi", "to", "Moscow", "."],
        ["PROPN", "PROPN", "VERB", "ADP", "PROPN", "ADP", "PROPN", "PUNCT"],
        ["O", "O", "O", "O", "O", "O", "O", "O"],
    )
    places = PlaceResolver(small).resolve(doc, article_id="a", context_countries=["RUS"])
    assert [(p.text, p.location.country) for p in places] == [("Tbilisi", "GEO"), ("Moscow", "RUS")]
    assert "missed by the NER after 'from'" in places[0].reason


# -- the event location rule -----------------------------------------------------------------


def _place(name: str, precision: str, start: int, *, locative: bool) -> Place:
    location = Location(name, "RUS", None, 1.0, 2.0, None, precision)
    reason = f"{LOCATIVE_REASON} 'in'; GPE entity" if locative else "GPE entity"
    return Place("a", name, start, start + len(name), location, reason)


def test_place_for_sentence_prefers_the_most_specific_located_place() -> None:
    russia = _place("Russia", "country", 0, locative=False)
    moscow = _place("Moscow", "city", 30, locative=True)
    kremlin = _place("Kremlin", "site", 50, locative=False)
    assert place_for_sentence([russia, moscow], 0, 40) == moscow.location
    assert place_for_sentence([russia, moscow, kremlin], 0, 60) == kremlin.location
    assert place_for_sentence([russia], 0, 40) is None  # an actor, not a location
    assert place_for_sentence([russia, moscow], 0, 20) is None  # Moscow is outside
    region = _place("Siberia", "region", 10, locative=True)
    assert place_for_sentence([russia, region], 0, 40) == region.location
    assert place_for_sentence([], 0, 40) is None


# -- the real pipeline and the full gazetteer -------------------------------------------------


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver(default_gazetteer())


def _resolve(nlp: Language, resolver: PlaceResolver, text: str, **kw: Any) -> list[Place]:
    return resolver.resolve(nlp(text), article_id="t", **kw)


@pytest.mark.slow
def test_moscow_in_russian_context(nlp: Language, resolver: PlaceResolver) -> None:
    text = "Nazarbaev arrived in Moscow on Friday for talks with Russian President Vladimir Putin."
    doc = nlp(text)
    context = resolver.article_countries([doc])
    assert context[0] == "RUS"
    (moscow,) = resolver.resolve(doc, article_id="t", context_countries=context)
    assert text[moscow.start : moscow.end] == "Moscow"
    loc = moscow.location
    assert (loc.country, loc.precision) == ("RUS", "city")
    assert loc.lat == pytest.approx(55.75, abs=0.01) and loc.lon == pytest.approx(37.62, abs=0.01)
    assert place_for_sentence([moscow], 0, len(text)) == loc


@pytest.mark.slow
def test_moscow_idaho(nlp: Language, resolver: PlaceResolver) -> None:
    places = _resolve(nlp, resolver, "The university is in Moscow, Idaho, near the state line.")
    moscow = next(p for p in places if p.text == "Moscow")
    assert (moscow.location.country, moscow.location.admin1) == ("USA", "ID")


@pytest.mark.slow
def test_baikonur_cosmodrome_is_a_site(nlp: Language, resolver: PlaceResolver) -> None:
    text = "A Soyuz rocket lifted off from the Baikonur cosmodrome in central Kazakhstan."
    places = _resolve(nlp, resolver, text)
    site = place_for_sentence(places, 0, len(text))
    assert site is not None
    assert (site.name, site.country, site.precision) == ("Baikonur Cosmodrome", "KAZ", "site")
    kazakhstan = next(p for p in places if p.text == "Kazakhstan")
    assert kazakhstan.reason.startswith(f"{LOCATIVE_REASON} 'in'")


@pytest.mark.slow
def test_countries_alone(nlp: Language, resolver: PlaceResolver) -> None:
    text = "Russia and Kazakhstan signed an agreement on oil transit."
    places = _resolve(nlp, resolver, text)
    assert [(p.text, p.location.precision) for p in places] == [
        ("Russia", "country"),
        ("Kazakhstan", "country"),
    ]
    assert place_for_sentence(places, 0, len(text)) is None  # actors, not a location


@pytest.mark.slow
def test_in_moscow_beats_russia(nlp: Language, resolver: PlaceResolver) -> None:
    text = "Russia said its troops had been placed on alert in Moscow."
    place = place_for_sentence(_resolve(nlp, resolver, text), 0, len(text))
    assert place is not None and (place.name, place.country) == ("Moscow", "RUS")


@pytest.mark.slow
def test_no_toponym(nlp: Language, resolver: PlaceResolver) -> None:
    text = "The talks ended without agreement, a spokesman said on Tuesday."
    places = _resolve(nlp, resolver, text)
    assert places == [] and place_for_sentence(places, 0, len(text)) is None


@pytest.mark.slow
def test_georgia_the_state_in_us_news(nlp: Language, resolver: PlaceResolver) -> None:
    state = _resolve(nlp, resolver, "The governor of Georgia signed the bill in Atlanta.",
                     context_countries=["USA"])  # fmt: skip
    assert (state[0].location.country, state[0].location.precision) == ("USA", "admin1")
    country = _resolve(nlp, resolver, "Russian troops entered Georgia after clashes in Tbilisi.")
    assert country[0].location.country == "GEO"


# -- the BBC gold: the figures benchmarks/geoparse.py prints, with pinned floors -------------


def _benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "geoparse.py"
    spec = importlib.util.spec_from_file_location("geoparse_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_gold_file_holds_references_not_text() -> None:
    rows = read_table(
        GOLD, required=("row_index", "start", "end", "surface", "country", "lat", "lon")
    )
    assert len(rows) >= 150 and len({row["row_index"] for row in rows}) >= 30
    assert max(len(row["surface"]) for row in rows) < 60  # toponyms only, never sentences


@pytest.fixture(scope="module")
def figures(nlp: Language, resolver: PlaceResolver) -> Iterator[Any]:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is absent: the BBC corpus lives in ../shared beside the checkout")
    yield _benchmark().measure(nlp, resolver)


@pytest.mark.slow
def test_bbc_gold_floors(figures: Any) -> None:
    # measured 0.828 / 0.986 / 0.817 / 0.715 / 0.993 / 0.986 on 349 toponyms (36 articles)
    assert figures.gold >= 300
    assert figures.recall >= 0.80
    assert figures.accuracy_found >= 0.96
    assert figures.accuracy_all >= 0.79
    assert figures.accuracy_local >= 0.68
    assert figures.country_rate >= 0.97
    assert figures.precision >= 0.96
