"""Tests for thucydides.store: a real DuckDB file, records built by hand (no spaCy)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from thucydides.errors import ConfigError, StoreError
from thucydides.records import (
    Actor,
    Article,
    CodedArticle,
    Event,
    Evidence,
    Location,
    Modality,
    Place,
    Quote,
    Rejection,
    RejectReason,
)
from thucydides.store import SCHEMA_VERSION, EventStore

TEXT_1 = (
    "Russian Foreign Minister Sergei Lavrov met Kazakh President Tokayev in Astana. "
    "Kazakhstan did not accuse Russia of interference."
)
TEXT_2 = "Ukraine's military shelled positions near Donetsk on Friday."


def _article(text: str, article_id: str, published: str | None) -> Article:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(
        article_id=article_id,
        text=text,
        content_hash=digest,
        title=f"Title of {article_id}",
        url=f"https://example.org/{article_id}",
        publisher="Example Wire",
        published=published,
        origin=f"feed.jsonl:{article_id}",
    )


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _actor(
    text: str, mention: str, code: str, country: str | None, sectors: tuple[str, ...]
) -> Actor:
    start, end = _span(text, mention)
    return Actor(mention, code, country, sectors, mention.title(), start, end, f"rule:{code}")


def _event(
    article: Article,
    *,
    event_id: str,
    sentence: str,
    trigger: str,
    source: Actor,
    target: Actor | None,
    code: str,
    date: str | None,
    modality: Modality = Modality.ASSERTED,
    negated: bool = False,
    sentence_index: int = 0,
) -> Event:
    s_start, s_end = _span(article.text, sentence)
    t_start, t_end = _span(article.text, trigger)
    return Event(
        event_id=event_id,
        article_id=article.article_id,
        sentence_index=sentence_index,
        date=date,
        source=source,
        target=target,
        cameo_code=code,
        cameo_root=code[:2],
        cameo_name=f"name of {code}",
        plover_type="CONSULT" if code.startswith("04") else None,
        quad_class=1 if code.startswith("0") else 4,
        goldstein=1.0 if code.startswith("04") else -10.0,
        negated=negated,
        modality=modality,
        evidence=Evidence(sentence, trigger, t_start, t_end, s_start, s_end),
    )


@pytest.fixture
def corpus() -> list[CodedArticle]:
    """Two articles with three events: sectors, a negated event, a missing target and date."""
    first = _article(TEXT_1, "a1", "2024-03-05")
    second = _article(TEXT_2, "a2", None)
    s1 = "Russian Foreign Minister Sergei Lavrov met Kazakh President Tokayev in Astana."
    s2 = "Kazakhstan did not accuse Russia of interference."
    events_1 = (
        _event(
            first,
            event_id="a1-0-0",
            sentence=s1,
            trigger="met",
            source=_actor(TEXT_1, "Russian Foreign Minister", "RUSGOV", "RUS", ("GOV",)),
            target=_actor(TEXT_1, "Kazakh President", "KAZGOV", "KAZ", ("GOV", "ELI")),
            code="042",
            date="2024-03-05",
        ),
        _event(
            first,
            event_id="a1-1-0",
            sentence=s2,
            trigger="accuse",
            source=_actor(TEXT_1, "Kazakhstan", "KAZ", "KAZ", ()),
            target=_actor(TEXT_1, "Russia", "RUS", "RUS", ()),
            code="112",
            date="2024-03-06",
            negated=True,
            modality=Modality.SPECULATIVE,
            sentence_index=1,
        ),
    )
    events_2 = (
        _event(
            second,
            event_id="a2-0-0",
            sentence=TEXT_2,
            trigger="shelled",
            source=_actor(TEXT_2, "Ukraine's military", "UKRMIL", "UKR", ("MIL",)),
            target=None,
            code="195",
            date=None,
        ),
    )
    return [CodedArticle(first, events_1), CodedArticle(second, events_2)]


def _all_events(corpus: list[CodedArticle]) -> list[Event]:
    return [event for item in corpus for event in item.events]


def test_add_and_readd_is_idempotent(tmp_path: Path, corpus: list[CodedArticle]) -> None:
    first = corpus[0]
    with EventStore(tmp_path / "events.duckdb") as store:
        assert not store.has_article(first.article.content_hash)
        assert store.add_article(first.article, first.events) is True
        assert store.has_article(first.article.content_hash)
        assert store.counts() == {
            "articles": 1,
            "events": 2,
            "rejections": 0,
            "places": 0,
            "quotes": 0,
        }
        assert store.add_article(first.article, first.events) is False
        # Same text under another id is still the same article.
        renamed = replace(first.article, article_id="other-id")
        assert store.add_article(renamed, ()) is False
        assert store.counts() == {
            "articles": 1,
            "events": 2,
            "rejections": 0,
            "places": 0,
            "quotes": 0,
        }


def test_round_trip_through_a_reopened_file(tmp_path: Path, corpus: list[CodedArticle]) -> None:
    path = tmp_path / "nested" / "dir" / "events.duckdb"
    with EventStore(path) as store:
        assert store.add_articles(corpus) == [True, True]
    with EventStore(path, read_only=True) as store:
        events = store.events()
        assert store.counts() == {
            "articles": 2,
            "events": 3,
            "rejections": 0,
            "places": 0,
            "quotes": 0,
        }
    assert events == sorted(
        _all_events(corpus), key=lambda e: (e.date is None, e.date or "", e.article_id)
    )
    by_id = {e.event_id: e for e in events}
    assert by_id["a1-0-0"].target is not None
    assert by_id["a1-0-0"].target.sectors == ("GOV", "ELI")
    assert by_id["a1-1-0"].modality is Modality.SPECULATIVE and by_id["a1-1-0"].negated
    assert by_id["a2-0-0"].target is None and by_id["a2-0-0"].date is None
    assert by_id["a1-0-0"].cameo_code == "042"  # the leading zero survives


def test_batch_reports_which_articles_were_new(tmp_path: Path, corpus: list[CodedArticle]) -> None:
    with EventStore(tmp_path / "events.duckdb") as store:
        store.add_article(corpus[0].article, corpus[0].events)
        assert store.add_articles([corpus[0], corpus[1], corpus[1]]) == [False, True, False]
        assert store.counts()["events"] == 3


def test_duplicate_event_ids_are_skipped_not_errors(
    tmp_path: Path, corpus: list[CodedArticle], caplog: pytest.LogCaptureFixture
) -> None:
    first, second = corpus
    clash = replace(second.events[0], event_id="a1-0-0")
    with EventStore(tmp_path / "events.duckdb") as store:
        store.add_article(first.article, first.events)
        assert store.add_article(second.article, [clash]) is True
        assert store.counts() == {
            "articles": 2,
            "events": 2,
            "rejections": 0,
            "places": 0,
            "quotes": 0,
        }
        assert store.events(article_id="a2") == []
        assert [e.event_id for e in store.events(article_id="a1")] == ["a1-0-0", "a1-1-0"]
    assert "already stored" in caplog.text


def test_prefix_filters_and_date_range(tmp_path: Path, corpus: list[CodedArticle]) -> None:
    with EventStore(tmp_path / "events.duckdb") as store:
        store.add_articles(corpus)

        def ids(**filters: object) -> list[str]:
            return [e.event_id for e in store.events(**filters)]  # type: ignore[arg-type]

        assert ids() == ["a1-0-0", "a1-1-0", "a2-0-0"]
        assert ids(source="RUS") == ["a1-0-0"]
        assert ids(source="KAZ") == ["a1-1-0"]
        assert ids(target="KAZGOV") == ["a1-0-0"]
        assert ids(target="") == ["a1-0-0", "a1-1-0"]  # any target: drops target-less events
        assert ids(code="04") == ["a1-0-0"]
        assert ids(code="1") == ["a1-1-0", "a2-0-0"]
        assert ids(code="0") == ["a1-0-0"]
        assert ids(since="2024-03-05", until="2024-03-05") == ["a1-0-0"]
        assert ids(since="2024-03-06") == ["a1-1-0"]
        assert ids(until="2024-12-31") == ["a1-0-0", "a1-1-0"]
        assert ids(article_id="a2") == ["a2-0-0"]
        assert ids(source="UKR", code="19") == ["a2-0-0"]
        assert ids(limit=2) == ["a1-0-0", "a1-1-0"]
        assert ids(source="RU%") == []  # prefixes are literal, not LIKE patterns
        with pytest.raises(ConfigError, match="since must be a date written YYYY-MM-DD"):
            store.events(since="March 2024")
        with pytest.raises(ConfigError, match="limit"):
            store.events(limit=-1)


def test_rejections_are_recorded_every_time(tmp_path: Path) -> None:
    empty = Rejection("blank.txt", RejectReason.EMPTY, "the file is empty (0 bytes)")
    bad = Rejection("feed.jsonl:3", RejectReason.MALFORMED, "invalid JSON", "ab" * 32)
    path = tmp_path / "events.duckdb"
    with EventStore(path, run_id="run-1") as store:
        store.add_rejection(empty)
        store.add_rejections([bad, empty])
        assert store.rejections() == [empty, bad, empty]
        assert store.counts() == {
            "articles": 0,
            "events": 0,
            "rejections": 3,
            "places": 0,
            "quotes": 0,
        }
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            "SELECT reason, run_id, rejected_at IS NOT NULL FROM rejections"
        ).fetchall()
    assert rows == [
        ("empty", "run-1", True),
        ("malformed", "run-1", True),
        ("empty", "run-1", True),
    ]


def test_tables_are_queryable_by_other_tools(tmp_path: Path, corpus: list[CodedArticle]) -> None:
    path = tmp_path / "events.duckdb"
    with EventStore(path) as store:
        store.add_articles(corpus)
    with duckdb.connect(str(path), read_only=True) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        article = conn.execute(
            "SELECT article_id, published, n_chars, n_events, lang FROM articles ORDER BY article_id"
        ).fetchall()
        dyads = conn.execute(
            "SELECT e.source_code, e.target_code, e.cameo_code, e.source_sectors, a.publisher "
            "FROM events e JOIN articles a USING (content_hash) ORDER BY e.event_id"
        ).fetchall()
        types = dict(
            conn.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'events'"
            ).fetchall()
        )
    assert version == (str(SCHEMA_VERSION),)
    assert [(row[0], str(row[1]), row[2], row[3], row[4]) for row in article] == [
        ("a1", "2024-03-05", len(TEXT_1), 2, "en"),
        ("a2", "None", len(TEXT_2), 1, "en"),
    ]
    assert dyads[0] == ("RUSGOV", "KAZGOV", "042", ["GOV"], "Example Wire")
    assert dyads[2][1] is None
    assert types["cameo_code"] == "VARCHAR" and types["date"] == "DATE"
    assert types["source_sectors"] == "VARCHAR[]"


def test_read_only_store_cannot_write(tmp_path: Path, corpus: list[CodedArticle]) -> None:
    path = tmp_path / "events.duckdb"
    EventStore(path).close()
    with EventStore(path, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.add_article(corpus[0].article, corpus[0].events)
        with pytest.raises(StoreError, match="read-only"):
            store.add_rejection(Rejection("x", RejectReason.EMPTY, "empty"))
        assert store.counts()["articles"] == 0


def test_read_only_on_a_missing_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "missing.duckdb"
    with pytest.raises(StoreError, match="no event store at"):
        EventStore(path, read_only=True)
    assert not path.exists()


def test_directory_path_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory, not a database file") as info:
        EventStore(tmp_path)
    assert str(tmp_path / "events.duckdb") in str(info.value)


def test_a_text_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Lavrov met Tokayev.\n" * 200)
    with pytest.raises(StoreError, match="not a DuckDB database"):
        EventStore(path)


def test_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.duckdb")
    store.close()
    store.close()  # closing twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.counts()


def test_bad_record_dates_and_mismatched_events_write_nothing(
    tmp_path: Path, corpus: list[CodedArticle]
) -> None:
    first, second = corpus
    with EventStore(tmp_path / "events.duckdb") as store:
        with pytest.raises(StoreError, match="'2024-02-30'"):
            store.add_article(replace(first.article, published="2024-02-30"), first.events)
        with pytest.raises(StoreError, match="belongs to article 'a2'"):
            store.add_article(first.article, second.events)
        assert store.counts() == {
            "articles": 0,
            "events": 0,
            "rejections": 0,
            "places": 0,
            "quotes": 0,
        }


def test_locked_file_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    holder = textwrap.dedent(
        f"""
        import sys, duckdb
        conn = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        sys.stdin.read()
        """
    )
    EventStore(path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match=f"locked by process {proc.pid}"):
            EventStore(path)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def test_places_quotes_and_event_locations_round_trip(
    tmp_path: Path, corpus: list[CodedArticle]
) -> None:
    first = corpus[0]
    moscow = Location("Moscow", "RUS", "Moscow", 55.75, 37.62, 524901, "city", "P")
    event = replace(first.events[0], location=moscow, future=True)
    place = Place(first.article.article_id, "Moscow", 0, 6, moscow, "gazetteer: capital")
    quote = Quote(first.article.article_id, "We agreed.", 10, 20, "direct", event.source, "he")
    unattributed = Quote(first.article.article_id, "Nothing.", 30, 38, "direct", None, None)
    coded = replace(
        first, events=(event, *first.events[1:]), places=(place,), quotes=(quote, unattributed)
    )
    with EventStore(tmp_path / "ctx.duckdb") as store:
        assert store.add_articles([coded]) == [True]
    with EventStore(tmp_path / "ctx.duckdb", read_only=True) as store:
        stored = {e.event_id: e for e in store.events()}
        assert stored[event.event_id] == event
        assert store.places() == [place]
        assert store.places(country="KAZ") == []
        assert store.quotes() == [quote, unattributed]
        assert store.quotes(speaker="he") == [quote]
        assert store.counts()["places"] == 1 and store.counts()["quotes"] == 2
