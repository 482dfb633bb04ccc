"""Tests for thucydides.store.export: a real DuckDB store of hand-made events, every format."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from thucydides.errors import ConfigError, StoreError
from thucydides.ontology import cameo
from thucydides.records import (
    Actor,
    Article,
    CodedArticle,
    Event,
    Evidence,
    Location,
    Modality,
)
from thucydides.store import EventStore
from thucydides.store.export import (
    CSV_COLUMNS,
    EXPORT_FORMATS,
    ExportReport,
    export_events,
    merged_events,
    plover_record,
)
from thucydides.store.export_gdelt import (
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    ICEWS_COLUMNS,
    global_event_id,
    split_actor_code,
)
from thucydides.store.schema import EVENT_NAMES

from .support import shared_file

GDELT_SAMPLE = "reference/samples/gdelt1_events_feb2012.tsv"
ICEWS_SAMPLE = "reference/samples/icews_events_2018_sample.tab"

# The GDELT 2.0 event codebook's 61 fields, written out independently of the module.
CODEBOOK_GDELT2 = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode",
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code",
    "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code",
    "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

ASTANA = Location("Astana", "KAZ", "05", 51.1801, 71.446, 1526273, "city", "populated place")
SAVANNAH = Location("Savannah", "USA", "GA", 32.0835, -81.0998, 4221552, "city", "populated place")
UKRAINE = Location("Ukraine", "UKR", None, 49.0, 32.0, 690791, "country", "country")
DONETSK_OBLAST = Location("Donetsk Oblast", "UKR", "05", 48.0, 37.8, 709716, "admin1", None)


def _article(
    article_id: str, text: str, *, publisher: str | None, url: str | None = None
) -> Article:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(article_id, text, digest, url=url, publisher=publisher, published="2024-03-05")


def _actor(words: str, code: str, country: str | None, name: str | None = None) -> Actor:
    sectors = tuple(code[i : i + 3] for i in range(3, len(code), 3)) if country else ()
    return Actor(words, code, country, sectors, name, 0, len(words), f"test:{code}")


def _event(
    article: Article,
    index: int,
    code: str,
    source: Actor,
    target: Actor | None,
    *,
    date: str | None = "2024-03-05",
    location: Location | None = None,
    negated: bool = False,
    modality: Modality = Modality.ASSERTED,
) -> Event:
    known = cameo.lookup(code)
    sentence = article.text
    return Event(
        event_id=hashlib.sha1(f"{article.article_id}|{index}|{code}".encode()).hexdigest()[:20],
        article_id=article.article_id,
        sentence_index=index,
        date=date,
        source=source,
        target=target,
        cameo_code=code,
        cameo_root=known.root,
        cameo_name=known.name,
        plover_type=known.plover_type,
        quad_class=cameo.quad_class(code),
        goldstein=cameo.goldstein(code),
        negated=negated,
        modality=modality,
        evidence=Evidence(sentence, "met", 4, 7, 0, len(sentence)),
        location=location,
    )


RUS = _actor("Russian officials", "RUSGOV", "RUS", "Government of Russia")
KAZ = _actor("Kazakhstan", "KAZGOV", "KAZ")


@pytest.fixture
def corpus() -> list[CodedArticle]:
    """Three articles: a story told twice, a negated event, an undated one, US and world places."""
    url = "https://a.example/1"
    a1 = _article("a1", "Russian officials met Kazakh leaders.", publisher="Wire A", url=url)
    a2 = _article("a2", "Russian officials met Kazakh leaders in Astana.", publisher="Wire B")
    a3 = _article("a3", "Police\tin Savannah\nmade a statement.", publisher=None)
    kazakhstan, russia = _actor("Kazakhstan", "KAZ", "KAZ"), _actor("Russia", "RUS", "RUS")
    army = _actor("Ukraine's army", "UKRMIL", "UKR")
    un = _actor("the UN", "IGOUNO", None, "United Nations")
    police = _actor("Police\tin Savannah", "USACOP", "USA")  # a tab in the words
    accuse = _event(
        a1, 1, "112", kazakhstan, russia, date="2024-03-06",
        negated=True, modality=Modality.SPECULATIVE,
    )  # fmt: skip
    return [
        CodedArticle(a1, (_event(a1, 0, "042", RUS, KAZ, location=ASTANA), accuse)),
        CodedArticle(
            a2,
            (
                _event(a2, 0, "042", RUS, KAZ, location=ASTANA),
                _event(a2, 2, "195", army, None, date=None, location=UKRAINE),
                _event(a2, 3, "04", un, KAZ, date="2024-04-01", location=DONETSK_OBLAST),
            ),
        ),
        CodedArticle(
            a3, (_event(a3, 0, "010", police, None, date="2024-02-01", location=SAVANNAH),)
        ),
    ]


@pytest.fixture
def store(tmp_path: Path, corpus: list[CodedArticle]) -> Iterator[EventStore]:
    with EventStore(tmp_path / "events.duckdb") as opened:
        opened.add_articles(corpus)
        yield opened


def _tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


def _event_id(article_id: str, index: int, code: str) -> str:
    return hashlib.sha1(f"{article_id}|{index}|{code}".encode()).hexdigest()[:20]


# --- GDELT ---------------------------------------------------------------------------------


def test_gdelt_export_loads_with_the_column_names_of_the_real_rows(
    store: EventStore, tmp_path: Path
) -> None:
    sample = shared_file(GDELT_SAMPLE)
    with sample.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)  # R write.csv: comma-separated, quoted, a header line
        header = next(reader)
        real = [row for _, row in zip(range(500), reader, strict=False)]
    if header[0] in ("", "X"):  # an R row-name column, when the file has one
        header, real = header[1:], [row[1:] for row in real]
    assert len(GDELT1_COLUMNS) == len(header) == 58
    assert [name.lower() for name in GDELT1_COLUMNS] == [name.lower() for name in header]
    assert all(len(row) == len(header) for row in real)

    out = tmp_path / "events.gdelt.tsv"
    export_events(store, "gdelt", out)
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(
            csv.DictReader(stream, fieldnames=header, delimiter="\t", quoting=csv.QUOTE_NONE)
        )
    assert rows and all(None not in row and None not in row.values() for row in rows)
    visit = next(row for row in rows if row["EventCode"] == "042")
    assert visit["SQLDATE"] == "20240305" and visit["MonthYear"] == "202403"
    assert visit["ActionGeo_CountryCode"] == "KZ"  # FIPS 10-4, as in the real rows
    # Our values have the shapes of the real ones: codes keep their zeros, dates are digits.
    for name in ("EventCode", "EventBaseCode", "EventRootCode", "SQLDATE", "FractionDate"):
        assert len(visit[name]) in {len(r[header.index(name)]) for r in real}


def test_fraction_date_follows_the_real_rows(store: EventStore, tmp_path: Path) -> None:
    from thucydides.store.export_gdelt import _fraction_date

    sample = shared_file(GDELT_SAMPLE)
    with sample.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        checked = 0
        for row in reader:
            date = dt.datetime.strptime(row["SQLDATE"], "%Y%m%d").date()
            assert float(_fraction_date(date)) == pytest.approx(float(row["FractionDate"]))
            checked += 1
    assert checked > 1000


def test_gdelt1_values(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "out" / "gdelt.tsv"  # the folder is created
    report = export_events(store, "gdelt", out)
    # 5 dated asserted events; the negated one and the undated one are skipped.
    assert report == ExportReport("gdelt", str(out), 4, 1, 2)
    rows = [dict(zip(GDELT1_COLUMNS, row, strict=True)) for row in _tsv(out)]
    assert [row["SQLDATE"] for row in rows] == ["20240201", "20240305", "20240305", "20240401"]
    police, visit1, visit2, un = rows
    assert visit1["GLOBALEVENTID"] == str(int(_event_id("a1", 0, "042")[:15], 16))
    assert visit1["FractionDate"] == "2024.1781"  # 2024 + (2 * 30 + 5) / 365
    assert (visit1["Actor1Code"], visit1["Actor1Name"], visit1["Actor1CountryCode"]) == (
        "RUSGOV", "GOVERNMENT OF RUSSIA", "RUS",
    )  # fmt: skip
    assert visit1["Actor1Type1Code"] == "GOV" and visit1["Actor1Type2Code"] == ""
    assert visit1["Actor2Name"] == "KAZAKHSTAN"  # no canonical name: the words, upper-cased
    assert (visit1["EventCode"], visit1["EventBaseCode"], visit1["EventRootCode"]) == (
        "042", "042", "04",
    )  # fmt: skip
    assert (visit1["QuadClass"], visit1["GoldsteinScale"]) == ("1", "1.9")
    assert (visit1["NumMentions"], visit1["NumSources"], visit1["NumArticles"]) == ("1", "1", "1")
    assert visit1["AvgTone"] == "" and visit1["IsRootEvent"] == "1"
    assert visit1["Actor1Geo_Type"] == "" and visit1["Actor2Geo_FullName"] == ""
    assert visit1["ActionGeo_Type"] == "4"  # world city
    assert visit1["ActionGeo_FullName"] == "Astana, Kazakhstan"
    assert (visit1["ActionGeo_ADM1Code"], visit1["ActionGeo_FeatureID"]) == ("KZ05", "1526273")
    assert (visit1["ActionGeo_Lat"], visit1["ActionGeo_Long"]) == ("51.1801", "71.446")
    assert len(visit1["DATEADDED"]) == 8 and visit1["DATEADDED"].isdigit()
    assert visit1["SOURCEURL"] == "https://a.example/1"
    assert visit2["SOURCEURL"] == "a2"  # no URL: the article id
    # A US city, a tab and a line break in the actor's words.
    assert police["Actor1Name"] == "POLICE IN SAVANNAH"
    assert police["Actor1Type1Code"] == "COP" and police["Actor2Code"] == ""
    assert police["ActionGeo_Type"] == "3"
    assert police["ActionGeo_FullName"] == "Savannah, Georgia, United States"
    assert police["ActionGeo_ADM1Code"] == "USGA"
    # A bare root code, an international actor and a province outside the USA.
    assert (un["EventCode"], un["EventBaseCode"], un["EventRootCode"]) == ("040", "040", "04")
    assert (un["Actor1Code"], un["Actor1CountryCode"], un["Actor1KnownGroupCode"]) == (
        "IGOUNO", "", "UNO",
    )  # fmt: skip
    assert un["Actor1Type1Code"] == "IGO" and un["IsRootEvent"] == "0"
    assert (un["ActionGeo_Type"], un["ActionGeo_CountryCode"]) == ("5", "UP")


def test_gdelt2_columns_and_values(store: EventStore, tmp_path: Path) -> None:
    assert GDELT2_COLUMNS == CODEBOOK_GDELT2 and len(GDELT2_COLUMNS) == 61
    out = tmp_path / "gdelt2.tsv"
    report = export_events(store, "gdelt2", out, include_unasserted=True)
    assert (report.events, report.skipped) == (5, 1)  # only the undated event is skipped
    rows = [dict(zip(GDELT2_COLUMNS, row, strict=True)) for row in _tsv(out)]
    by_code = {row["EventCode"]: row for row in rows}
    assert by_code["112"]["Actor1Code"] == "KAZ" and by_code["112"]["SQLDATE"] == "20240306"
    visit = by_code["042"]
    assert len(visit["DATEADDED"]) == 14 and visit["DATEADDED"].isdigit()
    assert visit["ActionGeo_ADM2Code"] == "" and visit["ActionGeo_FeatureID"] == "1526273"
    assert by_code["040"]["ActionGeo_FeatureID"] == "UP05"  # 2.0: textual id for ADM1 matches


def test_gdelt_merged_counts_mentions_sources_and_articles(
    store: EventStore, tmp_path: Path
) -> None:
    out = tmp_path / "merged.tsv"
    report = export_events(store, "gdelt", out, merged=True)
    assert (report.events, report.skipped) == (3, 2)
    rows = [dict(zip(GDELT1_COLUMNS, row, strict=True)) for row in _tsv(out)]
    visit = next(row for row in rows if row["EventCode"] == "042")
    assert (visit["NumMentions"], visit["NumSources"], visit["NumArticles"]) == ("2", "2", "2")
    assert visit["GLOBALEVENTID"] == str(global_event_id(_event_id("a1", 0, "042")))


def test_merged_events(store: EventStore) -> None:
    merged = list(merged_events(store))
    assert len(merged) == 5  # six events, two of them one story
    visit = next(m for m in merged if m.event.cameo_code == "042")
    assert (visit.mentions, visit.articles, visit.sources) == (2, 2, 2)
    assert visit.event_ids == (_event_id("a1", 0, "042"), _event_id("a2", 0, "042"))
    assert visit.sentences == (
        "Russian officials met Kazakh leaders.",
        "Russian officials met Kazakh leaders in Astana.",
    )
    assert merged[-1].event.date is None  # undated events sort last, in a group of their own
    assert {m.event.cameo_code for m in merged_events(store, asserted_only=True)} == {
        "042", "195", "04", "010",
    }  # fmt: skip
    assert [m.event.cameo_code for m in merged_events(store, source="RUS")] == ["042"]
    with pytest.raises(ConfigError, match="until"):
        merged_events(store, until="2024-13-01")  # checked before iterating


def test_split_actor_code_sorts_blocks_as_gdelt_does() -> None:
    def parts(code: str, country: str | None) -> tuple[object, ...]:
        p = split_actor_code(Actor(code, code, country))
        return p.country, p.known_group, p.religions, p.types

    assert parts("IGOWSTNAT", None) == ("WST", "NAT", (), ("IGO",))
    assert parts("IGOEUREEC", None) == ("EUR", "EEC", (), ("IGO",))
    assert parts("IGOUNODEVWBK", None) == ("", "UNO", (), ("IGO", "DEV"))
    assert parts("MNCUSAMED", None) == ("USA", "", (), ("MNC", "MED"))
    assert parts("CHRCTHEDU", None) == ("", "", ("CHR", "CTH"), ("EDU",))
    assert parts("KAZGOVMEDELIMIL", "KAZ") == ("KAZ", "", (), ("GOV", "MED", "ELI"))
    assert parts("SUNGOV", "SUN") == ("SUN", "", (), ("GOV",))  # the Soviet Union, not Sunni
    assert parts("KSVGOV", "XKX") == ("KSV", "", (), ("GOV",))  # CAMEO's code, not ISO's


def test_global_event_id_is_stable_and_fits_64_bits() -> None:
    ids = [hashlib.sha1(str(n).encode()).hexdigest()[:20] for n in range(20_000)]
    numbers = [global_event_id(event_id) for event_id in ids]
    assert len(set(numbers)) == len(ids)
    assert all(0 <= n < 2**63 for n in numbers)
    assert global_event_id("a1-0-0") == global_event_id("a1-0-0") != global_event_id("a1-0-1")
    assert global_event_id("f" * 20) == 16**15 - 1


# --- ICEWS, PLOVER, CSV, Parquet -----------------------------------------------------------


def test_icews_header_matches_the_real_file(store: EventStore, tmp_path: Path) -> None:
    sample = shared_file(ICEWS_SAMPLE)
    with sample.open(encoding="utf-8", newline="") as stream:
        real_header = next(csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = tmp_path / "icews.tab"
    export_events(store, "icews", out)
    assert _tsv(out)[0] == real_header == list(ICEWS_COLUMNS)


def test_icews_values(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "icews.tab"
    report = export_events(store, "icews", out)
    assert (report.events, report.skipped) == (4, 2)
    header, *body = _tsv(out)
    assert header == list(ICEWS_COLUMNS)
    rows = [dict(zip(header, row, strict=True)) for row in body]
    visit = next(row for row in rows if row["Story ID"] == "a1")
    assert visit["Event Date"] == "2024-03-05" and visit["CAMEO Code"] == "042"
    assert visit["Event ID"] == str(global_event_id(_event_id("a1", 0, "042")))
    assert visit["Source Name"] == "Government of Russia"
    assert (visit["Source Sectors"], visit["Source Country"]) == ("Government", "Russia")
    assert (visit["Target Name"], visit["Target Country"]) == ("Kazakhstan", "Kazakhstan")
    assert (visit["Event Text"], visit["Intensity"]) == ("Make a visit", "1.9")
    assert (visit["Sentence Number"], visit["Publisher"]) == ("1", "Wire A")
    assert (visit["City"], visit["District"], visit["Province"]) == ("Astana", "NA", "NA")
    assert (visit["Country"], visit["Latitude"], visit["Longitude"]) == (
        "Kazakhstan", "51.1801", "71.446",
    )  # fmt: skip
    police = next(row for row in rows if row["Story ID"] == "a3")
    assert (police["Target Name"], police["Target Sectors"], police["Publisher"]) == ("NA",) * 3
    assert (police["City"], police["Province"]) == ("Savannah", "Georgia")
    un = next(row for row in rows if row["CAMEO Code"] == "04")
    assert un["Source Sectors"] == "International Government Organization"
    assert un["Source Country"] == "NA" and un["Province"] == "Donetsk Oblast"


def test_plover_records(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    report = export_events(store, "plover", out)
    assert (report.events, report.skipped) == (5, 1)  # CAMEO 010 has no PLOVER type
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {record["id"]: record for record in records}
    visit = by_id[_event_id("a1", 0, "042")]
    assert visit["date"] == "2024-03-05" and visit["event"] == ["CONSULT"]
    assert visit["mode"] == ["visit"] and visit["context"] == []
    assert visit["actor"][0]["code"] == "RUS" and visit["actor"][0]["sector"] == "GOV"
    assert visit["actor"][0]["identifier_text"] == "Government of Russia"
    assert visit["recipient"][0]["cameo_code"] == "KAZGOV"
    assert visit["event_text"] == ["met"] and visit["cameo_code"] == "042"
    assert visit["text"] == "Russian officials met Kazakh leaders."
    assert visit["text_info"] == {
        "sequence": 0, "start": 0, "end": 37, "trigger_start": 4, "trigger_end": 7,
    }  # fmt: skip
    assert visit["cite_info"]["language"] == "en" and visit["cite_info"]["url"]
    assert visit["event_loc"]["geonameid"] == 1526273 and visit["event_loc"]["resolution"] == 4
    accuse = by_id[_event_id("a1", 1, "112")]
    assert accuse["negated"] is True and accuse["modality"] == "speculative"
    undated = by_id[_event_id("a2", 2, "195")]
    assert undated["date"] is None and undated["recipient"] == []
    assert undated["context"] == ["military"]
    un = by_id[_event_id("a2", 3, "04")]
    assert un["actor"][0]["code"] == "UNO" and un["actor"][0]["sector"] == "IGO"


def test_plover_record_without_a_plover_type_is_none(corpus: list[CodedArticle]) -> None:
    statement = corpus[2].events[0]
    assert statement.cameo_code == "010" and plover_record(statement) is None


def test_csv_has_every_event_column(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    report = export_events(store, "csv", out, code="04")
    assert (report.events, report.skipped) == (3, 0)
    with out.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS == EVENT_NAMES
        rows = list(reader)
    assert [row["cameo_code"] for row in rows] == ["042", "042", "04"]
    first = rows[0]
    assert first["date"] == "2024-03-05" and first["target_sectors"] == "GOV"
    assert first["negated"] == "false" and first["location_name"] == "Astana"
    assert first["location_geonames_id"] == "1526273" and first["location_lat"] == "51.1801"
    assert rows[2]["source_sectors"] == "" and rows[2]["source_country"] == ""


def test_parquet_dataset_is_partitioned_by_year_and_month(
    store: EventStore, tmp_path: Path
) -> None:
    out = tmp_path / "dataset"
    report = export_events(store, "parquet", out)
    assert (report.events, report.files, report.skipped) == (6, 4, 0)
    partitions = sorted(str(p.parent.relative_to(out)) for p in out.rglob("*.parquet"))
    assert partitions == [
        "year=2024/month=2", "year=2024/month=3", "year=2024/month=4",
        "year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__",
    ]  # fmt: skip
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert table.column_names == [*EVENT_NAMES, "year", "month"]
    rows = {row["event_id"]: row for row in table.to_pylist()}
    visit = rows[_event_id("a1", 0, "042")]
    assert visit["cameo_code"] == "042" and visit["date"] == dt.date(2024, 3, 5)
    assert (visit["year"], visit["month"]) == (2024, 3)
    assert visit["target_sectors"] == ["GOV"] and visit["location_lat"] == 51.1801
    undated = rows[_event_id("a2", 2, "195")]
    assert undated["year"] is None and undated["date"] is None
    assert not list(tmp_path.glob(".dataset*"))  # the temporary folder is gone


def test_parquet_refuses_a_folder_that_holds_files(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    out.mkdir()
    (out / "old.parquet").write_text("x")
    with pytest.raises(ConfigError, match="not an empty directory"):
        export_events(store, "parquet", out)
    (out / "old.parquet").unlink()
    assert export_events(store, "parquet", out, since="2024-03-01").events == 4


# --- filters, empty stores, errors, streaming ----------------------------------------------


def test_filters(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"

    def ids(**filters: str) -> list[str]:
        export_events(store, "csv", out, **filters)
        with out.open(encoding="utf-8", newline="") as stream:
            return [row["event_id"] for row in csv.DictReader(stream)]

    assert ids(source="RUS") == [_event_id("a1", 0, "042"), _event_id("a2", 0, "042")]
    assert ids(target="RUS") == [_event_id("a1", 1, "112")]
    assert ids(code="1") == [_event_id("a1", 1, "112"), _event_id("a2", 2, "195")]
    assert ids(since="2024-03-06", until="2024-04-01") == [
        _event_id("a1", 1, "112"), _event_id("a2", 3, "04"),
    ]  # fmt: skip
    report = export_events(store, "gdelt", tmp_path / "g.tsv", since="2024-03-06")
    assert (report.events, report.skipped) == (1, 1)  # 04 kept, the negated 112 skipped


def test_empty_store_writes_empty_files_and_headers(tmp_path: Path) -> None:
    with EventStore(tmp_path / "empty.duckdb") as empty:
        for fmt in EXPORT_FORMATS:
            out = tmp_path / f"out-{fmt}"
            report = export_events(empty, fmt, out)
            assert (report.events, report.skipped) == (0, 0)
            if fmt == "parquet":
                assert out.is_dir() and not any(out.iterdir()) and report.files == 0
                continue
            text = out.read_text(encoding="utf-8")
            if fmt == "icews":
                assert text == "\t".join(ICEWS_COLUMNS) + "\n"
            elif fmt == "csv":
                assert text == ",".join(CSV_COLUMNS) + "\n"
            else:
                assert text == ""


def test_bad_options_raise_config_errors(store: EventStore, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="gdelt, gdelt2, icews, plover, parquet, csv"):
        export_events(store, "xlsx", tmp_path / "x")
    with pytest.raises(ConfigError, match="merged"):
        export_events(store, "icews", tmp_path / "x", merged=True)
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        export_events(store, "csv", tmp_path / "x", since="05/03/2024")
    with pytest.raises(ConfigError, match="is a directory"):
        export_events(store, "csv", tmp_path)
    assert not (tmp_path / "x").exists()


def test_unwritable_path_raises_store_error(store: EventStore, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for fmt in ("gdelt", "parquet"):
        with pytest.raises(StoreError, match="cannot write the export"):
            export_events(store, fmt, blocker / "sub" / "out")


def test_existing_file_is_replaced_and_no_temporary_file_is_left(
    store: EventStore, tmp_path: Path
) -> None:
    out = tmp_path / "events.jsonl"
    out.write_text("old\n")
    export_events(store, "plover", out, code="042")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def _big_store(path: Path, n_articles: int, per_article: int) -> EventStore:
    store = EventStore(path)
    source, target = _actor("Russia", "RUS", "RUS"), _actor("Kazakhstan", "KAZGOV", "KAZ")
    batch: list[CodedArticle] = []
    for number in range(n_articles):
        article = _article(
            f"big{number}", f"Article {number}: Russia met Kazakhstan.", publisher="W"
        )
        day = dt.date(2020, 1, 1) + dt.timedelta(days=number % 731)
        events = tuple(
            _event(article, i, "042", source, target, date=day.isoformat(), location=ASTANA)
            for i in range(per_article)
        )
        batch.append(CodedArticle(article, events))
        if len(batch) == 500:
            store.add_articles(batch)
            batch = []
    store.add_articles(batch)
    return store


def _peak(action: Callable[[], object]) -> int:
    """Return the peak of Python allocations while ``action`` runs."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_large_exports_stream(tmp_path: Path) -> None:
    """20,000 events: exporting holds a batch at a time, far less than a list of all events."""
    with _big_store(tmp_path / "big.duckdb", 2000, 10) as big:
        assert big.counts()["events"] == 20_000
        whole = _peak(lambda: len(big.events()))
        for fmt in ("gdelt", "csv"):  # events rebuilt from rows / raw rows
            out = tmp_path / f"big.{fmt}"
            streamed = _peak(lambda fmt=fmt, out=out: export_events(big, fmt, out))
            assert streamed < whole / 4, (fmt, streamed, whole)
            assert len(out.read_text(encoding="utf-8").splitlines()) == 20_000 + (fmt == "csv")
        report = export_events(big, "parquet", tmp_path / "big-dataset")
        assert report.events == 20_000 and report.files == 24  # 731 days: 2020-01 .. 2021-12
