"""Open input files, plain or gzip-compressed, as byte streams read within a size limit.

Every reader opens its file through :func:`open_stream`, so that ``name.jsonl.gz``
is read exactly like ``name.jsonl``, decompressed as it is read and never whole.
No read here asks for more than ``max_bytes + 1`` bytes at once: a gzip bomb (a
small file that decompresses to gigabytes) costs at most one article's worth of
memory before it is rejected as ``TOO_LARGE``.

A gzip stream is also watched as a whole: once it has given more than
:data:`BOMB_FLOOR` bytes at over :data:`BOMB_RATIO` times the compressed bytes
read, reading stops with :class:`DecompressionBomb`. Text compresses about 3 to
10 times; only a bomb (or a file of one repeated byte) gets near gzip's maximum
of about 1000, and skipping an endless line of one would otherwise decompress
gigabytes before it ends.

Failures become rejections here too: :func:`stream_rejection` turns an error
raised while reading into ``MALFORMED`` (a corrupt or truncated gzip stream, with
the compressed byte offset and zlib's message), ``TOO_LARGE`` (a gzip bomb) or
``UNREADABLE`` (the operating system refused the read).
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

from thucydides.ingest.checks import format_size
from thucydides.records import Rejection, RejectReason

__all__ = [
    "BOMB_FLOOR",
    "BOMB_RATIO",
    "GZIP_SUFFIX",
    "READ_ERRORS",
    "ByteStream",
    "DecompressionBomb",
    "Line",
    "Stream",
    "file_format",
    "lines",
    "open_stream",
    "origin_name",
    "read_limited",
    "stream_rejection",
    "too_large_decompressed",
    "unreadable",
]

logger = logging.getLogger(__name__)

#: The file name ending of gzip-compressed inputs (``name.jsonl.gz`` is JSONL, compressed).
GZIP_SUFFIX = ".gz"

#: What reading a (possibly compressed) stream can raise: the operating system's errors,
#: gzip's (``BadGzipFile`` and :class:`DecompressionBomb` are ``OSError``), zlib's, and
#: ``EOFError`` for a truncated stream.
READ_ERRORS = (OSError, EOFError, zlib.error)

#: Decompressed bytes a gzip stream may give before its ratio is judged.
BOMB_FLOOR = 64 * 1024 * 1024

#: Decompressed bytes per compressed byte past which a gzip stream is a bomb.
BOMB_RATIO = 200

_DRAIN_CHUNK = 1024 * 1024
_GZIP_FIX = (
    "the file is damaged or was cut short (an interrupted download or copy); "
    "check it with `gzip -t`, and fetch or compress it again"
)


class DecompressionBomb(OSError):
    """Raised by a gzip stream that decompresses to far more than text ever compresses from."""

    def __init__(self, decompressed: int, compressed: int) -> None:
        super().__init__(
            f"the gzip data decompressed to {format_size(decompressed)} from "
            f"{format_size(compressed)}, over {BOMB_RATIO} times its size"
        )
        self.decompressed = decompressed
        self.compressed = compressed


class ByteStream(Protocol):
    """What readers need from an open file: bounded reads and a look ahead."""

    def read(self, size: int = -1, /) -> bytes:
        """Read up to ``size`` bytes."""
        ...

    def readline(self, size: int = -1, /) -> bytes:
        """Read one line of at most ``size`` bytes."""
        ...

    def peek(self, size: int, /) -> bytes:
        """Return bytes ahead without consuming them."""
        ...


def file_format(path: Path) -> tuple[str, bool]:
    """Return the lower-case format suffix of ``path`` and whether it is gzip-compressed.

    ``feed.jsonl.gz`` gives ``(".jsonl", True)``; ``notes.gz`` gives ``("", True)``
    (read as plain text); ``story.TXT`` gives ``(".txt", False)``.
    """
    suffix = path.suffix.lower()
    if suffix != GZIP_SUFFIX:
        return suffix, False
    return Path(path.stem).suffix.lower(), True


class Stream:
    """A file opened for reading as bytes, decompressed on the fly when it is gzip.

    Use it as a context manager; ``stream`` is what to read from, and
    :meth:`compressed_offset` says how far into the file on disk reading has got.
    """

    def __init__(self, raw: io.BufferedReader, *, compressed: bool) -> None:
        self._raw = raw
        self.compressed = compressed
        self.stream: ByteStream = _GuardedGzip(raw) if compressed else raw

    def compressed_offset(self) -> int:
        """Return the byte offset reached in the file on disk (for messages about corrupt data)."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return -1

    def __enter__(self) -> Stream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(self.stream, _GuardedGzip):
            self.stream.close()
        self._raw.close()


class _GuardedGzip:
    """A gzip stream that raises :class:`DecompressionBomb` when it expands like a bomb."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self._given = 0

    def read(self, size: int = -1, /) -> bytes:
        return self._count(self._gzip.read(size))

    def readline(self, size: int = -1, /) -> bytes:
        return self._count(self._gzip.readline(size))

    def peek(self, size: int, /) -> bytes:
        return self._gzip.peek(size)

    def close(self) -> None:
        self._gzip.close()

    def _count(self, data: bytes) -> bytes:
        self._given += len(data)
        if self._given <= BOMB_FLOOR:
            return data
        try:  # tell() includes the read-ahead, so the ratio is if anything underestimated
            compressed = max(1, self._raw.tell())
        except (OSError, ValueError):  # a pipe named .gz: no offset to judge by
            return data
        if self._given > BOMB_RATIO * compressed:
            raise DecompressionBomb(self._given, compressed)
        return data


def open_stream(path: Path, *, compressed: bool) -> Stream:
    """Open ``path`` for reading as bytes, decompressing gzip when ``compressed`` is true.

    Raises ``OSError`` when the file cannot be opened (turn it into a rejection
    with :func:`unreadable`).
    """
    return Stream(path.open("rb"), compressed=compressed)


def read_limited(stream: ByteStream, *, max_bytes: int) -> bytes:
    """Read up to ``max_bytes + 1`` bytes: one more than allowed shows that there is more."""
    wanted = max_bytes + 1
    data = stream.read(wanted)
    if len(data) >= wanted or not data:
        return data
    # Decompressing and chunked streams may return short reads before the end.
    parts = [data]
    got = len(data)
    while got < wanted:
        more = stream.read(wanted - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def too_large_decompressed(origin: str, *, max_bytes: int, what: str = "document") -> Rejection:
    """Return the ``TOO_LARGE`` Rejection for compressed data that decompresses past the limit."""
    detail = (
        f"the decompressed {what} is over the {format_size(max_bytes)} limit per article "
        f"(reading stopped there: a gzip bomb or a very large {what}); "
        "split the input or raise --max-bytes"
    )
    logger.debug("rejected %s (too_large): %s", origin, detail)
    return Rejection(origin, RejectReason.TOO_LARGE, detail)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a file: its number, its bytes without the line end (``None`` when too long), its size."""

    number: int
    data: bytes | None
    size: int


def lines(stream: ByteStream, *, max_bytes: int) -> Iterator[Line]:
    """Yield the lines of ``stream`` without their line end, never reading more than ``max_bytes + 1`` at once.

    A line over ``max_bytes`` is yielded with ``data=None`` and its full size,
    after the rest of it has been skipped a chunk at a time.
    """
    number = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if raw.endswith(b"\n"):
            yield Line(number, raw[:-1], len(raw) - 1)
        elif len(raw) <= max_bytes:
            yield Line(number, raw, len(raw))  # the last line, with no line end
        else:
            size = len(raw)
            while True:  # skip the rest of the overlong line, a chunk at a time
                chunk = stream.readline(_DRAIN_CHUNK)
                if not chunk:
                    break
                if chunk.endswith(b"\n"):
                    size += len(chunk) - 1
                    break
                size += len(chunk)
            yield Line(number, None, size)


def stream_rejection(
    origin: str, exc: OSError | EOFError | zlib.error, *, stream: Stream | None = None
) -> Rejection:
    """Return the Rejection for an error raised while opening or reading ``origin``.

    Corrupt gzip data is ``MALFORMED`` (with the compressed byte offset reached,
    when ``stream`` is given); other operating-system errors are ``UNREADABLE``.
    """
    if isinstance(exc, DecompressionBomb):
        detail = (
            f"reading stopped: {exc}, which text never does (news compresses 3 to 10 times): "
            "a gzip bomb, or not text; if the file is genuine, decompress it (gunzip) "
            "and pass the plain file"
        )
        logger.debug("rejected %s (too_large): %s", origin, detail)
        return Rejection(origin, RejectReason.TOO_LARGE, detail)
    if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile):
        return unreadable(origin, exc)
    where = ""
    if stream is not None and stream.compressed and stream.compressed_offset() >= 0:
        where = f" near compressed byte offset {stream.compressed_offset()}"
    kind = "truncated" if isinstance(exc, EOFError) else "corrupt"
    detail = f"{kind} gzip data{where}: {exc}; {_GZIP_FIX}"
    logger.debug("rejected %s (malformed): %s", origin, detail)
    return Rejection(origin, RejectReason.MALFORMED, detail)


def origin_name(path: str | os.PathLike[str]) -> str:
    """Return a path as the origin of its records: text that can be printed and stored.

    File names are bytes on POSIX; those that are not UTF-8 reach Python with
    surrogate escapes, which no terminal, JSON line or DuckDB string takes. Their
    bad bytes are shown as ``\\xNN``, so the name still says which file it was.
    """
    name = os.fspath(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no file system decoding produces
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")
    return name


def unreadable(origin: str, exc: OSError) -> Rejection:
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


def walk_files(directory: Path, *, seen: set[str]) -> Iterator[Path | Rejection]:
    """Yield the files under ``directory`` in reading order, recursively.

    Entries are sorted by name at each level and dot names skipped. ``seen`` holds the
    real paths of directories already walked, so that a symbolic link back up the tree
    cannot loop forever. An unreadable directory yields its Rejection.
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
        yield unreadable(origin_name(directory), exc)
        return
    logger.debug("reading directory %s (%d entries)", directory, len(entries))
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from walk_files(path, seen=seen)
        else:
            yield path


def not_a_regular_file(origin: str, mode: int) -> Rejection:
    """Return the rejection of a pipe, socket or device found while walking a directory."""
    if stat.S_ISFIFO(mode):
        kind = "a named pipe"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "a special file"
    return Rejection(
        origin,
        RejectReason.UNREADABLE,
        f"not a regular file ({kind}): {origin}; "
        "name it on the command line if it really holds an article",
    )
