"""Read articles from files, directories, globs and standard input, one record at a time.

:func:`read_inputs` is the one entry point. It yields an
:class:`~thucydides.records.Article` for every document it can read and a
:class:`~thucydides.records.Rejection` for every one it cannot, in input order,
and never holds more than one document in memory, whatever the corpus size.

Formats, chosen by file name (each may also be gzip-compressed, ``name.jsonl.gz``,
and is then decompressed as it is read, with ``max_bytes`` counting decompressed
bytes; see :mod:`~thucydides.ingest.streams`):

- ``*.jsonl``: one JSON object per line (:mod:`~thucydides.ingest.jsonl`).
- ``*.csv``, ``*.tsv``: a header row, then one article per row
  (:mod:`~thucydides.ingest.csvfile`).
- ``*.html``, ``*.htm``, ``*.xhtml``: a web page; trafilatura extracts the main
  text, title, publisher and publication date (:mod:`~thucydides.ingest.html`).
- ``*.warc``: a web archive such as CC-NEWS, read through warcio
  (:mod:`~thucydides.ingest.warc`).
- ``*.sgm``, ``*.sgml``: the Reuters-21578 corpus (:mod:`~thucydides.ingest.reuters`).
- anything else: the whole file is one plain-text article in UTF-8.
- ``"-"``: standard input, read as bytes, one plain-text article.

Directories are walked recursively, entries sorted by name at each level, skipping
names that start with a dot. An input with ``*``, ``?`` or ``[`` that is not an
existing path is a glob pattern (``**`` matches any depth), its matches read in
sorted order. Articles confidently not in English are rejected as ``NOT_ENGLISH``
(:mod:`~thucydides.ingest.language`) unless ``detect_language`` is false.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from thucydides.errors import ConfigError
from thucydides.ingest.checks import Problem, check_bytes, check_size, format_size, normalise_date
from thucydides.ingest.csvfile import CSV_DELIMITERS, read_csv
from thucydides.ingest.fields import (
    DEFAULT_DATE_FIELD,
    DEFAULT_ID_FIELD,
    DEFAULT_TEXT_FIELD,
    FieldNames,
    reject,
    text_article,
)
from thucydides.ingest.html import HTML_SUFFIXES, read_html
from thucydides.ingest.jsonl import JSONL_SUFFIXES, read_jsonl
from thucydides.ingest.language import check_language
from thucydides.ingest.reuters import REUTERS_SUFFIXES, iter_reuters
from thucydides.ingest.streams import (
    READ_ERRORS,
    file_format,
    not_a_regular_file,
    open_stream,
    origin_name,
    read_limited,
    stream_rejection,
    too_large_decompressed,
    unreadable,
    walk_files,
)
from thucydides.ingest.warc import WARC_SUFFIXES, read_warc
from thucydides.records import Article, Rejection, RejectReason

__all__ = ["DEFAULT_MAX_BYTES", "STDIN", "read_inputs"]

logger = logging.getLogger(__name__)

#: Largest article accepted by default: 10 MiB of text (or one JSONL line, CSV row, page).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: The input name that means "read standard input".
STDIN = "-"

_STDIN_ORIGIN = "<stdin>"
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class _Options:
    """The checked reading options, passed down to every reader."""

    published: str | None
    max_bytes: int
    fields: FieldNames


def read_inputs(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    default_date: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    text_field: str = DEFAULT_TEXT_FIELD,
    id_field: str = DEFAULT_ID_FIELD,
    date_field: str = DEFAULT_DATE_FIELD,
    detect_language: bool = True,
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every document in ``inputs``, one at a time.

    ``inputs`` are file paths, directory paths, glob patterns or ``"-"`` for
    standard input. ``default_date`` (YYYY-MM-DD) is the publication date of
    articles whose input gives none. ``max_bytes`` caps the size of one article
    (one file, JSONL line, CSV row, WARC page or Reuters element; decompressed
    bytes for ``.gz`` files). ``text_field``, ``id_field`` and ``date_field`` name
    the JSONL keys and CSV columns that hold the text, id and date. With
    ``detect_language`` (the default), articles confidently in another language
    than English are rejected as ``NOT_ENGLISH``.

    Options are checked at once, before anything is read: a bad one raises
    :class:`~thucydides.errors.ConfigError`. Unreadable documents never raise;
    they are yielded as rejections.
    """
    if isinstance(inputs, str | bytes | os.PathLike):
        raise ConfigError(
            f"inputs must be a list of paths, got {type(inputs).__name__} {inputs!r}; "
            "pass a list, e.g. read_inputs([path])"
        )
    published: str | None = None
    if default_date is not None:
        checked = normalise_date(default_date)
        if isinstance(checked, Problem):
            raise ConfigError(f"the default date is unusable: {checked.detail}")
        published = checked
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(
            f"max_bytes must be a positive whole number of bytes, got {max_bytes!r}; "
            f"the default is {DEFAULT_MAX_BYTES} ({format_size(DEFAULT_MAX_BYTES)})"
        )
    if not isinstance(detect_language, bool):
        raise ConfigError(
            f"detect_language must be True or False, got {detect_language!r}; "
            "pass detect_language=False (--no-language-check) to keep articles in any language"
        )
    fields = FieldNames(text=text_field, id=id_field, date=date_field)
    options = _Options(published=published, max_bytes=max_bytes, fields=fields)
    records = _read_all(list(inputs), options=options)
    return _reject_other_languages(records) if detect_language else records


def _read_all(
    inputs: list[str | os.PathLike[str]], *, options: _Options
) -> Iterator[Article | Rejection]:
    """Yield the records of every input in order (the generator behind :func:`read_inputs`)."""
    for item in inputs:
        name = os.fspath(item)
        if isinstance(item, str) and item == STDIN:
            yield _read_stdin(options=options)
        elif not name:
            # Path("") means the current directory; an empty name is a mistake, not a request.
            yield Rejection(
                "", RejectReason.UNREADABLE, "an input path is empty; pass a file or folder name"
            )
        elif _GLOB_CHARACTERS.intersection(name) and not os.path.lexists(name):
            yield from _read_pattern(name, options=options)
        else:
            yield from _read_path(Path(item), options=options, walked=False)


def _reject_other_languages(
    records: Iterator[Article | Rejection],
) -> Iterator[Article | Rejection]:
    """Pass records through, turning articles confidently not in English into ``NOT_ENGLISH`` rejections."""
    for record in records:
        if isinstance(record, Article):
            problem = check_language(record.text)
            if problem is not None:
                yield reject(record.origin or record.article_id, problem, record.content_hash)
                continue
        yield record


def _read_pattern(pattern: str, *, options: _Options) -> Iterator[Article | Rejection]:
    """Yield the records of every path a glob pattern matches, in sorted order.

    A directory that matches is walked; a match inside a directory already walked
    is not read twice (``corpus/**`` matches both a folder and its files).
    """
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        cwd = origin_name(os.getcwd())
        where = "" if os.path.isabs(pattern) else f" (relative patterns start from {cwd})"
        shown = origin_name(pattern)
        yield Rejection(
            shown,
            RejectReason.UNREADABLE,
            f"no file matches the pattern {shown!r}{where}; check the pattern "
            "(** matches any depth; quote it so that the shell leaves it alone)",
        )
        return
    logger.debug("the pattern %s matches %d paths", pattern, len(matches))
    walked: set[Path] = set()
    for match in matches:
        path = Path(match)
        if walked.intersection(path.parents):
            continue
        if path.is_dir():
            walked.add(path)
        yield from _read_path(path, options=options, walked=True)


def _read_path(path: Path, *, options: _Options, walked: bool) -> Iterator[Article | Rejection]:
    """Yield the records of one path: a directory or a file of any supported format.

    ``walked`` is true for files found by walking a directory or matching a
    pattern; those must be regular files, so that a FIFO or device cannot block the run.
    """
    origin = origin_name(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        broken = " (a broken symbolic link)" if path.is_symlink() else ""
        where = (
            "" if path.is_absolute() else f" (relative paths start from {origin_name(os.getcwd())})"
        )
        yield Rejection(
            origin,
            RejectReason.UNREADABLE,
            f"no such file or directory: {origin}{broken}; check the path{where}",
        )
        return
    except OSError as exc:
        yield unreadable(origin, exc)
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _read_directory(path, options=options, seen=set())
    elif walked and not stat.S_ISREG(info.st_mode):
        yield not_a_regular_file(origin, info.st_mode)
    else:
        yield from _read_file(path, info, options=options)


def _read_file(
    path: Path, info: os.stat_result, *, options: _Options
) -> Iterator[Article | Rejection]:
    """Yield the records of one file, read by the reader its name calls for."""
    kind, compressed = file_format(path)
    published, max_bytes = options.published, options.max_bytes
    if kind in WARC_SUFFIXES:
        yield from read_warc(path, published=published, max_bytes=max_bytes)
    elif kind in JSONL_SUFFIXES:
        yield from read_jsonl(
            path,
            compressed=compressed,
            fields=options.fields,
            published=published,
            max_bytes=max_bytes,
        )
    elif kind in CSV_DELIMITERS:
        yield from read_csv(
            path,
            compressed=compressed,
            fields=options.fields,
            published=published,
            max_bytes=max_bytes,
            delimiter=CSV_DELIMITERS[kind],
        )
    elif kind in REUTERS_SUFFIXES:
        yield from iter_reuters(path, default_date=published, max_bytes=max_bytes)
    else:
        data = _read_document(path, info, compressed=compressed, max_bytes=max_bytes)
        origin = origin_name(path)
        if isinstance(data, Rejection):
            yield data
        elif kind in HTML_SUFFIXES:
            yield read_html(data, origin=origin, default_date=published, max_bytes=max_bytes)
        else:
            yield _from_bytes(data, origin=origin, published=published, max_bytes=max_bytes)


def _read_directory(
    directory: Path, *, options: _Options, seen: set[str]
) -> Iterator[Article | Rejection]:
    """Yield the records of every non-hidden file under ``directory``, sorted by name at each level.

    ``seen`` holds the real paths of directories already walked, so that a
    symbolic link back up the tree cannot loop forever.
    """
    for item in walk_files(directory, seen=seen):
        if isinstance(item, Rejection):
            yield item
        else:
            yield from _read_path(item, options=options, walked=True)


def _read_document(
    path: Path, info: os.stat_result, *, compressed: bool, max_bytes: int
) -> bytes | Rejection:
    """Return the bytes of a one-document file (decompressed), at most ``max_bytes + 1`` of them.

    An uncompressed regular file over the limit is rejected from its size, unread;
    a compressed one is rejected once decompression passes the limit.
    """
    origin = origin_name(path)
    if not compressed and stat.S_ISREG(info.st_mode):
        problem = check_size(info.st_size, max_bytes=max_bytes)
        if problem is not None:
            return reject(origin, problem)
    try:
        source = open_stream(path, compressed=compressed)
    except OSError as exc:
        return stream_rejection(origin, exc)
    with source:
        try:
            data = read_limited(source.stream, max_bytes=max_bytes)
        except READ_ERRORS as exc:
            return stream_rejection(origin, exc, stream=source)
    if compressed and len(data) > max_bytes:
        return too_large_decompressed(origin, max_bytes=max_bytes)
    return data


def _read_stdin(*, options: _Options) -> Article | Rejection:
    """Return the Article on standard input (read as bytes), or the Rejection saying why there is none."""
    stream: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return Rejection(
            _STDIN_ORIGIN,
            RejectReason.UNREADABLE,
            "standard input is not available as a byte stream in this process; "
            "pass a file path instead of '-'",
        )
    try:
        data = stream.read(options.max_bytes + 1)
    except OSError as exc:
        return unreadable(_STDIN_ORIGIN, exc)
    return _from_bytes(
        data, origin=_STDIN_ORIGIN, published=options.published, max_bytes=options.max_bytes
    )


def _from_bytes(
    data: bytes, *, origin: str, published: str | None, max_bytes: int
) -> Article | Rejection:
    """Check the bytes of one whole document (read up to ``max_bytes + 1``) and build its record."""
    if len(data) > max_bytes:
        # Streams (stdin, FIFOs) and files that grew after stat have no size up front.
        return Rejection(
            origin,
            RejectReason.TOO_LARGE,
            f"the input is over the {format_size(max_bytes)} limit per article; "
            "split the input or raise --max-bytes",
        )
    name = "INPUT" if origin == _STDIN_ORIGIN else origin
    checked = check_bytes(data, name=name)
    if isinstance(checked, Problem):
        return reject(origin, checked)
    return text_article(checked, origin=origin, published=published)
