"""Write events for people and programs: JSON lines, CSV or a readable table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from thucydides.records import Event, Quote

FORMATS = ("jsonl", "csv", "table")

CSV_COLUMNS = (
    "event_id", "article_id", "sentence_index", "date",
    "source_code", "source_country", "source_sectors", "source_name", "source_text",
    "cameo_code", "cameo_root", "cameo_name", "plover_type", "quad_class", "goldstein",
    "target_code", "target_country", "target_sectors", "target_name", "target_text",
    "negated", "modality", "trigger", "trigger_start", "trigger_end", "sentence",
    "goldstein_table", "quad_class_scheme",
)  # fmt: skip


def flat_row(event: Event) -> dict[str, Any]:
    """Return one event as a flat row (the CSV columns)."""
    row: dict[str, Any] = {
        "event_id": event.event_id,
        "article_id": event.article_id,
        "sentence_index": event.sentence_index,
        "date": event.date or "",
        "cameo_code": event.cameo_code,
        "cameo_root": event.cameo_root,
        "cameo_name": event.cameo_name,
        "plover_type": event.plover_type or "",
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "negated": event.negated,
        "modality": str(event.modality),
        "trigger": event.evidence.trigger,
        "trigger_start": event.evidence.start,
        "trigger_end": event.evidence.end,
        "sentence": event.evidence.sentence,
        "goldstein_table": event.goldstein_table,
        "quad_class_scheme": event.quad_class_scheme,
    }
    for side, actor in (("source", event.source), ("target", event.target)):
        row[f"{side}_code"] = actor.code if actor else ""
        row[f"{side}_country"] = (actor.country or "") if actor else ""
        row[f"{side}_sectors"] = ";".join(actor.sectors) if actor else ""
        row[f"{side}_name"] = (actor.name or "") if actor else ""
        row[f"{side}_text"] = actor.text if actor else ""
    return row


def write_jsonl(events: Iterable[Event], stream: TextIO) -> int:
    """Write one JSON object per event; return how many were written."""
    count = 0
    for event in events:
        stream.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(events: Iterable[Event], stream: TextIO, *, header: bool = True) -> int:
    """Write events as CSV with the columns in :data:`CSV_COLUMNS`."""
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    count = 0
    for event in events:
        writer.writerow(flat_row(event))
        count += 1
    return count


QUOTE_FIELDS = (
    "article_id", "kind", "text", "start", "end",
    "speaker_words", "speaker_code", "speaker_country", "speaker_name",
)  # fmt: skip


def quote_row(quote: Quote) -> dict[str, Any]:
    """Return one quote as a flat row (the columns of :data:`QUOTE_FIELDS`)."""
    speaker = quote.speaker
    return {
        "article_id": quote.article_id,
        "kind": quote.kind,
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "speaker_words": quote.speaker_text,
        "speaker_code": speaker.code if speaker else None,
        "speaker_country": speaker.country if speaker else None,
        "speaker_name": speaker.name if speaker else None,
    }
