"""Fuzz every reader and the coder with hostile input: nothing raises, nothing hangs.

For each reader in :mod:`thucydides.ingest` (plain text, gzip, JSONL, CSV with field
mappings, HTML, WARC, Reuters SGML) and for the coder, on random bytes, random
Unicode (lone surrogates, control, bidirectional and zero-width characters),
malformed records, huge tokens, one-line megabytes, deeply nested markup and
gzip bombs, the properties are:

- no exception leaves a reader or a batch;
- every input that cannot be coded is a Rejection with a RejectReason and a
  message a person can read (one line, no traceback, says what is wrong);
- every Article is text the store can hold (valid Unicode, its hash checked);
- no document runs away: each example runs under a wall-clock guard, a hang
  guard set far above normal times, never a performance test.

The default profile (``THUCYDIDES_FUZZ=ci``) is derandomized and small, so that CI
is repeatable and quick; ``THUCYDIDES_FUZZ=long`` draws many more random examples.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import signal
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import FrameType

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from thucydides.errors import InputError
from thucydides.ingest import read_inputs
from thucydides.ingest.html import read_html
from thucydides.ingest.language import check_language
from thucydides.pipeline import Coder, make_article
from thucydides.records import Article, CodedArticle, Event, Rejection, RejectReason

# --- settings ---------------------------------------------------------------------------------

_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,  # the same examples in every run: CI failures reproduce
    database=None,  # leave no .hypothesis folder in the checkout
    deadline=timedelta(seconds=20),  # a hang guard only; normal examples take milliseconds
    suppress_health_check=_CHECKS,
)
settings.register_profile(
    "long",
    max_examples=1000,
    database=None,
    deadline=timedelta(seconds=60),
    suppress_health_check=_CHECKS,
)
PROFILE = os.environ.get("THUCYDIDES_FUZZ", "ci")
FUZZ = settings.get_profile(PROFILE)


def fewer(examples: int) -> settings:
    """Return the profile with ``examples`` examples under ``ci`` (for slow tests), else as is."""
    return settings(FUZZ, max_examples=examples) if PROFILE == "ci" else FUZZ


#: The per-article limit used on fuzzed files: small, so that "too large" is cheap to reach.
SMALL = 64 * 1024
MB = 1024 * 1024
#: Wall-clock seconds after which one reader call or coder batch counts as hung.
HANG_SECONDS = 120


class Hang(BaseException):
    """Raised by the hang guard; a BaseException, so that no ``except Exception`` hides it."""


@contextmanager
def hang_guard(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail the test with :class:`Hang` when the block runs longer than ``seconds``."""

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def workdir() -> Iterator[Path]:
    """Return a fresh directory for one example's files (pytest's tmp_path is per test)."""
    with tempfile.TemporaryDirectory(prefix="thucydides-fuzz-") as name:
        yield Path(name)


# --- what every record must satisfy -----------------------------------------------------------


def assert_readable(message: str) -> None:
    """Check that a rejection message is one plain line a person can read."""
    assert isinstance(message, str)
    assert 20 <= len(message) <= 2000, message
    assert "\n" not in message and "Traceback" not in message, message
    assert message == message.strip(), message
    message.encode("utf-8")  # the store and the terminal need valid UTF-8


def check_record(record: object) -> Article | Rejection:
    """Check one reader output and return it."""
    if isinstance(record, Rejection):
        assert isinstance(record.reason, RejectReason)
        assert_readable(record.detail)
        record.origin.encode("utf-8")
        return record
    assert isinstance(record, Article), record
    assert record.text.strip(), "an article with no text"
    assert "\r" not in record.text
    encoded = record.text.encode("utf-8")  # raises on lone surrogates, which DuckDB refuses
    assert record.content_hash == hashlib.sha256(encoded).hexdigest()
    assert record.article_id
    (record.origin or "").encode("utf-8")
    return record


def read(paths: list[Path], **options: object) -> list[Article | Rejection]:
    """Read ``paths`` through :func:`read_inputs` under the hang guard and check every record."""
    options.setdefault("detect_language", False)
    options.setdefault("max_bytes", SMALL)
    with hang_guard():
        records = list(read_inputs([str(path) for path in paths], **options))  # type: ignore[arg-type]
    assert records, "every input yields at least one record"
    return [check_record(record) for record in records]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- strategies -------------------------------------------------------------------------------

NEWS_WORDS = (
    "Russia",
    "attacked",
    "Georgia",
    "Russian President Vladimir Putin",
    "met",
    "Kazakh President Nursultan Nazarbaev",
    "in",
    "Moscow",
    "on Monday",
    "yesterday",
    "the United Nations",
    "accused",
    "did not",
    "will visit",
    "said",
    '"',
    "“",
    "”",
    "(Reuters)",
    "MOSCOW, Dec. 20, 2002 (RFE/RL) --",
    "--",
    ".",
    ",",
    "?",
    "!",
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
)
STRANGE = (
    "\u202e",  # right-to-left override
    "\u202b",  # right-to-left embedding
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\u200c",
    "\u200d",
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark / zero-width no-break space
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\ud800",  # lone surrogates: not characters, not encodable as UTF-8
    "\udfff",
    "\udc80",
    "\U0010ffff",
    "\ufffe",
    "\U0001f600",
    "e\u0301",
    "ﷺ",
    "بوتين يلتقي نزارباييف",
    "פוטין נפגש",
    "Путин встретился",
    "普京会见",
)
ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates included
texts = st.lists(
    st.one_of(
        st.sampled_from(NEWS_WORDS),
        st.sampled_from(STRANGE),
        st.text(ANY_CHARACTER, max_size=12),
    ),
    max_size=60,
).map("".join)


# Paragraphs of sentences, so that the segmenter passes them on and the parser gets them.
sentence_words = st.one_of(
    st.sampled_from(NEWS_WORDS),
    st.sampled_from(NEWS_WORDS),
    st.sampled_from(STRANGE),
    st.text(ANY_CHARACTER, max_size=8),
)
news_texts = st.lists(
    st.lists(sentence_words, min_size=3, max_size=25).map(lambda words: " ".join(words) + "."),
    min_size=1,
    max_size=4,
).map("\n\n".join)
ACTORS = (
    "Russia",
    "Russian President Vladimir Putin",
    "Kazakh President Nursultan Nazarbaev",
    "The United Nations",
    "Georgian soldiers",
    "He",
    "The minister",
    "Ukraine's foreign ministry",
    "NATO",
)
VERBS = (
    "attacked",
    "met",
    "visited",
    "accused",
    "did not meet",
    "will visit",
    "urged",
    "condemned",
    "signed an agreement with",
    "threatened",
    "praised",
    "denied meeting",
)
TAILS = (
    "",
    " in Moscow",
    " on Monday",
    " yesterday",
    " near Gori",
    " of spying",
    ', "we will respond," he said',
)


@st.composite
def event_sentences(draw: st.DrawFn) -> str:
    """Return sentences that report events, with strange characters inserted at drawn places."""
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        source, target = draw(st.sampled_from(ACTORS)), draw(st.sampled_from(ACTORS))
        text = f"{source} {draw(st.sampled_from(VERBS))} {target.lower() if target == 'He' else target}"
        sentences.append(text + draw(st.sampled_from(TAILS)) + ".")
    text = draw(st.sampled_from([" ", "\n", "\n\n"])).join(sentences)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at]
            + draw(st.one_of(st.sampled_from(STRANGE), st.text(ANY_CHARACTER, max_size=4)))
            + text[at:]
        )
    return text


coder_texts = st.one_of(event_sentences(), event_sentences(), news_texts, texts)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8


SIGNATURES = (b"\x1f\x8b", b"PK\x03\x04", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xfe", b"\xfe\xff")
raw_bytes = st.one_of(
    st.binary(max_size=3000),
    texts.map(_encode),
    texts.map(lambda text: b"\xef\xbb\xbf" + _encode(text)),
    texts.map(lambda text: text.encode("utf-16", "surrogatepass")),
    texts.map(lambda text: text.encode("latin-1", "replace")),
    st.tuples(st.sampled_from(SIGNATURES), st.binary(max_size=200)).map(b"".join),
)


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """Return ``base`` cut short, overwritten, with bytes inserted or line ends lost (or as is)."""
    operation = draw(st.sampled_from(["keep", "cut", "overwrite", "insert", "crlf", "double"]))
    if not base or operation == "keep":
        return base
    at = draw(st.integers(0, len(base)))
    if operation == "cut":
        return base[:at]
    if operation == "overwrite":
        junk = draw(st.binary(min_size=1, max_size=16))
        return base[:at] + junk + base[at + len(junk) :]
    if operation == "insert":
        junk = draw(st.sampled_from([b"\x00", b"\xef\xbb\xbf", b"\r", b"\n", b"\xff", b'"', b"<"]))
        return base[:at] + junk + base[at:]
    if operation == "crlf":
        return base.replace(b"\r\n", b"\n")
    return base[:at] + base


# --- plain text and gzip ----------------------------------------------------------------------


@FUZZ
@given(data=raw_bytes, compress=st.sampled_from(["no", "gzip", "cut gzip"]))
def test_plain_text_reader_never_raises(data: bytes, compress: str) -> None:
    with workdir() as folder:
        if compress == "no":
            path = write(folder / "story.txt", data)
        else:
            packed = gzip.compress(data, mtime=0)
            if compress == "cut gzip":
                packed = packed[: max(1, len(packed) // 2)]
            path = write(folder / "story.txt.gz", packed)
        records = read([path])
    assert len(records) == 1


def test_plain_text_one_line_of_ten_megabytes_is_rejected_unparsed() -> None:
    line = b"Russia and China held talks in Beijing " * 260_000  # 10.1 MB, no line break
    with workdir() as folder:
        (record,) = read([write(folder / "line.txt", line)], max_bytes=20 * MB)
    assert isinstance(record, Rejection) and record.reason is RejectReason.TOO_LARGE
    assert "paragraph of 10,140,000 characters" in record.detail
    assert "split it into paragraphs" in record.detail


def test_a_huge_token_is_read() -> None:
    text = "Russia accused " + "x" * 200_000 + " of spying on Georgia.\n"
    with workdir() as folder:
        (record,) = read([write(folder / "token.txt", text.encode())], max_bytes=MB)
    assert isinstance(record, Article) and record.text == text


# --- gzip bombs -------------------------------------------------------------------------------


def gzip_bomb(prefix: bytes, fill: bytes, *, gigabytes: float, suffix: bytes = b"") -> bytes:
    """Return a small gzip file that decompresses to ``gigabytes`` of ``fill`` between prefix and suffix.

    A gzip file may hold many members, read as one stream: one compressed 16 MB
    member, repeated, makes a 2 GB bomb out of 2 MB without compressing 2 GB.
    """
    member = gzip.compress(fill * (16 * MB // len(fill)), compresslevel=9, mtime=0)
    copies = int(gigabytes * 1024 / 16)
    return gzip.compress(prefix, mtime=0) + member * copies + gzip.compress(suffix, mtime=0)


BOMBS = {
    "plain text": ("bomb.txt.gz", b"Russia ", b""),
    "JSONL": ("bomb.jsonl.gz", b'{"id": "1", "text": "', b'"}\n'),
    "CSV": ("bomb.csv.gz", b'id,text\n1,"', b'"\n'),
    "Reuters SGML": (
        "bomb.sgm.gz",
        b'<REUTERS NEWID="1"><TEXT><BODY>',
        b"</BODY></TEXT></REUTERS>",
    ),
}


@pytest.mark.parametrize("kind", list(BOMBS))
def test_gzip_bomb_is_rejected_as_too_large_without_decompressing_it_all(kind: str) -> None:
    name, prefix, suffix = BOMBS[kind]
    with workdir() as folder:
        path = write(folder / name, gzip_bomb(prefix, b"a", gigabytes=2, suffix=suffix))
        assert path.stat().st_size < 3 * MB
        records = read([path], max_bytes=MB)
    assert not [r for r in records if isinstance(r, Article)]
    (first, *_) = records
    assert isinstance(first, Rejection) and first.reason is RejectReason.TOO_LARGE
    if kind != "plain text":  # whole-document reads stop at the limit; the others at the guard
        assert "gzip bomb" in first.detail and "reading stopped" in first.detail


def warc_gzip_bomb(*, gigabytes: float) -> bytes:
    """Return a small ``.warc.gz`` whose one record, one gzip member, holds ``gigabytes`` of text.

    The deflate stream is written by hand: after a full flush nothing refers back, so
    one compressed 16 MB block can be repeated. The gzip trailer's CRC is left wrong:
    a reader that decompressed that far would fail on it instead of stopping early.
    """
    size = int(gigabytes * 1024) * MB
    head = (
        b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % size
    )
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, in a gzip frame of our own
    start = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(b"a" * (16 * MB)) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.compress(b"\r\n\r\n") + deflate.flush()
    frame = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = b"\x00" * 4 + ((len(head) + size + 4) % 2**32).to_bytes(4, "little")
    return frame + start + block * (size // (16 * MB)) + end + trailer


def test_gzip_bomb_in_a_warc_record_is_rejected_without_decompressing_it() -> None:
    with workdir() as folder:
        path = write(folder / "bomb.warc.gz", warc_gzip_bomb(gigabytes=2))
        assert path.stat().st_size < 3 * MB
        (record,) = read([path], max_bytes=MB)
    assert isinstance(record, Rejection) and record.reason is RejectReason.TOO_LARGE
    assert "declares 2048.0 MB" in record.detail and "reading stopped" in record.detail


# --- JSONL ------------------------------------------------------------------------------------

FIELD_MAPPINGS = (
    {},
    {"text_field": "body", "id_field": "doc_id", "date_field": "published"},
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    texts,
    st.sampled_from(["2002-12-20", "2002-02-30", "20-12-2002", "2002-12-20T25:00:00Z", ""]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def jsonl_lines(draw: st.DrawFn, names: tuple[str, str, str]) -> bytes:
    """Return one JSONL line: a record of drawn values, or something that is no record at all."""
    text_key, id_key, date_key = names
    kind = draw(st.sampled_from(["record", "record", "record", "junk", "nested", "huge"]))
    if kind == "junk":
        return draw(st.binary(max_size=200)).replace(b"\n", b" ")
    if kind == "nested":
        depth = draw(st.integers(1, 200_000))
        return b"[" * depth + b"]" * draw(st.integers(0, depth))
    if kind == "huge":
        return json.dumps({id_key: "big", text_key: "x " * SMALL}).encode()
    record = draw(
        st.fixed_dictionaries(
            {},
            optional={
                text_key: st.one_of(texts, json_values),
                id_key: st.one_of(st.text(max_size=8), st.integers(), json_values),
                date_key: json_values,
                "title": json_values,
                "url": json_values,
                "publisher": json_values,
            },
        )
    )
    line = _encode(json.dumps(record, ensure_ascii=draw(st.booleans())))
    return draw(mutated(line))


@FUZZ
@given(data=st.data(), mapping=st.sampled_from(FIELD_MAPPINGS), compress=st.booleans())
def test_jsonl_reader_never_raises(
    data: st.DataObject, mapping: dict[str, str], compress: bool
) -> None:
    names = (
        mapping.get("text_field", "text"),
        mapping.get("id_field", "id"),
        mapping.get("date_field", "date"),
    )
    lines = data.draw(st.lists(jsonl_lines(names), max_size=8))
    end = data.draw(st.sampled_from([b"\n", b"\r\n"]))
    content = data.draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + end.join(lines)
    with workdir() as folder:
        if compress:
            path = write(folder / "feed.jsonl.gz", gzip.compress(content, mtime=0))
        else:
            path = write(folder / "feed.jsonl", content)
        read([path], **mapping)


# --- CSV --------------------------------------------------------------------------------------

cells = st.one_of(texts, st.sampled_from(['"', '""', 'a"b', "x\x00y", "\ufeff", "2002-12-20"]))


@st.composite
def csv_files(draw: st.DrawFn, mapping: dict[str, str], delimiter: str) -> bytes:
    """Return a CSV file: a header (maybe wrong), rows quoted well or badly, then mutated."""
    columns = [
        mapping.get("id_field", "id"),
        mapping.get("text_field", "text"),
        mapping.get("date_field", "date"),
        "title",
    ]
    header = draw(st.sampled_from([columns, columns[:1], ["text", "category"], []]))
    rows = draw(st.lists(st.lists(cells, max_size=6), max_size=6))
    if draw(st.booleans()):
        rows.append(["huge", "y" * (SMALL + 10)])
    buffer = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    else:  # no quoting at all: delimiters, quotes and line breaks inside fields break rows
        buffer.write("\n".join(delimiter.join(row) for row in [header, *rows]))
    tail = draw(st.sampled_from(["", '"unterminated, quote\n', "\n\n"]))
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    return draw(mutated(_encode(prefix + buffer.getvalue() + tail)))


@FUZZ
@given(
    data=st.data(),
    mapping=st.sampled_from(FIELD_MAPPINGS),
    suffix=st.sampled_from([".csv", ".tsv", ".csv.gz"]),
)
def test_csv_reader_never_raises(data: st.DataObject, mapping: dict[str, str], suffix: str) -> None:
    content = data.draw(csv_files(mapping, "\t" if suffix == ".tsv" else ","))
    with workdir() as folder:
        if suffix.endswith(".gz"):
            content = gzip.compress(content, mtime=0)
            if data.draw(st.booleans()):
                content = content[: len(content) // 2]  # a download cut short
        read([write(folder / f"rows{suffix}", content)], **mapping)


def test_csv_quote_never_closed_is_rejected_not_swallowed() -> None:
    content = b'id,text\n1,Russia attacked Georgia.\n2,"Georgia accused Russia.\n3,Kept apart.\n'
    with workdir() as folder:
        first, second = read([write(folder / "quotes.csv", content)])
    assert isinstance(first, Article) and first.text == "Russia attacked Georgia."
    assert isinstance(second, Rejection) and second.reason is RejectReason.MALFORMED
    assert second.origin.endswith("quotes.csv:3") and "never closed" in second.detail


def test_csv_gzip_cut_short_inside_an_overlong_row_is_a_rejection() -> None:
    content = b'id,text\n1,"' + b"word " * (SMALL // 2) + b'"\n2,Russia attacked Georgia.\n'
    packed = gzip.compress(content, mtime=0)
    with workdir() as folder:
        records = read([write(folder / "cut.csv.gz", packed[: len(packed) * 3 // 4])])
    assert {r.reason for r in records if isinstance(r, Rejection)} >= {RejectReason.MALFORMED}


# --- HTML -------------------------------------------------------------------------------------

MARKUP = (
    "<html>",
    "<head>",
    "<body>",
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<article>",
    "</article>",
    "<title>",
    "</title>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<table><tr><td>",
    "<br>",
    "<br/>",
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999;",
    "<a href='javascript:alert(1)'>",
    "<svg><foreignObject><p>",
    "<math><mi>",
    "<template>",
    "<noscript>",
    "<iframe srcdoc='<p>x</p>'>",
    "<base href='::'>",
    "<link rel='canonical' href='http://[::1'>",
    "<meta charset='utf-7'>",
    "<meta charset='x-no-such'>",
    "<meta charset='utf-16'>",
    "<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>",
    "<?xml version='1.0' encoding='utf-32'?>",
    "<meta property='article:published_time' content='0000-00-00'>",
    "<meta name='date' content='2002-12-20'>",
    "<time datetime='99999-01-01'>",
    "<p>Russian President Vladimir Putin met Kazakh President Nursultan Nazarbaev in Moscow.</p>",
)
pages = st.one_of(
    st.lists(st.one_of(st.sampled_from(MARKUP), texts), max_size=80).map("".join).map(_encode),
    st.binary(max_size=2000),
    st.lists(st.sampled_from(MARKUP), max_size=40)
    .map("".join)
    .map(lambda page: page.encode("utf-16", "surrogatepass")),
)


@FUZZ
@given(page=pages)
def test_html_reader_never_raises(page: bytes) -> None:
    with hang_guard():
        record = read_html(page, origin="fuzz.html", max_bytes=SMALL)
    check_record(record)


@pytest.mark.parametrize("tag", ["div", "b", "table"])
def test_deeply_nested_html_is_rejected_saying_why(tag: str) -> None:
    story = "<p>Russian President Vladimir Putin met Kazakh President Nursultan Nazarbaev in Moscow on Friday.</p>"
    page = f"<html><body>{f'<{tag}>' * 50_000}{story}{f'</{tag}>' * 50_000}</body></html>"
    with workdir() as folder:
        (record,) = read([write(folder / "nested.html", page.encode())], max_bytes=MB)
    # the HTML parser keeps 256 levels; the story, deeper, is lost, and the message says so
    assert isinstance(record, Rejection) and record.reason is RejectReason.MALFORMED
    assert "more than 255 levels deep" in record.detail


# --- WARC -------------------------------------------------------------------------------------

CONTENT_TYPES = (
    "text/html; charset=utf-8",
    "text/html; charset=utf-7",
    'text/html; charset="',
    "text/plain",
    "text/plain; charset=utf-16",
    "text/plain; charset=utf-7",
    "text/plain; charset=x-no-such",
    "text/plain; charset=latin-1",
    "application/xhtml+xml",
    "image/png",
    "",
    ";;;",
)
STATUS_LINES = ("200 OK", "301 Moved Permanently", "999 Whatever", "OK", "")


@st.composite
def warc_files(draw: st.DrawFn) -> bytes:
    """Return a WARC with drawn records (payloads, types, statuses), maybe per-record gzip, then mutated."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=draw(st.booleans()))
    for number in range(draw(st.integers(0, 3))):
        url = draw(st.sampled_from([f"https://example.org/{number}", "dns:example.org", ""]))
        payload = draw(st.one_of(pages, raw_bytes))
        kind = draw(st.sampled_from(["response", "resource", "metadata"]))
        content_type = draw(st.sampled_from(CONTENT_TYPES))
        # fixed ids and dates: warcio would draw new ones, and the examples would not replay
        warc_headers = {
            "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>",
            "WARC-Date": draw(st.sampled_from(["2002-12-20T10:00:00Z", "x"])),
        }
        if kind == "response":
            headers = StatusAndHeaders(
                draw(st.sampled_from(STATUS_LINES)),
                [("Content-Type", content_type)],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                kind,
                payload=io.BytesIO(payload),
                http_headers=headers,
                warc_headers_dict=warc_headers,
            )
        else:
            record = writer.create_warc_record(
                url,
                kind,
                payload=io.BytesIO(payload),
                warc_content_type=content_type,
                warc_headers_dict=warc_headers,
            )
        writer.write_record(record)
    return draw(mutated(buffer.getvalue()))


@FUZZ
@given(archive=warc_files(), suffix=st.sampled_from([".warc", ".warc.gz"]))
def test_warc_reader_never_raises(archive: bytes, suffix: str) -> None:
    with workdir() as folder:
        read([write(folder / f"crawl{suffix}", archive)])


# --- Reuters SGML -----------------------------------------------------------------------------

sgml_parts = st.one_of(
    texts,
    st.sampled_from(
        [
            "&lt;",
            "&#3;",
            "&#xD800;",
            "&#1114112;",
            "&amp",
            "<BODY>",
            "</BODY>",
            "</REUTERS>",
            "<REUTERS",
        ]
    ),
)


@st.composite
def reuters_files(draw: st.DrawFn) -> bytes:
    """Return a Reuters-21578 file of drawn elements, encoded as the corpus is, then mutated."""
    elements = []
    for _ in range(draw(st.integers(0, 3))):
        newid = draw(st.sampled_from(["1", "99999999999999999999", "", "x"]))
        date = draw(st.sampled_from(["26-FEB-1987 15:01:01.79", "31-FEB-1987", "99-XYZ-0000", ""]))
        kind = draw(st.sampled_from(["NORM", "BRIEF", "UNPROC"]))
        title, dateline, body = (draw(sgml_parts) for _ in range(3))
        elements.append(
            f'<REUTERS TOPICS="YES" NEWID="{newid}">\n<DATE>{date}</DATE>\n<TEXT TYPE="{kind}">\n'
            f"<TITLE>{title}</TITLE>\n<DATELINE>{dateline}</DATELINE><BODY>{body}\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
        )
    text = '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(elements)
    encoded = text.encode(draw(st.sampled_from(["cp1252", "utf-8"])), "replace")
    return draw(mutated(encoded))


@FUZZ
@given(content=reuters_files(), compress=st.booleans())
def test_reuters_reader_never_raises(content: bytes, compress: bool) -> None:
    with workdir() as folder:
        if compress:
            path = write(folder / "reut2-000.sgm.gz", gzip.compress(content, mtime=0))
        else:
            path = write(folder / "reut2-000.sgm", content)
        read([path])


# --- directories: names and the language check ------------------------------------------------


def test_file_names_that_are_not_utf8_are_read_with_printable_origins() -> None:
    with workdir() as folder:
        raw = os.fsencode(folder) + b"/caf\xe9 \xff.txt"
        with open(raw, "wb") as handle:
            handle.write(b"Russia accused Georgia of provocations on Monday.\n")
        with open(os.fsencode(folder) + b"/bad\xe9.txt", "wb") as handle:
            handle.write(b"\xff\xfe binary")
        records = read([folder])
    assert len(records) == 2
    assert any(isinstance(r, Article) for r in records)


@pytest.fixture(scope="module")
def detector() -> None:
    """Build the language detector before the examples (it takes seconds, once per process)."""
    assert check_language("Der Bundeskanzler empfing den polnischen Ministerpräsidenten in Berlin.")


@fewer(10)
@given(data=raw_bytes)
def test_language_check_never_raises(detector: None, data: bytes) -> None:
    with workdir() as folder:
        read([write(folder / "story.txt", data)], detect_language=True)


# --- the coder --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(coder: Coder) -> Coder:
    """Return the session's Coder with its pipeline and matchers loaded: no example pays for that."""
    assert coder.nlp is not None and coder.index is not None
    return coder


def check_events(events: list[Event] | tuple[Event, ...], text: str) -> None:
    for event in events:
        assert 0 <= event.evidence.start < event.evidence.end <= len(text)
        assert event.evidence.sentence


@pytest.mark.slow
@fewer(20)
@given(text=coder_texts)
def test_code_text_never_raises(loaded: Coder, text: str) -> None:
    with hang_guard():
        events = loaded.code_text(text, date="2002-12-20")
    check_events(events, text)


@pytest.mark.slow
@fewer(10)
@given(batch=st.lists(coder_texts, min_size=1, max_size=5))
def test_code_articles_marks_failures_and_goes_on(loaded: Coder, batch: list[str]) -> None:
    articles = [make_article(text, date="2002-12-20") for text in batch]
    with hang_guard():
        coded = list(loaded.code_articles(articles))
    assert [c.article for c in coded] == articles
    for item in coded:
        check_coded(item)


def check_coded(item: CodedArticle) -> None:
    rejection = item.rejection()
    if item.error is None:
        assert rejection is None
        check_events(item.events, item.article.text)
    else:
        assert rejection is not None and not item.events
        check_record(rejection)


@pytest.mark.slow
@pytest.mark.parametrize(
    "make",
    [
        lambda: "Russia accused " + "x" * 200_000 + " of spying on Georgia.",
        lambda: "Russia and China held talks in Beijing " * 260_000 + ".",  # 10 MB, one sentence
        lambda: "Russia attacked Georgia.\n" * 50_000,  # 1.2 MB, one paragraph of short lines
        lambda: "\u202e\u200b" * 50_000 + " Russia attacked Georgia.",
    ],
    ids=["huge-token", "ten-megabyte-sentence", "long-paragraph", "invisible-characters"],
)
def test_the_coder_survives_outsized_text(loaded: Coder, make: Callable[[], str]) -> None:
    text = make()
    good = make_article("Russian troops attacked Georgian soldiers near Gori.", date="2008-08-10")
    with hang_guard():
        coded = list(loaded.code_articles([make_article(text), good]))
    assert len(coded) == 2
    check_coded(coded[0])
    assert coded[1].error is None and coded[1].events  # the batch goes on


@pytest.mark.slow
def test_actor_resolution_refuses_text_the_parser_cannot_take(loaded: Coder) -> None:
    with pytest.raises(InputError, match="lone surrogate, U\\+D800"):
        loaded.actors("Russia met \ud800 Georgia.")
    with pytest.raises(InputError, match="paragraph of 1,199,999 characters"):
        loaded.actors("Russia met Georgia. " * 60_000)


# --- the whole command ------------------------------------------------------------------------

GOOD = b"Russian troops attacked Georgian soldiers near Gori on Sunday.\n"
documents = st.one_of(
    st.tuples(st.just(".txt"), raw_bytes),
    st.tuples(st.just(".txt.gz"), raw_bytes.map(lambda data: gzip.compress(data, mtime=0))),
    st.tuples(
        st.just(".jsonl"), st.lists(jsonl_lines(("text", "id", "date")), max_size=5).map(b"\n".join)
    ),
    st.tuples(st.just(".csv"), csv_files({}, ",")),
    st.tuples(st.just(".html"), pages),
    st.tuples(st.just(".warc"), warc_files()),
    st.tuples(st.just(".sgm"), reuters_files()),
)


@pytest.mark.slow
@settings(fewer(4), deadline=None)  # each example builds the command's own Coder; hang_guard stays
@given(files=st.lists(documents, max_size=8))
def test_the_code_command_survives_a_folder_of_fuzzed_files(
    loaded: Coder, files: list[tuple[str, bytes]]
) -> None:
    # ``loaded`` has loaded the spaCy pipeline, which the command's Coder shares
    from typer.testing import CliRunner

    from thucydides.cli import app

    with workdir() as folder:
        inbox = folder / "inbox"
        inbox.mkdir()
        for number, (suffix, data) in enumerate(files):
            write(inbox / f"doc{number}{suffix}", data)
        write(inbox / "zz_good.txt", GOOD)
        db = folder / "fuzz.duckdb"
        with hang_guard():
            result = CliRunner().invoke(
                app, ["code", str(inbox), "--db", str(db), "--date", "2008-08-10"]
            )
        assert result.exit_code == 0, result.output
        with duckdb.connect(str(db), read_only=True) as con:
            rejections = con.execute("select reason, detail from rejections").fetchall()
            coded = con.execute("select cameo_code from events where sentence like '%Gori%'")
            assert ("190",) in coded.fetchall()
    for reason, detail in rejections:
        assert reason in set(RejectReason)
        assert_readable(detail)
