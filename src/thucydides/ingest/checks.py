"""Check raw bytes and decoded text before they become an article.

Every reader (plain text, JSONL, and later HTML, CSV, WARC) runs its bytes through
these pure functions, so that one input gets the same verdict whatever format it
came in. A check returns either the value it produced or a :class:`Problem`
(a :class:`~thucydides.records.RejectReason` and a message for people); readers
turn a problem into a :class:`~thucydides.records.Rejection` with its origin.

The cascade for one document's bytes, in order (see :func:`check_bytes`):

1. size over the limit            -> ``TOO_LARGE`` (:func:`check_size`, before reading)
2. no bytes at all                -> ``EMPTY``
3. a known file signature, NUL
   bytes or many control bytes    -> ``BINARY`` (UTF-16 is ``ENCODING``)
4. not valid UTF-8                -> ``ENCODING``, with the byte offset and a fix
5. only whitespace                -> ``EMPTY``
6. a lone surrogate code point    -> ``ENCODING`` (text that readers decode themselves,
                                     e.g. a JSON ``"\\ud800"`` escape, can hold one)
7. a paragraph (text between blank
   lines) over :data:`MAX_PARAGRAPH_CHARS` -> ``TOO_LARGE``: the parser cannot take it

Text that passes has its UTF-8 byte order mark removed and its line ends
normalised to ``\\n``; nothing else is changed, because the character offsets of
events refer to exactly this text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shlex
from dataclasses import dataclass

from thucydides.records import RejectReason

__all__ = [
    "MAX_PARAGRAPH_CHARS",
    "SNIFF_BYTES",
    "Problem",
    "check_bytes",
    "check_size",
    "check_surrogates",
    "check_text",
    "content_hash",
    "decode_utf8",
    "format_size",
    "normalise_date",
    "normalise_newlines",
    "one_line",
    "sniff_binary",
]

#: How many leading bytes :func:`sniff_binary` inspects for control characters.
SNIFF_BYTES = 8192

#: Longest paragraph (text between blank lines) accepted, in characters: the spaCy
#: parser's own limit (``Language.max_length``), which it refuses to parse past.
#: News paragraphs are a few hundred characters; one this long is a data dump or a
#: text whose paragraph breaks were lost, and would cost the parser gigabytes.
MAX_PARAGRAPH_CHARS = 1_000_000

#: Share of control bytes in the sniffed head above which a file counts as binary.
_CONTROL_SHARE = 0.10

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What a one-line message must not carry raw: control characters (line breaks among
# them), Unicode line separators and lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# Where thucydides.segment ends a block: a line end, any blank lines, a line end.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_NEWLINE = b"\n"

_UTF8_BOM = b"\xef\xbb\xbf"

# Control bytes that plain text legitimately contains: tab, newline, carriage return, form feed.
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")
_CONTROL_BYTES = frozenset(b for b in (*range(0x20), 0x7F) if b not in _TEXT_CONTROLS)

# (leading bytes, what the file is, how to get text out of it). Longer signatures first
# where one is the prefix of another.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first (gunzip)"),
    (b"BZh", "a bzip2-compressed file", "decompress it first (bunzip2)"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "decompress it first (unxz)"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file", "decompress it first (unzstd)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it first (7z x)"),
    (
        b"PK\x03\x04",
        "a ZIP archive (or a .docx/.xlsx/.odt/.epub document)",
        "extract the text first (unzip, or save the document as plain text)",
    ),
    (b"%PDF-", "a PDF document", "extract the text first (e.g. pdftotext)"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a legacy Microsoft Office document (.doc/.xls)",
        "save it as plain text first",
    ),
    (b"{\\rtf", "an RTF document", "save it as plain text first"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "it contains no article text; remove it from the input"),
    (b"\xff\xd8\xff", "a JPEG image", "it contains no article text; remove it from the input"),
    (b"GIF87a", "a GIF image", "it contains no article text; remove it from the input"),
    (b"GIF89a", "a GIF image", "it contains no article text; remove it from the input"),
    (b"\x7fELF", "an executable (ELF)", "remove it from the input"),
    (b"SQLite format 3\x00", "an SQLite database", "export the articles to JSONL or text first"),
    (b"PAR1", "a Parquet file", "export the articles to JSONL or text first"),
)

_UTF16_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why some bytes or text cannot be an article: a reject reason and a message for people."""

    reason: RejectReason
    detail: str


def one_line(message: str) -> str:
    """Return ``message`` with control characters, line breaks and lone surrogates escaped.

    Messages quote values from the input (a JSON key, a CSV header, a parser's
    complaint); escaped as ``\\n``, ``\\x00`` or ``\\ud800`` they stay on one line
    and can be printed and stored.
    """
    return _UNPRINTABLE.sub(
        lambda bad: bad.group().encode("unicode_escape").decode("ascii"), message
    )


def format_size(n_bytes: int) -> str:
    """Return a byte count as people read it ("812 bytes", "3.4 KB", "20.0 MB")."""
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.1f} KB"
    return f"{n_bytes / (1024 * 1024):.1f} MB"


def check_size(
    n_bytes: int,
    *,
    max_bytes: int,
    what: str = "file size",
    fix: str = "split the file or raise --max-bytes",
) -> Problem | None:
    """Return a ``TOO_LARGE`` problem when ``n_bytes`` is over ``max_bytes``, else ``None``.

    Readers call this with the size from ``stat`` before reading, so that an
    oversized file is never loaded into memory. ``what`` names the thing measured
    and ``fix`` says what the user can do, in the message.
    """
    if n_bytes <= max_bytes:
        return None
    return Problem(
        RejectReason.TOO_LARGE,
        f"{what} {format_size(n_bytes)} is over the {format_size(max_bytes)} limit per article; {fix}",
    )


def sniff_binary(data: bytes, *, name: str = "FILE") -> Problem | None:
    """Return a ``BINARY`` (or, for UTF-16, ``ENCODING``) problem when ``data`` is not text.

    Known file signatures are named in the message. Otherwise any NUL byte, or
    more than 10% control bytes other than tab, newline, carriage return and form
    feed in the first :data:`SNIFF_BYTES` bytes, marks the data as binary.
    ``name`` is the file name used in the suggested fix.
    """
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            return Problem(
                RejectReason.ENCODING,
                f"the text is {encoding} (it starts with a UTF-16 byte order mark), not UTF-8; "
                f"re-encode it: {_iconv('utf-16', name)}",
            )
    for magic, kind, fix in _SIGNATURES:
        if data.startswith(magic):
            return Problem(RejectReason.BINARY, f"this is {kind}, not text; {fix}")
    nul = data.find(b"\x00")
    if nul >= 0:
        return Problem(
            RejectReason.BINARY,
            f"binary data: NUL byte at byte offset {nul}; "
            "pass plain UTF-8 text (or JSONL) instead of this file",
        )
    head = data[:SNIFF_BYTES]
    if head:
        n_control = sum(1 for byte in head if byte in _CONTROL_BYTES)
        share = n_control / len(head)
        if share > _CONTROL_SHARE:
            return Problem(
                RejectReason.BINARY,
                f"binary data: {share:.0%} of the first {format_size(len(head))} are control bytes "
                f"(the limit for text is {_CONTROL_SHARE:.0%}); "
                "pass plain UTF-8 text (or JSONL) instead of this file",
            )
    return None


def decode_utf8(data: bytes, *, name: str = "FILE") -> str | Problem:
    """Decode UTF-8 bytes, dropping a leading byte order mark; return an ``ENCODING`` problem if invalid.

    The message gives the byte offset and line of the first bad byte and the
    ``iconv`` command that fixes the file (``name`` is the file name used in it).
    """
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
        bom_len = len(_UTF8_BOM)
    else:
        bom_len = 0
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + bom_len
        # A single line (a JSONL record) gets no line number: its origin already has one.
        line = f"line {data.count(_NEWLINE, 0, exc.start) + 1}, " if _NEWLINE in data else ""
        bad = data[exc.start : exc.end].hex(" ").upper()
        context = data[max(0, exc.start - 12) : exc.end + 12]
        return Problem(
            RejectReason.ENCODING,
            f"not valid UTF-8: byte(s) 0x{bad} at byte offset {offset} ({line}near {context!r}); "
            "the file is probably Latin-1 or Windows-1252; "
            f"re-encode it: {_iconv('latin1', name)} "
            "(use -f windows-1252 or the file's real encoding if it is not Latin-1)",
        )


def normalise_newlines(text: str) -> str:
    """Return ``text`` with ``\\r\\n`` and lone ``\\r`` line ends turned into ``\\n``."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_text(text: str) -> str | Problem:
    """Normalise decoded text (BOM, line ends); return a problem if it cannot be coded.

    Only whitespace is ``EMPTY``; a lone surrogate is ``ENCODING``; a paragraph
    over :data:`MAX_PARAGRAPH_CHARS` is ``TOO_LARGE``. Readers that get text
    rather than bytes (a JSONL ``text`` field, an HTML extractor) call this directly.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = normalise_newlines(text)
    if not text.strip():
        if text:
            return Problem(
                RejectReason.EMPTY,
                f"the text is only whitespace ({len(text)} characters); there is nothing to code",
            )
        return Problem(RejectReason.EMPTY, "the text is empty; there is nothing to code")
    problem = check_surrogates(text)
    if problem is not None:
        return problem
    return _check_paragraphs(text)


def check_surrogates(text: str) -> Problem | None:
    """Return an ``ENCODING`` problem when ``text`` holds a lone surrogate (which no parser or store takes)."""
    surrogate = _SURROGATE.search(text)
    if surrogate is None:
        return None
    return Problem(
        RejectReason.ENCODING,
        f"the text holds a lone surrogate, U+{ord(surrogate.group()):04X}, at character "
        f"{surrogate.start()}: half of a UTF-16 pair, not a character, and not storable as "
        "UTF-8 (a JSON escape such as \\ud800 without its other half, or text decoded with "
        "the wrong codec); fix the program that wrote the input",
    )


def _check_paragraphs(text: str) -> str | Problem:
    """Return ``text``, or a ``TOO_LARGE`` problem naming its first paragraph over the limit."""
    if len(text) <= MAX_PARAGRAPH_CHARS:
        return text
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        if brk.start() - start > MAX_PARAGRAPH_CHARS:
            return _paragraph_too_long(brk.start() - start, start=start)
        start = brk.end()
    if len(text) - start > MAX_PARAGRAPH_CHARS:
        return _paragraph_too_long(len(text) - start, start=start)
    return text


def _paragraph_too_long(length: int, *, start: int) -> Problem:
    return Problem(
        RejectReason.TOO_LARGE,
        f"the text has a paragraph of {length:,} characters (from character {start:,}) with no "
        f"blank line in it; the parser takes at most {MAX_PARAGRAPH_CHARS:,} characters per "
        "paragraph, and news paragraphs are a few hundred: this is probably a data dump or a text "
        "whose paragraph breaks were lost; split it into paragraphs separated by blank lines",
    )


def check_bytes(data: bytes, *, name: str = "FILE") -> str | Problem:
    """Run the whole byte cascade (empty, binary, encoding, whitespace) and return the article text.

    The size check is not part of this: readers run :func:`check_size` first, on
    the size they know before reading. ``name`` is the file name used in fixes.
    """
    if not data:
        return Problem(RejectReason.EMPTY, "the file is empty (0 bytes); there is nothing to code")
    problem = sniff_binary(data, name=name)
    if problem is not None:
        return problem
    decoded = decode_utf8(data, name=name)
    if isinstance(decoded, Problem):
        return decoded
    return check_text(decoded)


def _iconv(codec: str, name: str) -> str:
    """Return the shell command that re-encodes ``name`` from ``codec`` to UTF-8."""
    return f"iconv -f {codec} -t utf-8 {shlex.quote(name)} > {shlex.quote(name + '.utf8.txt')}"


def normalise_date(value: object) -> str | Problem:
    """Return ``value`` as a ``YYYY-MM-DD`` string, or a ``MALFORMED`` problem saying why it is not one.

    A full ISO 8601 date-time ("2024-03-05T14:30:00Z") is accepted and cut to its
    date: the date as written in the source, in the source's own time zone.
    """
    example = "write it as YYYY-MM-DD, e.g. 2024-03-05"
    if not isinstance(value, str):
        return Problem(
            RejectReason.MALFORMED,
            f"date must be a string, got {type(value).__name__} {value!r}; {example}",
        )
    text = value.strip()
    day = text[:10]
    shape_problem = Problem(
        RejectReason.MALFORMED,
        f"date {value!r} is not YYYY-MM-DD or an ISO 8601 date-time; {example}",
    )
    if _DATE.fullmatch(day) is None:
        return shape_problem
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError as exc:
        return Problem(
            RejectReason.MALFORMED, f"date {value!r} is not a real calendar day ({exc}); {example}"
        )
    if len(text) > 10:
        if text[10] not in "Tt ":
            return shape_problem
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            return shape_problem
    return parsed.isoformat()


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of ``text`` encoded as UTF-8 (the store's idempotency key).

    Lone surrogates, which are not UTF-8, are hashed as their code points'
    three-byte form, so that any ``str`` has a hash (:func:`check_text` keeps
    them out of read articles).
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
