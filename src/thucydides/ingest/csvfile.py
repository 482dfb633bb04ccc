"""Read CSV files (``.csv``, ``.tsv``, and either ``.gz``): one article per row, under a header row.

The header names the columns; :class:`~thucydides.ingest.fields.FieldNames` says
which holds the text (required), the id and the date (``text``, ``id`` and
``date`` by default). Columns ``title``, ``url`` and ``publisher`` are read when
present; any other column is ignored. Without an id column (the BBC News corpus
has only ``text,category``) an article's id is the start of its content hash, as
for plain-text files; a renamed id or date column that the header lacks is a
mistake, and the file is rejected saying so.

Each bad row is rejected on its own with the origin ``"path:LINENO"`` (the line
the row starts on; a quoted field may span lines). No row is read whole when it
is over ``max_bytes``: reading stops at the limit, the rest of the row is skipped
a chunk at a time (following the quotes to find where it ends) and the row is
rejected as ``TOO_LARGE``. The file must be UTF-8, as every text input.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path

from thucydides.ingest.checks import (
    SNIFF_BYTES,
    Problem,
    check_text,
    decode_utf8,
    format_size,
    sniff_binary,
)
from thucydides.ingest.fields import (
    OPTIONAL_FIELDS,
    FieldNames,
    malformed,
    record_date,
    reject,
    text_article,
)
from thucydides.ingest.streams import (
    READ_ERRORS,
    ByteStream,
    open_stream,
    origin_name,
    stream_rejection,
)
from thucydides.records import Article, Rejection, RejectReason

__all__ = ["CSV_DELIMITERS", "read_csv"]

logger = logging.getLogger(__name__)

#: File name endings read as CSV, with their field delimiter.
CSV_DELIMITERS = {".csv": ",", ".tsv": "\t"}

_QUOTE = ord('"')
_DRAIN_CHUNK = 1024 * 1024
_QUOTING_FIX = (
    "quote fields that contain the delimiter, quotes or line breaks "
    '(as spreadsheets and Python\'s csv module do: "a, b")'
)


class _RowTooLarge(Exception):
    """Raised by the line source when the current row passes ``max_bytes``."""


class _BadLine(Exception):
    """Raised by the line source when a line of the current row cannot be decoded."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


class _RowLines:
    """Feed decoded lines to a csv reader, keeping count of the current row's bytes and quotes.

    The counts let the reader stop a row at ``max_bytes`` before it is in memory,
    and skip the rest of a bad row: a row ends at a line end after an even number
    of quote characters (quoted fields open and close them; ``""`` escapes one).
    """

    def __init__(self, stream: ByteStream, *, max_bytes: int, name: str) -> None:
        self._stream = stream
        self._max_bytes = max_bytes
        self._name = name
        self.line_number = 0  # physical lines read so far
        self.row_bytes = 0
        self._quotes = 0
        self._at_line_end = True
        self._first = True

    def start_row(self) -> None:
        """Reset the counts: the next line read starts a new row."""
        self.row_bytes = 0
        self._quotes = 0

    def __iter__(self) -> _RowLines:
        return self

    def __next__(self) -> str:
        budget = self._max_bytes - self.row_bytes
        raw = self._stream.readline(budget + 2)  # room for a "\r\n" line end
        if not raw:
            raise StopIteration
        too_large = self.row_bytes + len(raw.rstrip(b"\r\n")) > self._max_bytes
        self._note(raw)
        if too_large:
            raise _RowTooLarge
        decoded = decode_utf8(raw, name=self._name)
        if isinstance(decoded, Problem):
            raise _BadLine(decoded)
        if self._first:
            self._first = False
            decoded = decoded.removeprefix("\ufeff")
        return decoded

    def _note(self, raw: bytes) -> None:
        """Count a piece of the current row that has just been read."""
        self._at_line_end = raw.endswith(b"\n")
        if self._at_line_end:
            self.line_number += 1
        self.row_bytes += len(raw)
        self._quotes += raw.count(_QUOTE)

    def skip_row(self) -> int:
        """Skip the rest of the current row without keeping it; return the row's size in bytes."""
        while not (self._at_line_end and self._quotes % 2 == 0):
            chunk = self._stream.readline(_DRAIN_CHUNK)
            if not chunk:
                break
            self._note(chunk)
        return self.row_bytes


def read_csv(
    path: Path,
    *,
    compressed: bool,
    fields: FieldNames,
    published: str | None,
    max_bytes: int,
    delimiter: str = ",",
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every non-blank row of a CSV file with a header row.

    ``published`` is the date of rows with no date. A file whose first bytes are
    binary, or whose header lacks the text column, is rejected once, as a whole.
    """
    origin = origin_name(path)
    _allow_fields_up_to(max_bytes)
    try:
        source = open_stream(path, compressed=compressed)
    except OSError as exc:
        yield stream_rejection(origin, exc)
        return
    with source:
        try:
            head = source.stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        except READ_ERRORS as exc:
            yield stream_rejection(origin, exc, stream=source)
            return
        problem = sniff_binary(head, name=origin)
        if problem is not None:
            yield reject(origin, problem)
            return
        feed = _RowLines(source.stream, max_bytes=max_bytes, name=origin)
        # strict: a quote never closed is an error, not a field that swallows the rest of
        # the file, and so is text after a closing quote ("a"b), which would lose the quote
        reader = csv.reader(feed, delimiter=delimiter, strict=True)
        columns: _Columns | None = None
        n_rows = 0
        while True:
            feed.start_row()
            row_origin = f"{origin}:{feed.line_number + 1}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except READ_ERRORS as exc:
                yield stream_rejection(origin, exc, stream=source)
                return
            except (_RowTooLarge, _BadLine, csv.Error) as exc:
                try:
                    size = feed.skip_row()
                except READ_ERRORS as read_exc:  # the file breaks off inside the bad row
                    yield stream_rejection(row_origin, read_exc, stream=source)
                    return
                yield _bad_row(row_origin, exc, size=size, max_bytes=max_bytes)
                if columns is None:
                    return  # without its header, no row of the file can be read
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank lines are not records
            if columns is None:
                header = _Columns.from_header(row, fields=fields, origin=row_origin)
                if isinstance(header, Rejection):
                    yield header
                    return
                columns = header
                continue
            n_rows += 1
            yield _row_record(row, columns, origin=row_origin, published=published)
    if columns is None:
        yield Rejection(
            origin,
            RejectReason.EMPTY,
            "the CSV file is empty: it has no header row and no records; there is nothing to code",
        )
    elif n_rows == 0:
        yield Rejection(
            origin,
            RejectReason.EMPTY,
            "the CSV file has a header row but no records; there is nothing to code",
        )


class _Columns:
    """Where each field sits in a CSV file's rows, as its header row says."""

    def __init__(self, header: list[str], *, fields: FieldNames, text: int) -> None:
        self.width = len(header)
        self.text_name = fields.text
        self.text = text
        self.id = _index(header, fields.id)
        self.date = _index(header, fields.date)
        self.optional = {name: _index(header, name) for name in OPTIONAL_FIELDS}

    @classmethod
    def from_header(
        cls, row: list[str], *, fields: FieldNames, origin: str
    ) -> _Columns | Rejection:
        """Return the columns of a header row, or the Rejection of the file when a named column is missing.

        ``origin`` is ``"path:LINENO"`` of the header row.
        """
        header = [name.strip() for name in row]
        shown = ", ".join(f'"{_clip(name)}"' for name in header[:20])
        missing = [
            (option, name)
            for option, name, required in (
                ("text", fields.text, True),
                ("id", fields.id, not fields.is_default_id()),
                ("date", fields.date, not fields.is_default_date()),
            )
            if required and name not in header
        ]
        if missing:
            option, name = missing[0]
            return malformed(
                origin,
                f'the CSV header has no "{name}" column (its columns are {shown}); '
                f"name the column that holds the {option} with --{option}-field, "
                "or add a header row if the file has none",
            )
        return cls(header, fields=fields, text=header.index(fields.text))


def _clip(value: str, limit: int = 40) -> str:
    """Return ``value`` cut to ``limit`` characters, for a message."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _index(header: list[str], name: str) -> int | None:
    """Return the position of column ``name``, or ``None`` when the header lacks it."""
    return header.index(name) if name in header else None


def _row_record(
    row: list[str], columns: _Columns, *, origin: str, published: str | None
) -> Article | Rejection:
    """Return the Article in one CSV row, or the Rejection saying what is wrong with the row."""
    if len(row) > columns.width and any(value.strip() for value in row[columns.width :]):
        return malformed(
            origin,
            f"the row has {len(row)} fields but the header has {columns.width}; {_QUOTING_FIX}",
        )
    if columns.text >= len(row):
        return malformed(
            origin,
            f'the row has no "{columns.text_name}" field: it has {len(row)} field(s) '
            f"and the header {columns.width}; {_QUOTING_FIX}",
        )
    checked = check_text(row[columns.text])
    if isinstance(checked, Problem):
        return reject(
            origin,
            Problem(
                checked.reason,
                f'the row\'s "{columns.text_name}" field is empty or only whitespace; '
                "there is nothing to code",
            ),
        )
    article_id = _cell(row, columns.id)
    date = record_date(_cell(row, columns.date), published=published)
    if isinstance(date, Problem):
        return reject(origin, date)
    return text_article(
        checked,
        origin=origin,
        published=date,
        article_id=article_id,
        title=_cell(row, columns.optional["title"]),
        url=_cell(row, columns.optional["url"]),
        publisher=_cell(row, columns.optional["publisher"]),
    )


def _cell(row: list[str], index: int | None) -> str | None:
    """Return a row's value at ``index`` stripped, or ``None`` when absent or blank."""
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None


def _bad_row(origin: str, exc: Exception, *, size: int, max_bytes: int) -> Rejection:
    """Return the Rejection of a row that could not be read."""
    if isinstance(exc, _RowTooLarge):
        return reject(
            origin,
            Problem(
                RejectReason.TOO_LARGE,
                f"the row is {format_size(size)}, over the {format_size(max_bytes)} limit per "
                "article (it was skipped, not loaded); split or shorten this article, "
                "or raise --max-bytes",
            ),
        )
    if isinstance(exc, _BadLine):
        return reject(origin, exc.problem)
    if str(exc) == "unexpected end of data":
        return malformed(
            origin,
            "the file ends inside a quoted field that this row opens, so every line after it "
            "was read into that field: the quote is never closed (or the file was cut short); "
            "close the quote, or fetch the file again",
        )
    if "expected after" in str(exc):
        return malformed(
            origin,
            f'a quoted field has more text after its closing quote ("a"b); {_QUOTING_FIX}, '
            'and double the quotes inside a quoted field ("a""b")',
        )
    return malformed(origin, f"the CSV row cannot be parsed ({exc}); {_QUOTING_FIX}")


def _allow_fields_up_to(max_bytes: int) -> None:
    """Raise the csv module's field size limit (128 KiB by default) to ``max_bytes``, never lower it.

    The limit is process-wide; rows are kept under ``max_bytes`` by the reader
    itself, so a field can never exceed it.
    """
    wanted = max_bytes + 2
    if csv.field_size_limit() < wanted:
        logger.debug("raising the csv field size limit to %d", wanted)
        csv.field_size_limit(wanted)
