"""Read JSONL files (``.jsonl``, ``.jsonl.gz``): one article per line, each bad line rejected on its own.

Each line is one JSON object such as ``{"id": "a1", "text": "...", "date":
"2024-03-05", "title": ..., "url": ..., "publisher": ...}``. The text and id
fields are required, the others optional; :class:`~thucydides.ingest.fields.FieldNames`
renames the text, id and date keys. Records keep the origin ``"path:LINENO"``.
A line over ``max_bytes`` is skipped without being loaded (``TOO_LARGE``); a file
whose first bytes are binary is rejected once, as a whole.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from thucydides.ingest.checks import (
    SNIFF_BYTES,
    Problem,
    check_size,
    check_text,
    content_hash,
    decode_utf8,
    sniff_binary,
)
from thucydides.ingest.fields import (
    OPTIONAL_FIELDS,
    FieldNames,
    malformed,
    record_date,
    reject,
    text_article,
)
from thucydides.ingest.streams import READ_ERRORS, lines, open_stream, origin_name, stream_rejection
from thucydides.records import Article, Rejection, RejectReason

__all__ = ["JSONL_SUFFIXES", "read_jsonl"]

logger = logging.getLogger(__name__)

#: File name endings read as JSONL (also when followed by ``.gz``).
JSONL_SUFFIXES = frozenset({".jsonl"})


def read_jsonl(
    path: Path,
    *,
    compressed: bool,
    fields: FieldNames,
    published: str | None,
    max_bytes: int,
) -> Iterator[Article | Rejection]:
    """Yield an Article or a Rejection for every non-blank line of a JSONL file.

    ``published`` is the date of records with no date field. A file whose first
    bytes are binary (a compressed or UTF-16 file named ``.jsonl``) is rejected
    once, as a whole, rather than line by line.
    """
    origin = origin_name(path)
    try:
        source = open_stream(path, compressed=compressed)
    except OSError as exc:
        yield stream_rejection(origin, exc)
        return
    n_records = 0
    with source:
        try:
            head = source.stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # look without consuming
        except READ_ERRORS as exc:
            yield stream_rejection(origin, exc, stream=source)
            return
        problem = sniff_binary(head, name=origin)
        if problem is not None:
            yield reject(origin, problem)
            return
        numbered = lines(source.stream, max_bytes=max_bytes)
        while True:
            try:
                line = next(numbered)
            except StopIteration:
                break
            except READ_ERRORS as exc:
                yield stream_rejection(origin, exc, stream=source)
                return
            if line.data is not None and not line.data.strip():
                continue  # blank lines separate nothing and are not records
            n_records += 1
            line_origin = f"{origin}:{line.number}"
            if line.data is None:
                problem = check_size(
                    line.size,
                    max_bytes=max_bytes,
                    what="decompressed line size" if compressed else "line size",
                    fix="split or shorten this article, or raise --max-bytes",
                )
                if problem is not None:
                    yield reject(line_origin, problem)
                continue
            yield _parse_line(
                line.data, origin=line_origin, name=origin, fields=fields, published=published
            )
    if n_records == 0:
        yield Rejection(
            origin,
            RejectReason.EMPTY,
            "the JSONL file has no records (it is empty or has only blank lines); "
            "there is nothing to code",
        )


def _shape(fields: FieldNames) -> str:
    """Return the hint that shows what a good line looks like, with the field names in use."""
    example = json.dumps({fields.id: "a1", fields.text: "...", fields.date: "2024-03-05"})
    return f"each line must be one JSON object such as {example}"


def _parse_line(
    data: bytes, *, origin: str, name: str, fields: FieldNames, published: str | None
) -> Article | Rejection:
    """Return the Article in one JSONL line, or the Rejection saying what is wrong with the line.

    ``origin`` is ``"path:LINENO"``; ``name`` is the file's path, for fixes in messages.
    """
    decoded = decode_utf8(data, name=name)
    if isinstance(decoded, Problem):
        return reject(origin, decoded)
    shape = _shape(fields)
    try:
        record: Any = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return malformed(origin, f"{_json_error(exc)}; {shape}")
    except (ValueError, RecursionError) as exc:
        return malformed(origin, f"invalid JSON: {exc}; {shape}")
    if not isinstance(record, dict):
        return malformed(origin, f"the line is a JSON {_json_kind(record)}, not an object; {shape}")
    if fields.text not in record:
        return malformed(
            origin, f'missing required field "{fields.text}"; {_missing_fix(record, shape)}'
        )
    text = record[fields.text]
    if not isinstance(text, str):
        return malformed(
            origin,
            f'field "{fields.text}" must be a string, got {_json_kind(text)} {_clip(text)}; {shape}',
        )
    checked = check_text(text)
    if isinstance(checked, Problem):
        return reject(origin, checked)
    digest = content_hash(checked)
    article_id = _record_id(record, fields=fields, shape=shape)
    if isinstance(article_id, Problem):
        return reject(origin, article_id, digest)
    metadata: dict[str, str | None] = {}
    for key in OPTIONAL_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return malformed(
                origin,
                f'field "{key}" must be a string or null, got {_json_kind(value)} {_clip(value)}',
                digest,
            )
        metadata[key] = (value.strip() or None) if isinstance(value, str) else None
    date = record_date(record.get(fields.date), published=published)
    if isinstance(date, Problem):
        return reject(origin, date, digest)
    return text_article(
        checked,
        origin=origin,
        published=date,
        article_id=article_id,
        title=metadata["title"],
        url=metadata["url"],
        publisher=metadata["publisher"],
        digest=digest,
    )


def _json_error(exc: json.JSONDecodeError) -> str:
    """Say where and why a line is not JSON, and whether it looks cut short."""
    message = exc.msg[0].lower() + exc.msg[1:]
    where = f"column {exc.colno}" if message.endswith(" at") else f"at column {exc.colno}"
    at_end = exc.pos >= len(exc.doc.rstrip()) and not message.startswith("extra data")
    cut = at_end or message.startswith("unterminated string")
    hint = " (the line ends before the record does: it was cut short)" if cut else ""
    return f"invalid JSON: {message} {where}{hint}"


def _record_id(record: dict[str, Any], *, fields: FieldNames, shape: str) -> str | Problem:
    """Return a JSONL record's id as a string, or a ``MALFORMED`` problem."""
    if fields.id not in record:
        return Problem(
            RejectReason.MALFORMED,
            f'missing required field "{fields.id}"; {_missing_fix(record, shape)}',
        )
    value = record[fields.id]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return Problem(
        RejectReason.MALFORMED,
        f'field "{fields.id}" must be a non-empty string or an integer, '
        f"got {_json_kind(value)} {_clip(value)}",
    )


def _missing_fix(record: dict[str, Any], shape: str) -> str:
    """Return the fix for a missing field: the keys the record has, and the options that rename fields."""
    keys = ", ".join(_clip(key) for key in list(record)[:10]) or "none"
    return (
        f"the record's keys are {keys}; name the right ones with --text-field / --id-field, "
        f"or {shape[0].lower()}{shape[1:]}"
    )


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
