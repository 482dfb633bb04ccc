"""Score the coder on gold-standard sentences.

Two gold formats are read:

* ``plover``: JSON lines of the PLOVER gold standard records (``text``, ``event``
  in old or new PLOVER names, ``source``/``target`` lists of ``{code}``);
* ``petrarch``: PETRARCH validation XML (``<Sentence>`` with ``<EventCoding
  sourcecode targetcode eventcode>`` and ``<Text>``), read tolerantly because the
  files are not well-formed XML. Its gold type is the CAMEO root of ``eventcode``.

Figures, as defined in ``shared/gold/README.md``:

* **type recall**: share of records with at least one event of the gold type;
* **triple accuracy**: share of records with such an event whose source codes
  intersect the gold sources and, where the gold has a target, whose target
  codes intersect the gold targets;
* **extras per record**: events of another (non-null) type, averaged over records;
* **source / target accuracy**: among records whose type was found, the share
  with a matching source (target: among those whose gold has a target).

The PLOVER records' date is a placeholder (2000-01-01), so they are coded
without a date: people are resolved to their latest office.

Actor codes are compared at the first level: the country (ISO alpha-3) or the
international code ("IGO", "NGO", "IMG" ...).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from thucydides import ontology
from thucydides.errors import InputError
from thucydides.pipeline import Coder, make_article
from thucydides.records import Actor, Event

GOLD_FORMATS = ("plover", "petrarch")
PLOVER_PLACEHOLDER_DATE = "2000-01-01"  # the PLOVER records carry no real date: code them undated
_CODE_ALIASES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}  # non-ISO codes used in the gold files


@dataclass(frozen=True, slots=True)
class GoldRecord:
    """One gold sentence with its expected event type and actor codes."""

    record_id: str
    text: str
    date: str | None
    event_type: str
    sources: frozenset[str]
    targets: frozenset[str]


@dataclass
class RecordResult:
    """How the coder did on one gold record."""

    record: GoldRecord
    found_type: bool
    triple: bool
    source_ok: bool
    target_ok: bool
    extras: int
    emitted: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The evaluation figures, overall and per gold type."""

    records: int
    type_recall: float
    triple_accuracy: float
    extras_per_record: float
    source_accuracy: float
    target_accuracy: float
    per_type: dict[str, dict[str, float]]
    misses: list[dict[str, Any]]

    def to_dict(self, *, misses: bool = False) -> dict[str, Any]:
        """Return the report as JSON-ready values (misses only when asked)."""
        data = asdict(self)
        if not misses:
            data.pop("misses")
        return data


def read_gold(path: str | Path, *, fmt: str = "plover") -> list[GoldRecord]:
    """Read gold records from a PLOVER JSONL or PETRARCH XML file."""
    path = Path(path)
    if fmt not in GOLD_FORMATS:
        raise InputError(f"unknown gold format {fmt!r}; choose one of {GOLD_FORMATS}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read gold file {path}: {exc.strerror}") from exc
    records = list(_read_plover(text, path) if fmt == "plover" else _read_petrarch(text))
    if not records:
        raise InputError(f"no gold records found in {path} as {fmt!r}; is --format right?")
    return records


def evaluate(coder: Coder, records: Iterable[GoldRecord]) -> Report:
    """Code every gold record and compute the figures."""
    records = list(records)
    articles = [make_article(r.text, article_id=r.record_id, date=r.date) for r in records]
    results = [
        score_record(record, list(coded.events))
        for record, coded in zip(records, coder.code_articles(articles), strict=True)
    ]
    return build_report(results)


def score_record(record: GoldRecord, events: list[Event]) -> RecordResult:
    matching = [e for e in events if _type_of(e, record) == record.event_type]
    extras = sum(1 for e in events if _type_of(e, record) not in (None, record.event_type))
    source_ok = any(_codes(e.source) & record.sources for e in matching)
    target_ok = not record.targets or any(
        e.target is not None and _codes(e.target) & record.targets for e in matching
    )
    triple = any(
        _codes(e.source) & record.sources
        and (not record.targets or (e.target is not None and _codes(e.target) & record.targets))
        for e in matching
    )
    emitted = [
        f"{e.source.code} {e.cameo_code} {e.target.code if e.target else '-'} ({e.plover_type or 'statement'}, {e.modality})"
        for e in events
    ]
    return RecordResult(record, bool(matching), bool(triple), source_ok, target_ok, extras, emitted)


def _type_of(event: Event, record: GoldRecord) -> str | None:
    if record.record_id.startswith("petrarch:"):
        return event.cameo_root
    return event.plover_type


def _codes(actor: Actor) -> set[str]:
    codes = {actor.code[:3]}
    if actor.country:
        codes.add(actor.country)
    return codes


def build_report(results: list[RecordResult]) -> Report:
    n = len(results) or 1
    found = [r for r in results if r.found_type]
    with_target = [r for r in found if r.record.targets]
    by_type: dict[str, list[RecordResult]] = defaultdict(list)
    for r in results:
        by_type[r.record.event_type].append(r)
    per_type = {
        kind: {
            "records": len(rs),
            "type_recall": round(sum(r.found_type for r in rs) / len(rs), 4),
            "triple_accuracy": round(sum(r.triple for r in rs) / len(rs), 4),
            "extras_per_record": round(sum(r.extras for r in rs) / len(rs), 4),
        }
        for kind, rs in sorted(by_type.items())
    }
    misses = [
        {
            "id": r.record.record_id,
            "text": r.record.text,
            "gold": f"{sorted(r.record.sources)} {r.record.event_type} {sorted(r.record.targets) or '-'}",
            "emitted": r.emitted,
            "problem": "type not found"
            if not r.found_type
            else (
                "wrong source"
                if not r.source_ok
                else ("wrong target" if not r.target_ok else "extras")
            ),
        }
        for r in results
        if not r.triple or r.extras
    ]
    return Report(
        records=len(results),
        type_recall=round(len(found) / n, 4),
        triple_accuracy=round(sum(r.triple for r in results) / n, 4),
        extras_per_record=round(sum(r.extras for r in results) / n, 4),
        source_accuracy=round(sum(r.source_ok for r in found) / (len(found) or 1), 4),
        target_accuracy=round(sum(r.target_ok for r in with_target) / (len(with_target) or 1), 4),
        per_type=per_type,
        misses=misses,
    )


def _actor_codes(value: object) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    codes = set()
    for actor in value:
        if isinstance(actor, dict) and isinstance(actor.get("code"), str) and actor["code"]:
            code = actor["code"][:3].upper()
            codes.add(_CODE_ALIASES.get(code, code))
    return frozenset(codes)


def _read_plover(text: str, path: Path) -> Iterator[GoldRecord]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}, line {number}: not JSON ({exc.msg}); is this a PLOVER JSONL file?"
            ) from exc
        yield GoldRecord(
            record_id=str(row.get("id", number)),
            text=row["text"],
            date=None if row.get("date") == PLOVER_PLACEHOLDER_DATE else row.get("date") or None,
            event_type=ontology.normalize_plover(row["event"]),
            sources=_actor_codes(row.get("source")),
            targets=_actor_codes(row.get("target")),
        )


_SENTENCE = re.compile(
    r"<Sentence\b([^>]*)>(.*?)</Sentence>|<Sentence\b([^>]*?)/>(.*?)(?=<Sentence\b|</Sentences>|\Z)",
    re.S,
)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CODING = re.compile(r"<EventCoding\b([^>]*)/?>")
_TEXT = re.compile(r"<Text>\s*(.*?)\s*</Text>", re.S)


def _read_petrarch(text: str) -> Iterator[GoldRecord]:
    for match in _SENTENCE.finditer(text):
        attrs = dict(_ATTR.findall(match.group(1) or match.group(3) or ""))
        body = match.group(2) or match.group(4) or ""
        found = _TEXT.search(body)
        codings = [dict(_ATTR.findall(c)) for c in _CODING.findall(body)]
        codings = [c for c in codings if ontology.is_valid(c.get("eventcode", "").strip())]
        if not found or not codings or attrs.get("evaluate", "true") == "false":
            continue
        sentence = " ".join(found.group(1).split())
        date = attrs.get("date", "")
        iso = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if re.fullmatch(r"\d{8}", date) else None
        first = codings[0]
        code = ontology.lookup(first["eventcode"].strip())
        yield GoldRecord(
            record_id=f"petrarch:{attrs.get('id', '?')}",
            text=sentence,
            date=iso,
            event_type=code.root,
            sources=frozenset(
                _petrarch_code(c.get("sourcecode", ""))
                for c in codings
                if c.get("eventcode", "").strip()[:2] == code.root
            )
            - {""},
            targets=frozenset(
                _petrarch_code(c.get("targetcode", ""))
                for c in codings
                if c.get("eventcode", "").strip()[:2] == code.root
            )
            - {"", "---"},
        )


def _petrarch_code(code: str) -> str:
    code = code.strip()[:3].upper()
    return _CODE_ALIASES.get(code, code)


def summary_lines(report: Report) -> Iterator[str]:
    """Yield a short human-readable summary of a report."""
    yield f"records            {report.records}"
    yield f"type recall        {report.type_recall:.3f}"
    yield f"triple accuracy    {report.triple_accuracy:.3f}"
    yield f"extras per record  {report.extras_per_record:.3f}"
    yield f"source accuracy    {report.source_accuracy:.3f}"
    yield f"target accuracy    {report.target_accuracy:.3f}"
