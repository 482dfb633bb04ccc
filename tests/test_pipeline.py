"""End to end on real text: the seed article and the bundled demo article."""

from __future__ import annotations

from importlib import resources

import pytest

from tests.support import SEED, shared_file
from thucydides import Coder, Modality, make_article
from thucydides.records import Event

pytestmark = pytest.mark.slow


def _triples(events: list[Event]) -> set[tuple[str, str, str]]:
    return {(e.source.code, e.cameo_code, e.target.code if e.target else "-") for e in events}


@pytest.fixture(scope="module")
def seed_events(coder: Coder) -> list[Event]:
    text = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt").read_text(encoding="utf-8")
    return coder.code_text(text, date="2002-12-20")


def test_seed_visit_and_meeting(seed_events: list[Event]) -> None:
    triples = _triples(seed_events)
    assert ("KAZGOV", "042", "RUS") in triples or ("KAZGOV", "042", "RUSGOV") in triples
    hosted = {
        t for t in triples if t[0] == "RUSGOV" and t[2] == "KAZGOV" and "040" <= t[1] <= "046"
    }
    assert hosted, triples


def test_seed_pledge_praise_and_lease(seed_events: list[Event]) -> None:
    pledges = [e for e in seed_events if e.cameo_root == "03" and e.evidence.trigger == "pledged"]
    assert pledges and all(e.modality is Modality.INTENT for e in pledges)
    assert {e.source.code for e in pledges} == {"KAZGOV", "RUSGOV"}
    praise = [e for e in seed_events if e.cameo_code == "051"]
    assert any(
        e.source.code == "KAZGOV" and "breakthrough year" in e.evidence.sentence for e in praise
    )
    lease = [
        e for e in seed_events if "Baikonur lease" in e.evidence.sentence and e.cameo_root == "03"
    ]
    assert any(
        e.source.code == "KAZGOV" and e.target is not None and e.target.country == "RUS"
        for e in lease
    )


def test_seed_future_trip_to_china(seed_events: list[Event]) -> None:
    trips = [
        e
        for e in seed_events
        if e.target is not None and e.target.country == "CHN" and e.source.code == "KAZGOV"
    ]
    assert trips and all(e.modality is Modality.FUTURE and e.future for e in trips)
    assert all(e.cameo_root in ("03", "04") for e in trips)


def test_seed_dates_furniture_and_evidence(seed_events: list[Event]) -> None:
    text = SEED.read_text(encoding="utf-8")
    visit = [e for e in seed_events if not e.future]
    assert visit and {e.date for e in visit} <= {"2002-12-19", "2002-12-20"}
    assert all(e.date is not None and e.date > "2002-12-20" for e in seed_events if e.future)
    for event in seed_events:
        for actor in (event.source, event.target):
            if actor is not None:
                assert not {"Prague", "RFE", "Accessibility", "Breaking"} & set(actor.text.split())
                assert text[actor.start : actor.end] == actor.text
        assert "Accessibility links" not in event.evidence.sentence
        assert "Concludes Moscow Visit" not in event.evidence.sentence
        assert "collapse of the Soviet Union" not in event.evidence.sentence
        assert text[event.evidence.start : event.evidence.end] in event.evidence.trigger
        assert event.evidence.sentence in text


def test_seed_without_date_takes_the_dateline(coder: Coder) -> None:
    text = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt").read_text(encoding="utf-8")
    events = coder.code_text(text)
    assert events and {e.date for e in events if not e.future} <= {"2002-12-19", "2002-12-20"}
    china = [e for e in events if e.target is not None and e.target.country == "CHN"]
    assert china and all(e.future and e.date == "2002-12-27" for e in china)


def test_event_ids_are_stable(coder: Coder) -> None:
    text = "Russian President Vladimir Putin met Chinese President Hu Jintao in Beijing on Tuesday."
    first = [e.event_id for e in coder.code_text(text, date="2006-03-21")]
    second = [e.event_id for e in Coder().code_text(text, date="2006-03-21")]
    assert first and first == second
    assert len(set(first)) == len(first)


def test_demo_article(coder: Coder) -> None:
    text = (
        resources.files("thucydides")
        .joinpath("data", "demo_article.txt")
        .read_text(encoding="utf-8")
    )
    events = coder.code_text(text)
    triples = _triples(events)
    assert {e.date for e in events} == {"2014-09-01"}
    assert ("INDGOV", "042", "JPN") in triples or ("INDGOV", "042", "JPNGOV") in triples
    assert any(code == "051" and src == "JPNGOV" for src, code, _ in triples)
    assert any(code.startswith("03") for _, code, _ in triples)


def test_seed_context_without_a_date(coder: Coder) -> None:
    text = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt").read_text(encoding="utf-8")
    coded = coder.code_article(make_article(text))
    visits = [
        e
        for e in coded.events
        if e.cameo_code == "042" and e.source.code == "KAZGOV" and not e.future
    ]
    assert visits
    for event in visits:
        assert event.date in ("2002-12-19", "2002-12-20")
        assert event.location is not None and event.location.name == "Moscow"
        assert event.location.country == "RUS" and event.location.precision == "city"
        assert abs(event.location.lat - 55.75) < 0.1 and abs(event.location.lon - 37.62) < 0.1  # type: ignore[operator]
    china = [e for e in coded.events if e.target is not None and e.target.country == "CHN"]
    assert china and all(e.future for e in china)
    direct = [q for q in coded.quotes if q.kind == "direct" and q.speaker is not None]
    experts = [q for q in direct if q.speaker.name in ("Artem Malgin", "Aleksei Malashenko")]  # type: ignore[union-attr]
    assert len(experts) >= 5 and all(q.speaker.country == "RUS" for q in experts)  # type: ignore[union-attr]
    assert all(text[q.start : q.end] == q.text for q in coded.quotes)
    assert not any(
        p.text in ("Prague",) for p in coded.places
    )  # the dateline is not the story's place
    assert all(text[p.start : p.end] == p.text for p in coded.places)


def test_a_failing_article_never_stops_the_batch(
    coder: Coder, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [
        make_article(
            f"Report {i}. Russian troops attacked Georgian soldiers near Gori.",
            article_id=f"a{i}",
            date="2008-08-10",
        )
        for i in range(3)
    ]
    real = Coder._finish

    def failing(self: Coder, job, docs):  # type: ignore[no-untyped-def]
        if job.article.article_id == "a1":
            raise ValueError("simulated coder bug")
        return real(self, job, docs)

    monkeypatch.setattr(Coder, "_finish", failing)
    coded = list(coder.code_articles(articles))
    assert [c.article.article_id for c in coded] == ["a0", "a1", "a2"]
    assert coded[1].error is not None and "simulated coder bug" in coded[1].error
    rejection = coded[1].rejection()
    assert rejection is not None and rejection.reason == "coder_error"
    assert coded[0].events and coded[2].events and coded[0].error is None
