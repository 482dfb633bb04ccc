"""Read web archives (``.warc``, ``.warc.gz``; Common Crawl's CC-NEWS) through warcio, one page at a time.

Every ``response`` and ``resource`` record is a document; ``warcinfo``,
``request``, ``metadata``, ``revisit`` and ``conversion`` records describe the
crawl, not pages, and are skipped. For each document, in order:

1. a response that is not HTTP 2xx (a redirect, an error page) -> ``EMPTY``
2. a content type other than HTML or plain text (an image, a PDF, a script)
                                          -> ``BINARY`` (``MALFORMED`` for other text types)
3. a payload over ``max_bytes`` once HTTP content and transfer encodings are
   undone                                 -> ``TOO_LARGE`` (reading stops at the limit);
   a record that declares far more content than the rest of the file could
   decompress to (a gzip bomb)            -> ``TOO_LARGE``, and the archive is not
                                             read past it
4. HTML is passed to :func:`thucydides.ingest.html.read_html` with the record's
   ``WARC-Target-URI`` as the URL; plain text goes through the byte checks.
   A page with no publication date of its own gets the ``WARC-Date`` day (the
   crawl date), else the reader's default date.

Records keep the origin ``"path#OFFSET"``, the byte offset of the record in the
file (for ``.warc.gz``, in the compressed file), which ``warcio extract`` takes.
A damaged archive yields the records before the damage and one ``MALFORMED``
rejection where reading stopped.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]
from warcio.statusandheaders import (  # type: ignore[import-untyped]
    StatusAndHeadersParserException,
)

from thucydides.ingest.checks import Problem, check_bytes, check_text, format_size, normalise_date
from thucydides.ingest.fields import malformed, reject, text_article
from thucydides.ingest.html import read_html
from thucydides.ingest.streams import (
    BOMB_FLOOR,
    BOMB_RATIO,
    origin_name,
    read_limited,
    stream_rejection,
)
from thucydides.records import Article, Rejection, RejectReason

__all__ = ["WARC_SUFFIXES", "read_warc"]

logger = logging.getLogger(__name__)

#: File name endings read as WARC archives (also when followed by ``.gz``).
WARC_SUFFIXES = frozenset({".warc"})

_DOCUMENT_RECORDS = frozenset({"response", "resource"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
_NON_HTTP_SCHEMES = ("dns:", "whois:", "ntp:")
_DAMAGED_FIX = (
    "the archive is damaged or cut short; check it with `warcio check`, "
    "or fetch it again (a .warc.gz must be compressed record by record: `warcio recompress`)"
)
# warcio trusts the headers it parses: a response record without a WARC-Target-URI, for
# one, fails inside it with AttributeError. On a damaged archive these are the archive's
# fault, not ours, and become a MALFORMED rejection like warcio's own errors.
_ARCHIVE_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    EOFError,
    zlib.error,
    ValueError,
    OSError,
    AttributeError,
    TypeError,
    IndexError,
    KeyError,
)


def read_warc(
    path: Path, *, published: str | None, max_bytes: int
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every response or resource record of a WARC file.

    ``published`` is the date of pages that give none when the record has no
    ``WARC-Date`` either. warcio detects and undoes per-record gzip itself.
    """
    origin = origin_name(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield stream_rejection(origin, exc)
        return
    n_documents = 0
    with handle:
        try:
            file_size = os.fstat(handle.fileno()).st_size
        except OSError:
            file_size = 0
        records = ArchiveIterator(handle)
        while True:
            offset = _offset(records)
            try:
                record = next(records)
            except StopIteration:
                break
            except _ARCHIVE_ERRORS as exc:
                yield _damaged(origin, offset, exc)
                return
            if record.format != "warc":
                yield malformed(
                    origin,
                    f"this is not a WARC file: the record at byte offset {offset} is "
                    f"{record.format.upper()}, not WARC; pass WARC (ISO 28500) archives, "
                    "e.g. CC-NEWS .warc.gz files",
                )
                return
            bomb = _bomb(record, origin=origin, offset=offset, file_size=file_size)
            if bomb is not None:
                yield bomb
                return
            if record.rec_type not in _DOCUMENT_RECORDS:
                logger.debug("skipping the %s record at %s#%s", record.rec_type, origin, offset)
                continue
            uri: str | None = record.rec_headers.get_header("WARC-Target-URI")
            if uri is not None and uri.startswith(_NON_HTTP_SCHEMES):
                logger.debug("skipping the %s record for %s", record.rec_type, uri)
                continue
            n_documents += 1
            record_origin = f"{origin}#{records.offset}"
            try:
                payload = _payload(record, origin=record_origin, url=uri, max_bytes=max_bytes)
                records.read_to_end()  # what is left of the record, so that its end is checked
            except _ARCHIVE_ERRORS as exc:
                yield _damaged(origin, offset, exc)
                return
            missing = getattr(record.raw_stream, "limit", 0)
            if isinstance(missing, int) and missing > 0:
                yield malformed(
                    record_origin,
                    f"the WARC record is cut short: the file ends {missing} bytes before the end "
                    f"its Content-Length declares; {_DAMAGED_FIX}",
                )
                return
            if isinstance(payload, Rejection):
                yield payload
                continue
            date = _crawl_date(record.rec_headers.get_header("WARC-Date")) or published
            if payload.mime in _TEXT_TYPES:
                yield _plain_text(payload, origin=record_origin, url=uri, published=date)
            else:
                yield read_html(
                    payload.data,
                    origin=record_origin,
                    url=uri,
                    default_date=date,
                    max_bytes=max_bytes,
                )
    if n_documents == 0:
        yield Rejection(
            origin,
            RejectReason.EMPTY,
            "the WARC file has no response or resource records (no pages); there is nothing to code",
        )


@dataclass(frozen=True, slots=True)
class _Payload:
    """The body of a page record, with its media type and charset when the headers give them."""

    data: bytes
    mime: str | None
    charset: str | None


def _payload(record: Any, *, origin: str, url: str | None, max_bytes: int) -> _Payload | Rejection:
    """Return the body of a response or resource record, or the Rejection saying why it is no page."""
    where = f" for {url}" if url else ""
    if record.rec_type == "response" and record.http_headers is not None:
        status: str | None = record.http_headers.get_statuscode()
        if not (status or "").startswith("2"):
            return reject(
                origin,
                Problem(
                    RejectReason.EMPTY,
                    f"the WARC response{where} is HTTP {status or '(no status)'}, not a page "
                    "(a redirect or an error); there is nothing to code",
                ),
            )
        content_type: str | None = record.http_headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    mime, charset = _media_type(content_type)
    if mime and mime not in _HTML_TYPES and mime not in _TEXT_TYPES:
        textual = mime.startswith("text/") or mime.endswith(("xml", "json"))
        return reject(
            origin,
            Problem(
                RejectReason.MALFORMED if textual else RejectReason.BINARY,
                f"the WARC {record.rec_type}{where} is {mime}, not an HTML page or plain text: "
                "it holds no article text to code",
            ),
        )
    data = read_limited(record.content_stream(), max_bytes=max_bytes)
    if len(data) > max_bytes:
        return reject(
            origin,
            Problem(
                RejectReason.TOO_LARGE,
                f"the page{where} is over the {format_size(max_bytes)} limit per article "
                "(reading stopped there); raise --max-bytes if it is really one article",
            ),
        )
    return _Payload(data, mime, charset)


def _plain_text(
    payload: _Payload, *, origin: str, url: str | None, published: str | None
) -> Article | Rejection:
    """Return the Article in a text/plain payload, decoded with its declared charset (else UTF-8)."""
    charset = payload.charset
    if charset is None or charset.replace("-", "").replace("_", "") == "utf8":
        checked = check_bytes(payload.data, name=origin)
    else:
        try:
            checked = check_text(payload.data.decode(charset))
        except (LookupError, UnicodeDecodeError) as exc:
            checked = Problem(
                RejectReason.ENCODING,
                f"the text does not decode as its declared charset {charset!r} ({exc}); "
                "the record's Content-Type header is wrong",
            )
    if isinstance(checked, Problem):
        return reject(origin, checked)
    return text_article(checked, origin=origin, published=published, url=url)


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    """Split a Content-Type header into its lower-case media type and charset (either may be None)."""
    if not content_type:
        return None, None
    mime, *params = content_type.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return mime.strip().lower() or None, charset


def _crawl_date(value: str | None) -> str | None:
    """Return the day of a ``WARC-Date`` (``2024-03-05T10:00:00Z``), or ``None`` when unusable."""
    if not value:
        return None
    checked = normalise_date(value[:10])
    return None if isinstance(checked, Problem) else checked


def _bomb(record: Any, *, origin: str, offset: int, file_size: int) -> Rejection | None:
    """Return the ``TOO_LARGE`` Rejection of a record that declares far more than the file can hold.

    Skipping a record decompresses all of it; one that declares gigabytes in the
    last kilobytes of a ``.warc.gz`` is a gzip bomb (or a broken Content-Length),
    and the archive is not read past it.
    """
    length = record.length
    if not isinstance(length, int) or length <= BOMB_FLOOR or file_size <= 0:
        return None
    rest = max(1, file_size - offset)
    if length <= BOMB_RATIO * rest:
        return None
    return reject(
        f"{origin}#{offset}",
        Problem(
            RejectReason.TOO_LARGE,
            f"the WARC record at byte offset {offset} declares {format_size(length)} of content "
            f"with only {format_size(rest)} of the file left, over {BOMB_RATIO} times more than "
            "text ever compresses to: reading stopped there (a gzip bomb, or a wrong "
            f"Content-Length); {_DAMAGED_FIX}",
        ),
    )


def _offset(records: Any) -> int:
    """Return where the next record starts in the file, as warcio counts it."""
    offset: int = records.offset
    return offset


def _damaged(origin: str, offset: int, exc: BaseException) -> Rejection:
    """Return the ``MALFORMED`` Rejection for an archive that cannot be read past ``offset``."""
    if isinstance(exc, OSError):
        return stream_rejection(origin, exc)
    message = ascii(" ".join(str(exc).split()))[1:-1]  # warcio quotes raw bytes it choked on
    if len(message) > 120:
        message = message[:119] + "…"
    return malformed(
        f"{origin}#{offset}",
        f"cannot read the WARC record at byte offset {offset} "
        f"({type(exc).__name__}: {message}); {_DAMAGED_FIX}",
    )
