"""Hostile requests against a real server: traversal, injection, oversized and unbounded requests.

The server is uvicorn on a loopback port (as in tests/test_web.py) over the hand-made
store of tests/test_analysis.py. Raw requests go through ``http.client``, which sends
a path exactly as written (httpx would normalise ``..`` away). Every answer must be a
clean 4xx with a JSON error, never a file from outside the static folder, a 500 or a
stack trace.
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.test_analysis import make_store
from tests.test_web import running_server
from thucydides.errors import StoreError
from thucydides.records import Article
from thucydides.store.snapshot import snapshot_path
from thucydides.web.app import MAX_HEADERS, MAX_URL, create_app


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = make_store(tmp_path_factory.mktemp("hardening") / "events.duckdb")
    with running_server(db) as url:
        yield url


def _raw(base_url: str, path: str, *, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, str, str]:  # fmt: skip
    """Send ``path`` byte for byte; return the status, content type and body."""
    where = urlsplit(base_url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read().decode()
    finally:
        connection.close()


def _assert_clean(status: int, kind: str, text: str, expected: int) -> None:
    assert status == expected, text[:300]
    assert kind.startswith("application/json"), kind
    assert "Traceback" not in text and 'File "' not in text


TRAVERSALS = [
    "/static/../../etc/passwd",
    "/static/../../../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/....//....//etc/passwd",
    "/static//etc/passwd",
    "/static/..\\..\\etc\\passwd",
    "/static/style.css%00.svg",
    "/static/../app.py",
    "/static/../templates/base.html",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_files_never_come_from_outside_their_folder(base_url: str, path: str) -> None:
    status, kind, text = _raw(base_url, path)
    _assert_clean(status, kind, text, 404)
    assert "root:" not in text and "import" not in text and "<html" not in text


def test_static_files_are_served(base_url: str) -> None:
    status, kind, text = _raw(base_url, "/static/style.css")
    assert status == 200 and kind.startswith("text/css") and text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/articles/..%2F..%2Fetc%2Fpasswd", 404),
        ("/api/articles/../../etc/passwd", 404),
        ("/articles/../../etc/passwd", 404),
        ("/api/articles/%27%20OR%201%3D1%20--", 404),
        ("/api/articles/a1%27%3B%20DROP%20TABLE%20events%3B--", 404),
        ("/api/articles/%00", 422),
        ("/api/articles/a%0Ab", 404),  # the route itself takes no line breaks
        ("/api/articles/" + "x" * 301, 422),
    ],
)
def test_article_ids_are_looked_up_never_used_as_paths_or_sql(
    base_url: str, path: str, expected: int
) -> None:
    status, kind, text = _raw(base_url, path, headers={"Accept": "application/json"})
    _assert_clean(status, kind, text, expected)
    assert httpx.get(base_url + "/api/events", timeout=30).json()["total"] == 8  # nothing dropped


@pytest.mark.parametrize(
    "path",
    [
        "/api/events?limit=1000000000",
        "/api/events?limit=99999999999999999999999999999",
        "/api/events?offset=1000000000",
        "/api/events?limit=-1",
        "/api/quotes?limit=1000000000",
        "/api/actors?limit=1000000000",
        "/api/locations?limit=1000000000",
    ],
)
def test_page_sizes_and_offsets_are_capped(base_url: str, path: str) -> None:
    status, kind, text = _raw(base_url, path)
    _assert_clean(status, kind, text, 422)
    assert "less than or equal" in text or "greater than" in text


def test_values_reach_sql_as_parameters_only(base_url: str) -> None:
    def total(path: str, **params: str) -> int:
        response = httpx.get(base_url + path, params=params, timeout=30)
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    assert total("/api/quotes", speaker="' OR 1=1 --") == 0
    assert total("/api/quotes", speaker="%") == 0  # a LIKE wildcard matches itself only
    assert total("/api/events", place="%") == 0
    assert total("/api/events", place="_oscow") == 0
    assert total("/api/events", article_id="a1' OR '1'='1") == 0
    actors = httpx.get(base_url + "/api/actors", params={"q": "%'; --"}, timeout=30)
    assert actors.status_code == 200 and actors.json()["actors"] == []
    assert total("/api/events") == 8


def test_oversized_requests_are_refused_cleanly(base_url: str) -> None:
    for size in (MAX_URL + 1, 100_000):
        status, kind, text = _raw(base_url, "/api/events?place=" + "x" * size)
        _assert_clean(status, kind, text, 414)
        assert f"longer than {MAX_URL}" in text
    status, kind, text = _raw(base_url, "/api/events", headers={"X-Padding": "a" * MAX_HEADERS})
    _assert_clean(status, kind, text, 431)
    status, kind, text = _raw(base_url, "/api/events", method="POST", body=b"x" * 5_000_000)
    _assert_clean(status, kind, text, 405)


def test_unexpected_errors_are_logged_and_answered_without_details(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(make_store(tmp_path / "events.duckdb"))

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with caplog.at_level(logging.ERROR), running_server(app) as url:
        response = httpx.get(url + "/api/boom", timeout=30)
        page = httpx.get(url + "/api/boom", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 500 and page.status_code == 500
    assert response.json() == {
        "error": "internal error; the server log has the details",
        "details": [],
    }
    for text in (response.text, page.text):
        assert "secret" not in text and "Traceback" not in text and "RuntimeError" not in text
    logged = [r for r in caplog.records if r.name == "thucydides.web.app"]
    assert logged and logged[0].exc_info is not None
    assert "secret internal detail" in str(logged[0].exc_info[1])


def test_the_server_reads_a_read_only_snapshot_never_the_database(tmp_path: Path) -> None:
    db = make_store(tmp_path / "events.duckdb")
    app = create_app(db)
    live = app.state.live
    try:
        with live.lease() as store:
            assert store.read_only and store.path != db
            assert store.path.name.startswith(f".{snapshot_path(db).name}.reader-")
            with pytest.raises(StoreError, match="read-only"):
                store.add_article(Article("x", "text", "0" * 64), [])
    finally:
        live.close()
