"""Read the phrases, codes and dates of dictionary files as news writes them.

A dictionary phrase ("VLADIMIR_PUTIN_", "SECRETARY_GENERAL_OF_THE_UNITED_NATIONS") becomes the
surfaces our case-sensitive matcher indexes ("Vladimir Putin", and "UN Secretary General" as a
guessed capital form for non-people); a date restriction (">000507", "990809-000507") becomes
an ISO (start, end) span.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, timedelta

OPEN_START = "0001-01-01"

CODE = re.compile(r"[A-Z0-9]{3,}")
BRACKETS = re.compile(r"\[([^\]]*)\]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PAREN = re.compile(r"\(([^)]*)\)?")


def wordset(text: str) -> frozenset[str]:
    """Return the set of the space-separated words of ``text``."""
    return frozenset(text.split())


PARTICLES = wordset("of the and for in on at to a an de del della di da das dos du des la le "
                    "van von der den bin ibn al el y e")  # fmt: skip


def phrase_words(phrase: str) -> list[str]:
    """Split a dictionary phrase into upper-case words, without quotes or a trailing acronym.

    "GUINEA_(BISSAU)" keeps its parenthesis as words; "ALF" in "ANIMAL_LIBERATION_FRONT_(ALF)"
    is an acronym (see :func:`name_acronyms`); an unclosed "(ACTING" is dropped.
    """
    phrase = phrase.replace('"', "").replace("`", "'")
    acronyms = set(name_acronyms(phrase))
    phrase = _PAREN.sub(
        lambda m: (
            f" {m.group(1)} " if m.group(0).endswith(")") and m.group(1) not in acronyms else " "
        ),
        phrase,
    )
    return [word for word in re.split(r"[_\s]+", phrase.upper()) if word.strip(",.")]


def name_acronyms(phrase: str) -> list[str]:
    """Return the acronyms in parentheses that start like the name: "ARMY_(AA)" → AA."""
    first = re.split(r"[_\s(]+", re.sub(r"^(?:THE[_\s]+)", "", phrase.strip().upper()))[0]
    return [m for m in _PAREN.findall(phrase) if first and m[:1] == first[0]
            and re.fullmatch(r"[A-Z][A-Z.&-]{1,9}", m)]  # fmt: skip


@functools.lru_cache(maxsize=1 << 16)
def capitalise(word: str) -> str:
    """Capitalise an upper-case word as news writes it ("O'BRIEN" → "O'Brien")."""
    if any(c.isdigit() for c in word) or ("." in word and max(map(len, word.split("."))) <= 1):
        return word  # "U.N.", "V.", "A.G.", "4TH"
    parts = []
    for part in word.split("-"):
        pieces = part.lower().split("'")
        part = "'".join(p.capitalize() if i == 0 or len(p) > 1 else p for i, p in enumerate(pieces))
        parts.append(
            "Mc" + part[2].upper() + part[3:] if part[:2] == "Mc" and len(part) > 3 else part
        )
    return "-".join(parts)


def surface_forms(words: list[str], *, person: bool) -> tuple[list[str], list[str]]:
    """Return the surfaces to index a phrase under, and guessed capital forms (for non-people)."""
    if not words:
        return [], []
    caps = [
        w.lower() if i and w.lower() in PARTICLES else capitalise(w) for i, w in enumerate(words)
    ]
    forms = [" ".join(caps)]
    if caps[0] == "The" and len(caps) > 1:
        forms.append(" ".join(caps[1:]))
    forms.append(re.sub(r"(?<= )(al|el) (\S)", r"\1-\2", forms[0]))  # "Bashar al-Assad"
    if person and "-" in forms[0]:
        forms.append(re.sub(r"-(\w)", lambda m: "-" + m.group(1).lower(), forms[0]))  # Ki-moon
    shouts = []
    if not person and len(words) == 1 and words[0].isalpha() and len(words[0]) <= 6:
        if len(words[0]) <= 3:
            forms = [words[0]]  # "UN", "IRA": an acronym, never "Un"
        shouts.append(words[0])  # "NATO", "UNICEF" as well as "Nato"
    elif not person:
        short = [w if len(w) <= 3 and w.isalpha() and w.lower() not in PARTICLES else c
                 for w, c in zip(words, caps, strict=True)]  # fmt: skip
        shouts.append(" ".join(short))  # "UN Secretary General"
    forms = list(dict.fromkeys(forms))
    return forms, [s for s in dict.fromkeys(shouts) if s not in forms]


@functools.lru_cache(maxsize=1 << 16)
def _date(text: str) -> date:
    """Parse YYMMDD (00-30 → 20xx) or YYYYMMDD; a day past the month's end is its last day."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError(f"date {text!r} is neither YYMMDD nor YYYYMMDD")
    if len(text) == 6:
        text = str(int(text[:2]) + (2000 if int(text[:2]) <= 30 else 1900)) + text[2:]
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not 1 <= month <= 12 or day < 1 or year < 1:
        raise ValueError(f"date {text!r} has no such month or day")
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def date_span(spec: str, *, exclusive_end: bool) -> tuple[str, str | None]:
    """Turn ">d", "<d", "d-d" or "d" (from) into (start, end) ISO dates, end inclusive."""
    spec = re.sub(r"\s+", "", spec)
    back = timedelta(days=1 if exclusive_end else 0)
    if spec.startswith("<"):
        return OPEN_START, (_date(spec[1:]) - back).isoformat()
    if "-" not in spec:
        return _date(spec.lstrip(">")).isoformat(), None
    first, _, last = spec.partition("-")
    start, end = _date(first.lstrip(">")), _date(last)
    if end < start:
        raise ValueError(f"range {spec!r} ends before it starts")
    return start.isoformat(), max(start, end - back).isoformat()
