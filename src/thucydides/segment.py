"""Split an article into blocks worth coding, and find its dateline.

News text scraped from the web carries page furniture ("Accessibility links",
"Breaking News"), headlines and a dateline ("Prague, 20 December 2002 (RFE/RL) --").
None of these are sentences that report events: furniture and headlines are
kept out of coding, and the dateline is cut off the paragraph it opens (its date
is the article's date when the input gives none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_BLOCK = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_SENTENCE_END = re.compile(r"""[.!?]["'”’)\]]*\s*$""")
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:\d{{1,2}}\s{_MONTHS},?\s\d{{4}}|{_MONTHS}\s\d{{1,2}}(?:,?\s\d{{4}})?)"
DATELINE = re.compile(
    rf"""^(?P<place>[A-Z][A-Za-z.'\- ]{{1,40}}?)       # city, possibly upper case
        (?:,\s*(?P<date>{_DATE}))?                      # date
        \s*(?:\((?P<agency>[A-Za-z/.&\- ]{{2,30}})\))?  # (Reuters), (RFE/RL)
        \s*(?:--|—|–|-)\s+""",
    re.VERBOSE,
)
_DATE_FORMATS = (
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d",
    "%b %d",
)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of the article: its offsets and whether to code it."""

    start: int
    end: int
    text: str
    kind: str  # "body" | "headline" | "furniture"


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline found at the head of a paragraph."""

    place: str
    date: str | None  # YYYY-MM-DD when the dateline gives a full date
    start: int
    end: int


def segment(text: str) -> tuple[list[Block], Dateline | None]:
    """Return the article's blocks (furniture and headlines marked) and its dateline."""
    blocks: list[Block] = []
    dateline: Dateline | None = None
    for match in _BLOCK.finditer(text):
        start, end = match.start(), match.end()
        chunk = match.group()
        stripped = chunk.strip()
        if not stripped:
            continue
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if dateline is None:
            found = _dateline(text[start:end], start)
            if found is not None:
                dateline = found
                start = found.end
        blocks.append(Block(start, end, text[start:end], _kind(text[start:end])))
    return blocks, dateline


def _kind(block: str) -> str:
    words = block.split()
    if _SENTENCE_END.search(block) and len(words) >= 3:
        return "body"
    if len(words) <= 3:
        return "furniture"
    return "headline"


def _dateline(block: str, offset: int) -> Dateline | None:
    match = DATELINE.match(block)
    if match is None or not (match.group("date") or match.group("agency")):
        return None
    if len(match.group("place").split()) > 4:
        return None
    return Dateline(
        match.group("place").strip(), _parse_date(match.group("date")), offset, offset + match.end()
    )


def _parse_date(raw: str | None) -> str | None:
    if not raw:
        return None
    cleaned = re.sub(r"\s+", " ", raw.replace(".", "")).strip()
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        if "%Y" not in fmt:
            return None  # a dateline without a year cannot date the article on its own
        return parsed.date().isoformat()
    return None
