"""Build Articles and Rejections from what a reader found, the same way for every format.

Structured inputs (JSONL objects, CSV rows) name their article text, id and date
in fields; :class:`FieldNames` says which (``--text-field``, ``--id-field``,
``--date-field``; by default ``text``, ``id`` and ``date``). The optional
metadata fields ``title``, ``url`` and ``publisher`` keep their names.

An article without an id of its own gets the start of its content hash, so the
same text gets the same id whatever file it came from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from thucydides.errors import ConfigError
from thucydides.ingest.checks import Problem, content_hash, normalise_date, one_line
from thucydides.records import Article, Rejection, RejectReason

__all__ = [
    "DEFAULT_DATE_FIELD",
    "DEFAULT_ID_FIELD",
    "DEFAULT_TEXT_FIELD",
    "OPTIONAL_FIELDS",
    "FieldNames",
    "malformed",
    "record_date",
    "reject",
    "text_article",
]

logger = logging.getLogger(__name__)

#: Metadata fields read, when present, from JSONL objects and CSV columns of these names.
OPTIONAL_FIELDS = ("title", "url", "publisher")

#: The default field names: ``--text-field``, ``--id-field`` and ``--date-field`` change them.
DEFAULT_TEXT_FIELD = "text"
DEFAULT_ID_FIELD = "id"
DEFAULT_DATE_FIELD = "date"

_HASH_ID_CHARS = 16


@dataclass(frozen=True, slots=True)
class FieldNames:
    """The names of the text, id and date fields of structured inputs (JSONL keys, CSV columns)."""

    text: str = DEFAULT_TEXT_FIELD
    id: str = DEFAULT_ID_FIELD
    date: str = DEFAULT_DATE_FIELD

    def __post_init__(self) -> None:
        for option, value, example in (
            ("text", self.text, "body"),
            ("id", self.id, "doc_id"),
            ("date", self.date, "published"),
        ):
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    f"the {option} field name must be a non-empty string, got {value!r}; "
                    f"pass the name of the column or key that holds the {option}, "
                    f"e.g. --{option}-field {example}"
                )
        if len({self.text, self.id, self.date}) < 3:
            raise ConfigError(
                f"the text, id and date fields must be three different names, got "
                f"text={self.text!r}, id={self.id!r}, date={self.date!r}; "
                "check --text-field, --id-field and --date-field"
            )

    def is_default_id(self) -> bool:
        """Return whether the id field has its default name (so that its absence is no mistake)."""
        return self.id == DEFAULT_ID_FIELD

    def is_default_date(self) -> bool:
        """Return whether the date field has its default name."""
        return self.date == DEFAULT_DATE_FIELD


def text_article(
    text: str,
    *,
    origin: str,
    published: str | None,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    publisher: str | None = None,
    digest: str | None = None,
) -> Article:
    """Build the Article for checked text; without an ``article_id`` its id is the start of its hash."""
    digest = digest or content_hash(text)
    return Article(
        article_id=article_id or digest[:_HASH_ID_CHARS],
        text=text,
        content_hash=digest,
        title=title,
        url=url,
        publisher=publisher,
        published=published,
        origin=origin,
    )


def record_date(value: object, *, published: str | None) -> str | Problem | None:
    """Return a record's date field as YYYY-MM-DD, ``published`` when it is blank, or a problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return published
    return normalise_date(value)


def reject(origin: str, problem: Problem, digest: str | None = None) -> Rejection:
    """Turn a check's problem into a Rejection of ``origin``, its message kept on one printable line."""
    detail = one_line(problem.detail)
    logger.debug("rejected %s (%s): %s", origin, problem.reason, detail)
    return Rejection(origin, problem.reason, detail, digest)


def malformed(origin: str, detail: str, digest: str | None = None) -> Rejection:
    """Return a ``MALFORMED`` Rejection of ``origin``."""
    return reject(origin, Problem(RejectReason.MALFORMED, detail), digest)
