"""Export stored events to the flat formats other tools read, streaming from the store.

``export_events(store, fmt, out, ...)`` writes one of :data:`EXPORT_FORMATS`:

``gdelt``, ``gdelt2``
    GDELT 1.0 (58 columns) or 2.0 (61 columns) event files: tab-separated, no
    header, UTF-8, columns as in :data:`~thucydides.store.export_gdelt.GDELT1_COLUMNS`
    and ``GDELT2_COLUMNS`` (field mapping in :mod:`thucydides.store.export_gdelt`).
    With ``merged=True`` one row stands for each (date, source, target, code) and
    NumMentions/NumSources/NumArticles count its reports (:func:`merged_events`).
``icews``
    Tab-separated with the ICEWS header (``ICEWS_COLUMNS``), missing values "NA".
``plover``
    JSON lines in the PLOVER data-field style
    (:func:`thucydides.store.export_plover.plover_record`).
``parquet``
    A Parquet dataset directory partitioned hive-style by ``year=2002/month=12``,
    written by pyarrow from record batches of 50,000 rows; the columns are those of
    the store's ``events`` table. Events without a date go to the Hive null
    partition ``year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__``,
    which pyarrow, Spark, DuckDB and arrow for R read back as null year and month.
``csv``
    Comma-separated with a header: every column of the ``events`` table, lists
    (sectors) joined with ";", booleans as true/false, missing values empty.

GDELT and ICEWS rows need a date and cannot mark negated or hypothetical events,
so those formats skip undated events and, unless ``include_unasserted``, events
that are negated or not asserted. PLOVER skips events with no PLOVER type (CAMEO
roots 01 and 02). Skipped events are counted in :attr:`ExportReport.skipped`.

Cells of the tab-separated formats never hold a tab or a line break (they are
replaced by spaces) and are not quoted: read them with quoting off (pandas
``read_csv(path, sep="\\t", quoting=3, dtype=str)``, R ``read.delim(path, quote="",
colClasses="character")``) so that codes keep their leading zeros.

Every format streams: rows come from the database a batch at a time and go
straight to the file, so memory does not grow with the corpus. A text file is
written beside ``out`` under a temporary name and renamed into place when
complete; a Parquet directory likewise.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

import duckdb

from thucydides.errors import ConfigError, StoreError
from thucydides.records import Event
from thucydides.store.duckdb_store import EventStore
from thucydides.store.export_gdelt import (
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    ICEWS_COLUMNS,
    ArticleFacts,
    Counts,
    gdelt_row,
    icews_row,
)
from thucydides.store.export_plover import plover_record
from thucydides.store.schema import EVENT_NAMES, FETCH_ROWS, event_from_row, option_date

__all__ = [
    "EXPORT_FORMATS",
    "GDELT1_COLUMNS",
    "GDELT2_COLUMNS",
    "ICEWS_COLUMNS",
    "ExportReport",
    "MergedEvent",
    "export_events",
    "merged_events",
    "plover_record",
]

EXPORT_FORMATS: Final = ("gdelt", "gdelt2", "icews", "plover", "parquet", "csv")
#: Rows per Parquet record batch (and at most per row group).
PARQUET_BATCH_ROWS: Final = 50_000
#: Columns of the csv format (and of the Parquet files, plus the year/month partitions).
CSV_COLUMNS: Final = EVENT_NAMES

_EVENT_COLUMNS: Final = ", ".join(f'e."{name}"' for name in EVENT_NAMES)
_FACT_COLUMNS: Final = "a.url, a.publisher, a.title, a.lang, a.coded_at"
_FROM: Final = "FROM events e LEFT JOIN articles a ON a.content_hash = e.content_hash"
_ORDER: Final = 'ORDER BY "date", article_id, sentence_index, event_id'
_N: Final = len(EVENT_NAMES)
_ASSERTED: Final = "NOT e.negated AND e.modality = 'asserted'"


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What an export wrote: the format, the path, rows written, files written, events skipped.

    ``events`` counts rows: with ``merged=True`` one row may stand for several
    stored events. ``skipped`` counts stored events matching the filters that the
    format could not hold (see the module docstring).
    """

    format: str
    path: str
    events: int
    files: int
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One (date, source code, target code, CAMEO code) and every report of it.

    ``event`` is the first report (by article id, sentence, event id);
    ``mentions`` counts the stored events, ``articles`` the distinct article texts
    and ``sources`` the distinct publishers (an article without a publisher counts
    as its own source). ``event_ids`` and ``sentences`` list every report, in order.
    """

    event: Event
    mentions: int
    articles: int
    sources: int
    event_ids: tuple[str, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Query:
    """The WHERE clause of an export: the user's filters and the format's own conditions."""

    filters: tuple[str, ...]
    params: tuple[Any, ...]
    keep: tuple[str, ...] = ()

    def where(self) -> str:
        clauses = self.filters + self.keep
        return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def _query(
    source: str | None,
    target: str | None,
    code: str | None,
    since: str | None,
    until: str | None,
) -> _Query:
    """Build the filters of EventStore.iter_events (prefixes; inclusive YYYY-MM-DD dates)."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, prefix in (("source_code", source), ("target_code", target), ("cameo_code", code)):
        if prefix is not None:
            clauses.append(f"starts_with(e.{column}, ?)")
            params.append(prefix)
    for name, value, op in (("since", since, ">="), ("until", until, "<=")):
        if value is not None:
            clauses.append(f'e."date" {op} ?')
            params.append(option_date(name, value))
    return _Query(tuple(clauses), tuple(params))


def _rows(store: EventStore, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    """Run a read query on a cursor of its own and yield its rows, a batch at a time."""
    # The store's connection is private to it; a cursor of our own keeps the store usable
    # while we stream (the same as EventStore.iter_events does).
    cursor = store.cursor()
    try:
        cursor.execute(sql, list(params))
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch
    except duckdb.Error as exc:
        raise StoreError(f"cannot read events from {store.path}: {exc}") from exc
    finally:
        cursor.close()


def _facts(row: Sequence[Any]) -> ArticleFacts:
    url, publisher, title, lang, coded_at = row
    return ArticleFacts(url, publisher, title, lang or "en", coded_at)


def _stream(
    store: EventStore, query: _Query, *, merged: bool
) -> Iterator[tuple[Event, ArticleFacts, Counts, tuple[str, ...], tuple[str, ...]]]:
    """Yield (event, article facts, counts, event ids, sentences) in date/article/sentence order."""
    select = f"SELECT {_EVENT_COLUMNS}, {_FACT_COLUMNS} {_FROM}{query.where()}"
    if merged:
        order = "ORDER BY article_id, sentence_index, event_id"
        sql = (
            f"WITH f AS ({select}), g AS (SELECT list(event_id {order}) AS ids, "
            f"list(sentence {order}) AS sentences, count(*) AS mentions, "
            "count(DISTINCT coalesce(publisher, content_hash)) AS sources, "
            "count(DISTINCT content_hash) AS articles FROM f "
            '  GROUP BY "date", source_code, target_code, cameo_code) '
            "SELECT f.*, g.mentions, g.sources, g.articles, g.ids, g.sentences "
            f"FROM g JOIN f ON f.event_id = g.ids[1] {_ORDER}"
        )
    else:
        sql = f"SELECT * FROM ({select}) {_ORDER}"
    for row in _rows(store, sql, query.params):
        event = event_from_row(row[:_N])
        facts = _facts(row[_N : _N + 5])
        if not merged:
            yield event, facts, Counts(), (event.event_id,), (event.evidence.sentence,)
            continue
        mentions, sources, articles, ids, sentences = row[_N + 5 :]
        yield event, facts, Counts(mentions, sources, articles), tuple(ids), tuple(sentences)


def merged_events(
    store: EventStore,
    *,
    source: str | None = None,
    target: str | None = None,
    code: str | None = None,
    since: str | None = None,
    until: str | None = None,
    asserted_only: bool = False,
) -> Iterator[MergedEvent]:
    """Yield one MergedEvent per (date, source code, target code, CAMEO code), by date.

    The grouping runs in DuckDB (GROUP BY over the ``events`` table), so memory
    does not grow with the corpus. Filters are those of
    :meth:`EventStore.iter_events`; ``asserted_only`` leaves out negated and
    non-asserted events before grouping. Events with no date form their own groups.
    The filters are checked at once; the query runs when iteration starts.
    """
    query = _query(source, target, code, since, until)
    if asserted_only:
        query = _Query(query.filters, query.params, (_ASSERTED,))
    return (
        MergedEvent(event, counts.mentions, counts.articles, counts.sources, ids, sentences)
        for event, _, counts, ids, sentences in _stream(store, query, merged=True)
    )


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- writing -------------------------------------------------------------------------------


def _unwritable(out: Path, exc: OSError) -> StoreError:
    return StoreError(
        f"cannot write the export to {out}: {exc.strerror or exc}; "
        "choose a writable path with enough free space"
    )


@contextlib.contextmanager
def _atomic_text(out: Path) -> Iterator[TextIO]:
    """Open a temporary file beside ``out``; rename it to ``out`` once the block succeeds."""
    if out.is_dir():
        raise ConfigError(f"the export path {out} is a directory; pass a file name")
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(tmp, out)
    except OSError as exc:
        raise _unwritable(out, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _write_text(store: EventStore, fmt: str, out: Path, query: _Query, *, merged: bool) -> int:
    """Write one text format; return the number of rows written."""
    count = 0
    with _atomic_text(out) as stream:
        if fmt == "csv":
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            sql = f"SELECT * FROM (SELECT {_EVENT_COLUMNS} {_FROM}{query.where()}) {_ORDER}"
            for row in _rows(store, sql, query.params):
                writer.writerow([_csv_cell(value) for value in row])
                count += 1
            return count
        if fmt == "icews":
            stream.write("\t".join(ICEWS_COLUMNS) + "\n")
        for event, facts, counts, _, _ in _stream(store, query, merged=merged):
            if fmt == "plover":
                record = plover_record(event, facts)
                if record is None:  # pragma: no cover - excluded by the query
                    continue
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif fmt == "icews":
                stream.write("\t".join(icews_row(event, facts)) + "\n")
            else:
                version = 2 if fmt == "gdelt2" else 1
                stream.write("\t".join(gdelt_row(event, facts, counts, version=version)) + "\n")
            count += 1
    return count


def _write_parquet(store: EventStore, out: Path, query: _Query) -> tuple[int, int]:
    """Write the hive-partitioned Parquet dataset; return (rows, files)."""
    import pyarrow.dataset as ds  # type: ignore[import-untyped]  # heavy: import on use

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(
            f"the Parquet export path {out} already exists and is not an empty directory; "
            "pass a new directory (old partitions would mix with the new ones)"
        )
    sql = (
        f"SELECT * FROM (SELECT {_EVENT_COLUMNS}, "
        'CAST(year(e."date") AS INTEGER) AS "year", CAST(month(e."date") AS INTEGER) AS "month" '
        f"{_FROM}{query.where()}) {_ORDER}"
    )
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    written: list[str] = []
    rows = 0
    cursor = store.cursor()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        reader = cursor.sql(sql, params=list(query.params)).to_arrow_reader(PARQUET_BATCH_ROWS)

        def batches() -> Iterator[Any]:
            nonlocal rows
            for batch in reader:
                rows += batch.num_rows
                yield batch

        ds.write_dataset(
            batches(),
            tmp,
            schema=reader.schema,
            format="parquet",
            partitioning=["year", "month"],
            partitioning_flavor="hive",
            basename_template="part-{i}.parquet",
            max_rows_per_group=PARQUET_BATCH_ROWS,
            existing_data_behavior="error",
            file_visitor=lambda written_file: written.append(written_file.path),
        )
        if not tmp.exists():
            tmp.mkdir()  # nothing matched: an empty dataset directory
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except duckdb.Error as exc:
        raise StoreError(f"cannot read events from {store.path}: {exc}") from exc
    except OSError as exc:
        raise _unwritable(out, exc) from exc
    finally:
        cursor.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return rows, len(written)


def _skipped(store: EventStore, query: _Query) -> int:
    """Count the events the filters match but the format's own conditions drop."""
    if not query.keep:
        return 0
    sql = f"SELECT count(*) FROM events e WHERE {' AND '.join(query.filters) or 'true'} AND NOT ({' AND '.join(query.keep)})"
    return sum(row[0] for row in _rows(store, sql, query.params))


def export_events(
    store: EventStore,
    fmt: str,
    out: str | Path,
    *,
    source: str | None = None,
    target: str | None = None,
    code: str | None = None,
    since: str | None = None,
    until: str | None = None,
    merged: bool = False,
    include_unasserted: bool = False,
) -> ExportReport:
    """Write the stored events matching the filters to ``out`` in format ``fmt``; report it.

    ``fmt`` is one of :data:`EXPORT_FORMATS`; the filters are those of
    :meth:`EventStore.iter_events` (code prefixes, inclusive YYYY-MM-DD dates).
    ``merged`` (gdelt and gdelt2 only) writes one row per (date, source, target,
    code) with its mention, source and article counts. ``include_unasserted`` keeps
    negated and non-asserted events in the gdelt, gdelt2 and icews formats, which
    cannot mark them. An existing ``out`` file is replaced; a Parquet ``out`` must be
    a new or empty directory. Raises ConfigError for a bad format, option or path
    and StoreError when the store cannot be read or ``out`` cannot be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    if merged and fmt not in ("gdelt", "gdelt2"):
        raise ConfigError(
            f"merged=True applies to the gdelt and gdelt2 formats, not {fmt!r}; "
            "use merged_events() to merge for other uses"
        )
    path = Path(out)
    query = _query(source, target, code, since, until)
    keep: tuple[str, ...] = ()
    if fmt in ("gdelt", "gdelt2", "icews"):
        keep = ('e."date" IS NOT NULL',) + (() if include_unasserted else (_ASSERTED,))
    elif fmt == "plover":
        keep = ("e.plover_type IS NOT NULL",)
    query = _Query(query.filters, query.params, keep)
    if fmt == "parquet":
        rows, files = _write_parquet(store, path, query)
    else:
        rows, files = _write_text(store, fmt, path, query, merged=merged), 1
    return ExportReport(fmt, str(path), rows, files, _skipped(store, query))
