"""Tests for thucydides.actors.importers: PETRARCH/TABARI and CountryInfo.txt dictionaries.

The small dictionaries below are invented for these tests (fictional people, dates and
places) in each file format; the tests at the end read the real files in ../shared when
they are there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from tests.support import shared_file
from thucydides.actors.importers import (
    ImportReport,
    detect_format,
    layered_knowledge,
    load_actor_file,
)
from thucydides.actors.knowledge import KnowledgeBase, KnownActor, Role, builtin_knowledge
from thucydides.actors.mentions import MentionIndex
from thucydides.errors import ConfigError, DataFileError

ACTORS = """\
# An invented actors dictionary in the PETRARCH/TABARI format.
RUSSIA_  [RUS]
+RUSSIAN_FEDERATION_
+MOSCOW_

UNITED_NATIONS_  [IGOUNO]
+UN_

IVAN_PETROVICH_SIDOROV_  # a fictional president
+PRESIDENT_SIDOROV_
+SIDOROV_
\t[RUSELI <150101]
\t[RUSGOV 150101-200101]
\t[RUSGOV >210101]
\t[RUSELI]
MARTA_KOWALCZYK_\t[IGOUNO 100101-151231] [---]  # no code after her term
NORTHERN_DAWN_LIBERATION_FRONT_(NDLF)_  [RUSREB]
U.S.S.R._
SOVIET_UNION_
\t[USR]
BROKEN_DATES_  [RUSGOV 15A101-160101]
+ORPHAN\x1aNAME_
OLGA_BEREZINA_  [RUSELI]
"""

AGENTS = """\
# An invented agents dictionary
!PERSON! = MAN, MEN, WOMAN, WOMEN
ORCHARD_GROWER_ [~AGR]
FISHER!PERSON! [~AGR]
CHAMBER_OF_TRADERS {CHAMBERS_OF_TRADERS} [~BUS]
RIOT_POLICE {} [~COP]
MINISTRY_ [~GOV]
HEALTH_MINISTER [~GOVHLH]
SHEEP_COUNTER
TRUCE_MONITOR [IGO~]
"""

COUNTRYINFO = """\
<!-- An invented CountryInfo.txt
<Country> inside the header is documentation, not data
-->
<Country>
<CountryCode>FRE</CountryCode>
<CountryName>FREEDONIA</CountryName>
<ISO3166-alpha3>FRE</ISO3166-alpha3>
<Nationality>
\tFREEDONIAN_
\tGRAND_DUCHY_OF_FREEDONIA_
</Nationality>
<Capital>
\tFREEDONIA_CITY_
\tOLD_PORT_
</Capital>
<Leaders>
\t<Presidents>
\t\tRUFUS_T._FIREFLY_\t\t[19330101 - 19351231]  [B:18900101]
\t\tVERA_MARCAL_\t\t[>19360101]
\t</Presidents>
\t<Prime ministers>
\t\tGLORIA_TEASDALE_\t[19340101 - 19341231]
\t</Prime ministers>
</Leaders>
<Government>
\tCHICO_PINKERTON_\t[FREGOVMIL 19330601 - 19331231][FREGOV <19330531]\t# Minister of War
\t{ZEPPO_BRAND_}{ZEPO_BRAND_}\t[FREGOV 1933XX01 - 19331231]\t# Minister of Nothing
</Government>
</Country>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _base() -> KnowledgeBase:
    """Return a small knowledge base with three countries, a capital and one role."""
    kb = KnowledgeBase()
    for code, name in (("RUS", "Russia"), ("USA", "United States"), ("USR", "Soviet Union")):
        kb.countries[code] = KnownActor(code, code, (), name, "country", f"country name ({name})")
    kb.names["Old Port"] = KnownActor("XYZ", "XYZ", (), "Elsewhere", "capital", "ours")
    kb.roles["ministry"] = Role("ministry", ("GOV",), "body")
    return kb


@pytest.fixture
def actors(tmp_path: Path) -> tuple[KnowledgeBase, ImportReport]:
    kb = _base()
    return kb, load_actor_file(_write(tmp_path, "test.actors.txt", ACTORS), kb)


# -- PETRARCH actors -----------------------------------------------------------------------


def test_plain_names_and_synonyms_are_indexed_as_news_writes_them(
    actors: tuple[KnowledgeBase, ImportReport],
) -> None:
    kb, report = actors
    assert kb.names["Russian Federation"].code == "RUS"
    assert kb.names["Moscow"].kind == "country"
    assert kb.names["Moscow"].reason.startswith("PETRARCH dictionary test.actors.txt:")
    un = kb.names["UN"]
    assert (un.code, un.country, un.sectors) == ("IGOUNO", None, ())
    assert "Un" not in kb.names  # a two-letter word is an acronym
    front = kb.names["Northern Dawn Liberation Front"]
    assert (front.code, front.country, front.sectors) == ("RUSREB", "RUS", ("REB",))
    assert kb.names["NDLF"] is front  # the acronym in parentheses
    assert report.fmt == "petrarch-actors"
    assert report.names >= 6


def test_a_name_without_a_code_shares_the_codes_of_the_next_block(
    actors: tuple[KnowledgeBase, ImportReport],
) -> None:
    kb, _ = actors
    assert kb.names["U.S.S.R."].code == "USR"
    assert kb.names["Soviet Union"].code == "USR"


def test_date_restricted_codes_become_time_aware_tenures(
    actors: tuple[KnowledgeBase, ImportReport],
) -> None:
    kb, _ = actors

    def code_on(name: str, day: str) -> str | None:
        term = kb.office(name, day)
        return term.code if term is not None else None

    assert code_on("Ivan Petrovich Sidorov", "2010-06-01") == "RUSELI"
    assert code_on("Ivan Petrovich Sidorov", "2016-06-01") == "RUSGOV"
    assert code_on("President Sidorov", "2019-12-31") == "RUSGOV"
    assert code_on("Sidorov", "2020-01-01") == "RUSELI"  # PETRARCH's end is exclusive; fallback
    assert code_on("Sidorov", "2022-03-01") == "RUSGOV"
    term = kb.office("Sidorov", "2016-06-01")
    assert term is not None and (term.name, term.country) == ("Ivan Petrovich Sidorov", "RUS")
    # [---] is PETRARCH's null code: after her dated term she has none
    assert code_on("Marta Kowalczyk", "2012-01-01") == "IGOUNO"
    assert code_on("Marta Kowalczyk", "2016-06-01") is None


def test_people_without_dates_are_tenures_and_places_are_names(
    actors: tuple[KnowledgeBase, ImportReport],
) -> None:
    kb, _ = actors
    term = kb.office("Olga Berezina", "1999-01-01")
    assert term is not None and term.code == "RUSELI" and term.end is None
    assert "Olga Berezina" not in kb.names
    assert "Russia" not in kb.tenures and "Moscow" not in kb.tenures


def test_bad_lines_are_reported_with_numbers_not_fatal(
    actors: tuple[KnowledgeBase, ImportReport],
) -> None:
    kb, report = actors
    assert report.skipped == 2
    assert report.problems[0].startswith("line 21:") and "15A101" in report.problems[0]
    assert report.problems[1].startswith("line 22:") and "control character" in report.problems[1]
    assert "Broken Dates" not in kb.names and "Broken Dates" not in kb.tenures
    assert kb.office("Olga Berezina", None) is not None  # the next entry is its own
    assert report.entries == 7  # every good block still loaded
    assert kb.names["Moscow"].code == "RUS"


def test_parentheses_are_words_unless_they_hold_the_acronym(tmp_path: Path) -> None:
    text = "GUINEA_(BISSAU)_ [GNB]\nVIRGIN_ISLANDS_(US)_ [USAVIR]\nANIMAL_RIGHTS_ARMY_(ARA)_ [USAREB]\n"
    kb = _base()
    load_actor_file(_write(tmp_path, "parens.txt", text), kb)
    assert kb.names["Guinea Bissau"].code == "GNB" and "Guinea" not in kb.names
    assert "US" not in kb.names  # a qualifier, not the islands' acronym
    assert kb.names["ARA"] is kb.names["Animal Rights Army"]


def test_the_case_sensitive_matcher_finds_the_imported_surfaces(
    actors: tuple[KnowledgeBase, ImportReport],
) -> None:
    kb, _ = actors
    nlp = spacy.blank("en")
    doc = nlp.make_doc("President Sidorov met UN envoys in Moscow.")
    found = {(m.text, m.kind) for m in MentionIndex(kb, nlp).find(doc).values()}
    assert found == {("President Sidorov", "LEADER"), ("UN", "NAME"), ("Moscow", "NAME")}


# -- PETRARCH agents -------------------------------------------------------------------------


def test_agents_become_roles_with_plurals_and_kinds(tmp_path: Path) -> None:
    kb = _base()
    report = load_actor_file(_write(tmp_path, "test.agents.txt", AGENTS), kb)
    assert report.fmt == "petrarch-agents"
    assert kb.roles["orchard grower"] == Role("orchard grower", ("AGR",), "person")
    assert kb.roles["orchard growers"].kind == "group"  # regular plural, made here
    assert kb.roles["fisherman"].kind == "person"  # !PERSON! substitution set
    assert kb.roles["fisherwomen"] == Role("fisherwomen", ("AGR",), "group")
    assert kb.roles["chamber of traders"].kind == "body"
    assert kb.roles["chambers of traders"].sectors == ("BUS",)  # the plural given in {}
    assert kb.roles["riot police"].kind == "group"
    assert "riot polices" not in kb.roles  # {} means no plural
    assert kb.roles["health minister"] == Role("health minister", ("GOV", "HLH"), "person")
    assert kb.roles["health ministers"].kind == "group"
    assert kb.roles["ministry"].kind == "body"
    assert report.skipped == 2
    assert [p.split(":")[0] for p in report.problems] == ["line 9", "line 10"]


# -- CountryInfo.txt -------------------------------------------------------------------------


def test_countryinfo_names_demonyms_capitals_and_leaders(tmp_path: Path) -> None:
    kb = _base()
    report = load_actor_file(_write(tmp_path, "CountryInfo.txt", COUNTRYINFO), kb)
    assert report.fmt == "countryinfo"
    assert kb.countries["FRE"].name == "Freedonia"
    assert kb.names["Freedonia"].kind == "country"
    assert kb.names["Grand Duchy of Freedonia"].code == "FRE"
    assert kb.adjectives["Freedonian"].code == "FRE"
    assert kb.adjectives["Freedonians"].code == "FRE"
    assert kb.names["Freedonia City"].kind == "capital"
    assert kb.names["Old Port"].code == "XYZ"  # new surfaces only: ours stays

    firefly = kb.office("Rufus T. Firefly", "1934-06-01")
    assert firefly is not None
    assert (firefly.country, firefly.role, firefly.code) == ("FRE", "head_of_state", "")
    assert kb.office("Rufus T. Firefly", "1935-12-31") is not None  # CountryInfo: inclusive
    assert kb.office("Rufus T. Firefly", "1936-01-01") is None
    marcal = kb.office("Vera Marcal", "1950-01-01")
    assert marcal is not None and marcal.end is None
    teasdale = kb.office("Gloria Teasdale", "1934-06-01")
    assert teasdale is not None and teasdale.role == "head_of_government"

    war = kb.office("Chico Pinkerton", "1933-07-01")
    assert war is not None and (war.code, war.role) == ("FREGOVMIL", "minister of war")
    before = kb.office("Chico Pinkerton", "1933-01-01")
    assert before is not None and before.code == ""  # FREGOV: country + GOV
    assert report.skipped == 1
    assert report.problems[0].startswith("line 27:") and "1933XX01" in report.problems[0]


# -- formats, errors, layering ---------------------------------------------------------------


def test_format_is_detected_from_content_not_name(tmp_path: Path) -> None:
    assert detect_format(_write(tmp_path, "a.txt", ACTORS)) == "petrarch-actors"
    assert detect_format(_write(tmp_path, "b.actors.txt", AGENTS)) == "petrarch-agents"
    assert detect_format(_write(tmp_path, "c.agents.txt", COUNTRYINFO)) == "countryinfo"


def test_unknown_format_missing_file_and_directory_are_errors(tmp_path: Path) -> None:
    prose = _write(tmp_path, "notes.txt", "Just some notes about actors.\nNo codes here.\n")
    with pytest.raises(DataFileError, match="supported formats are petrarch-actors"):
        detect_format(prose)
    with pytest.raises(DataFileError, match="supported formats"):
        load_actor_file(prose, _base())
    with pytest.raises(DataFileError, match="does not exist"):
        load_actor_file(tmp_path / "missing.txt", _base())
    with pytest.raises(DataFileError, match="is a directory"):
        load_actor_file(tmp_path, _base())
    with pytest.raises(ConfigError, match="unknown actor dictionary format 'tabari'"):
        load_actor_file(prose, _base(), fmt="tabari")


def test_layered_knowledge_copies_the_base_and_later_files_win(tmp_path: Path) -> None:
    base = _base()
    first = _write(tmp_path, "first.txt", "ZORGON_EMPIRE_ [RUSGOV]\nDOCTOR_ZED_ [RUSELI >990101]\n")
    second = _write(tmp_path, "second.txt", "ZORGON_EMPIRE_ [USAGOV]\nDOCTOR_ZED_ [USAELI]\n")
    kb = layered_knowledge([first, second], base=base)
    assert kb.names["Zorgon Empire"].code == "USAGOV"
    assert [t.code for t in kb.tenures["Doctor Zed"]] == ["USAELI"]  # replaced, not merged
    assert kb.names["Old Port"] is base.names["Old Port"]
    assert "Zorgon Empire" not in base.names  # the base is not touched


# -- the real dictionaries in ../shared --------------------------------------------------------

DICTIONARIES = "reference/petrarch-dictionaries"


@pytest.mark.slow
def test_real_phoenix_actor_files_load_with_known_facts() -> None:
    paths = [
        shared_file(f"{DICTIONARIES}/Phoenix.{name}.actors.txt")
        for name in ("Countries", "International", "MilNonState")
    ]
    assert {detect_format(path) for path in paths} == {"petrarch-actors"}
    base = builtin_knowledge()
    kb = base.copy()
    reports = [load_actor_file(path, kb) for path in paths]
    assert reports[0].entries > 15_000 and reports[0].tenures > 20_000
    assert any(p.startswith("line 745: control character") for p in reports[0].problems)
    # VLADIMIR_PUTIN_: [RUSELI 700101-990809] [RUSGOV 991231-080507] [RUSGOV 990809-000507]
    # [RUSGOV >080508] [RUSELI]
    for day, code in (("1995-01-01", "RUSELI"), ("2005-01-01", "RUSGOV"), ("2012-01-01", "RUSGOV")):
        term = kb.office("Vladimir Putin", day)
        assert term is not None and term.code == code
    obama = kb.office("Barack Obama", "2010-06-01")
    assert obama is not None and (obama.code, obama.country) == ("USAGOV", "USA")
    annan = kb.office("Kofi Annan", "2000-01-01")  # [IGOUNO 970101-061231] [ELI]
    assert annan is not None and annan.code == "IGOUNO"
    assert kb.names["Afghan National Security Forces"].code == "AFGMIL"
    assert kb.names["Kabul"] is base.names["Kabul"]  # same code: our capital entry stays


@pytest.mark.slow
def test_real_files_layer_over_builtin_and_keep_what_they_do_not_define() -> None:
    names = ("Countries.actors", "International.actors", "MilNonState.actors", "agents")
    paths = [shared_file(f"{DICTIONARIES}/Phoenix.{name}.txt") for name in names]
    base = builtin_knowledge()
    kb = layered_knowledge(paths)
    assert kb is not base and len(kb.names) > len(base.names)
    for surface in ("Akorda", "Elysee Palace"):  # no file names these
        assert kb.names[surface] is base.names[surface]
    for surface in ("Kremlin", "Astana"):  # the files agree with our code: ours stays
        assert kb.names[surface] is base.names[surface]
    assert kb.tenures["Nursultan Nazarbaev"] == base.tenures["Nursultan Nazarbaev"]
    assert kb.tenures["Nursultan Nazarbayev"] != base.tenures["Nursultan Nazarbayev"]
    assert kb.roles["farmer"].sectors == ("AGR",)
    assert kb.roles["president"].kind == base.roles["president"].kind  # our kinds are kept
    assert builtin_knowledge().names["Kremlin"] is base.names["Kremlin"]


@pytest.mark.slow
def test_real_countryinfo_loads_leaders_demonyms_and_capitals() -> None:
    path = shared_file("reference/CountryInfo.txt")
    assert detect_format(path) == "countryinfo"
    kb = builtin_knowledge().copy()
    report = load_actor_file(path, kb)
    assert report.entries > 10_000 and report.tenures > 15_000
    karzai = kb.office("Hamid Karzai", "2005-01-01")  # <President> HAMID_KARZAI_ [>20011222]
    assert karzai is not None and (karzai.country, karzai.role) == ("AFG", "head_of_state")
    minister = kb.office("Abdullah Ramin", "2005-02-01")  # [AFGGOVAGR 20050101 - 20050331]
    assert minister is not None and minister.code == "AFGGOVAGR"
    assert kb.adjectives["Afghan"].code == "AFG"
    assert kb.names["Tirane"].kind == "capital"
