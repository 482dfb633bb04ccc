"""Read articles from files, directories and standard input, one record at a time.

:func:`read_inputs` is the one entry point. It yields an
:class:`~thucydides.records.Article` for every document it can read and a
:class:`~thucydides.records.Rejection` for every one it cannot, in input order,
and never holds more than one document in memory.

Formats, chosen by file name:

- ``*.jsonl``: one JSON object per line, ``{"id": ..., "text": ..., "date": ...,
  "title": ..., "url": ..., "publisher": ...}`` (``id`` and ``text`` required).
  Each bad line is rejected on its own, with origin ``"path:LINENO"``.
- ``*.html``, ``*.htm``, ``*.xhtml``: a web page; trafilatura extracts the main
  text (no menus or page furniture), title, publisher and publication date.
- anything else: the whole file is one plain-text article in UTF-8.
- ``"-"``: standard input, read as bytes, one plain-text article.

Directories are walked recursively, entries sorted by name at each level, skipping
names that start with a dot. The byte and text checks live in
:mod:`thucydides.ingest.checks`.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from thucydides.errors import ConfigError
from thucydides.ingest.checks import (
    SNIFF_BYTES,
    Problem,
    check_bytes,
    check_size,
    check_text,
    content_hash,
    decode_utf8,
    format_size,
    normalise_date,
    sniff_binary,
)
from thucydides.ingest.html import HTML_SUFFIXES, read_html
from thucydides.records import Article, Rejection, RejectReason

__all__ = ["DEFAULT_MAX_BYTES", "STDIN", "read_inputs"]

logger = logging.getLogger(__name__)

#: Largest article accepted by default: 10 MiB of text (or one JSONL line).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: The input name that means "read standard input".
STDIN = "-"

_STDIN_ORIGIN = "<stdin>"
_JSONL_SUFFIXES = frozenset({".jsonl"})
_OPTIONAL_FIELDS = ("title", "url", "publisher")
_JSONL_SHAPE = (
    'each line must be one JSON object such as {"id": "a1", "text": "...", "date": "2024-03-05"}'
)
_DRAIN_CHUNK = 1024 * 1024


def read_inputs(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    default_date: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every document in ``inputs``, one at a time.

    ``inputs`` are file paths, directory paths or ``"-"`` for standard input.
    ``default_date`` (YYYY-MM-DD) is the publication date of articles whose input
    gives none. ``max_bytes`` caps the size of one article (one file, or one JSONL
    line). Options are checked at once, before anything is read: a bad one raises
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
    return _read_all(list(inputs), published=published, max_bytes=max_bytes)


def _read_all(
    inputs: list[str | os.PathLike[str]], *, published: str | None, max_bytes: int
) -> Iterator[Article | Rejection]:
    """Yield the records of every input in order (the generator behind :func:`read_inputs`)."""
    for item in inputs:
        if isinstance(item, str) and item == STDIN:
            yield _read_stdin(published=published, max_bytes=max_bytes)
        elif not os.fspath(item):
            # Path("") means the current directory; an empty name is a mistake, not a request.
            yield Rejection(
                "", RejectReason.UNREADABLE, "an input path is empty; pass a file or folder name"
            )
        else:
            yield from _read_path(
                Path(item), published=published, max_bytes=max_bytes, walked=False
            )


def _read_path(
    path: Path, *, published: str | None, max_bytes: int, walked: bool
) -> Iterator[Article | Rejection]:
    """Yield the records of one path: a directory, a JSONL file or a plain-text file.

    ``walked`` is true for files found by walking a directory; those must be
    regular files, so that a FIFO or device in a tree cannot block the run.
    """
    origin = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        broken = " (a broken symbolic link)" if path.is_symlink() else ""
        where = "" if path.is_absolute() else f" (relative paths start from {os.getcwd()})"
        yield Rejection(
            origin,
            RejectReason.UNREADABLE,
            f"no such file or directory: {origin}{broken}; check the path{where}",
        )
        return
    except OSError as exc:
        yield _unreadable(origin, exc)
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _read_directory(path, published=published, max_bytes=max_bytes, seen=set())
    elif walked and not stat.S_ISREG(info.st_mode):
        yield Rejection(
            origin,
            RejectReason.UNREADABLE,
            f"not a regular file ({_file_kind(info.st_mode)}): {origin}; "
            "name it on the command line if it really holds an article",
        )
    elif path.suffix.lower() in _JSONL_SUFFIXES:
        yield from _read_jsonl(path, published=published, max_bytes=max_bytes)
    elif path.suffix.lower() in HTML_SUFFIXES:
        yield _read_html_file(path, info, published=published, max_bytes=max_bytes)
    else:
        yield _read_text_file(path, info, published=published, max_bytes=max_bytes)


def _read_directory(
    directory: Path, *, published: str | None, max_bytes: int, seen: set[str]
) -> Iterator[Article | Rejection]:
    """Yield the records of every non-hidden file under ``directory``, sorted by name at each level.

    ``seen`` holds the real paths of directories already walked, so that a
    symbolic link back up the tree cannot loop forever.
    """
    real = os.path.realpath(directory)
    if real in seen:
        logger.warning(
            "skipping %s: it links back to %s, which is already being read", directory, real
        )
        return
    seen.add(real)
    try:
        with os.scandir(directory) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield _unreadable(str(directory), exc)
        return
    logger.debug("reading directory %s (%d entries)", directory, len(entries))
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _read_directory(path, published=published, max_bytes=max_bytes, seen=seen)
        else:
            yield from _read_path(path, published=published, max_bytes=max_bytes, walked=True)


def _read_html_file(
    path: Path, info: os.stat_result, *, published: str | None, max_bytes: int
) -> Article | Rejection:
    """Return the Article in an HTML page, or the Rejection saying why there is none."""
    origin = str(path)
    if stat.S_ISREG(info.st_mode):
        problem = check_size(info.st_size, max_bytes=max_bytes)
        if problem is not None:
            return _reject(origin, problem)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return _unreadable(origin, exc)
    return read_html(data, origin=origin, default_date=published, max_bytes=max_bytes)


def _read_text_file(
    path: Path, info: os.stat_result, *, published: str | None, max_bytes: int
) -> Article | Rejection:
    """Return the Article in a plain-text file, or the Rejection saying why there is none."""
    origin = str(path)
    if stat.S_ISREG(info.st_mode):
        problem = check_size(info.st_size, max_bytes=max_bytes)
        if problem is not None:
            return _reject(origin, problem)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return _unreadable(origin, exc)
    return _from_bytes(data, origin=origin, published=published, max_bytes=max_bytes)


def _read_stdin(*, published: str | None, max_bytes: int) -> Article | Rejection:
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
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        return _unreadable(_STDIN_ORIGIN, exc)
    return _from_bytes(data, origin=_STDIN_ORIGIN, published=published, max_bytes=max_bytes)


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
        return _reject(origin, checked)
    return _article(checked, origin=origin, published=published)


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of a JSONL file: its number, its bytes (``None`` when too long) and its size."""

    number: int
    data: bytes | None
    size: int


def _lines(handle: IO[bytes], *, max_bytes: int) -> Iterator[_Line]:
    """Yield the lines of ``handle`` without their line end, never reading more than ``max_bytes + 1`` at once."""
    number = 0
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if raw.endswith(b"\n"):
            yield _Line(number, raw[:-1], len(raw) - 1)
        elif len(raw) <= max_bytes:
            yield _Line(number, raw, len(raw))  # the last line, with no line end
        else:
            size = len(raw)
            while True:  # skip the rest of the overlong line, a chunk at a time
                chunk = handle.readline(_DRAIN_CHUNK)
                if not chunk:
                    break
                if chunk.endswith(b"\n"):
                    size += len(chunk) - 1
                    break
                size += len(chunk)
            yield _Line(number, None, size)


def _read_jsonl(
    path: Path, *, published: str | None, max_bytes: int
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every non-blank line of a JSONL file.

    A file whose first bytes are binary (a compressed or UTF-16 file named
    ``.jsonl``) is rejected once, as a whole, rather than line by line.
    """
    origin = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield _unreadable(origin, exc)
        return
    with handle:
        try:
            head = handle.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # look without consuming
        except OSError as exc:
            yield _unreadable(origin, exc)
            return
        problem = sniff_binary(head, name=origin)
        if problem is not None:
            yield _reject(origin, problem)
            return
        lines = _lines(handle, max_bytes=max_bytes)
        n_records = 0
        while True:
            try:
                line = next(lines)
            except StopIteration:
                break
            except OSError as exc:
                yield _unreadable(origin, exc)
                return
            if line.data is not None and not line.data.strip():
                continue  # blank lines separate nothing and are not records
            n_records += 1
            line_origin = f"{origin}:{line.number}"
            if line.data is None:
                problem = check_size(
                    line.size,
                    max_bytes=max_bytes,
                    what="line size",
                    fix="split or shorten this article, or raise --max-bytes",
                )
                if problem is not None:
                    yield _reject(line_origin, problem)
                continue
            yield _parse_jsonl_line(line.data, origin=line_origin, name=origin, published=published)
    if n_records == 0:
        yield Rejection(
            origin,
            RejectReason.EMPTY,
            "the JSONL file has no records (it is empty or has only blank lines); "
            "there is nothing to code",
        )


def _parse_jsonl_line(
    data: bytes, *, origin: str, name: str, published: str | None
) -> Article | Rejection:
    """Return the Article in one JSONL line, or the Rejection saying what is wrong with the line.

    ``origin`` is ``"path:LINENO"``; ``name`` is the file's path, for fixes in messages.
    """
    decoded = decode_utf8(data, name=name)
    if isinstance(decoded, Problem):
        return _reject(origin, decoded)
    try:
        record: Any = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return _malformed(origin, f"invalid JSON at column {exc.colno}: {exc.msg}; {_JSONL_SHAPE}")
    except (ValueError, RecursionError) as exc:
        return _malformed(origin, f"invalid JSON: {exc}; {_JSONL_SHAPE}")
    if not isinstance(record, dict):
        return _malformed(
            origin, f"the line is a JSON {_json_kind(record)}, not an object; {_JSONL_SHAPE}"
        )
    if "text" not in record:
        return _malformed(origin, f'missing required field "text"; {_JSONL_SHAPE}')
    text = record["text"]
    if not isinstance(text, str):
        return _malformed(
            origin,
            f'field "text" must be a string, got {_json_kind(text)} {_clip(text)}; {_JSONL_SHAPE}',
        )
    checked = check_text(text)
    if isinstance(checked, Problem):
        return _reject(origin, checked)
    digest = content_hash(checked)
    article_id = _jsonl_id(record)
    if isinstance(article_id, Problem):
        return _reject(origin, article_id, digest)
    fields: dict[str, str | None] = {}
    for name in _OPTIONAL_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return _malformed(
                origin,
                f'field "{name}" must be a string or null, got {_json_kind(value)} {_clip(value)}',
                digest,
            )
        fields[name] = (value.strip() or None) if isinstance(value, str) else None
    date = record.get("date")
    if date is not None and date != "":
        normalised = normalise_date(date)
        if isinstance(normalised, Problem):
            return _reject(origin, normalised, digest)
        date = normalised
    else:
        date = published
    return Article(
        article_id=article_id,
        text=checked,
        content_hash=digest,
        title=fields["title"],
        url=fields["url"],
        publisher=fields["publisher"],
        published=date,
        origin=origin,
    )


def _jsonl_id(record: dict[str, Any]) -> str | Problem:
    """Return a JSONL record's ``id`` as a string, or a ``MALFORMED`` problem."""
    if "id" not in record:
        return Problem(RejectReason.MALFORMED, f'missing required field "id"; {_JSONL_SHAPE}')
    value = record["id"]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return Problem(
        RejectReason.MALFORMED,
        f'field "id" must be a non-empty string or an integer, got {_json_kind(value)} {_clip(value)}',
    )


def _article(text: str, *, origin: str, published: str | None) -> Article:
    """Build the Article for checked plain text; its id is the start of its content hash."""
    digest = content_hash(text)
    return Article(
        article_id=digest[:16],
        text=text,
        content_hash=digest,
        published=published,
        origin=origin,
    )


def _reject(origin: str, problem: Problem, digest: str | None = None) -> Rejection:
    """Turn a check's problem into a Rejection of ``origin``."""
    logger.debug("rejected %s (%s): %s", origin, problem.reason, problem.detail)
    return Rejection(origin, problem.reason, problem.detail, digest)


def _malformed(origin: str, detail: str, digest: str | None = None) -> Rejection:
    """Return a ``MALFORMED`` Rejection of ``origin``."""
    return _reject(origin, Problem(RejectReason.MALFORMED, detail), digest)


def _unreadable(origin: str, exc: OSError) -> Rejection:
    """Return the ``UNREADABLE`` Rejection for an operating-system error on ``origin``."""
    if isinstance(exc, PermissionError):
        detail = (
            f"permission denied: {origin}; give this user read access (e.g. chmod a+r) or skip it"
        )
    else:
        reason = exc.strerror or type(exc).__name__
        detail = (
            f"cannot read {origin}: {reason}; check that the path is a readable file or directory"
        )
    logger.debug("rejected %s (unreadable): %s", origin, detail)
    return Rejection(origin, RejectReason.UNREADABLE, detail)


def _file_kind(mode: int) -> str:
    """Name the kind of a non-regular file for messages."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _json_kind(value: object) -> str:
    """Name a decoded JSON value's type as JSON calls it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _clip(value: object, limit: int = 40) -> str:
    """Return the JSON text of ``value``, cut to ``limit`` characters for a message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
