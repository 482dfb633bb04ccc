"""Browser tests: the dashboard in real headless Chromium (Debian's /usr/bin/chromium, via Playwright).

The database is coded for real: the RFE/RL seed article (2002-12-20, Nazarbaev in
Moscow) and the first 30 politics articles of the BBC corpus in ../shared. The tests
pick the RUS–KAZ dyad in the dashboard, read the chart and the events table, open an
article and the map, and save screenshots: in $THUCYDIDES_ARTIFACTS when it is set
(e.g. tests/artifacts, which git ignores), else in pytest's temporary folder.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import shared_file
from tests.test_web import running_server, unidentified_store
from thucydides.pipeline import Coder, make_article
from thucydides.store import EventStore

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) "
        "to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)

BBC_ARTICLES = 30
SEED_ID = "rferl-2002-12-20-nazarbaev-moscow"


def _articles() -> list[Any]:
    seed = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt")
    corpus = shared_file("corpora/bbc-news/train.csv")
    articles = [
        make_article(
            seed.read_text(encoding="utf-8"),
            article_id=SEED_ID,
            date="2002-12-20",
            title="Kazakhstan: Nazarbaev Concludes Moscow Visit",
            publisher="RFE/RL",
        )
    ]
    with corpus.open(encoding="utf-8", newline="") as handle:
        politics = (row["text"] for row in csv.DictReader(handle) if row["category"] == "politics")
        for number, text in zip(range(BBC_ARTICLES), politics, strict=False):
            articles.append(
                make_article(text, article_id=f"bbc-politics-{number:02d}", date="2005-02-15")
            )
    return articles


@pytest.fixture(scope="module")
def base_url(coder: Coder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "events.duckdb"
    with EventStore(db) as store:
        store.add_articles(list(coder.code_articles(_articles())))
    with running_server(db) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("THUCYDIDES_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def problems() -> list[str]:
    """What went wrong in the page: script errors, console errors, requests to other hosts."""
    return []


@pytest.fixture
def page(browser: Any, base_url: str, problems: list[str]) -> Iterator[Any]:
    """A fresh page that records its problems; the test fails if any is left at the end."""
    with _page(browser, base_url, problems) as tab:
        yield tab


@contextlib.contextmanager
def _page(browser: Any, base_url: str, problems: list[str]) -> Iterator[Any]:
    """Open a fresh page on ``base_url`` that records its problems; fail if any is left."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    tab.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((base_url, "data:"))
            else problems.append(f"request to another host: {request.url}")
        ),
    )
    yield tab
    context.close()
    assert problems == []


def _show_dyad(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#dyad-a", "RUS")
    page.fill("#dyad-b", "KAZ")
    page.select_option("select[name=freq]", "day")
    page.click("#dyad-show")
    page.wait_for_selector("#chart svg g.period")
    # A locator wait, not wait_for_function: a string predicate is evaluated with
    # eval(), which the dashboard's Content-Security-Policy rightly forbids.
    page.locator("#events-summary", has_text=re.compile(r"^Showing")).wait_for()


def test_dashboard_shows_the_rus_kaz_events_of_the_seed(
    page: Any, base_url: str, shots: Path
) -> None:
    _show_dyad(page, base_url)
    bar = page.locator("#chart g.period").first
    assert bar.get_attribute("data-period") == "2002-12-20"
    assert "cooperative" in bar.locator("title").text_content()
    assert page.locator("#chart g.period rect[fill]").count() >= 1  # a drawn bar
    summary = page.locator("#dyad-summary").text_content()
    assert summary.startswith("RUS ↔ KAZ:")
    rows = page.locator("#events-table tbody tr")
    assert rows.count() >= 5
    table = page.locator("#events-table").inner_text()
    assert "KAZGOV" in table and "Nazarbaev" in table and "Putin" in table
    for index in range(rows.count()):
        codes = rows.nth(index).locator("td b").all_inner_texts()
        assert {code[:3] for code in codes} == {"RUS", "KAZ"}, codes
    # The evidence sentence marks the trigger and the actors.
    first = rows.first.locator("td.evidence")
    assert first.locator("mark.m-trigger").count() >= 1
    assert first.locator("mark.m-source, mark.m-target").count() >= 1
    assert "actor=RUS" in page.url and "partner=KAZ" in page.url
    page.screenshot(path=str(shots / "dashboard-rus-kaz.png"), full_page=True)


def test_article_page_marks_events_and_quotes(page: Any, base_url: str, shots: Path) -> None:
    _show_dyad(page, base_url)
    page.locator("#events-table a.article-link").first.click()
    page.wait_for_selector("#article-text")
    assert page.url.endswith(f"/articles/{SEED_ID}")
    assert "Nazarbaev Concludes Moscow Visit" in page.locator("h1").inner_text()
    assert page.locator("#article-events li").count() >= 10
    assert page.locator("#article-quotes li").count() >= 3
    assert page.locator("#article-text span.m-trigger").count() >= 5
    assert page.locator("#article-text span.m-quote").count() >= 3
    item = page.locator("#article-events li").first
    trigger = re.search(r"“([^”]+)”", item.inner_text())
    assert trigger is not None, item.inner_text()
    item.hover()
    lit = page.locator("#article-text span.active")
    assert lit.count() >= 2  # the trigger and at least one actor of that event
    assert trigger.group(1) in " ".join(lit.all_inner_texts())
    page.screenshot(path=str(shots / "article-seed.png"), full_page=False)


def test_map_shows_the_event_locations(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/map?actor=KAZ")
    page.wait_for_selector("#map svg.world circle.dot")
    titles = page.locator("#map circle.dot title").all_text_contents()
    assert any(title.startswith("Moscow (RUS)") for title in titles), titles
    assert page.locator('#map path.has-events[data-iso3="RUS"]').count() >= 1
    assert page.locator("#places-table tbody tr").count() == len(titles)
    page.screenshot(path=str(shots / "map-kaz.png"), full_page=True)


def test_bad_filters_show_the_servers_message(
    page: Any, base_url: str, problems: list[str]
) -> None:
    page.goto(base_url + "/?since=2003-01-01&until=2002-01-01")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "is after until" in error.inner_text()
    # Chromium logs the refused request; that one is expected here.
    problems[:] = [p for p in problems if "status of 400" not in p]


def test_the_unidentified_actor_reads_unidentified(
    browser: Any, tmp_path: Path, problems: list[str], shots: Path
) -> None:
    """The hand-made store with a roadside bombing whose source is CAMEO's unidentified ``---``."""
    db = unidentified_store(tmp_path / "events.duckdb")
    with running_server(db) as url, _page(browser, url, problems) as tab:
        tab.goto(url + "/")
        tab.fill("#filter-form input[name=actor]", "---")
        tab.click("#filter-form button[type=submit]")  # the field's pattern lets "---" through
        tab.locator("#events-summary", has_text="Showing 1–1 of 1 events").wait_for()
        assert "actor=---" in tab.url
        source = tab.locator("#events-table tbody tr td").nth(1)
        assert source.locator("b").inner_text() == "unidentified"
        assert source.locator(".actor-code").inner_text() == "---"
        assert "A roadside bombing" in source.inner_text()
        mark = tab.locator("#events-table td.evidence mark.m-source")
        assert mark.get_attribute("title") == "source: unidentified (---)"
        tab.fill("#dyad-a", "---")
        tab.fill("#dyad-b", "USA")
        tab.click("#dyad-show")
        summary = tab.locator("#dyad-summary", has_text="unidentified (---) ↔ USA: 1 reported")
        summary.wait_for()
        tab.screenshot(path=str(shots / "dashboard-unidentified.png"), full_page=True)
        tab.goto(url + "/articles/bomb/1")
        assert "unidentified ---" in tab.locator("#article-events li").first.inner_text()
