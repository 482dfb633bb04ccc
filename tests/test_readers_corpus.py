"""Tests for the corpus readers: gzip, CSV, JSONL field mappings, WARC, Reuters-21578, globs, language."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from tests.support import shared_file
from thucydides.errors import ConfigError
from thucydides.ingest import read_inputs
from thucydides.ingest.language import check_language, detect_language
from thucydides.ingest.reuters import iter_reuters
from thucydides.records import Article, Rejection, RejectReason

DATA = Path(__file__).parent / "data" / "corpus"
MB = 1024 * 1024

# Invented news about invented countries: nothing here is copied from a real report.
NEWS = (
    "ZENDA, March 5 - Ruritania's foreign minister met his Freedonian counterpart in Zenda "
    "on Tuesday and pledged closer economic cooperation between the two countries.\n"
    "The ministers said they would meet again next month.\n"
)
PAGE = (
    "<!DOCTYPE html><html><head><title>Ruritania and Freedonia agree talks</title></head>"
    "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
    "<h1>Ruritania and Freedonia agree talks</h1>"
    "<p>Ruritania and Freedonia agreed on Thursday to hold talks on grain exports next month, "
    "the Ruritanian trade ministry said in a statement.</p>"
    "<p>The two governments have not met since the border dispute of last year, officials said.</p>"
    "</article><footer>Copyright Example News</footer></body></html>"
)
GERMAN = (
    "Die Regierung von Ruritanien hat am Dienstag angekündigt, die Gespräche mit dem "
    "Nachbarland über den Getreidehandel im kommenden Monat fortzusetzen. Der Außenminister "
    "sagte, beide Seiten seien zu einem Kompromiss bereit."
)
FRENCH = (
    "Le gouvernement de la Ruritanie a annoncé mardi qu'il reprendrait le mois prochain les "
    "négociations avec le pays voisin sur le commerce des céréales, selon un communiqué."
)
SPANISH = (
    "El gobierno de Ruritania anunció el martes que reanudará el próximo mes las "
    "negociaciones con el país vecino sobre el comercio de cereales, según un comunicado."
)


# The field names of the feed fixtures (tests/data/corpus/feed.csv and the JSONL written here).
_FIELDS: dict[str, Any] = {"text_field": "body", "id_field": "doc_id", "date_field": "published"}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _gzip(path: Path, data: bytes) -> Path:
    return _write(path, gzip.compress(data))


def _summary(records: list[Article | Rejection]) -> list[tuple[str, str]]:
    """Return (kind, id-or-reason) pairs, for comparing what two inputs gave."""
    return [
        ("article", r.article_id) if isinstance(r, Article) else ("rejection", str(r.reason))
        for r in records
    ]


# --- gzip ---------------------------------------------------------------------------------


def test_each_format_reads_the_same_gzipped(tmp_path: Path) -> None:
    jsonl = "\n".join(
        json.dumps({"doc_id": f"n{i}", "body": f"{NEWS} Item {i}.", "published": "2024-03-05"})
        for i in range(3)
    )
    plain = {
        "story.txt": NEWS.encode(),
        "feed.jsonl": jsonl.encode(),
        "feed.csv": (DATA / "feed.csv").read_bytes(),
        "page.html": PAGE.encode(),
        "reut2-mini.sgm": (DATA / "reut2-mini.sgm").read_bytes(),
    }
    for name, data in plain.items():
        flat = list(read_inputs([_write(tmp_path / "flat" / name, data)], **_FIELDS))
        packed_path = _gzip(tmp_path / "gz" / f"{name}.gz", data)
        packed = list(read_inputs([packed_path], **_FIELDS))
        assert _summary(packed) == _summary(flat), name
        assert any(isinstance(r, Article) for r in packed), (name, packed)
        for a, b in zip(flat, packed, strict=True):
            if isinstance(a, Article) and isinstance(b, Article):
                assert (a.text, a.published, a.title) == (b.text, b.published, b.title)
                assert b.origin is not None and b.origin.startswith(str(packed_path))


def test_gzip_bomb_is_too_large_without_filling_memory(tmp_path: Path) -> None:
    bomb = gzip.compress(b"Ruritania " * (64 * MB // 10), compresslevel=9)  # 64 MB from ~130 KB
    assert len(bomb) < MB // 4
    text_bomb = _write(tmp_path / "bomb.txt.gz", bomb)
    line = json.dumps({"id": "big", "text": "Ruritania " * (3 * MB // 10)})
    small = json.dumps({"id": "small", "text": NEWS})
    jsonl_bomb = _gzip(tmp_path / "bomb.jsonl.gz", f"{line}\n{small}\n".encode())
    tracemalloc.start()
    try:
        text_records = list(read_inputs([text_bomb], max_bytes=MB))
        jsonl_records = list(read_inputs([jsonl_bomb], max_bytes=MB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB  # a few times max_bytes at most: nothing like the 64 MB
    (rejection,) = text_records
    assert isinstance(rejection, Rejection) and rejection.reason is RejectReason.TOO_LARGE
    assert "decompressed" in rejection.detail and "1.0 MB limit" in rejection.detail
    first, second = jsonl_records
    assert isinstance(first, Rejection) and first.reason is RejectReason.TOO_LARGE
    assert first.origin == f"{jsonl_bomb}:1" and "decompressed line size" in first.detail
    assert isinstance(second, Article) and second.article_id == "small"


def test_corrupt_gzip_is_malformed_with_the_offset(tmp_path: Path) -> None:
    whole = gzip.compress(NEWS.encode() * 200)
    truncated = _write(tmp_path / "cut.txt.gz", whole[: len(whole) // 2])
    not_gzip = _write(tmp_path / "plain.txt.gz", NEWS.encode())
    lines = "\n".join(json.dumps({"id": f"n{i}", "text": f"{NEWS} {i}"}) for i in range(400))
    packed = gzip.compress(lines.encode())
    cut_jsonl = _write(tmp_path / "cut.jsonl.gz", packed[: len(packed) // 2])

    (cut,) = read_inputs([truncated])
    assert isinstance(cut, Rejection) and cut.reason is RejectReason.MALFORMED
    assert "truncated gzip data near compressed byte offset" in cut.detail
    assert "gzip -t" in cut.detail
    (plain,) = read_inputs([not_gzip])
    assert isinstance(plain, Rejection) and plain.reason is RejectReason.MALFORMED
    assert "Not a gzipped file" in plain.detail

    records = list(read_inputs([cut_jsonl]))
    assert isinstance(records[0], Article)  # the lines before the damage are kept
    last = records[-1]
    assert isinstance(last, Rejection) and last.reason is RejectReason.MALFORMED
    assert last.origin == str(cut_jsonl) and "gzip data" in last.detail


# --- CSV and JSONL field mappings -----------------------------------------------------------


def test_csv_with_custom_fields(tmp_path: Path) -> None:
    path = DATA / "feed.csv"
    records = list(read_inputs([path], default_date="2024-01-01", **_FIELDS))
    assert [r.origin for r in records] == [f"{path}:{n}" for n in (2, 3, 6, 7)]
    first, second, no_text, no_id = records
    assert isinstance(first, Article) and first.article_id == "rur-1"
    assert first.title == "Talks in Zenda" and first.published == "2024-03-05"
    assert first.url == "https://example.org/rur-1"
    assert first.text.startswith("Ruritania and Freedonia agreed on Thursday")
    assert isinstance(second, Article) and second.article_id == "rur-2"
    assert second.text.endswith('sign a "framework" accord.') and "\n\n" in second.text
    assert second.published == "2024-03-06" and second.url is None
    assert isinstance(no_text, Rejection) and no_text.reason is RejectReason.EMPTY
    assert '"body" field is empty' in no_text.detail
    assert isinstance(no_id, Article) and no_id.article_id == no_id.content_hash[:16]
    assert no_id.published == "2024-01-01"


def test_csv_defaults_and_hash_ids(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "plain.csv",
        f'text,category\n"{NEWS}",politics\n"Freedonia held elections on Sunday.",politics\n'.encode(),
    )
    records = list(read_inputs([path]))
    assert all(isinstance(r, Article) for r in records) and len(records) == 2
    first = records[0]
    assert isinstance(first, Article)
    assert first.text == NEWS and first.article_id == first.content_hash[:16]
    assert first.origin == f"{path}:2" and records[1].origin == f"{path}:5"


def test_csv_header_problems_reject_the_file(tmp_path: Path) -> None:
    no_text = _write(tmp_path / "a.csv", b"body,category\nRuritania voted.,politics\n")
    (rejection,) = read_inputs([no_text])
    assert isinstance(rejection, Rejection) and rejection.reason is RejectReason.MALFORMED
    assert 'no "text" column' in rejection.detail and '"body", "category"' in rejection.detail
    assert "--text-field" in rejection.detail
    (renamed,) = read_inputs([no_text], text_field="body", id_field="doc_id")
    assert isinstance(renamed, Rejection) and 'no "doc_id" column' in renamed.detail
    (empty,) = read_inputs([_write(tmp_path / "b.csv", b"")])
    assert isinstance(empty, Rejection) and empty.reason is RejectReason.EMPTY


def test_csv_rows_too_large_are_skipped_and_big_fields_read(tmp_path: Path) -> None:
    big = "Ruritania, " * 30_000  # 330 KB: over the csv module's default 128 KiB field limit
    huge = ("Freedonia\n" + "x" * 999 + '""') * 1200  # 1.2 MB over many lines, with quotes
    body = f'id,text\nbig,"{big}"\nhuge,"{huge}"\nafter,"{NEWS}"\n'
    path = _write(tmp_path / "sizes.csv", body.encode())
    records = list(read_inputs([path], max_bytes=MB))
    first, second, third = records
    assert isinstance(first, Article) and first.text == big
    assert isinstance(second, Rejection) and second.reason is RejectReason.TOO_LARGE
    assert second.origin == f"{path}:3" and "skipped, not loaded" in second.detail
    assert isinstance(third, Article) and third.article_id == "after"
    assert third.origin == f"{path}:{3 + 1200 + 1}"  # the huge row spans 1,201 lines


def test_csv_bad_rows_are_rejected_one_by_one(tmp_path: Path) -> None:
    body = 'id,text\na,"Ruritania met Freedonia.",extra\nb\n' + "c,Genève talks.\n"
    data = body.encode().replace("è".encode(), b"\xe8")  # one Latin-1 row
    path = _write(tmp_path / "bad.csv", data + b"d,Zenda talks resumed.\n")
    records = list(read_inputs([path]))
    reasons = [(r.origin, r.reason if isinstance(r, Rejection) else "ok") for r in records]
    assert reasons == [
        (f"{path}:2", RejectReason.MALFORMED),
        (f"{path}:3", RejectReason.MALFORMED),
        (f"{path}:4", RejectReason.ENCODING),
        (f"{path}:5", "ok"),
    ]


def test_jsonl_with_custom_fields(tmp_path: Path) -> None:
    line = {"doc_id": 7, "body": NEWS, "published": "2024-03-05", "title": "Zenda talks"}
    path = _write(tmp_path / "feed.jsonl", (json.dumps(line) + '\n{"body": "x"}\n').encode())
    article, missing = read_inputs([path], **_FIELDS)
    assert isinstance(article, Article)
    assert (article.article_id, article.published, article.title) == (
        "7",
        "2024-03-05",
        "Zenda talks",
    )
    assert isinstance(missing, Rejection) and 'missing required field "doc_id"' in missing.detail


def test_bad_field_options_raise() -> None:
    with pytest.raises(ConfigError, match="text field name"):
        read_inputs(["x.csv"], text_field="")
    with pytest.raises(ConfigError, match="three different names"):
        read_inputs(["x.csv"], text_field="body", id_field="body")
    with pytest.raises(ConfigError, match="detect_language"):
        read_inputs(["x.csv"], detect_language="no")  # type: ignore[arg-type]


# --- WARC -----------------------------------------------------------------------------------


def _warc(*, compress: bool) -> bytes:
    """Return a small WARC: warcinfo, two HTML pages (with request), an image, a redirect."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    second_page = PAGE.replace("grain exports", "fishing rights").replace(
        "<head>", "<head><meta property='article:published_time' content='2024-02-01'>"
    )
    pages = [("https://example.org/a", PAGE), ("https://example.org/b", second_page)]
    for url, html in pages:
        request = StatusAndHeaders(
            "GET /a HTTP/1.1", [("Host", "example.org")], is_http_request=True
        )
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html.encode()),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-05T10:00:00Z"},
            )
        )
    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/logo.png",
            "response",
            payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
            http_headers=image,
        )
    )
    moved = StatusAndHeaders(
        "301 Moved Permanently", [("Location", "https://example.org/a")], protocol="HTTP/1.1"
    )
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/old", "response", payload=io.BytesIO(b""), http_headers=moved
        )
    )
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_pages_become_articles(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, _warc(compress=name.endswith(".gz")))
    records = list(read_inputs([path], default_date="2000-01-01"))
    assert [type(r) for r in records] == [Article, Article, Rejection, Rejection]
    first, second, image, redirect = records
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.url == "https://example.org/a" and second.url == "https://example.org/b"
    assert first.published == "2024-03-05"  # the crawl date: the page gives none
    assert second.published == "2024-02-01"  # the page's own date wins
    assert "grain exports" in first.text and "fishing rights" in second.text
    assert "Home" not in first.text and "Copyright" not in first.text
    offsets = [int(r.origin.rsplit("#", 1)[1]) for r in records if r.origin]
    assert all(r.origin.startswith(f"{path}#") for r in records if r.origin)
    assert offsets == sorted(offsets) and len(set(offsets)) == 4
    assert isinstance(image, Rejection) and image.reason is RejectReason.BINARY
    assert "image/png" in image.detail
    assert isinstance(redirect, Rejection) and redirect.reason is RejectReason.EMPTY
    assert "HTTP 301" in redirect.detail


def test_damaged_warc_is_malformed(tmp_path: Path) -> None:
    data = _warc(compress=True)
    path = _write(tmp_path / "bad.warc.gz", data[:300] + b"garbage" * 20 + data[440:])
    records = list(read_inputs([path]))
    last = records[-1]
    assert isinstance(last, Rejection) and last.reason is RejectReason.MALFORMED
    assert "cannot read the WARC record at byte offset" in last.detail
    cut = _write(tmp_path / "cut.warc.gz", data[: len(data) * 2 // 3])
    first, *_, cut_short = read_inputs([cut])
    assert isinstance(first, Article) and first.url == "https://example.org/a"
    assert isinstance(cut_short, Rejection) and cut_short.reason is RejectReason.MALFORMED
    assert "the WARC record is cut short" in cut_short.detail
    (not_warc,) = read_inputs([_write(tmp_path / "page.warc", PAGE.encode())])
    assert isinstance(not_warc, Rejection) and not_warc.reason is RejectReason.MALFORMED


# --- globs ----------------------------------------------------------------------------------


def test_globs_expand_sorted_and_recursive(tmp_path: Path) -> None:
    for relative in ("b.txt", "a.txt", "sub/c.txt", "sub/deep/d.txt", "e.md", ".hidden.txt"):
        _write(tmp_path / relative, f"{NEWS} ({relative})".encode())
    flat = list(read_inputs([str(tmp_path / "*.txt")]))
    assert [r.origin for r in flat] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    deep = list(read_inputs([str(tmp_path / "**" / "*.txt")]))
    assert [Path(r.origin or "").name for r in deep] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    everything = list(read_inputs([str(tmp_path / "**")]))
    origins = [r.origin for r in everything]
    assert len(origins) == len(set(origins)) == 5  # folders matched are not read twice
    (nothing,) = read_inputs([str(tmp_path / "*.jsonl")])
    assert isinstance(nothing, Rejection) and nothing.reason is RejectReason.UNREADABLE
    assert "*.jsonl" in nothing.detail and "no file matches the pattern" in nothing.detail


def test_an_existing_name_with_brackets_is_not_a_pattern(tmp_path: Path) -> None:
    path = _write(tmp_path / "report[1].txt", NEWS.encode())
    (article,) = read_inputs([str(path)])
    assert isinstance(article, Article) and article.origin == str(path)


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"), [(GERMAN, "German"), (FRENCH, "French"), (SPANISH, "Spanish")]
)
def test_other_languages_are_rejected(tmp_path: Path, text: str, language: str) -> None:
    path = _write(tmp_path / "story.txt", text.encode())
    (rejection,) = read_inputs([path])
    assert isinstance(rejection, Rejection) and rejection.reason is RejectReason.NOT_ENGLISH
    assert rejection.detail.startswith(f"detected {language} (")
    assert "--no-language-check" in rejection.detail and rejection.content_hash is not None
    (kept,) = read_inputs([path], detect_language=False)
    assert isinstance(kept, Article)


def test_short_and_english_texts_are_kept(tmp_path: Path) -> None:
    short = _write(tmp_path / "short.txt", b"Ruritanien verhandelt weiter.")
    (article,) = read_inputs([short])
    assert isinstance(article, Article)
    assert detect_language("Ruritanien verhandelt weiter.") is None
    assert check_language(NEWS) is None
    assert check_language(GERMAN) is not None
    jsonl = _write(
        tmp_path / "mixed.jsonl",
        "\n".join(
            json.dumps({"id": str(i), "text": t}) for i, t in enumerate([NEWS, GERMAN])
        ).encode(),
    )
    english, german = read_inputs([jsonl])
    assert isinstance(english, Article)
    assert isinstance(german, Rejection) and german.origin == f"{jsonl}:2"


# --- Reuters-21578 --------------------------------------------------------------------------


def test_reuters_sgml_fixture() -> None:
    path = DATA / "reut2-mini.sgm"
    records = list(iter_reuters(path))
    assert [r.origin for r in records] == [f"{path}:{n}" for n in (2, 24, 43)]
    first, brief, third = records
    assert isinstance(first, Article)
    assert first.article_id == "reuters-1" and first.published == "1987-02-26"
    assert first.title == "RURITANIA AND FREEDONIA AGREE GRAIN TALKS"
    assert first.publisher == "Reuters"
    assert first.text == (  # the hard-wrapped lines joined, one paragraph per indent
        "RURITANIA AND FREEDONIA AGREE GRAIN TALKS\n\n"
        "ZENDA, Feb 26 - Ruritania and Freedonia agreed on Thursday "
        "to hold talks on grain exports next month, the Ruritanian "
        "trade ministry said.\n\n"
        "The Société Générale des Grains <SGG> and Smith & Co said "
        "they welcomed the talks."
    )
    assert isinstance(brief, Rejection) and brief.reason is RejectReason.EMPTY
    assert brief.detail.startswith("Reuters NEWID 2 has no body")
    assert "FREEDONIA CENTRAL BANK HOLDS RATES" in brief.detail
    assert isinstance(third, Article) and third.published == "1987-03-03"
    assert third.text.endswith("officials told Reuters.")  # only the sign-off line goes
    assert list(read_inputs([path])) == records


def test_reuters_element_too_large_and_cut_short(tmp_path: Path) -> None:
    data = (DATA / "reut2-mini.sgm").read_bytes()
    # 12 MB: many read chunks, so the element is skipped without ever being whole.
    padded = data.replace(b"welcomed the talks.", b"welcomed the talks." + b" pad" * 3_000_000)
    tracemalloc.start()
    try:
        records = list(iter_reuters(_write(tmp_path / "reut2-big.sgm", padded), max_bytes=10_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * MB  # a few read chunks, not the 12 MB element
    assert [r.reason if isinstance(r, Rejection) else "ok" for r in records] == [
        RejectReason.TOO_LARGE,
        RejectReason.EMPTY,
        "ok",
    ]
    assert records[2].origin == f"{tmp_path / 'reut2-big.sgm'}:43"
    cut = list(iter_reuters(_write(tmp_path / "reut2-cut.sgm", data[: len(data) - 40])))
    last = cut[-1]
    assert isinstance(last, Rejection) and last.reason is RejectReason.MALFORMED
    assert "not closed" in last.detail
    (other,) = iter_reuters(_write(tmp_path / "other.sgm", b"<doc>Ruritania</doc>\n"))
    assert isinstance(other, Rejection) and "no <REUTERS> elements" in other.detail


# --- the real corpora in ../shared ----------------------------------------------------------


@pytest.mark.slow
def test_real_reuters_file() -> None:
    path = shared_file("corpora/reuters21578/reut2-000.sgm")
    records = list(read_inputs([path], detect_language=False))
    assert len(records) == 1000
    ids = [r.article_id for r in records if isinstance(r, Article)]
    newids = [int(r.detail.split()[2]) for r in records if isinstance(r, Rejection)]
    assert all(isinstance(r, Article) or r.reason is RejectReason.EMPTY for r in records), [
        r for r in records if isinstance(r, Rejection) and r.reason is not RejectReason.EMPTY
    ]
    assert sorted([int(i.removeprefix("reuters-")) for i in ids] + newids) == list(range(1, 1001))
    first = records[0]
    assert isinstance(first, Article) and first.article_id == "reuters-1"
    assert first.published == "1987-02-26" and first.title == "BAHIA COCOA REVIEW"
    assert first.text.startswith("BAHIA COCOA REVIEW\n\nSALVADOR, Feb 26 - Showers continued")
    assert not first.text.rstrip().endswith("Reuter") and "&#" not in first.text


@pytest.mark.slow
def test_real_bbc_csv_reads_with_default_fields() -> None:
    path = shared_file("corpora/bbc-news/train.csv")
    records = list(read_inputs([path]))
    assert len(records) > 1000
    assert all(isinstance(r, Article) for r in records), [
        r for r in records if isinstance(r, Rejection)
    ][:3]
    first = records[0]
    assert isinstance(first, Article) and first.origin == f"{path}:2"
    assert first.article_id == first.content_hash[:16]
