"""Plan a cluster run: list the inputs on the client and group them into partitions.

The client never reads an input file. It expands the inputs as
:func:`~thucydides.ingest.read_inputs` does (directories walked with their
entries sorted by name, hidden names skipped, glob patterns matched in sorted
order), takes each file's size from ``stat`` and plans, in input order:

- a file of at most ``chunk_bytes``, or a WARC archive (its pages are costly to
  extract twice), is one :class:`Piece`; consecutive pieces are grouped into one
  :class:`Partition` of at most ``records_per_task`` files and ``chunk_bytes``;
- a bigger file in a multi-record format (JSONL, CSV/TSV, Reuters SGML, plain or
  gzip) is handed over as a :class:`Leaf`: a worker cuts it into pieces
  (:mod:`thucydides.distributed.cutting`), each of which becomes a partition;
- standard input can only be read by the client: its one document travels as
  the piece's record;
- an input that names nothing readable (a missing path, a pattern that matches
  nothing, a walked entry that is not a regular file) becomes its
  :class:`~thucydides.records.Rejection` here, exactly as the reader words it.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from thucydides.errors import ConfigError
from thucydides.ingest import read_inputs
from thucydides.ingest.csvfile import CSV_DELIMITERS
from thucydides.ingest.fields import DEFAULT_DATE_FIELD, DEFAULT_ID_FIELD, DEFAULT_TEXT_FIELD
from thucydides.ingest.jsonl import JSONL_SUFFIXES
from thucydides.ingest.readers import DEFAULT_MAX_BYTES, STDIN
from thucydides.ingest.reuters import REUTERS_SUFFIXES
from thucydides.ingest.streams import file_format, not_a_regular_file, walk_files
from thucydides.records import Article, Rejection

__all__ = ["Leaf", "Partition", "Piece", "ReadOptions", "expand_inputs", "group_pieces"]

logger = logging.getLogger(__name__)

#: File kinds that hold many articles and that a worker may cut into several pieces.
CUTTABLE_KINDS = frozenset(JSONL_SUFFIXES | REUTERS_SUFFIXES | set(CSV_DELIMITERS))

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How workers read the inputs: the options of :func:`~thucydides.ingest.read_inputs`."""

    default_date: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    text_field: str = DEFAULT_TEXT_FIELD
    id_field: str = DEFAULT_ID_FIELD
    date_field: str = DEFAULT_DATE_FIELD
    detect_language: bool = True

    def check(self) -> None:
        """Raise :class:`~thucydides.errors.ConfigError` now, on the client, for a bad option."""
        self.read([])

    def read(
        self, inputs: Sequence[str], *, language: bool = False
    ) -> Iterator[Article | Rejection]:
        """Return ``read_inputs(inputs)`` with these options; the language check only when asked."""
        return read_inputs(
            inputs,
            default_date=self.default_date,
            max_bytes=self.max_bytes,
            text_field=self.text_field,
            id_field=self.id_field,
            date_field=self.date_field,
            detect_language=language and self.detect_language,
        )


@dataclass(frozen=True, slots=True)
class Piece:
    """One part of one input: a whole file, a byte window of it, or a range of its records.

    ``start`` is ``None`` for a whole file, read by the reader its name calls for;
    otherwise the piece is the records that begin in bytes ``[start, stop)``
    (``stop`` ``None``: to the end), whose first line is ``first_line``. ``skip``
    and ``take`` then keep a range of the records read (``take`` ``None``: all
    the rest). ``record`` holds a document the client read itself (standard
    input). ``size`` is the bytes the piece covers, for progress.
    """

    path: str
    size: int
    start: int | None = None
    stop: int | None = None
    first_line: int = 1
    skip: int = 0
    take: int | None = None
    record: Article | Rejection | None = None

    def label(self) -> str:
        """Name the piece for messages and rejections: ``path``, ``path:LINE``, with a record range."""
        where = self.path if self.start is None else f"{self.path}:{self.first_line}"
        if self.skip == 0 and self.take is None:
            return where
        last = "end" if self.take is None else str(self.skip + self.take)
        return f"{where} (records {self.skip + 1} to {last})"

    def one_record(self, index: int) -> Piece:
        """Return the piece that holds only record ``index`` (0-based) of this one."""
        if self.record is not None:
            return self
        return replace(self, skip=self.skip + index, take=1, size=0)


@dataclass(frozen=True, slots=True)
class Partition:
    """The pieces one task reads and codes, in input order."""

    pieces: tuple[Piece, ...]

    @property
    def size(self) -> int:
        """Return the bytes the partition covers."""
        return sum(piece.size for piece in self.pieces)

    def label(self) -> str:
        """Name the partition for messages: its first piece, and how many more there are."""
        first = self.pieces[0].label()
        return (
            first if len(self.pieces) == 1 else f"{first} and {len(self.pieces) - 1} more file(s)"
        )


@dataclass(frozen=True, slots=True)
class Leaf:
    """A big multi-record file that a worker should cut into pieces before it is coded."""

    path: str
    size: int


def expand_inputs(
    inputs: Sequence[str | os.PathLike[str]], *, read: ReadOptions, chunk_bytes: int
) -> Iterator[Piece | Leaf | Rejection]:
    """Yield, in input order, a piece or leaf for every file the inputs name, or the rejection of an input.

    Only directory listings and ``stat`` are used: no file is opened, except
    standard input, which no worker can read.
    """
    if isinstance(inputs, str | bytes | os.PathLike):
        raise ConfigError(
            f"inputs must be a list of paths, got {type(inputs).__name__} {inputs!r}; "
            "pass a list, e.g. [path]"
        )
    for item in inputs:
        name = os.fspath(item)
        if isinstance(item, str) and item == STDIN:
            for record in read.read([STDIN]):  # one document, read here
                yield Piece(record.origin or STDIN, _record_size(record), record=record)
        elif not name or (_GLOB_CHARACTERS.intersection(name) and not os.path.lexists(name)):
            matches = sorted(glob.glob(name, recursive=True)) if name else []
            if not matches:
                yield from _reader_rejections(name, read)
            else:
                yield from _expand_pattern(matches, chunk_bytes=chunk_bytes)
        else:
            yield from _expand_path(Path(item), walked=False, chunk_bytes=chunk_bytes)


def group_pieces(
    items: Iterable[Piece | Leaf | Rejection], *, chunk_bytes: int, records_per_task: int
) -> Iterator[Partition | Leaf | Rejection]:
    """Group consecutive small pieces into partitions; pass leaves and rejections through in order."""
    group: list[Piece] = []
    size = 0
    for item in items:
        if isinstance(item, Piece):
            if group and (len(group) >= records_per_task or size + item.size > chunk_bytes):
                yield Partition(tuple(group))
                group, size = [], 0
            group.append(item)
            size += item.size
            continue
        if group:
            yield Partition(tuple(group))
            group, size = [], 0
        yield item
    if group:
        yield Partition(tuple(group))


def _expand_pattern(matches: list[str], *, chunk_bytes: int) -> Iterator[Piece | Leaf | Rejection]:
    """Yield the files of every path a glob matched, skipping those inside a directory already walked."""
    walked: set[Path] = set()
    for match in matches:
        path = Path(match)
        if walked.intersection(path.parents):
            continue
        if path.is_dir():
            walked.add(path)
        yield from _expand_path(path, walked=True, chunk_bytes=chunk_bytes)


def _expand_path(
    path: Path, *, walked: bool, chunk_bytes: int
) -> Iterator[Piece | Leaf | Rejection]:
    """Yield the files under one path; a path that cannot be listed gets the reader's own rejection."""
    try:
        info = path.stat()
    except OSError:
        # The reader words the message (a missing path, a broken link, no permission);
        # it rejects the path without opening anything.
        yield from _reader_rejections(os.fspath(path), ReadOptions())
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, seen=set(), chunk_bytes=chunk_bytes)
    elif walked and not stat.S_ISREG(info.st_mode):
        origin = str(path)
        yield not_a_regular_file(origin, info.st_mode)
    else:
        yield _file(str(path), info.st_size, chunk_bytes=chunk_bytes)


def _walk(
    directory: Path, *, seen: set[str], chunk_bytes: int
) -> Iterator[Piece | Leaf | Rejection]:
    """Yield the files under ``directory`` in the reader's order: entries sorted by name, dot names skipped."""
    for item in walk_files(directory, seen=seen):
        if isinstance(item, Rejection):
            yield item
        else:
            yield from _expand_path(item, walked=True, chunk_bytes=chunk_bytes)


def _file(path: str, size: int, *, chunk_bytes: int) -> Piece | Leaf:
    """Return a small file as one piece, a big multi-record file as a leaf for a worker to cut."""
    kind, _ = file_format(Path(path))
    if size > chunk_bytes and kind in CUTTABLE_KINDS:
        return Leaf(path, size)
    return Piece(path, size)


def _reader_rejections(name: str, read: ReadOptions) -> Iterator[Rejection]:
    """Yield the rejections the reader gives an input that names nothing it can open."""
    for record in read.read([name]):
        if isinstance(record, Rejection):
            yield record
        else:  # the path appeared after all (a race): the worker will read it
            logger.debug("%s became readable while the run was being planned", name)


def _record_size(record: Article | Rejection) -> int:
    """Return the size of a record the client read, for progress."""
    return len(record.text.encode("utf-8")) if isinstance(record, Article) else 0
