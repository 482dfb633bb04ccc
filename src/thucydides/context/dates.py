"""Date an event: the article's date, and the time expressions of the event's sentence.

:func:`article_date` picks the date every relative expression is read against
(the *anchor*): the input's publication date, else the dateline's, else the
user's default. :func:`resolve_event_date` then reads the sentence of one event:

1. a cheap regular-expression prefilter: a sentence with no weekday, month,
   digit or relative word ("today", "week", "ago" ...) is never looked at again;
2. time expressions are found by pattern (not by the NER's ``DATE`` entities,
   which in the small pipelines mix dates with durations such as "two-day" and
   with subjects such as "2003 will be the year of ..."); expressions that are
   the subject or predicate of their clause are not time adverbials and are dropped;
3. the expression attached in the dependency tree to the trigger's clause wins,
   else the sentence's first one;
4. deictic and relative expressions are resolved by calendar arithmetic on the
   anchor; explicit dates ("12 March", "March 12, 2003") are parsed by
   ``dateparser`` (one parser for the process, created on first use, results
   cached), and a missing year is chosen from the tense of the clause.

Precision is not returned; the day given stands for a coarser span:

- "last week"/"next week": the anchor minus/plus seven days (week precision);
- "this week", "this month", "this year", "last year", "next year", "earlier
  this year" ...: the anchor itself (no day precision);
- a named month ("in February") and "last month"/"next month": the first day of
  that month, except the anchor's own month, which gives the anchor;
- "N days/weeks/months/years ago": the anchor moved back by that much.

A weekday or a date without a year in a clause that is neither past nor future
("meets on Monday") is read as past, the usual case in news reports. Numeric
dates such as "12/03/2003" are not read (day-month order is ambiguous); ISO
dates ("2003-03-12") are. Bare years ("in 2003") are not time expressions here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from spacy.tokens import Span, Token

from thucydides.errors import ConfigError
from thucydides.events.modality import FUTURE_AUX, FUTURE_VERBS, clause_verbs
from thucydides.segment import Dateline

if TYPE_CHECKING:
    from dateparser.date import DateDataParser  # type: ignore[import-untyped]

__all__ = ["article_date", "is_history", "resolve_event_date"]

logger = logging.getLogger(__name__)

Direction = Literal["past", "future", "neutral"]

# The year dateparser fills in when the text gives none: a leap year, so that
# "29 February" parses; the real year is chosen afterwards from the clause's tense.
_BASE_YEAR = 2000

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_MONTH_ANY = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"\d{4}(?!\d)"
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

# Cheap test run before anything else: every expression below contains one of these.
_PREFILTER = re.compile(
    r"\d|\b(?i:today|tonight|yesterday|tomorrow|morning|afternoon|evening|night|weeks?|months?"
    r"|years?|ago)\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)

# One alternation, tried left to right at each position; longer forms come first.
# Month and weekday names must be capitalised ("may", "march" are also words);
# everything else is matched without regard to case.
_EXPRESSION = re.compile(
    rf"""
    (?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)
  | (?P<dmy>(?:{_WEEKDAY},?\s+)?\b{_DAY}\s+(?i:of\s+)?{_MONTH_ANY}(?!\w)(?:,?\s+{_YEAR})?)
  | (?P<mdy>(?:{_WEEKDAY},?\s+)?\b{_MONTH_ANY}\s+{_DAY}(?:,?\s+{_YEAR})?)
  | (?P<my>\b{_MONTH_FULL}\s+(?i:of\s+)?{_YEAR})
  | (?P<ago>\b(?i:(?P<count>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+
        (?P<ago_unit>day|week|month|year)s?\s+ago)\b)
  | (?P<rel>\b(?i:(?P<rel_mod>last|next|this|earlier\s+this|later\s+this)\s+
        (?P<rel_unit>week|month|year))\b)
  | (?P<deictic>\b(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow
        |(?:earlier\s+|later\s+)?today|tonight|yesterday|tomorrow|last\s+night
        |this\s+(?:morning|afternoon|evening))\b)
  | (?P<weekday>\b(?:(?P<wd_mod>(?i:last|next|this))\s+)?(?P<wd_name>{_WEEKDAY})(?!s\b)\b)
  | (?P<month>\b(?:(?P<month_mod>(?i:last|next|this))\s+)?(?P<month_name>{_MONTH_FULL})\b)
    """,
    re.VERBOSE,
)

# A bare month name counts only after one of these words ("in February", "early
# March"); "the March on Washington" and "May" the verb do not.
_MONTH_LEAD = re.compile(
    r"\b(?:in|since|by|until|till|during|early|late|mid|of|from|before|after|through|"
    r"between|and|or|to|last|next|this)[\s-]*$",
    re.IGNORECASE,
)
# "over the last week", "in the next month": spans ending or starting at the anchor.
_SPAN_LEAD = re.compile(r"\bthe\s*$", re.IGNORECASE)
# How many characters before an expression the two patterns above are run on: the
# word they look for is the one right before it.
_LEAD_WINDOW = 24

# Dependency roles in which a time expression is a participant, not the event's time
# ("2003 will be the year of ...", "the year was a breakthrough").
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "attr"})

_DEICTIC_OFFSETS = {
    "the day before yesterday": -2,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "the day after tomorrow": 2,
}


@dataclass(frozen=True, slots=True)
class _Expression:
    """A time expression: its span in the doc and its resolved date (``None`` if unreadable)."""

    span: Span
    date: dt.date | None
    forward: bool  # the words themselves point ahead ("next week", "tomorrow")


def article_date(
    *, published: str | None, dateline: Dateline | None, default: str | None
) -> str | None:
    """Return the article's date (YYYY-MM-DD): the one events are dated against.

    The first that is given wins: ``published`` (the input's metadata, a JSONL
    ``date``, an HTML page's publication date), the dateline's full date, then
    ``default`` (the user's ``--date``). ``None`` when none gives a date.
    """
    if published:
        return published
    if dateline is not None and dateline.date:
        return dateline.date
    return default or None


def resolve_event_date(
    sentence: Span, *, anchor: str | None, trigger: Token | None = None
) -> tuple[str | None, bool]:
    """Return the date (YYYY-MM-DD) of the event in ``sentence`` and whether it is in the future.

    ``anchor`` is the article's date (see :func:`article_date`); relative
    expressions cannot be resolved without it, so only an explicit date with a
    year is read when it is ``None``. ``trigger`` is the event's trigger: the
    time expression attached to its clause is preferred to the sentence's first.
    With no time expression, the date is the anchor. ``is_future`` is true when
    the date is after the anchor, the expression points ahead ("next week",
    "tomorrow"), or the event's clause is future ("will", "is to", "planned",
    "scheduled", "expected") -- also when the sentence has no time expression.
    A malformed ``anchor`` raises :class:`~thucydides.errors.ConfigError`.
    """
    anchor_day = _parse_anchor(anchor)
    event_clause = clause_verbs(trigger) if trigger is not None else [sentence.root]
    clause_future = _is_future_clause(event_clause, trigger)
    text = sentence.text
    if _PREFILTER.search(text) is None:
        return anchor, clause_future
    expressions = [e for e in _expressions(sentence, text, anchor_day) if e.date is not None]
    if not expressions:
        return anchor, clause_future
    chosen = _choose(expressions, trigger, event_clause)
    assert chosen.date is not None  # filtered above
    is_future = clause_future or chosen.forward
    if anchor_day is not None and chosen.date > anchor_day:
        is_future = True
    return chosen.date.isoformat(), is_future


HISTORY_DAYS = 400  # an event dated further back than this is history, not the news


def is_history(trigger: Token | None, *, anchor: str | None, date: str | None) -> bool:
    """Return whether an event is historical background rather than news.

    "Britain invaded Iraq two years ago", "in 1997 he banned beef on the bone": the
    event's own date (or an "in YEAR" on its clause) lies more than about a year
    before the article's. Without an article date nothing is history.
    """
    anchor_day = _parse_anchor(anchor)
    if anchor_day is None:
        return False
    if date is not None and dt.date.fromisoformat(date) < anchor_day - dt.timedelta(
        days=HISTORY_DAYS
    ):
        return True
    if trigger is None:
        return False
    if _of_a_past_year(trigger, anchor_day):
        return True  # "the 1981 Brixton riots", "the 1969 tribunal set up to investigate"
    for verb in clause_verbs(trigger):
        if verb.dep_ in ("relcl", "advcl") and _past_year(verb.head, anchor_day):
            return True  # "until 1995, when he resigned"
        for child in verb.children:
            # "in 1997", "during 1998", "back in 1992", "in the autumn of 1978"
            if child.dep_ == "prep" and child.lower_ in ("in", "during"):
                if any(_past_year(t, anchor_day) for t in _time_phrase(child)):
                    return True
            elif child.dep_ == "advmod" and child.lower_ in ("back", "as", "way"):
                for prep in child.children:
                    if (
                        prep.dep_ == "prep"
                        and prep.lower_ in ("in", "during", "early")
                        and any(_past_year(t, anchor_day) for t in _time_phrase(prep))
                    ):
                        return True
    return False


def _of_a_past_year(trigger: Token, anchor_day: dt.date) -> bool:
    """Return whether an event noun, or the noun a trigger's clause describes, is dated by
    a past year written on it ("the 1981 riots", "the 1969 tribunal set up to ...")."""
    noun = trigger
    while noun.pos_ not in ("NOUN", "PROPN") and noun.dep_ in ("acl", "relcl", "xcomp", "advcl"):
        noun = noun.head
    if noun.pos_ not in ("NOUN", "PROPN"):
        return False
    return any(
        c.dep_ in ("nummod", "compound", "amod", "nmod") and _past_year(c, anchor_day)
        for c in noun.children
    )


def _time_phrase(prep: Token) -> list[Token]:
    """Return the objects of a time phrase and of its "of" phrases ("the autumn of 1978")."""
    found: list[Token] = []
    for obj in (c for c in prep.children if c.dep_ == "pobj"):
        found.append(obj)
        for of in obj.children:
            if of.dep_ == "prep" and of.lower_ == "of":
                found.extend(g for g in of.children if g.dep_ == "pobj")
    return found


def _past_year(token: Token, anchor_day: dt.date) -> bool:
    """Return whether a token is a year more than a year before the article's."""
    return (
        len(token.text) == 4
        and token.text.isdigit()
        and 1800 <= int(token.text) < anchor_day.year - 1
    )


def _parse_anchor(anchor: str | None) -> dt.date | None:
    """Return the anchor as a date; raise ConfigError when it is not YYYY-MM-DD."""
    if anchor is None:
        return None
    try:
        return dt.date.fromisoformat(anchor)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"the anchor date {anchor!r} is not a calendar day written YYYY-MM-DD ({exc}); "
            "pass the article's date as e.g. 2002-12-20, or None when it is unknown"
        ) from exc


def _choose(
    expressions: list[_Expression], trigger: Token | None, clause: list[Token]
) -> _Expression:
    """Return the expression attached to the trigger's clause, else the first."""
    if trigger is not None:
        members = {token.i for token in clause}
        for expression in expressions:
            governor = _governor(expression.span, trigger)
            if governor.i == trigger.i or governor.i in members:
                return expression
    return expressions[0]


def _governor(span: Span, trigger: Token | None) -> Token:
    """Return the verb (or the trigger) that the expression hangs from in the parse."""
    token = span.root
    while token.head.i != token.i:
        token = token.head
        if token.pos_ in ("VERB", "AUX") or (trigger is not None and token.i == trigger.i):
            return token
    return token


def _expressions(sentence: Span, text: str, anchor: dt.date | None) -> Iterable[_Expression]:
    """Yield the sentence's time expressions, in order, resolved against ``anchor``."""
    doc = sentence.doc
    for match in _EXPRESSION.finditer(text):
        kind = match.lastgroup
        before = text[max(0, match.start() - _LEAD_WINDOW) : match.start()]
        if kind == "month" and not _MONTH_LEAD.search(before) and not match.group("month_mod"):
            continue
        if kind in ("rel", "weekday", "month") and _SPAN_LEAD.search(before):
            modifier = match.group("rel_mod") or match.group("wd_mod") or match.group("month_mod")
            if modifier and modifier.lower() in ("last", "next"):
                continue  # "over the last week" is a span, not a point in time
        span = doc.char_span(
            sentence.start_char + match.start(),
            sentence.start_char + match.end(),
            alignment_mode="expand",
        )
        if span is None or span.root.dep_ in _ARGUMENT_DEPS:
            continue
        direction = _clause_direction(span)
        date, forward = _resolve(match, anchor, direction)
        logger.debug("time expression %r -> %s (%s clause)", match.group(), date, direction)
        yield _Expression(span, date, forward)


def _resolve(
    match: re.Match[str], anchor: dt.date | None, direction: Direction
) -> tuple[dt.date | None, bool]:
    """Return the date a matched expression stands for and whether its words point ahead."""
    kind = match.lastgroup
    if kind in ("iso", "dmy", "mdy", "my"):
        return _explicit(match.group(), anchor, direction), False
    if anchor is None:
        return None, False
    if kind == "deictic":
        words = " ".join(match.group().lower().split())
        offset = _DEICTIC_OFFSETS.get(words, 0)
        return anchor + dt.timedelta(days=offset), offset > 0 or words.startswith("later")
    if kind == "ago":
        return _ago(match.group("count").lower(), match.group("ago_unit").lower(), anchor), False
    if kind == "rel":
        return _relative(
            " ".join(match.group("rel_mod").lower().split()),
            match.group("rel_unit").lower(),
            anchor,
        )
    if kind == "weekday":
        modifier = (match.group("wd_mod") or "").lower()
        weekday = _WEEKDAYS.index(match.group("wd_name").lower())
        return _weekday(weekday, modifier, anchor, direction), modifier == "next"
    if kind == "month":
        modifier = (match.group("month_mod") or "").lower()
        month = _MONTHS.index(match.group("month_name").lower()) + 1
        if modifier in ("last", "next"):  # "last February", "next December": never this one
            direction = "past" if modifier == "last" else "future"
            return _month(month, anchor, direction, strict=True), modifier == "next"
        return _month(month, anchor, direction, strict=False), False
    return None, False


def _explicit(text: str, anchor: dt.date | None, direction: Direction) -> dt.date | None:
    """Parse an explicit date with dateparser; choose the year from the tense when none is written."""
    parsed = _parse_explicit(text)
    if parsed is None:
        return None
    day, period = parsed
    if period == "month":
        day = day.replace(day=1)
    if re.search(r"\d{4}", text):
        return day
    if anchor is None:
        return None
    return _nearest_year(day.month, day.day, anchor, direction)


@functools.lru_cache(maxsize=4096)
def _parse_explicit(text: str) -> tuple[dt.date, str] | None:
    """Return the day and period ("day" or "month") dateparser reads in ``text``, else ``None``."""
    data = _parser().get_date_data(text)
    if data.date_obj is None or data.period not in ("day", "month"):
        return None
    value: dt.datetime = data.date_obj
    return value.date(), str(data.period)


@functools.cache
def _parser() -> DateDataParser:
    """Return the process's one English date parser (slow to build: about 0.1-0.3 s)."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(_BASE_YEAR, 1, 1),
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _nearest_year(month: int, day: int, anchor: dt.date, direction: Direction) -> dt.date:
    """Return month/day in the year that puts it on or before the anchor (past) or on or after it (future)."""
    options = [
        _safe_date(year, month, day) for year in (anchor.year - 1, anchor.year, anchor.year + 1)
    ]
    if direction == "future":
        return min(option for option in options if option >= anchor)
    return max(option for option in options if option <= anchor)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    """Return the date, with 29 February moved to the 28th in a common year."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _ago(count: str, unit: str, anchor: dt.date) -> dt.date | None:
    """Return the anchor moved back ``count`` units ("three days ago")."""
    amount = int(count) if count.isdigit() else _NUMBER_WORDS.get(count)
    if amount is None:
        return None
    if unit == "day":
        return anchor - dt.timedelta(days=amount)
    if unit == "week":
        return anchor - dt.timedelta(days=7 * amount)
    if unit == "month":
        return _add_months(anchor, -amount)
    return _safe_date(anchor.year - amount, anchor.month, anchor.day)


def _relative(modifier: str, unit: str, anchor: dt.date) -> tuple[dt.date, bool]:
    """Resolve "last/next/this/earlier this/later this week|month|year"."""
    forward = modifier in ("next", "later this")
    if modifier in ("this", "earlier this", "later this") or unit == "year":
        return anchor, forward  # the current span, or a year: no day precision
    step = 1 if modifier == "next" else -1
    if unit == "week":
        return anchor + dt.timedelta(days=7 * step), forward
    return _add_months(anchor, step).replace(day=1), forward


def _weekday(weekday: int, modifier: str, anchor: dt.date, direction: Direction) -> dt.date:
    """Return the weekday's date: on or before the anchor (past), or the next one after it (future)."""
    back = (anchor.weekday() - weekday) % 7
    if modifier == "last":
        return anchor - dt.timedelta(days=back or 7)
    if modifier == "next" or direction == "future":
        return anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
    return anchor - dt.timedelta(days=back)


def _month(month: int, anchor: dt.date, direction: Direction, *, strict: bool) -> dt.date:
    """Return the first day of the named month nearest the anchor in the clause's direction.

    The anchor's own month gives the anchor, unless ``strict`` ("last/next
    December" in December) asks for the year before or after.
    """
    if month == anchor.month and not strict:
        return anchor
    if direction == "future":
        year = anchor.year if month > anchor.month else anchor.year + 1
    else:
        year = anchor.year if month < anchor.month else anchor.year - 1
    return dt.date(year, month, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return _safe_date(year, month + 1, day.day)


def _clause_direction(span: Span) -> Direction:
    """Return the tense of the clause the expression hangs from: past, future or neither."""
    governor = _governor(span, None)
    clause = clause_verbs(governor)
    if _is_future_clause(clause, None):
        return "future"
    if _is_past_clause(clause):
        return "past"
    return "neutral"


def _is_future_clause(clause: list[Token], trigger: Token | None) -> bool:
    """Return whether the clause speaks of the future ("will", "is to", "planned", "scheduled")."""
    for token in clause:
        if trigger is not None and token.i == trigger.i and token.lemma_ in FUTURE_VERBS:
            continue  # "they planned the attack": the planning itself is the event
        if token.lemma_ in FUTURE_VERBS and token.pos_ in ("VERB", "ADJ", "AUX"):
            return True
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in FUTURE_AUX:
                return True
        # "was to take place", "is going to visit": an infinitive hanging from be/going
        if any(child.dep_ == "aux" and child.lower_ == "to" for child in token.children) and (
            token.head.lemma_ == "be" or token.head.lower_ == "going"
        ):
            return True
    return False


def _is_past_clause(clause: list[Token]) -> bool:
    """Return whether the clause is in a past tense ("met", "was signed", "has met")."""
    for token in clause:
        if token.tag_ == "VBD":
            return True
        for child in token.children:
            if child.dep_ in ("aux", "auxpass") and child.tag_ == "VBD":
                return True
            if token.tag_ == "VBN" and child.dep_ == "aux" and child.lemma_ == "have":
                return True
    return False
