"""Read one news article out of an HTML page, leaving the page furniture behind.

The cascade for one page's bytes, in order:

1. over ``max_bytes``                       -> ``TOO_LARGE``
2. no bytes, a binary signature, NUL bytes  -> ``EMPTY`` / ``BINARY`` (the shared checks)
3. decode: UTF-8 when the bytes are valid UTF-8, else the charset the page
   declares (``<meta charset>``, ``http-equiv``, ``<?xml encoding>``), else
   Windows-1252; labels that browsers read as Windows-1252 (ISO-8859-1,
   US-ASCII) are read so too
4. trafilatura finds the main text, title, site name, URL and publication date
   (htmldate, from the page's metadata only); menus, "Accessibility links",
   banners, captions, related links, comments, tables and footers are left out.
   An error inside the extractor                    -> ``MALFORMED``
5. nothing a reader would call article text: no paragraph of three or more
   words ending like a sentence                     -> ``EMPTY``, unless the page
   has prose but nests deeper than the 256 levels the HTML parser keeps, which
   dropped it                                       -> ``MALFORMED``

The text keeps one paragraph per block, separated by a blank line, as plain-text
articles are written, so that :func:`thucydides.segment.segment` treats both the
same way; its id and hash are made as for plain text (the start of, and the whole,
SHA-256 of the text), so the same article read from HTML or from text is one article.
"""

from __future__ import annotations

import codecs
import logging
import re

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
import trafilatura
from trafilatura.settings import Document

from thucydides.errors import ConfigError
from thucydides.ingest.checks import (
    Problem,
    check_text,
    content_hash,
    format_size,
    normalise_date,
    one_line,
    sniff_binary,
)
from thucydides.records import Article, Rejection, RejectReason
from thucydides.segment import segment

__all__ = ["DEFAULT_MAX_BYTES", "HTML_SUFFIXES", "read_html"]

logger = logging.getLogger(__name__)

#: Largest page accepted by default (markup included): the readers' per-article limit.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: File name endings read as HTML pages.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

# A declared charset sits in the page's head; 4 KiB is where browsers stop looking too.
_DECLARATION_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")
# What browsers (the WHATWG Encoding Standard) decode as Windows-1252 whatever the label.
_READ_AS_CP1252 = frozenset({"iso8859-1", "ascii", "cp1252"})  # Python codec names
_MARKUP = re.compile(r"<\s*[A-Za-z!?/]")
# libxml2's HTML parser (lxml, under trafilatura) keeps 256 levels of nesting and drops
# what lies deeper; a tree that reaches them has most likely lost content.
_PARSER_DEPTH = 255
_TAG = re.compile(r"<[^>]*>")

_DATE_SEARCH = {
    # Metadata only: the extensive search reads dates out of the visible text and
    # link URLs, and on a section front it picks a teaser's date as the page's.
    "extensive_search": False,
    "original_date": True,  # the publication date, not the last modification
    "outputformat": "%Y-%m-%d",
    "min_date": "1900-01-01",  # htmldate's default floor (1995) would drop older archives
}

_NO_TEXT_FIX = (
    "pass the article's own page (not a section front, search result, login or error page), "
    "or save the article text as a .txt file"
)


def read_html(
    data: bytes,
    *,
    origin: str,
    url: str | None = None,
    default_date: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article | Rejection:
    """Return the Article in an HTML page's bytes, or the Rejection saying why there is none.

    ``origin`` names the page in records and messages (a path, a URL); ``url`` is
    the page's address when known, and helps the extractor (else the page's
    canonical link is used). ``default_date`` (YYYY-MM-DD) is the publication date
    when the page's metadata gives none. Bad pages never raise; bad options
    (``default_date``, ``max_bytes``) raise :class:`~thucydides.errors.ConfigError`.
    """
    fallback_date = _check_options(default_date=default_date, max_bytes=max_bytes)
    if len(data) > max_bytes:
        return _reject(
            origin,
            Problem(
                RejectReason.TOO_LARGE,
                f"the HTML page is {format_size(len(data))}, over the {format_size(max_bytes)} "
                "limit per article; save the article alone or raise --max-bytes",
            ),
        )
    if not data.strip():
        return _reject(
            origin,
            Problem(RejectReason.EMPTY, "the HTML page is empty; there is nothing to code"),
        )
    problem = sniff_binary(data, name=origin)
    if problem is not None:
        return _reject(origin, problem)
    markup, encoding = _decode(data)
    logger.debug("decoded %s as %s", origin, encoding)
    if _MARKUP.search(markup) is None:
        return _reject(
            origin,
            Problem(
                RejectReason.MALFORMED,
                "the file has no HTML markup at all, so it is not an HTML page; "
                "if it is plain text, name it .txt so that it is read as text",
            ),
        )
    try:
        document = trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
            date_extraction_params=_DATE_SEARCH,
        )
    # trafilatura runs lxml, htmldate, justext and readability on arbitrary markup, and
    # their failures have many types; each is this page's fault, so the page is rejected
    # (with the error in the record) and the batch goes on.
    except Exception as exc:
        logger.debug("extraction failed on %s", origin, exc_info=True)
        return _reject(
            origin,
            Problem(
                RejectReason.MALFORMED,
                f"the HTML page could not be parsed ({type(exc).__name__}: {_shorten(str(exc))}); "
                "check that the file is a complete HTML page, or save the article text as .txt",
            ),
        )
    if not isinstance(document, Document) or not document.text:
        if _lost_to_depth(markup):
            return _reject(
                origin,
                Problem(
                    RejectReason.MALFORMED,
                    f"the HTML page nests its elements more than {_PARSER_DEPTH} levels deep "
                    "(tags left open, or a broken page generator), and the HTML parser drops "
                    "whatever lies deeper, so no article text was left; close the page's tags, "
                    "or save the article text as a .txt file",
                ),
            )
        return _reject(
            origin,
            Problem(
                RejectReason.EMPTY,
                "no article text found in the HTML page: the extractor found no main content "
                f"among the menus and links; {_NO_TEXT_FIX}",
            ),
        )
    checked = check_text(_paragraphs(document.text))
    if isinstance(checked, Problem) or not _has_prose(checked):
        return _reject(
            origin,
            Problem(
                RejectReason.EMPTY,
                "no article text found in the HTML page: the main content has no sentence "
                f"(only {_clip(document.text)}); {_NO_TEXT_FIX}",
            ),
        )
    digest = content_hash(checked)
    return Article(
        article_id=digest[:16],
        text=checked,
        content_hash=digest,
        title=_field(document.title),
        url=_field(document.url) or url,
        publisher=_field(document.sitename),
        published=_page_date(document.date, origin=origin) or fallback_date,
        origin=origin,
    )


def _check_options(*, default_date: str | None, max_bytes: int) -> str | None:
    """Return the checked default date; raise ConfigError for an unusable option."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(
            f"max_bytes must be a positive whole number of bytes, got {max_bytes!r}; "
            f"the default is {DEFAULT_MAX_BYTES} ({format_size(DEFAULT_MAX_BYTES)})"
        )
    if default_date is None:
        return None
    checked = normalise_date(default_date)
    if isinstance(checked, Problem):
        raise ConfigError(f"the default date is unusable: {checked.detail}")
    return checked


def _decode(data: bytes) -> tuple[str, str]:
    """Return the page as text and the name of the encoding used."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8 (BOM)"
    try:
        # Valid UTF-8 with any non-ASCII byte is almost never another encoding, whatever
        # the page declares (pages saved as UTF-8 often keep an old Latin-1 label).
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_encoding(data[:_DECLARATION_BYTES])
    for encoding in (declared, "cp1252"):
        if encoding is None:
            continue
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            logger.debug("the bytes are not valid %s", encoding)
    # cp1252 leaves five bytes undefined; a stray one should not cost the article.
    return data.decode(declared or "cp1252", errors="replace"), f"{declared or 'cp1252'} (lossy)"


def _declared_encoding(head: bytes) -> str | None:
    """Return the Python codec of the charset the page declares, or ``None``."""
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        logger.debug("unknown charset label %r", label)
        return None
    if name in _READ_AS_CP1252:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None  # bytes readable as ASCII cannot be UTF-16; the label is wrong
    return name


def _lost_to_depth(markup: str) -> bool:
    """Return whether the page has prose but nests deeper than the HTML parser reads.

    Called only when the extractor found nothing, to tell such a page from one that
    has no article in it.
    """
    if not _has_prose(_paragraphs(_TAG.sub("\n", markup))):
        return False
    try:
        tree = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):  # empty, or a str with an encoding declaration
        return False
    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest >= _PARSER_DEPTH


def _paragraphs(text: str) -> str:
    """Return the extracted text with one paragraph per block, blank lines between."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _has_prose(text: str) -> bool:
    """Return whether the text has a paragraph worth coding (the segmenter's "body")."""
    blocks, _ = segment(text)
    return any(block.kind == "body" for block in blocks)


def _page_date(value: str | None, *, origin: str) -> str | None:
    """Return the page's publication date as YYYY-MM-DD, or ``None`` if it has none usable."""
    if not value:
        return None
    checked = normalise_date(value)
    if isinstance(checked, Problem):
        logger.debug("ignoring the publication date of %s: %s", origin, checked.detail)
        return None
    return checked


def _field(value: str | None) -> str | None:
    """Return a metadata value stripped, or ``None`` when it is missing or blank."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def _clip(text: str, limit: int = 60) -> str:
    """Return the start of ``text`` on one line, quoted, for a message."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _shorten(message: str, limit: int = 200) -> str:
    """Return a message on one line, cut to ``limit`` characters."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _reject(origin: str, problem: Problem) -> Rejection:
    """Turn a problem into a Rejection of ``origin``, its message kept on one printable line."""
    detail = one_line(problem.detail)
    logger.debug("rejected %s (%s): %s", origin, problem.reason, detail)
    return Rejection(origin, problem.reason, detail)
