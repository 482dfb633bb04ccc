"""HTML pages: main text without page furniture, metadata, encodings and rejections."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import trafilatura

from thucydides.errors import ConfigError
from thucydides.ingest import DEFAULT_MAX_BYTES, read_inputs
from thucydides.ingest import html as html_module
from thucydides.ingest.html import read_html
from thucydides.records import Article, Rejection, RejectReason
from thucydides.segment import segment

DATA = Path(__file__).resolve().parent / "data"
NEWS_PAGE = DATA / "news_page.html"
SECTION_FRONT = DATA / "section_front.html"
LATIN_PAGE = DATA / "latin_page.html"

# A short page in Windows-1252 style: accented name, curly quotes, an em dash.
SHORT_PAGE = """<html><head>{meta}<title>Talks in Évora</title></head><body>
<article><p>ÉVORA, Portugal — Foreign Minister Joaquín Ordóñez met his Portuguese
counterpart on Tuesday. “We agreed on the rail link,” he said.</p></article>
</body></html>"""


def read_page(path: Path, *, default_date: str | None = None) -> Article:
    result = read_html(path.read_bytes(), origin=str(path), default_date=default_date)
    assert isinstance(result, Article), result
    return result


def rejected(data: bytes) -> Rejection:
    result = read_html(data, origin="page.html")
    assert isinstance(result, Rejection), result
    return result


# -- a news page -----------------------------------------------------------------------------


def test_news_page_keeps_the_story_and_drops_the_furniture() -> None:
    text = read_page(NEWS_PAGE).text
    assert "The foreign ministers of Chile and Argentina signed an accord on Tuesday" in text
    assert "urged both governments to protect the glaciers themselves." in text
    for furniture in (
        "Accessibility links",
        "Skip to content",
        "Breaking News",
        "Dock workers",  # the breaking-news banner's headline
        "Politics",  # the section menu
        "Search",
        "Photo: Dispatch pool",  # the picture caption
        "shake hands",
        "Related stories",
        "Drought empties reservoirs",  # a related link
        "Share this story",
        "All rights reserved",  # the footer
        "Privacy policy",
        "dataLayer",  # a script
    ):
        assert furniture not in text, furniture


def test_news_page_metadata() -> None:
    article = read_page(NEWS_PAGE)
    assert article.title == "Chile and Argentina sign Andes water accord in Mendoza"
    assert article.publisher == "Southern Cone Dispatch"
    assert article.published == "2019-04-09"  # published, not modified (2019-04-10)
    assert article.url == "https://www.southernconedispatch.example/2019/04/09/andes-water-accord"
    assert article.origin == str(NEWS_PAGE)
    assert article.lang == "en"


def test_news_page_text_is_blocks_like_plain_text() -> None:
    blocks, _ = segment(read_page(NEWS_PAGE).text)
    assert [block.kind for block in blocks] == ["headline"] + ["body"] * 5
    assert blocks[0].text == "Chile and Argentina sign Andes water accord in Mendoza"


def test_page_date_wins_over_the_default_date() -> None:
    assert read_page(NEWS_PAGE, default_date="2020-01-01").published == "2019-04-09"


def test_default_date_and_url_fill_what_the_page_lacks() -> None:
    page = SHORT_PAGE.format(meta='<meta charset="utf-8">').encode("utf-8")
    result = read_html(
        page, origin="page.html", url="https://news.example.org/evora", default_date="2004-11-23"
    )
    assert isinstance(result, Article), result
    assert result.published == "2004-11-23"
    assert result.url == "https://news.example.org/evora"
    assert result.title == "Talks in Évora"


def test_same_text_gives_the_same_ids_as_a_plain_text_file(tmp_path: Path) -> None:
    article = read_page(NEWS_PAGE)
    plain = tmp_path / "story.txt"
    plain.write_text(article.text, encoding="utf-8")
    [from_text] = list(read_inputs([plain]))
    assert isinstance(from_text, Article), from_text
    assert from_text.text == article.text
    assert (from_text.article_id, from_text.content_hash) == (
        article.article_id,
        article.content_hash,
    )
    assert article.article_id == article.content_hash[:16]


# -- pages without an article ----------------------------------------------------------------


def test_section_front_has_no_article() -> None:
    rejection = rejected(SECTION_FRONT.read_bytes())
    assert rejection.reason is RejectReason.EMPTY
    assert rejection.detail.startswith("no article text found in the HTML page: ")
    assert "section front" in rejection.detail  # the fix names the likely cause


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>Login</title></head><body><form><input name='user'></form></body></html>",
        b"<html><body><p>unclosed paragraph about the talks",
        b"<div>" * 5000,
    ],
)
def test_pages_without_prose_are_empty(page: bytes) -> None:
    rejection = rejected(page)
    assert rejection.reason is RejectReason.EMPTY
    assert rejection.detail.startswith("no article text found in the HTML page: ")


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        (b"", RejectReason.EMPTY, "empty"),
        (b" \n\t\n", RejectReason.EMPTY, "empty"),
        (gzip.compress(b"<html></html>"), RejectReason.BINARY, "gunzip"),
        (b"<html>\x00\x00\x00</html>", RejectReason.BINARY, "NUL byte"),
        (b"Ministers met in Geneva. They agreed.", RejectReason.MALFORMED, ".txt"),
    ],
)
def test_bad_bytes_are_rejected_with_a_fix(data: bytes, reason: RejectReason, words: str) -> None:
    rejection = rejected(data)
    assert rejection.reason is reason
    assert words in rejection.detail


def test_page_over_the_limit_is_too_large() -> None:
    rejection = read_html(NEWS_PAGE.read_bytes(), origin="page.html", max_bytes=1000)
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.TOO_LARGE
    assert "--max-bytes" in rejection.detail


def test_extractor_failure_is_a_malformed_rejection(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("Document is empty")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    rejection = rejected(NEWS_PAGE.read_bytes())
    assert rejection.reason is RejectReason.MALFORMED
    assert "ValueError: Document is empty" in rejection.detail


def test_bad_options_raise_config_errors() -> None:
    with pytest.raises(ConfigError, match="20/12/2002"):
        read_html(NEWS_PAGE.read_bytes(), origin="page.html", default_date="20/12/2002")
    with pytest.raises(ConfigError, match="max_bytes"):
        read_html(NEWS_PAGE.read_bytes(), origin="page.html", max_bytes=0)


def test_default_limit_matches_the_readers() -> None:
    assert html_module.DEFAULT_MAX_BYTES == DEFAULT_MAX_BYTES


# -- encodings ---------------------------------------------------------------------------------


def test_windows_1252_page_with_an_accented_name() -> None:
    data = LATIN_PAGE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    article = read_page(LATIN_PAGE)
    assert "Spanish Foreign Minister Joaquín Ordóñez" in article.text
    assert "“This line will bring our capitals closer than ever,” Ordóñez told" in article.text
    assert "(Iberian Wire) — Spanish" in article.text
    assert "€2 billion" in article.text
    assert "Évora" in article.text
    assert article.title == "Spain and Portugal agree on border rail link"
    assert article.publisher == "Iberian Wire"
    assert article.published == "2004-11-23"
    assert "Archive" not in article.text and "Copyright" not in article.text


@pytest.mark.parametrize(
    ("meta", "encoding"),
    [
        ('<meta charset="windows-1252">', "cp1252"),
        # browsers read a Latin-1 label as Windows-1252: 0x93/0x94 are curly quotes
        ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', "cp1252"),
        ("", "cp1252"),  # no label, not UTF-8: Windows-1252
        ('<meta charset="iso-8859-1">', "utf-8"),  # a stale label on a page saved as UTF-8
        ('<meta charset="utf-8">', "utf-8"),
    ],
)
def test_declared_and_undeclared_encodings(meta: str, encoding: str) -> None:
    data = SHORT_PAGE.format(meta=meta).encode(encoding)
    result = read_html(data, origin="page.html")
    assert isinstance(result, Article), result
    assert "Foreign Minister Joaquín Ordóñez met" in result.text
    assert "“We agreed on the rail link,” he said." in result.text
    assert "\ufffd" not in result.text


def test_utf8_byte_order_mark_is_not_text() -> None:
    data = b"\xef\xbb\xbf" + SHORT_PAGE.format(meta="").encode("utf-8")
    result = read_html(data, origin="page.html")
    assert isinstance(result, Article), result
    assert result.text.startswith("ÉVORA, Portugal — Foreign Minister")
