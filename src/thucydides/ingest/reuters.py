"""Read the Reuters-21578 corpus (``reut2-NNN.sgm``): one article per ``<REUTERS>`` element.

The corpus (Lewis, 1997; 21,578 Reuters wire stories from 1987, in 22 SGML files
of 1,000) is the project's throughput and scale benchmark. Each element becomes:

- id ``reuters-{NEWID}``, publisher ``Reuters``, origin ``"path:LINENO"`` (the
  line of the ``<REUTERS>`` tag);
- title: the ``<TITLE>``, on one line;
- date: the day of ``<DATE>`` ("26-FEB-1987 15:01:01.79" -> ``1987-02-26``);
- text: the title, a blank line, then the ``<DATELINE>`` ("SALVADOR, Feb 26 -",
  left for the coder's dateline parser) followed by the ``<BODY>``, with the
  wire's closing " Reuter" line and end-of-text mark removed and SGML character
  references (``&lt;``, ``&amp;``, ``&#3;`` …) decoded; control characters the
  references stand for are dropped.

An element without a body (a headline-only brief, or unprocessed text with no
TITLE/BODY markup, mostly tables) is rejected as ``EMPTY``, not dropped. The
files are Windows-1252 (Latin-1), not UTF-8; this reader alone decodes them so.
Files are read element by element (``.sgm.gz`` too), never whole.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from thucydides.errors import ConfigError
from thucydides.ingest.checks import Problem, check_text, format_size, normalise_date
from thucydides.ingest.fields import malformed, reject, text_article
from thucydides.ingest.streams import (
    READ_ERRORS,
    ByteStream,
    file_format,
    open_stream,
    origin_name,
    stream_rejection,
)
from thucydides.records import Article, Rejection, RejectReason

__all__ = ["REUTERS_SUFFIXES", "iter_reuters"]

logger = logging.getLogger(__name__)

#: File name endings read as Reuters-21578 SGML (also when followed by ``.gz``).
REUTERS_SUFFIXES = frozenset({".sgm", ".sgml"})

_DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_PUBLISHER = "Reuters"
_CHUNK = 1024 * 1024
_START = b"<REUTERS"
_END = b"</REUTERS>"
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_TEXT_TYPE = re.compile(r'<TEXT\b[^>]*\bTYPE="([A-Z]+)"')
_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.DOTALL)
_DATELINE = re.compile(r"<DATELINE>(.*?)</DATELINE>", re.DOTALL)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
# The sign-off on a line of its own: "Reuter", "REUTER", "Reuters", "reuter...", "REUTER...^M".
_SIGNOFF = re.compile(r"\n[ \t]*reuters?(?:\.\.\.)?(?:\^M)?[ \t]*\s*\Z", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_NO_BODY = {
    "BRIEF": "a headline-only brief",
    "UNPROC": "unprocessed text without TITLE or BODY markup, mostly a table",
}


def iter_reuters(
    path: str | os.PathLike[str],
    *,
    default_date: str | None = None,
    max_bytes: int = _DEFAULT_MAX_BYTES,
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every ``<REUTERS>`` element of a Reuters-21578 file, in order.

    ``default_date`` (YYYY-MM-DD) dates an element whose
    ``<DATE>`` is unreadable; ``max_bytes`` caps one element. No language check
    is made here (:func:`thucydides.ingest.read_inputs` makes it).
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(
            f"max_bytes must be a positive whole number of bytes, got {max_bytes!r}; "
            f"the default is {_DEFAULT_MAX_BYTES} ({format_size(_DEFAULT_MAX_BYTES)})"
        )
    if default_date is not None:
        checked = normalise_date(default_date)
        if isinstance(checked, Problem):
            raise ConfigError(f"the default date is unusable: {checked.detail}")
        default_date = checked
    path = Path(path)
    origin = origin_name(path)
    _, compressed = file_format(path)
    try:
        source = open_stream(path, compressed=compressed)
    except OSError as exc:
        yield stream_rejection(origin, exc)
        return
    n_elements = 0
    with source:
        elements = _elements(source.stream, max_bytes=max_bytes)
        while True:
            try:
                element = next(elements)
            except StopIteration:
                break
            except READ_ERRORS as exc:
                yield stream_rejection(origin, exc, stream=source)
                return
            n_elements += 1
            element_origin = f"{origin}:{element.line}"
            if not element.closed:
                yield malformed(
                    element_origin,
                    "the <REUTERS> element is not closed: the file ends first; "
                    "the file is cut short, fetch it again",
                )
            elif element.data is None:
                yield _too_large(element_origin, size=element.size, max_bytes=max_bytes)
            else:
                yield _element(element.data, origin=element_origin, default_date=default_date)
    if n_elements == 0:
        yield malformed(
            origin,
            "no <REUTERS> elements found: .sgm files are read as the Reuters-21578 corpus; "
            "convert other SGML to text or JSONL first",
        )


@dataclass(frozen=True, slots=True)
class _Element:
    """One ``<REUTERS>`` element: the line of its tag, its bytes (``None`` when over the limit)."""

    line: int
    data: bytes | None
    size: int
    closed: bool = True


def _elements(stream: ByteStream, *, max_bytes: int) -> Iterator[_Element]:
    """Yield the ``<REUTERS>`` elements of a stream, read a chunk at a time.

    Memory stays under ``max_bytes`` plus one chunk: an element that grows past
    the limit is skipped up to its end tag without being kept.
    """
    buffer = b""
    pos = 0
    line = 1  # the line number at buffer[pos]
    while True:
        chunk = stream.read(_CHUNK)
        buffer = buffer[pos:] + chunk
        pos = 0
        while True:
            start = buffer.find(_START, pos)
            end = buffer.find(_END, start) if start >= 0 else -1
            if end < 0:
                break
            stop = end + len(_END)
            line += buffer.count(b"\n", pos, start)
            size = stop - start
            yield _Element(line, buffer[start:stop] if size <= max_bytes else None, size)
            line += buffer.count(b"\n", start, stop)
            pos = stop
        if start >= 0:
            line += buffer.count(b"\n", pos, start)
            pos = start
        if not chunk:
            if start >= 0:
                yield _Element(line, None, len(buffer) - start, closed=False)
            return
        if start < 0:  # keep only a tail that may hold the start of a split tag
            cut = max(pos, len(buffer) - len(_START))
            line += buffer.count(b"\n", pos, cut)
            pos = cut
        elif len(buffer) - start > max_bytes + len(_END):
            skipped = _skip_element(stream, buffer[start:])
            if skipped is None:
                yield _Element(line, None, len(buffer) - start, closed=False)
                return
            size, n_lines, buffer = skipped
            yield _Element(line, None, size)
            line += n_lines
            pos = 0


def _skip_element(stream: ByteStream, rest: bytes) -> tuple[int, int, bytes] | None:
    """Read past the end tag of an element too large to keep, a chunk at a time.

    Return the element's size, its number of line ends and the bytes after it,
    or ``None`` when the stream ends first.
    """
    size = 0
    n_lines = 0
    while True:
        end = rest.find(_END)
        if end >= 0:
            stop = end + len(_END)
            return size + stop, n_lines + rest.count(b"\n", 0, stop), rest[stop:]
        cut = max(0, len(rest) - len(_END))
        size += cut
        n_lines += rest.count(b"\n", 0, cut)
        more = stream.read(_CHUNK)
        if not more:
            return None
        rest = rest[cut:] + more


def _element(data: bytes, *, origin: str, default_date: str | None) -> Article | Rejection:
    """Return the Article in one ``<REUTERS>`` element's bytes, or the Rejection saying why there is none."""
    try:
        sgml = data.decode("cp1252")
    except UnicodeDecodeError:
        sgml = data.decode("latin-1")  # the five bytes cp1252 leaves undefined
    newid = _NEWID.search(sgml[: sgml.find(">") + 1])
    if newid is None:
        return malformed(
            origin,
            'the <REUTERS> tag has no NEWID="n" attribute; this is not Reuters-21578 markup',
        )
    number = int(newid.group(1))
    title = " ".join(_decode(_group(_TITLE, sgml)).split())
    body = _decode(_group(_BODY, sgml)).strip()
    body = _unwrap(_SIGNOFF.sub("", "\n" + body).strip())
    if not body:
        kind = _TEXT_TYPE.search(sgml)
        what = _NO_BODY.get(kind.group(1) if kind else "", "its TEXT has no BODY")
        shown = f": {title!r}" if title else ""
        return reject(
            origin,
            Problem(
                RejectReason.EMPTY,
                f"Reuters NEWID {number} has no body ({what}{shown}); there is nothing to code",
            ),
        )
    dateline = " ".join(_decode(_group(_DATELINE, sgml)).split())
    lead = f"{dateline} " if dateline else ""
    text = f"{title}\n\n{lead}{body}" if title else f"{lead}{body}"
    checked = check_text(text)
    if isinstance(checked, Problem):
        return reject(origin, checked)
    return text_article(
        checked,
        origin=origin,
        published=_date(sgml) or default_date,
        article_id=f"reuters-{number}",
        title=title or None,
        publisher=_PUBLISHER,
    )


def _unwrap(body: str) -> str:
    """Return a body with its hard-wrapped lines joined into paragraphs.

    Reuters-21578 wraps lines at about 70 characters and starts each paragraph with an
    indented line; left wrapped, names break across lines ("Mikhail\nGorbachev") and the
    parser reads each line end as a sentence end.
    """
    paragraphs: list[list[str]] = []
    for line in body.splitlines():
        if not line.strip():
            paragraphs.append([])
        elif not paragraphs or line[:1] in (" ", "\t"):
            paragraphs.append([line.strip()])
        else:
            paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(words) for words in paragraphs if words)


def _group(pattern: re.Pattern[str], sgml: str) -> str:
    """Return the content of the first element ``pattern`` matches, or ``""``."""
    match = pattern.search(sgml)
    return match.group(1) if match else ""


def _decode(value: str) -> str:
    """Decode SGML character references; drop the control characters some stand for (``&#3;``)."""
    return html.unescape(value) if "&" in value else value


def _date(sgml: str) -> str | None:
    """Return the day of the element's ``<DATE>`` as YYYY-MM-DD, or ``None`` when unreadable."""
    match = _DATE.search(sgml)
    if match is None:
        return None
    day, month, year = match.groups()
    number = _MONTHS.get(month.upper())
    if number is None:
        return None
    try:
        return dt.date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def _too_large(origin: str, *, size: int, max_bytes: int) -> Rejection:
    """Return the ``TOO_LARGE`` Rejection of an element over the limit."""
    return reject(
        origin,
        Problem(
            RejectReason.TOO_LARGE,
            f"the <REUTERS> element is {format_size(size)}, over the {format_size(max_bytes)} "
            "limit per article; raise --max-bytes",
        ),
    )
