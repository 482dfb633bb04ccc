"""The analysis and server commands: ``dyad``, ``actors top``, ``network`` and ``serve``.

Plain functions with Typer-style annotated parameters, registered by
:mod:`thucydides.cli` (``app.command("dyad")(dyad)``, ``actors_app.command("top")(actors_top)``,
``app.command("network")(network)``, ``app.command("serve")(serve)``). Each is a
thin wrapper over :mod:`thucydides.analysis` or :mod:`thucydides.web.app`; results
go to stdout, messages to stderr, and a user error exits with status 2. While a
coding run holds the database, the analysis commands read its snapshot
(:func:`~thucydides.store.live.open_latest`) and say so. matplotlib,
networkx, FastAPI and uvicorn are imported only by the command that needs them, so
the CLI starts fast.
"""

from __future__ import annotations

import csv
import dataclasses
import ipaddress
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from thucydides.config import Settings
from thucydides.errors import ThucydidesError
from thucydides.store.live import open_latest
from thucydides.web.labels import actor_name

__all__ = ["actors_top", "dyad", "network", "serve"]

err = Console(stderr=True)


class Freq(StrEnum):
    """Period lengths of a dyad series."""

    day = "day"
    week = "week"
    month = "month"
    year = "year"


class Scale(StrEnum):
    """Goldstein tables."""

    gdelt = "gdelt"
    icews = "icews"
    phoenix = "phoenix"


class TableFormat(StrEnum):
    """Output formats of the analysis commands."""

    table = "table"
    csv = "csv"
    json = "json"


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="DuckDB event store (default: thucydides.duckdb, or $THUCYDIDES_DB)."
    ),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="First date, YYYY-MM-DD (inclusive).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Last date, YYYY-MM-DD (inclusive).")
]
UnassertedOption = Annotated[
    bool,
    typer.Option(
        "--include-unasserted",
        help="Also count pledges, plans, hypothetical and negated events (by default only "
        "events reported as happened count).",
    ),
]
FormatOption = Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")]


def _database(db: Path | None) -> str:
    """Return the database path the command reads, or stop when it does not exist."""
    path = Settings.load(db=str(db) if db else None).db
    if not Path(path).exists():
        err.print(
            f"[bold red]error:[/] no database at {escape(path)}; run `thucydides code ...` "
            "or `thucydides demo` first, or pass --db"
        )
        raise typer.Exit(code=2)
    return path


def _fail(exc: ThucydidesError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}")
    return typer.Exit(code=2)


# Short table headings, so that a dyad table fits an 80-column terminal.
_HEADERS = {
    "verbal_cooperation": "1 verb.\ncoop.",
    "material_cooperation": "2 mat.\ncoop.",
    "verbal_conflict": "3 verb.\nconfl.",
    "material_conflict": "4 mat.\nconfl.",
    "goldstein_sum": "GS\nsum",
    "goldstein_mean": "GS\nmean",
    "as_source": "as\nsource",
    "as_target": "as\ntarget",
}


def _write_rows(
    rows: list[dict[str, Any]], columns: list[str], fmt: TableFormat, title: str
) -> None:
    """Print rows as a Rich table, CSV (with a header) or a JSON array."""
    if fmt is TableFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt is TableFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=title)
        for column in columns:
            table.add_column(
                _HEADERS.get(column, column),
                justify="left" if column in ("period", "code", "name") else "right",
                no_wrap=column in ("period", "code"),
            )
        for row in rows:
            table.add_row(*("—" if row[c] is None else escape(str(row[c])) for c in columns))
        Console().print(table)


# -- dyad ----------------------------------------------------------------------------------


def dyad(
    a: Annotated[
        str,
        typer.Argument(
            metavar="A",
            help="First actor: a CAMEO actor code prefix (RUS), or --- for the unidentified "
            "actor (after a bare --: `thucydides dyad -- --- USA`).",
        ),
    ],
    b: Annotated[str, typer.Argument(metavar="B", help="Second actor code prefix (KAZ).")],
    freq: Annotated[Freq, typer.Option("--freq", help="Period length.")] = Freq.month,
    directed: Annotated[
        bool,
        typer.Option("--directed", help="Only A as source and B as target (default: both ways)."),
    ] = False,
    scale: Annotated[
        Scale, typer.Option("--scale", help="Goldstein table the weights come from.")
    ] = Scale.gdelt,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Also draw cooperation against conflict over time to this PNG."
        ),
    ] = None,
    fmt: FormatOption = TableFormat.table,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    include_unasserted: UnassertedOption = False,
) -> None:
    """Count a dyad's events per period: QuadClass counts, Goldstein sum and mean."""
    from thucydides.analysis import dyad_series

    path = _database(db)
    try:
        with open_latest(path) as store:
            series = dyad_series(
                store, a, b, freq=str(freq), directed=directed, scale=str(scale), since=since,
                until=until, include_unasserted=include_unasserted,
            )  # fmt: skip
        if plot is not None:
            from thucydides.analysis.plots import plot_dyad

            plot_dyad(series, plot)
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    if fmt is TableFormat.json:
        data = dataclasses.asdict(series)
        data.update(total=series.total)
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        rows = [dataclasses.asdict(p) for p in series.periods]
        columns = [f.name for f in dataclasses.fields(series.periods[0])] if rows else ["period"]
        if fmt is TableFormat.table:
            columns = [c for c in columns if c not in ("start", "end")]
        every = {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"}[str(freq)]
        title = f"{series.label}: {series.total} events, {every}; GS = Goldstein score ({scale})"
        _write_rows(rows, columns, fmt, title)
    notes = []
    if series.undated:
        notes.append(f"{series.undated} undated event(s) not counted in any period")
    if not series.periods:
        notes.append(f"no dated events between {series.a} and {series.b}")
    if plot is not None:
        notes.append(f"plot written to {plot}")
    for note in notes:
        err.print(escape(note))


# -- actors top ----------------------------------------------------------------------------


def actors_top(
    db: DbOption = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=10_000, help="How many actors.")
    ] = 20,
    since: SinceOption = None,
    until: UntilOption = None,
    include_unasserted: UnassertedOption = False,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """List the most active actors: events as source, as target, and in all."""
    from thucydides.analysis import top_actors

    path = _database(db)
    try:
        with open_latest(path) as store:
            found = top_actors(
                store, limit=limit, since=since, until=until, include_unasserted=include_unasserted
            )
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    rows = [
        {
            **dataclasses.asdict(actor),
            "name": actor_name(actor.code, actor.name),
            "total": actor.total,
        }
        for actor in found
    ]
    columns = ["code", "name", "as_source", "as_target", "total"]
    _write_rows(rows, columns, fmt, f"{len(rows)} most active actors in {path}")


# -- network -------------------------------------------------------------------------------


def network(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="graph.graphml (Gephi, Cytoscape, igraph) or graph.html (a page)."
        ),
    ],
    db: DbOption = None,
    min_events: Annotated[
        int, typer.Option("--min-events", min=1, help="Keep pairs with at least this many events.")
    ] = 1,
    since: SinceOption = None,
    until: UntilOption = None,
    include_unasserted: UnassertedOption = False,
) -> None:
    """Write the actor network: who acts on whom, how often, how cooperatively."""
    from thucydides.analysis.network import actor_network, write_network

    path = _database(db)
    try:
        with open_latest(path) as store:
            graph = actor_network(
                store, min_events=min_events, since=since, until=until,
                include_unasserted=include_unasserted,
            )  # fmt: skip
        for code, attributes in graph.nodes(data=True):
            attributes["name"] = actor_name(code, attributes["name"]) or ""
        write_network(graph, out, title=f"Actor network of {Path(path).name}")
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    err.print(
        f"wrote {graph.number_of_nodes()} actors and {graph.number_of_edges()} directed pairs "
        f"to {escape(str(out))}"
    )


# -- serve ---------------------------------------------------------------------------------


def serve(
    db: DbOption = None,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on; keep 127.0.0.1 unless you mean to share."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
) -> None:
    """Serve the dashboard and the JSON API over the event store (read-only).

    The server reads a snapshot beside the database and follows new ones, so
    `thucydides code` can write the same database while it runs.
    """
    import uvicorn

    from thucydides.web.app import create_app

    path = _database(db)
    try:
        app = create_app(path)
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        err.print(
            f"[yellow]warning:[/] listening on {escape(host)} makes the dashboard reachable from "
            "other machines; it has no login"
        )
    live = app.state.live
    source = {
        "snapshot": f"its snapshot {live.snapshot}, following new ones",
        "database": "the file itself: no coding run can write it meanwhile",
    }.get(live.serving, "nothing yet: a coding run holds it and was asked for a snapshot")
    err.print(
        f"serving {escape(path)} read-only at http://{escape(host)}:{port}/ (Ctrl+C stops); "
        f"reading {escape(source)}"
    )
    # At most 256 requests in progress (more get a 503 at once rather than a queue).
    uvicorn.run(
        app, host=host, port=port, log_level="info", server_header=False, limit_concurrency=256
    )
