"""Cut big input files into pieces, and read pieces, on the workers.

Both run on a worker, next to the data, so that the client never reads a file.
A piece's records are exactly those a single-process
:func:`~thucydides.ingest.read_inputs` yields for that stretch of the file, with
the same origins (``path:LINE``), ids and rejections:

- uncompressed **JSONL** and **Reuters SGML** are cut into byte windows about
  ``chunk_bytes`` long that start where a record starts (a line start; a
  ``<REUTERS`` tag, found by the reader's own start-tag/end-tag alternation), with
  the line number there. A window is read with the reader's own per-record code
  over a stream that stops at the window's end, so every piece costs only its bytes.
- **CSV/TSV** (a quoted field may hold line breaks, so a byte offset says nothing
  about where a row starts) and **gzip** files (no seeking) are cut into ranges
  of ``records_per_task`` records: the cutting worker counts the records with the
  reader, and each piece reads the file from its start, skipping the records
  before its range without checking their language or coding them. Skipping
  reads at 15-45 MB/s where coding reads about 30 KB/s, so the overhead stays a
  few percent for files up to about 100 MB; split bigger ones, or use JSONL.

A file that cannot be cut safely (binary head, no records, an I/O error, only
one piece's worth of records) is returned as one whole-file piece, read by the
reader as in a single-process run.
"""

from __future__ import annotations

import io
import itertools
import logging
import mmap
import re
from collections.abc import Iterator
from pathlib import Path

from thucydides.distributed.partitions import Partition, Piece, ReadOptions
from thucydides.ingest.checks import SNIFF_BYTES, Problem, check_size, normalise_date, sniff_binary
from thucydides.ingest.fields import FieldNames, malformed, reject
from thucydides.ingest.jsonl import JSONL_SUFFIXES

# The readers' per-record functions: a window must be read exactly as the whole file is.
from thucydides.ingest.jsonl import _parse_line as _jsonl_record
from thucydides.ingest.language import check_language
from thucydides.ingest.reuters import REUTERS_SUFFIXES
from thucydides.ingest.reuters import _element as _reuters_record
from thucydides.ingest.reuters import _elements as _reuters_elements
from thucydides.ingest.reuters import _too_large as _reuters_too_large
from thucydides.ingest.streams import READ_ERRORS, ByteStream, file_format, lines, stream_rejection
from thucydides.records import Article, Rejection

__all__ = ["cut_file", "read_partition"]

logger = logging.getLogger(__name__)

_REUTERS_START = b"<REUTERS"
_REUTERS_END = b"</REUTERS>"
_CONTENT = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # a byte that bytes.strip() keeps


def cut_file(
    path: str, *, size: int, chunk_bytes: int, records_per_task: int, read: ReadOptions
) -> tuple[Piece, ...]:
    """Return the pieces of one big file, in order; one whole-file piece when it cannot be cut."""
    kind, compressed = file_format(Path(path))
    try:
        if not compressed and kind in JSONL_SUFFIXES:
            pieces = _jsonl_windows(path, chunk_bytes=chunk_bytes)
        elif not compressed and kind in REUTERS_SUFFIXES:
            pieces = _reuters_windows(path, chunk_bytes=chunk_bytes)
        else:
            pieces = _record_ranges(path, size=size, per_piece=records_per_task, read=read)
    except (OSError, ValueError) as exc:  # mmap of an emptied file raises ValueError
        logger.info("reading %s whole: it cannot be cut (%s)", path, exc)
        pieces = ()
    if len(pieces) < 2:
        return (Piece(path, size),)
    logger.debug("cut %s into %d pieces", path, len(pieces))
    return pieces


def read_partition(partition: Partition, read: ReadOptions) -> Iterator[Article | Rejection]:
    """Yield the records of a partition in input order, language-checked as ``read_inputs`` does."""
    for piece in partition.pieces:
        for record in read_piece(piece, read):
            if read.detect_language and isinstance(record, Article):
                problem = check_language(record.text)
                if problem is not None:
                    record = reject(
                        record.origin or record.article_id, problem, record.content_hash
                    )
            yield record


def read_piece(piece: Piece, read: ReadOptions) -> Iterator[Article | Rejection]:
    """Yield the records of one piece, without the language check."""
    records: Iterator[Article | Rejection]
    if piece.record is not None:
        records = iter((piece.record,))
    elif piece.start is None:
        records = read.read([piece.path])
    else:
        records = _read_window(piece, read)
    if piece.skip or piece.take is not None:
        stop = None if piece.take is None else piece.skip + piece.take
        records = itertools.islice(records, piece.skip, stop)
    return records


# -- cutting --------------------------------------------------------------------------


def _jsonl_windows(path: str, *, chunk_bytes: int) -> tuple[Piece, ...]:
    """Cut a JSONL file at line starts about every ``chunk_bytes``."""
    with open(path, "rb") as handle:
        if sniff_binary(handle.read(SNIFF_BYTES), name=path) is not None:
            return ()  # the reader rejects the whole file once
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if _CONTENT.search(data) is None:
                return ()  # only blank lines: the reader rejects the file as empty
            starts = [0]
            while starts[-1] + chunk_bytes < len(data):
                end = data.find(b"\n", starts[-1] + chunk_bytes - 1)
                if end < 0 or end + 1 >= len(data):
                    break
                starts.append(end + 1)
            return _windows(path, data, starts)


def _reuters_windows(path: str, *, chunk_bytes: int) -> tuple[Piece, ...]:
    """Cut a Reuters SGML file at ``<REUTERS`` tags about every ``chunk_bytes``.

    Elements are found as the reader finds them: the next start tag, then the
    first end tag after it, then the next start tag after that end tag.
    """
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        starts = [0]
        position = 0
        while True:
            start = data.find(_REUTERS_START, position)
            if start < 0:
                break
            if start >= starts[-1] + chunk_bytes:
                starts.append(start)
            end = data.find(_REUTERS_END, start)
            if end < 0:
                break
            position = end + len(_REUTERS_END)
        if len(starts) == 1 and data.find(_REUTERS_START) < 0:
            return ()  # no element at all: the reader rejects the file once
        return _windows(path, data, starts)


def _windows(path: str, data: mmap.mmap, starts: list[int]) -> tuple[Piece, ...]:
    """Return the byte windows between consecutive starts, each with the number of its first line."""
    pieces: list[Piece] = []
    line = 1
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else None
        end = len(data) if stop is None else stop
        pieces.append(Piece(path, end - start, start=start, stop=stop, first_line=line))
        if stop is not None:
            line += data[start:stop].count(b"\n")
    return tuple(pieces)


def _record_ranges(path: str, *, size: int, per_piece: int, read: ReadOptions) -> tuple[Piece, ...]:
    """Count a file's records with the reader and return ranges of ``per_piece`` records."""
    count = sum(1 for _ in read.read([path]))
    if count <= per_piece:
        return ()
    pieces = []
    for skip in range(0, count, per_piece):
        last = skip + per_piece >= count
        covered = min(per_piece, count - skip)
        pieces.append(
            Piece(path, size * covered // count, skip=skip, take=None if last else per_piece)
        )
    return tuple(pieces)


# -- reading windows ------------------------------------------------------------------


class _Window(io.RawIOBase):
    """A raw stream over bytes ``[start, stop)`` of an open file."""

    def __init__(self, handle: io.BufferedReader, *, start: int, stop: int | None) -> None:
        super().__init__()
        handle.seek(start)
        self._handle = handle
        self._left = None if stop is None else stop - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wanted = len(buffer) if self._left is None else min(len(buffer), self._left)
        if wanted <= 0:
            return 0
        data = self._handle.read(wanted)
        buffer[: len(data)] = data
        if self._left is not None:
            self._left -= len(data)
        return len(data)


def _read_window(piece: Piece, read: ReadOptions) -> Iterator[Article | Rejection]:
    """Yield the records that start in a piece's byte window, as the file's reader yields them."""
    assert piece.start is not None
    kind, _ = file_format(Path(piece.path))
    try:
        handle = open(piece.path, "rb")  # noqa: SIM115  # closed below, after the generator ends
    except OSError as exc:
        yield stream_rejection(piece.path, exc)
        return
    published = _published(read)
    with handle:
        stream = io.BufferedReader(_Window(handle, start=piece.start, stop=piece.stop))
        if kind in JSONL_SUFFIXES:
            yield from _jsonl_window(stream, piece, read=read, published=published)
        else:
            yield from _reuters_window(stream, piece, read=read, published=published)


def _jsonl_window(
    stream: ByteStream, piece: Piece, *, read: ReadOptions, published: str | None
) -> Iterator[Article | Rejection]:
    """The loop of :func:`thucydides.ingest.jsonl.read_jsonl`, over a window."""
    fields = FieldNames(text=read.text_field, id=read.id_field, date=read.date_field)
    numbered = lines(stream, max_bytes=read.max_bytes)
    while True:
        try:
            line = next(numbered)
        except StopIteration:
            return
        except READ_ERRORS as exc:
            yield stream_rejection(piece.path, exc)
            return
        if line.data is not None and not line.data.strip():
            continue
        origin = f"{piece.path}:{piece.first_line + line.number - 1}"
        if line.data is None:
            problem = check_size(
                line.size,
                max_bytes=read.max_bytes,
                what="line size",
                fix="split or shorten this article, or raise --max-bytes",
            )
            if problem is not None:
                yield reject(origin, problem)
            continue
        yield _jsonl_record(
            line.data, origin=origin, name=piece.path, fields=fields, published=published
        )


def _reuters_window(
    stream: ByteStream, piece: Piece, *, read: ReadOptions, published: str | None
) -> Iterator[Article | Rejection]:
    """The loop of :func:`thucydides.ingest.reuters.iter_reuters`, over a window."""
    elements = _reuters_elements(stream, max_bytes=read.max_bytes)
    while True:
        try:
            element = next(elements)
        except StopIteration:
            return
        except READ_ERRORS as exc:
            yield stream_rejection(piece.path, exc)
            return
        origin = f"{piece.path}:{piece.first_line + element.line - 1}"
        if not element.closed:
            yield malformed(
                origin,
                "the <REUTERS> element is not closed: the file ends first; "
                "the file is cut short, fetch it again",
            )
        elif element.data is None:
            yield _reuters_too_large(origin, size=element.size, max_bytes=read.max_bytes)
        else:
            yield _reuters_record(element.data, origin=origin, default_date=published)


def _published(read: ReadOptions) -> str | None:
    """Return the default date as the readers use it (checked on the client: YYYY-MM-DD)."""
    if read.default_date is None:
        return None
    checked = normalise_date(read.default_date)
    return None if isinstance(checked, Problem) else checked
