"""``thucydides code INPUT... --dask local:N|tcp://HOST:PORT [--out-parquet DIR]``: the command's body.

:func:`code_on_cluster` does what the ``code`` command does for one process,
on a Dask cluster: events go to ``out`` (stdout by default) in the chosen format,
rejections, progress and the summary go to stderr. The ``code`` command calls it
when ``--dask`` is given; it talks to people, so it lives beside the CLI's
concerns rather than in the library modules of this package.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from thucydides.config import Settings
from thucydides.distributed.partitions import ReadOptions
from thucydides.distributed.report import RunProgress, RunReport
from thucydides.distributed.runner import run_distributed
from thucydides.errors import ConfigError
from thucydides.output import write_csv, write_jsonl
from thucydides.parallel import CoderOptions
from thucydides.records import CodedArticle, Event, Rejection
from thucydides.store import open_for_run

__all__ = ["code_on_cluster"]

_FORMATS = ("jsonl", "csv", "table")


def code_on_cluster(
    inputs: Sequence[str],
    *,
    address: str,
    settings: Settings,
    fmt: str = "jsonl",
    out: Path | None = None,
    out_parquet: Path | None = None,
    actors: Sequence[Path] = (),
    default_date: str | None = None,
    text_field: str = "text",
    id_field: str = "id",
    date_field: str = "date",
    language_check: bool = True,
    near_duplicates: bool = True,
    progress: bool | None = None,
    console: Console | None = None,
) -> RunReport:
    """Code ``inputs`` on the cluster at ``address``, store and print the events; return the report.

    ``fmt`` is ``jsonl``, ``csv`` or ``table``; events go to ``out`` or stdout.
    ``progress`` shows a progress bar on stderr (``None``: when stderr is a
    terminal). Raises typer.Exit(1) when nothing could be read (every input
    rejected), like the ``code`` command, and ThucydidesError subclasses for the
    caller to report.
    """
    if fmt not in _FORMATS:
        raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(_FORMATS)}")
    err = console or Console(stderr=True)
    options = CoderOptions(
        settings.model,
        settings.goldstein_table,
        settings.quad_class,
        tuple(str(path) for path in actors),
    )
    read = ReadOptions(
        default_date=default_date,
        max_bytes=settings.max_bytes,
        text_field=text_field,
        id_field=id_field,
        date_field=date_field,
        detect_language=language_check,
    )
    table_events: list[Event] = []
    with ExitStack() as stack:
        store = stack.enter_context(open_for_run(settings.db))  # waits and snapshots as `code`
        stream: TextIO = stack.enter_context(out.open("w", encoding="utf-8")) if out else sys.stdout
        bar = stack.enter_context(_progress(err, enabled=progress))
        task = bar.add_task("coding", total=None, records=0, events=0, rejected=0, workers=0)
        first_csv = True

        def stored(batch: Sequence[CodedArticle]) -> None:
            nonlocal first_csv
            events = [event for coded in batch for event in coded.events]
            if fmt == "jsonl":
                write_jsonl(events, stream)
            elif fmt == "csv":
                write_csv(events, stream, header=first_csv)
                first_csv = False
            else:
                table_events.extend(events)
            stream.flush()

        def rejected(item: Rejection) -> None:
            err.print(
                f"[yellow]rejected[/] {escape(item.origin)}: {item.reason} — {escape(item.detail)}"
            )

        def advanced(state: RunProgress) -> None:
            bar.update(
                task,
                total=state.bytes_total or None,
                completed=state.bytes_done,
                events=state.events,
                rejected=state.rejected,
                workers=state.workers,
                records=state.records,
            )

        report = run_distributed(
            inputs,
            address=address,
            options=options,
            store=store,
            out_parquet=out_parquet,
            read=read,
            near_duplicates=near_duplicates,
            on_progress=advanced,
            on_stored=stored,
            on_rejected=rejected,
        )
        if fmt == "table":
            from thucydides.cli import _table  # the code command's own event table

            Console(file=stream).print(_table(table_events, title=f"{report.events} events"))
    err.print(
        f"coded {report.coded} article(s), {report.events} event(s); "
        f"{report.already_stored} already stored; {report.rejected} rejected; "
        f"database {settings.db}"
    )
    err.print(
        f"[dim]{report.workers} Dask worker(s) at {escape(address)}: {report.articles} articles "
        f"in {report.seconds:.1f} s ({report.articles_per_second:.1f} articles/s) after "
        f"{report.setup_seconds:.1f} s of setup[/]"
    )
    if store.snapshots is not None and store.snapshots.published:
        err.print(
            f"published {store.snapshots.published} snapshot(s) for readers in "
            f"{store.snapshots.seconds:.2f} s ({escape(str(store.snapshots.target))})"
        )
    if report.parquet is not None:
        err.print(
            f"wrote {report.parquet.events} event(s) to the Parquet dataset "
            f"{escape(report.parquet.path)} in {report.parquet.files} file(s)"
        )
    if report.coded == 0 and report.already_stored == 0:
        err.print("[bold red]nothing could be read[/]: every input was rejected (see above)")
        raise typer.Exit(code=1)
    return report


def _progress(console: Console, *, enabled: bool | None) -> Progress:
    """Return a progress bar over input bytes: articles, events, rejections and workers."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn(
            "{task.fields[records]} records · {task.fields[events]} events · "
            "{task.fields[rejected]} rejected · "
            "{task.fields[workers]} workers"
        ),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal if enabled is None else not enabled,
    )
