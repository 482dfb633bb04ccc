"""Tests for thucydides.analysis and the analysis commands: a real DuckDB file of hand-made records.

The store built by :func:`make_store` (reused by tests/test_web.py) holds three articles:
a January 2020 meeting between Russia and Kazakhstan, a March 2020 clash with a negated
and a hypothetical event, and an undated article. No spaCy model is loaded, except by
the one slow test that codes the seed article and draws its RUS–KAZ plot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import struct
from importlib import resources
from pathlib import Path

import matplotlib.image
import networkx as nx
import pytest
import typer
from typer.testing import CliRunner

from tests.support import shared_file
from thucydides.analysis import (
    EventFilter,
    dyad_series,
    find_events,
    find_quotes,
    location_counts,
    search_actors,
    top_actors,
)
from thucydides.analysis.dyads import period_label
from thucydides.analysis.network import actor_network, network_html, write_network
from thucydides.analysis.plots import plot_dyad
from thucydides.errors import ConfigError
from thucydides.ontology import goldstein, lookup, quad_class
from thucydides.pipeline import Coder, make_article
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
)
from thucydides.store import EventStore
from thucydides.web.commands import actors_top, dyad, network, serve
from thucydides.web.marks import Mark, runs
from thucydides.web.worldmap import world_svg

A1 = (
    "Russian President Vladimir Putin met Kazakh President Tokayev in Moscow. "
    "Tokayev appealed to Russia for support. "
    "Russia accused Kazakhstan of harbouring rebels. "
    '"We are partners," Putin said.'
)
A2 = (
    "Kazakhstan's army shelled a Russian border post near Petropavl. "
    "Kazakhstan did not sign the deal with Russia. "
    "Putin may visit Astana."
)
A3 = "China praised Russia. Kazakhstan announced reforms."
MOSCOW = Location("Moscow", "RUS", "48", 55.75, 37.62, 524901, "city", "populated place")
PETROPAVL = Location("Petropavl", "KAZ", None, 54.87, 69.14, 1520240, "city", "populated place")
ASTANA = Location("Astana", "KAZ", None, 51.18, 71.45, 1526273, "city", "populated place")
NAMES = {"RUSGOV": "Vladimir Putin", "KAZGOV": "Kassym-Jomart Tokayev"}


def _article(text: str, article_id: str, published: str | None) -> Article:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(article_id, text, digest, title=f"Title {article_id}", published=published)


def _actor(text: str, words: str, code: str, *, nth: int = 0) -> Actor:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    country = code[:3] if code[:3] in ("RUS", "KAZ", "CHN") else None
    return Actor(words, code, country, (code[3:],) if code[3:] else (), NAMES.get(code),
                 start, start + len(words), "test")  # fmt: skip


def _event(
    article: Article,
    number: int,
    sentence: str,
    trigger: str,
    source: Actor,
    target: Actor | None,
    code: str,
    *,
    location: Location | None = None,
    negated: bool = False,
    modality: Modality = Modality.ASSERTED,
) -> Event:
    s_start = article.text.index(sentence)
    t_start = article.text.index(trigger, s_start)
    record = lookup(code)
    return Event(
        event_id=f"{article.article_id}-{number}", article_id=article.article_id,
        sentence_index=number, date=article.published, source=source, target=target,
        cameo_code=code, cameo_root=record.root, cameo_name=record.name,
        plover_type=record.plover_type, quad_class=quad_class(code), goldstein=goldstein(code),
        negated=negated, modality=modality,
        evidence=Evidence(sentence, trigger, t_start, t_start + len(trigger), s_start,
                          s_start + len(sentence)),
        location=location,
    )  # fmt: skip


def corpus() -> list[CodedArticle]:
    """Return the three hand-made articles with their events, a quote and places."""
    a1 = _article(A1, "a1", "2020-01-10")
    a2 = _article(A2, "wire/a2", "2020-03-05")
    a3 = _article(A3, "a3", None)
    s = [sentence + "." for sentence in A1.split(". ")]
    events_1 = (
        _event(a1, 0, s[0], "met", _actor(A1, "Russian President Vladimir Putin", "RUSGOV"),
               _actor(A1, "Kazakh President Tokayev", "KAZGOV"), "040", location=MOSCOW),
        _event(a1, 1, s[1], "appealed", _actor(A1, "Tokayev", "KAZGOV", nth=1),
               _actor(A1, "Russia", "RUS", nth=1), "022", location=MOSCOW),
        _event(a1, 2, s[2], "accused", _actor(A1, "Russia", "RUS", nth=2),
               _actor(A1, "Kazakhstan", "KAZ"), "112"),
    )  # fmt: skip
    quote = Quote("a1", "We are partners", A1.index("We"), A1.index("We") + 15, "direct",
                  _actor(A1, "Putin", "RUSGOV", nth=1), "Putin")  # fmt: skip
    t = [sentence + "." for sentence in A2.rstrip(".").split(". ")]
    events_2 = (
        _event(a2, 0, t[0], "shelled", _actor(A2, "Kazakhstan's army", "KAZMIL"),
               _actor(A2, "Russian", "RUS"), "190", location=PETROPAVL),
        _event(a2, 1, t[1], "sign", _actor(A2, "Kazakhstan", "KAZ", nth=1),
               _actor(A2, "Russia", "RUS"), "057", negated=True),
        _event(a2, 2, t[2], "visit", _actor(A2, "Putin", "RUSGOV"), _actor(A2, "Astana", "KAZ"),
               "042", location=ASTANA, modality=Modality.HYPOTHETICAL),
    )  # fmt: skip
    events_3 = (
        _event(a3, 0, "China praised Russia.", "praised", _actor(A3, "China", "CHN"),
               _actor(A3, "Russia", "RUS"), "051"),
        _event(a3, 1, "Kazakhstan announced reforms.", "announced",
               _actor(A3, "Kazakhstan", "KAZ"), None, "010"),
    )  # fmt: skip
    start = A1.index("Moscow")
    places = (Place("a1", "Moscow", start, start + 6, MOSCOW, "test"),)
    return [
        CodedArticle(a1, events_1, places, (quote,)),
        CodedArticle(a2, events_2),
        CodedArticle(a3, events_3),
    ]


def make_store(path: Path) -> Path:
    """Write the hand-made corpus into a new event store at ``path``; return the path."""
    with EventStore(path) as store:
        store.add_articles(corpus())
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EventStore:
    path = make_store(tmp_path_factory.mktemp("analysis") / "events.duckdb")
    return EventStore(path, read_only=True)


# -- dyads ----------------------------------------------------------------------------------------


def test_undirected_monthly_dyad_counts_both_directions_and_fills_gaps(store: EventStore) -> None:
    series = dyad_series(store, "RUS", "KAZ")
    assert [p.period for p in series.periods] == ["2020-01", "2020-02", "2020-03"]
    jan, feb, mar = series.periods
    assert (jan.events, jan.verbal_cooperation, jan.verbal_conflict) == (3, 2, 1)
    assert jan.goldstein_sum == pytest.approx(1.0 + 3.2 - 2.0)
    assert jan.goldstein_mean == pytest.approx(2.2 / 3, abs=1e-4)
    assert (jan.start, jan.end) == ("2020-01-01", "2020-01-31")
    assert feb.events == 0 and feb.goldstein_mean is None and feb.end == "2020-02-29"
    # Only the shelling happened: the negated signing and the hypothetical visit do not count.
    assert (mar.events, mar.material_conflict, mar.goldstein_sum) == (1, 1, -10.0)
    assert series.total == 4 and series.undated == 0 and series.label == "RUS ↔ KAZ"


def test_directed_dyad_counts_one_direction(store: EventStore) -> None:
    series = dyad_series(store, "rus", "kaz", directed=True)
    assert (series.a, series.b, series.label) == ("RUS", "KAZ", "RUS → KAZ")
    assert [(p.period, p.events) for p in series.periods] == [("2020-01", 2)]
    assert dyad_series(store, "KAZMIL", "RUS", directed=True).total == 1


def test_unasserted_events_and_goldstein_tables_are_options(store: EventStore) -> None:
    everything = dyad_series(store, "RUS", "KAZ", include_unasserted=True)
    assert [p.events for p in everything.periods] == [3, 0, 3]
    assert everything.periods[2].goldstein_sum == pytest.approx(-10.0 + 8.0 + 1.9)
    icews = dyad_series(store, "RUS", "KAZ", scale="icews")
    assert icews.periods[0].goldstein_sum == pytest.approx(1.0 + 3.4 - 2.0)  # 022 differs
    assert icews.scale == "icews"


@pytest.mark.parametrize(
    ("freq", "first", "count"),
    [("day", "2020-01-10", 56), ("week", "2020-W02", 9), ("year", "2020", 1)],
)
def test_period_lengths(store: EventStore, freq: str, first: str, count: int) -> None:
    series = dyad_series(store, "RUS", "KAZ", freq=freq)
    assert series.periods[0].period == first
    assert len(series.periods) == count
    assert series.total == 4


def test_period_labels_and_dates() -> None:
    assert period_label(dt.date(2021, 1, 4), "week") == "2021-W01"
    assert period_label(dt.date(2020, 12, 28), "week") == "2020-W53"
    assert period_label(dt.date(2002, 12, 1), "month") == "2002-12"


def test_dates_filter_the_series_and_undated_events_are_counted_apart(store: EventStore) -> None:
    assert [p.period for p in dyad_series(store, "RUS", "KAZ", since="2020-03-01").periods] == [
        "2020-03"
    ]
    china = dyad_series(store, "CHN", "RUS")
    assert china.periods == () and china.undated == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"freq": "decade"}, "freq must be one of"),
        ({"scale": "cameo"}, "scale must be a Goldstein table"),
        ({"since": "2020-13-01"}, "since must be a date"),
        ({"a": "RU S"}, "a must be a CAMEO actor code"),
        ({"b": ""}, "b must be a CAMEO actor code"),
    ],
)
def test_bad_dyad_options_raise_config_errors(
    store: EventStore, kwargs: dict[str, str], message: str
) -> None:
    args = {"a": "RUS", "b": "KAZ", **kwargs}
    a, b = args.pop("a"), args.pop("b")
    with pytest.raises(ConfigError, match=message):
        dyad_series(store, a, b, **args)  # type: ignore[arg-type]


# -- actors, events, quotes, places -----------------------------------------------------------------


def test_top_actors_rank_by_events_on_either_side(store: EventStore) -> None:
    top = top_actors(store, limit=3)
    assert [(a.code, a.as_source, a.as_target, a.total) for a in top] == [
        ("RUS", 1, 3, 4),
        ("KAZ", 1, 1, 2),
        ("KAZGOV", 1, 1, 2),
    ]
    assert top[2].name == "Kassym-Jomart Tokayev"
    assert top_actors(store, limit=1, include_unasserted=True)[0].total == 5
    assert [a.code for a in top_actors(store, since="2020-03-01")] == ["KAZMIL", "RUS"]
    with pytest.raises(ConfigError, match="limit"):
        top_actors(store, limit=0)


def test_search_actors_by_code_prefix_name_and_mention(store: EventStore) -> None:
    assert {a.code for a in search_actors(store, "kaz")} == {"KAZ", "KAZGOV", "KAZMIL"}
    assert [a.code for a in search_actors(store, "tokayev")] == ["KAZGOV"]
    assert [a.code for a in search_actors(store, "China")] == ["CHN"]
    assert search_actors(store, "100%") == []
    with pytest.raises(ConfigError, match="needs some text"):
        search_actors(store, "  ")


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (EventFilter(), 8),
        (EventFilter(actor="RUS", partner="KAZ"), 6),
        (EventFilter(actor="RUS", partner="KAZ", asserted_only=True), 4),
        (EventFilter(source="RUSGOV"), 2),
        (EventFilter(target="rus"), 4),
        (EventFilter(code="04"), 2),
        (EventFilter(quad_class=4), 1),
        (EventFilter(country="kaz"), 2),
        (EventFilter(place="petro"), 1),
        (EventFilter(place="%"), 0),
        (EventFilter(since="2020-02-01"), 3),
        (EventFilter(until=dt.date(2020, 1, 31)), 3),
        (EventFilter(article_id="wire/a2"), 3),
    ],
)
def test_event_filters(store: EventStore, where: EventFilter, expected: int) -> None:
    page = find_events(store, where, limit=500)
    assert page.total == expected == len(page.events)


def test_event_pages(store: EventStore) -> None:
    first = find_events(store, limit=3)
    second = find_events(store, limit=3, offset=3)
    last = find_events(store, limit=3, offset=6)
    assert (first.total, len(first.events), len(last.events)) == (8, 3, 2)
    ids = [e.event_id for page in (first, second, last) for e in page.events]
    assert len(set(ids)) == 8 and ids[0] == "a1-0" and ids[-1] == "a3-1"  # undated last
    for kwargs in ({"limit": 0}, {"limit": 501}, {"offset": -1}):
        with pytest.raises(ConfigError):
            find_events(store, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partner": "KAZ"}, "partner needs actor"),
        ({"code": "4a"}, "code must be a CAMEO event code"),
        ({"quad_class": 5}, "quad_class must be 1, 2, 3 or 4"),
        ({"since": "2020-02-01", "until": "2020-01-01"}, "is after until"),
        ({"country": "Russia"}, "ISO 3166 alpha-3"),
        ({"place": " "}, "place must name a place"),
        ({"source": "RUS;DROP"}, "source must be a CAMEO actor code"),
    ],
)
def test_bad_filters_raise_config_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        EventFilter(**kwargs)  # type: ignore[arg-type]


def test_quotes_and_locations(store: EventStore) -> None:
    assert find_quotes(store).total == 1
    assert find_quotes(store, speaker="putin").quotes[0].text == "We are partners"
    assert find_quotes(store, speaker="RUS").total == 1
    assert find_quotes(store, speaker="nobody").total == 0
    assert find_quotes(store, article_id="a3").total == 0
    places = location_counts(store)
    assert [(c.location.name, c.events) for c in places] == [
        ("Moscow", 2),
        ("Astana", 1),
        ("Petropavl", 1),
    ]
    assert [c.location.name for c in location_counts(store, EventFilter(asserted_only=True))] == [
        "Moscow",
        "Petropavl",
    ]


# -- networks -------------------------------------------------------------------------------------


def test_actor_network_edges_and_files(store: EventStore, tmp_path: Path) -> None:
    graph = actor_network(store)
    assert sorted(graph.edges) == [
        ("CHN", "RUS"), ("KAZGOV", "RUS"), ("KAZMIL", "RUS"), ("RUS", "KAZ"), ("RUSGOV", "KAZGOV"),
    ]  # fmt: skip
    edge = graph.edges["RUS", "KAZ"]
    assert (edge["weight"], edge["verbal_conflict"], edge["goldstein_mean"]) == (1, 1, -2.0)
    assert graph.nodes["RUS"]["events"] == 4 and graph.nodes["RUSGOV"]["name"] == "Vladimir Putin"
    assert actor_network(store, min_events=2).number_of_edges() == 0
    assert actor_network(store, include_unasserted=True).edges["KAZ", "RUS"]["weight"] == 1

    graphml = write_network(graph, tmp_path / "graph.graphml")
    loaded = nx.read_graphml(graphml)
    assert loaded.edges["RUSGOV", "KAZGOV"]["weight"] == 1
    page = write_network(graph, tmp_path / "graph.html", title="Test <network>").read_text()
    assert "<svg" in page and "Test &lt;network&gt;" in page and "RUSGOV" in page
    assert "<script" not in page and "https://" not in page
    assert "No pairs of actors" in network_html(actor_network(store, min_events=5))
    with pytest.raises(ConfigError, match="end the file name in"):
        write_network(graph, tmp_path / "graph.png")
    with pytest.raises(ConfigError, match="cannot write the network"):
        write_network(graph, tmp_path / "missing" / "graph.html")


# -- plots ----------------------------------------------------------------------------------------


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _has_colour(path: Path, rgb: tuple[int, int, int]) -> bool:
    """Return whether some pixel of the PNG has exactly this colour (a bar's fill)."""
    pixels = (matplotlib.image.imread(path)[:, :, :3] * 255).round().astype(int)
    return bool((pixels == rgb).all(axis=2).any())


GREEN_LIGHT, RED_DARK = (0x74, 0xC4, 0x76), (0xC6, 0x28, 0x28)


def test_plot_dyad_writes_a_readable_png(store: EventStore, tmp_path: Path) -> None:
    out = plot_dyad(dyad_series(store, "RUS", "KAZ"), tmp_path / "dyad.png")
    assert _png_size(out) == (1650, 975)  # 11 x 6.5 inches at 150 dpi
    assert _has_colour(out, GREEN_LIGHT) and _has_colour(
        out, RED_DARK
    )  # cooperation and conflict bars
    empty = plot_dyad(dyad_series(store, "CHN", "KAZ"), tmp_path / "empty.png", dpi=60)
    assert _png_size(empty) == (660, 390)
    with pytest.raises(ConfigError, match=r"end the file name in \.png"):
        plot_dyad(dyad_series(store, "RUS", "KAZ"), tmp_path / "dyad.jpg")
    with pytest.raises(ConfigError, match="cannot write the plot"):
        plot_dyad(dyad_series(store, "RUS", "KAZ"), tmp_path / "missing" / "dyad.png")


@pytest.mark.slow
def test_seed_rus_kaz_plot_is_readable(coder: Coder, tmp_path: Path) -> None:
    seed = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt")
    article = make_article(seed.read_text(encoding="utf-8"), article_id="seed", date="2002-12-20")
    with EventStore(tmp_path / "seed.duckdb") as writer:
        writer.add_articles([coder.code_article(article)])
    with EventStore(tmp_path / "seed.duckdb", read_only=True) as reader:
        series = dyad_series(reader, "RUS", "KAZ", freq="day")
    assert series.total >= 5 and series.periods[0].period == "2002-12-20"
    folder = Path(os.environ.get("THUCYDIDES_ARTIFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    out = plot_dyad(series, folder / "seed-rus-kaz.png")
    assert _png_size(out) == (1650, 975)
    assert _has_colour(out, GREEN_LIGHT)  # the verbal-cooperation bar is drawn


# -- commands -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    """A Typer app registering the command functions the way thucydides.cli does."""
    app = typer.Typer()
    app.command("dyad")(dyad)
    app.command("network")(network)
    app.command("serve")(serve)
    actors_app = typer.Typer()
    actors_app.command("top")(actors_top)
    app.add_typer(actors_app, name="actors")
    return app


def test_dyad_command_formats_and_plot(cli: typer.Typer, store: EventStore, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(store.path)
    result = runner.invoke(cli, ["dyad", "RUS", "KAZ", "--db", db, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("period,start,end,events,verbal_cooperation")
    assert lines[1].startswith("2020-01,2020-01-01,2020-01-31,3,2,0,1,0,2.2,")
    result = runner.invoke(
        cli, ["dyad", "RUS", "KAZ", "--db", db, "-f", "json", "--directed", "--freq", "year"]
    )
    data = json.loads(result.stdout)
    assert (data["directed"], data["total"], data["periods"][0]["period"]) == (True, 2, "2020")
    png = tmp_path / "rus-kaz.png"
    result = runner.invoke(cli, ["dyad", "RUS", "KAZ", "--db", db, "--plot", str(png)])
    assert result.exit_code == 0 and "2020-03" in result.stdout and png.exists()
    result = runner.invoke(cli, ["dyad", "RUS", "KAZ", "--db", db, "--since", "2020-13-01"])
    assert result.exit_code == 2 and "since must be a date" in result.output
    result = runner.invoke(cli, ["dyad", "RUS", "KAZ", "--db", db, "--freq", "decade"])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["dyad", "RUS", "KAZ", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "no database at" in result.output


def test_actors_top_and_network_commands(
    cli: typer.Typer, store: EventStore, tmp_path: Path
) -> None:
    runner = CliRunner()
    db = str(store.path)
    result = runner.invoke(cli, ["actors", "top", "--db", db, "--limit", "2", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [row["code"] for row in json.loads(result.stdout)] == ["RUS", "KAZ"]
    result = runner.invoke(cli, ["actors", "top", "--db", db])
    assert "Kassym-Jomart Tokayev" in result.stdout
    out = tmp_path / "net.graphml"
    result = runner.invoke(cli, ["network", "--db", db, "--out", str(out), "--min-events", "1"])
    assert result.exit_code == 0 and "6 actors and 5 directed pairs" in result.output
    assert nx.read_graphml(out).number_of_edges() == 5
    result = runner.invoke(cli, ["network", "--db", db, "--out", str(tmp_path / "net.txt")])
    assert result.exit_code == 2 and "end the file name in" in result.output
    result = runner.invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "no database at" in result.output
    result = runner.invoke(cli, ["serve", "--db", db, "--port", "70000"])
    assert result.exit_code == 2


# -- text marks and the world map -----------------------------------------------------------------


def test_runs_split_text_at_overlapping_marks() -> None:
    text = "Putin met Tokayev."
    marks = [
        Mark(0, 5, "source", "e1"), Mark(6, 9, "trigger", "e1"), Mark(10, 17, "target", "e1"),
        Mark(0, 17, "quote", "q0"), Mark(6, 9, "trigger", "e2"), Mark(30, 40, "target", "e3"),
    ]  # fmt: skip
    result = runs(text, marks)
    assert "".join(r.text for r in result) == text
    assert result[0].text == "Putin" and result[0].kinds == ("quote", "source")
    met = next(r for r in result if r.text == "met")
    assert met.kinds == ("quote", "trigger") and met.keys == ("e1", "q0", "e2")
    assert result[-1].text == "." and result[-1].kinds == ()


def test_world_map_is_built_from_topojson_and_shipped() -> None:
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[170, 10], [-340, 0], [0, 10], [340, 0], [0, -10]]],  # jumps 170° -> -170°
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "242", "properties": {"name": "Fiji"}},
                    {"type": "Polygon", "arcs": [[0]], "id": "010"},
                ],
            }
        },
    }
    svg = world_svg(topology)
    assert svg.count("<path") == 1  # Antarctica (010) is left out
    assert 'data-iso3="FJI"' in svg and "<title>Fiji</title>" in svg
    # The ring goes on past 180° instead of streaking across the map, and is drawn again
    # shifted by 360° so that the part west of -180° shows too.
    assert "M170 -10l20 0" in svg and "M-190 -10l20 0" in svg
    shipped = resources.files("thucydides.web") / "static" / "world-110m.svg"
    text = shipped.read_text(encoding="utf-8")
    assert text.count("<path") > 150 and 'data-iso3="RUS"' in text and 'data-iso3="KAZ"' in text
