"""Tests for thucydides.web against a real server: uvicorn in a thread on a free loopback port.

The database is the hand-made one of tests/test_analysis.py. Every endpoint is called
with good parameters and with malformed ones; a malformed request must get a 4xx
with a JSON ``error`` that names the problem, never a 500 or a stack trace.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from tests.test_analysis import make_store
from thucydides.cli import app as cli
from thucydides.errors import StoreError
from thucydides.ontology import goldstein, lookup, quad_class
from thucydides.records import (
    UNIDENTIFIED,
    Actor,
    Article,
    CodedArticle,
    Event,
    Evidence,
    Modality,
)
from thucydides.store import EventStore
from thucydides.web.app import create_app
from thucydides.web.commands import serve


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(db: Path | FastAPI) -> Iterator[str]:
    """Serve ``db`` (or an app) with uvicorn in a thread on a free loopback port; yield its URL."""
    app = db if isinstance(db, FastAPI) else create_app(db)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=_free_port(), log_level="critical", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = make_store(tmp_path_factory.mktemp("web") / "events.duckdb")
    with running_server(db) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        yield http


def _ok(client: httpx.Client, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


# -- good requests --------------------------------------------------------------------------------


def test_events_endpoint_filters_and_pages(client: httpx.Client) -> None:
    page = _ok(client, "/api/events", limit=3)
    assert (page["total"], page["limit"], page["offset"], len(page["events"])) == (8, 3, 0, 3)
    event = page["events"][0]
    assert event["source"]["code"] == "RUSGOV" and event["cameo_code"] == "040"
    assert event["evidence"]["trigger"] == "met" and event["location"]["name"] == "Moscow"
    dyad = _ok(client, "/api/events", actor="rus", partner="KAZ", asserted_only="true")
    assert dyad["total"] == 4
    assert _ok(client, "/api/events", code="19", country="KAZ")["total"] == 1
    assert _ok(client, "/api/events", place="astana", since="2020-03-01")["total"] == 1
    assert _ok(client, "/api/events", article_id="wire/a2", quad_class=4)["total"] == 1
    assert _ok(client, "/api/events", offset=7)["events"][0]["event_id"] == "a3-1"


def test_dyad_endpoint_returns_the_series(client: httpx.Client) -> None:
    series = _ok(client, "/api/dyad", a="RUS", b="KAZ")
    assert (series["total"], series["undated"], series["directed"]) == (4, 0, False)
    assert [p["period"] for p in series["periods"]] == ["2020-01", "2020-02", "2020-03"]
    assert series["periods"][0]["verbal_cooperation"] == 2
    weekly = _ok(client, "/api/dyad", a="RUS", b="KAZ", freq="week", directed="true")
    assert [p["events"] for p in weekly["periods"]] == [2]
    assert _ok(client, "/api/dyad", a="CHN", b="RUS")["undated"] == 1


def test_article_endpoint_has_text_events_quotes_and_places(client: httpx.Client) -> None:
    article = _ok(client, "/api/articles/a1")
    assert article["title"] == "Title a1" and article["published"] == "2020-01-10"
    assert len(article["events"]) == 3 and len(article["places"]) == 1
    [quote] = article["quotes"]
    assert article["text"][quote["start"] : quote["end"]] == "We are partners"
    event = article["events"][0]
    evidence = event["evidence"]
    assert article["text"][evidence["start"] : evidence["end"]] == "met"
    source = event["source"]
    assert article["text"][source["start"] : source["end"]] == "Russian President Vladimir Putin"
    # An id with a slash is reachable, encoded or not.
    assert _ok(client, "/api/articles/wire%2Fa2")["article_id"] == "wire/a2"
    assert _ok(client, "/api/articles/wire/a2")["article_id"] == "wire/a2"


def test_actors_quotes_and_locations_endpoints(client: httpx.Client) -> None:
    found = _ok(client, "/api/actors", q="toka")["actors"]
    assert [(a["code"], a["name"]) for a in found] == [("KAZGOV", "Kassym-Jomart Tokayev")]
    top = _ok(client, "/api/actors", limit=2)
    assert top["query"] is None and [a["code"] for a in top["actors"]] == ["RUS", "KAZ"]
    quotes = _ok(client, "/api/quotes", speaker="Putin")
    assert quotes["total"] == 1 and quotes["quotes"][0]["speaker"]["code"] == "RUSGOV"
    places = _ok(client, "/api/locations", actor="KAZ")["locations"]
    assert {p["location"]["name"] for p in places} == {"Moscow", "Petropavl", "Astana"}
    assert (
        _ok(client, "/api/locations", asserted_only="true", country="KAZ")["locations"][0]["events"]
        == 1
    )


def test_openapi_documents_every_endpoint(client: httpx.Client) -> None:
    schema = _ok(client, "/openapi.json")
    paths = set(schema["paths"])
    assert {
        "/api/events", "/api/dyad", "/api/articles/{article_id}", "/api/actors", "/api/quotes",
        "/api/locations",
    } <= paths  # fmt: skip
    limit = next(
        p for p in schema["paths"]["/api/events"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == 500
    assert "422" in schema["paths"]["/api/dyad"]["get"]["responses"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/dyad" in docs.text and "Dyad time series" in docs.text


# -- malformed requests ---------------------------------------------------------------------------

MALFORMED = [
    ("/api/events?limit=0", 422, "limit"),
    ("/api/events?limit=501", 422, "less than or equal to 500"),
    ("/api/events?limit=ten", 422, "valid integer"),
    ("/api/events?offset=-1", 422, "offset"),
    ("/api/events?since=2020-02-30", 422, "since"),
    ("/api/events?since=yesterday", 422, "since"),
    ("/api/events?quad_class=5", 422, "quad_class"),
    ("/api/events?code=04a", 422, "code"),
    ("/api/events?source=RUS%27%3B--", 422, "source"),
    ("/api/events?country=Russia", 422, "country"),
    ("/api/events?asserted_only=perhaps", 422, "asserted_only"),
    ("/api/events?place=" + "x" * 101, 422, "place"),
    ("/api/events?article_id=%00", 422, "article_id"),
    ("/api/events?partner=KAZ", 400, "partner needs actor"),
    ("/api/events?since=2020-03-01&until=2020-01-01", 400, "is after until"),
    ("/api/dyad?a=RUS", 422, "b: Field required"),
    ("/api/dyad?a=RUS&b=KAZ&freq=decade", 422, "freq"),
    ("/api/dyad?a=RUS&b=KAZ&scale=cameo", 422, "scale"),
    ("/api/dyad?a=RUS&b=KAZ&directed=2", 422, "directed"),
    ("/api/dyad?a=RUS&b=KA%20Z", 422, "b"),
    ("/api/dyad?a=RUS&b=KAZ&since=2021-01-01&until=2020-01-01", 400, "is after until"),
    ("/api/articles/no-such-article", 404, "no article with id"),
    ("/api/articles/" + "x" * 301, 422, "article_id"),
    ("/api/actors?q=", 422, "q"),
    ("/api/actors?q=" + "x" * 65, 422, "q"),
    ("/api/actors?limit=1000", 422, "limit"),
    ("/api/quotes?limit=-5", 422, "limit"),
    ("/api/quotes?speaker=", 422, "speaker"),
    ("/api/locations?limit=0", 422, "limit"),
    ("/api/locations?quad_class=one", 422, "quad_class"),
    ("/api/nothing", 404, "no page or endpoint"),
]


@pytest.mark.parametrize(("url", "status", "words"), MALFORMED)
def test_malformed_parameters_get_a_clear_4xx(
    client: httpx.Client, url: str, status: int, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "details"}
    assert words in body["error"] or any(words in d["location"] for d in body["details"])
    assert "Traceback" not in response.text and 'File "' not in response.text


def test_other_methods_are_refused_cleanly(client: httpx.Client) -> None:
    response = client.post("/api/events", json={})
    assert response.status_code == 405 and "only answers GET" in response.json()["error"]


def test_many_requests_at_once_are_served(client: httpx.Client, base_url: str) -> None:
    urls = ["/api/events?limit=5", "/api/dyad?a=RUS&b=KAZ", "/api/actors?q=RUS", "/api/articles/a1"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda u: httpx.get(base_url + u, timeout=20).status_code, urls * 6))
    assert codes == [200] * len(codes)


# -- pages ----------------------------------------------------------------------------------------


def test_pages_render_with_a_strict_content_security_policy(client: httpx.Client) -> None:
    for path, words in (
        ("/", "Dyad over time"),
        ("/map", "Where events happened"),
        ("/docs", "JSON API"),
        ("/static/world-110m.svg", 'data-iso3="KAZ"'),
    ):
        response = client.get(path)
        assert response.status_code == 200 and words in response.text, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"


def test_article_page_marks_events_and_quotes(client: httpx.Client) -> None:
    page = client.get("/articles/a1").text
    assert re.search(r'<span class="m-trigger "\s+data-keys="a1-0">met</span>', page)
    assert re.search(r'<span class="m-source "\s+data-keys="a1-0">Russian President', page)
    assert 'data-keys="q0">We are partners</span>' in page
    assert page.count('<li data-key="a1-') == 3 and "040 Consult" in page
    assert client.get("/articles/wire%2Fa2").status_code == 200
    missing = client.get("/articles/nope", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "no article with id" in missing.text
    assert missing.headers["content-type"].startswith("text/html")


def test_assets_are_all_local() -> None:
    """No page, script or style may load anything from another host (no CDN, no tiles)."""
    web = resources.files("thucydides.web")
    urls = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}")
    for folder in ("templates", "static"):
        for item in (web / folder).iterdir():
            text = item.read_text(encoding="utf-8")
            found = set(urls.findall(text)) - {"http://www.w3.org"}
            assert not found, f"{folder}/{item.name} refers to {found}"


# -- failures ----------------------------------------------------------------------------------------


def test_unexpected_errors_are_500_without_details(tmp_path: Path) -> None:
    app = create_app(make_store(tmp_path / "events.duckdb"))

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with running_server(app) as url:
        response = httpx.get(url + "/api/boom", timeout=10)
    assert response.status_code == 500
    assert response.json()["error"] == "internal error; the server log has the details"
    assert "secret" not in response.text and "Traceback" not in response.text


def test_the_server_needs_an_event_store_and_binds_loopback(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no event store"):
        create_app(tmp_path / "missing.duckdb")
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


# -- the unidentified actor "---" -----------------------------------------------------------------

BOMBING = "A roadside bombing killed one U.S. soldier near Baghdad on Monday."


def unidentified_store(path: Path) -> Path:
    """Write the hand-made store plus an article whose event has the unidentified source ``---``."""
    make_store(path)
    digest = hashlib.sha256(BOMBING.encode()).hexdigest()
    item = Article("bomb/1", BOMBING, digest, title="Roadside bombing", published="2020-03-09")
    bomb = BOMBING.index("A roadside bombing")
    soldier = BOMBING.index("one U.S. soldier")
    trigger = BOMBING.index("killed")
    record = lookup("183")
    event = Event(
        event_id="bomb-0", article_id=item.article_id, sentence_index=0, date=item.published,
        source=Actor("A roadside bombing", UNIDENTIFIED, None, (), None, bomb, bomb + 18,
                     "unidentified: no perpetrator named for 'A roadside bombing'"),
        target=Actor("one U.S. soldier", "USAMIL", "USA", ("MIL",), None, soldier, soldier + 16,
                     "test"),
        cameo_code="183", cameo_root=record.root, cameo_name=record.name,
        plover_type=record.plover_type, quad_class=quad_class("183"), goldstein=goldstein("183"),
        negated=False, modality=Modality.ASSERTED,
        evidence=Evidence(BOMBING, "killed", trigger, trigger + 6, 0, len(BOMBING)),
    )  # fmt: skip
    with EventStore(path) as store:
        store.add_articles([CodedArticle(item, (event,))])
    return path


@pytest.fixture(scope="module")
def unidentified_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unidentified_store(tmp_path_factory.mktemp("unidentified") / "events.duckdb")


@pytest.fixture(scope="module")
def unidentified(unidentified_db: Path) -> Iterator[httpx.Client]:
    with running_server(unidentified_db) as url, httpx.Client(base_url=url, timeout=10) as http:
        yield http


def test_events_of_the_unidentified_actor_can_be_listed(unidentified: httpx.Client) -> None:
    for params in ({"source": "---"}, {"actor": "---"}, {"actor": "---", "partner": "USA"}):
        page = _ok(unidentified, "/api/events", **params)
        assert page["total"] == 1, params
        [event] = page["events"]
        assert (event["source"]["code"], event["target"]["code"]) == ("---", "USAMIL")
        assert event["evidence"]["trigger"] == "killed"
    assert _ok(unidentified, "/api/events", target="---")["total"] == 0
    assert _ok(unidentified, "/api/events", source="RUS")["total"] == 3  # no "---" among them
    series = _ok(unidentified, "/api/dyad", a="---", b="USA")
    assert (series["a"], series["total"], series["periods"][0]["material_conflict"]) == (
        "---",
        1,
        1,
    )
    places = _ok(unidentified, "/api/locations", actor="---")
    assert places["locations"] == []  # the event has no location; the filter itself is accepted


def test_the_unidentified_actor_is_named_unidentified(unidentified: httpx.Client) -> None:
    by_code = _ok(unidentified, "/api/actors", q="---")["actors"]
    assert [(a["code"], a["name"], a["as_source"]) for a in by_code] == [("---", "unidentified", 1)]
    by_label = _ok(unidentified, "/api/actors", q="Unident")["actors"]
    assert [a["code"] for a in by_label] == ["---"]
    top = _ok(unidentified, "/api/actors", limit=100)["actors"]
    assert {a["code"]: a["name"] for a in top}["---"] == "unidentified"
    assert all(a["name"] != "unidentified" for a in top if a["code"] != "---")
    # Real names are left alone, and "uni" alone is too short to mean the label.
    assert (
        _ok(unidentified, "/api/actors", q="toka")["actors"][0]["name"] == "Kassym-Jomart Tokayev"
    )
    assert _ok(unidentified, "/api/actors", q="un")["actors"] == []


@pytest.mark.parametrize("value", ["--", "----", "-RUS", "---RUS", "- -", "—"])
def test_only_the_whole_unidentified_code_passes_the_actor_pattern(
    unidentified: httpx.Client, value: str
) -> None:
    for name in ("source", "actor"):
        response = unidentified.get("/api/events", params={name: value})
        assert response.status_code == 422, (name, value, response.text)
        assert response.json()["details"][0]["location"] == f"query.{name}"


def test_pages_show_the_unidentified_actor_and_link_to_its_events(
    unidentified: httpx.Client,
) -> None:
    article = unidentified.get("/articles/bomb/1")
    assert article.status_code == 200
    shown = re.search(r'<li data-key="bomb-0"[^>]*>(.*?)</li>', article.text, re.S)
    assert shown is not None
    words = re.sub(r"<[^>]+>", "", shown.group(1))
    assert "unidentified ---" in words and "183" in words and "USAMIL" in words
    assert '<span class="m-source " data-keys="bomb-0">A roadside bombing</span>' in article.text
    # Every actor field of the forms lets "---" through, so links such as the map's
    # /?actor=--- fill a form that can be submitted.
    for path in ("/", "/map", "/?actor=---&country=USA"):
        page = unidentified.get(path)
        assert page.status_code == 200
        patterns = re.findall(r'list="actor-list"[^>]*pattern="([^"]+)"', page.text)
        assert len(patterns) >= 4, path
        for pattern in patterns:
            assert re.fullmatch(pattern, "---") and re.fullmatch(pattern, "KAZGOV")
            assert not re.fullmatch(pattern, "--") and not re.fullmatch(pattern, "RUS;")
    assert (
        unidentified.get("/api/events", params={"actor": "---", "country": "USA"}).status_code
        == 200
    )


def test_actor_commands_name_the_unidentified_actor(unidentified_db: Path, tmp_path: Path) -> None:
    top = CliRunner().invoke(cli, ["actors", "top", "--db", str(unidentified_db), "-f", "json"])
    assert top.exit_code == 0, top.output
    names = {row["code"]: row["name"] for row in json.loads(top.stdout)}
    assert names["---"] == "unidentified" and names["RUSGOV"] == "Vladimir Putin"
    graphml = tmp_path / "graph.graphml"
    result = CliRunner().invoke(
        cli, ["network", "--db", str(unidentified_db), "--out", str(graphml)]
    )
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(graphml)
    assert graph.nodes["---"]["name"] == "unidentified" and graph.has_edge("---", "USAMIL")
    events = CliRunner().invoke(
        cli, ["events", "--db", str(unidentified_db), "--source", "---", "-f", "jsonl"]
    )
    assert events.exit_code == 0, events.output
    assert [json.loads(line)["event_id"] for line in events.stdout.splitlines()] == ["bomb-0"]
    table = CliRunner().invoke(
        cli, ["events", "--db", str(unidentified_db), "--source=---"], env={"COLUMNS": "200"}
    )
    assert table.exit_code == 0 and "--- unidentified" in table.stdout
