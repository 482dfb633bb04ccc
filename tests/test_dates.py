"""Event dates: the article's anchor date and the time expressions of an event's sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from thucydides.context.dates import article_date, resolve_event_date
from thucydides.errors import ConfigError
from thucydides.segment import Dateline, segment

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "rferl-2002-12-20-nazarbaev-moscow.txt"

FRIDAY = "2002-12-20"  # the seed article's date
MONDAY = "2002-12-16"


# -- the anchor ---------------------------------------------------------------------------


def test_article_date_prefers_published_then_dateline_then_default() -> None:
    dateline = Dateline("Prague", "2002-12-20", 0, 36)
    assert article_date(published="2002-12-21", dateline=dateline, default="2002-01-01") == (
        "2002-12-21"
    )
    assert article_date(published=None, dateline=dateline, default="2002-01-01") == "2002-12-20"
    undated = Dateline("PRAGUE", None, 0, 16)  # "PRAGUE (RFE/RL) --": no date in it
    assert article_date(published=None, dateline=undated, default="2002-01-01") == "2002-01-01"
    assert article_date(published=None, dateline=None, default=None) is None


# -- fast tests on parses built by hand ----------------------------------------------------


def parsed(
    words: list[str], heads: list[int], deps: list[str], tags: list[str], lemmas: list[str]
) -> Span:
    """Return the sentence of a Doc whose parse is given (heads are absolute token indices)."""
    pos = {"VBD": "VERB", "VB": "VERB", "VBZ": "VERB", "MD": "AUX", "NNP": "PROPN", ".": "PUNCT"}
    doc = Doc(
        spacy.blank("en").vocab,  # a bare Vocab() would leave token.lower_ empty
        words=words,
        heads=heads,
        deps=deps,
        tags=tags,
        pos=[pos.get(tag, "NOUN" if tag.startswith("NN") else "ADP") for tag in tags],
        lemmas=lemmas,
    )
    return doc[:]


def token(sentence: Span, text: str) -> Token:
    return next(t for t in sentence if t.text == text)


def met_yesterday() -> Span:
    return parsed(
        ["Ministers", "met", "yesterday", "in", "Geneva", "."],
        [1, 1, 1, 1, 3, 1],
        ["nsubj", "ROOT", "npadvmod", "prep", "pobj", "punct"],
        ["NNS", "VBD", "NN", "IN", "NNP", "."],
        ["minister", "meet", "yesterday", "in", "Geneva", "."],
    )


def will_meet_on_monday() -> Span:
    return parsed(
        ["Ministers", "will", "meet", "on", "Monday", "."],
        [2, 2, 2, 2, 3, 2],
        ["nsubj", "aux", "ROOT", "prep", "pobj", "punct"],
        ["NNS", "MD", "VB", "IN", "NNP", "."],
        ["minister", "will", "meet", "on", "Monday", "."],
    )


def test_yesterday_is_the_day_before_the_anchor() -> None:
    sentence = met_yesterday()
    assert resolve_event_date(sentence, anchor=FRIDAY, trigger=token(sentence, "met")) == (
        "2002-12-19",
        False,
    )


def test_weekday_in_a_future_clause_is_the_next_one() -> None:
    sentence = will_meet_on_monday()
    assert resolve_event_date(sentence, anchor=FRIDAY, trigger=token(sentence, "meet")) == (
        "2002-12-23",
        True,
    )


def test_sentence_without_time_words_gets_the_anchor() -> None:
    sentence = parsed(
        ["Ministers", "met", "in", "Geneva", "."],
        [1, 1, 1, 2, 1],
        ["nsubj", "ROOT", "prep", "pobj", "punct"],
        ["NNS", "VBD", "IN", "NNP", "."],
        ["minister", "meet", "in", "Geneva", "."],
    )
    assert resolve_event_date(sentence, anchor=FRIDAY) == (FRIDAY, False)
    assert resolve_event_date(sentence, anchor=None) == (None, False)


def test_relative_words_need_an_anchor() -> None:
    assert resolve_event_date(met_yesterday(), anchor=None) == (None, False)


def test_malformed_anchor_is_a_config_error_naming_the_value() -> None:
    with pytest.raises(ConfigError, match=r"'20/12/2002'.*YYYY-MM-DD"):
        resolve_event_date(met_yesterday(), anchor="20/12/2002")


# -- the real pipeline -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp() -> Language:
    from thucydides.nlp import load_pipeline

    return load_pipeline()


def resolve(
    nlp: Language, text: str, anchor: str | None, trigger: str | None = None
) -> tuple[str | None, bool]:
    sentence = next(iter(nlp(text).sents))
    found = None if trigger is None else token(sentence, trigger)
    return resolve_event_date(sentence, anchor=anchor, trigger=found)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        # deictic words
        ("Nazarbaev leaves Moscow today.", FRIDAY, (FRIDAY, False)),
        ("The ministers met yesterday in Geneva.", FRIDAY, ("2002-12-19", False)),
        ("The two presidents will sign the treaty tomorrow.", FRIDAY, ("2002-12-21", True)),
        ("The ministers met three days ago in Vienna.", FRIDAY, ("2002-12-17", False)),
        # weekdays: the latest one on or before the anchor, or the next one for the future
        ("The ministers met on Monday in Geneva.", FRIDAY, (MONDAY, False)),
        ("The ministers met on Monday in Geneva.", MONDAY, (MONDAY, False)),
        ("The ministers will meet on Monday in Geneva.", FRIDAY, ("2002-12-23", True)),
        ("The ministers will meet on Monday in Geneva.", MONDAY, ("2002-12-23", True)),
        ("The talks are scheduled for Thursday.", FRIDAY, ("2002-12-26", True)),
        # weeks: seven days either side of the anchor (week precision)
        (
            "Russian troops attacked Georgian soldiers near Gori last week.",
            FRIDAY,
            ("2002-12-13", False),
        ),
        ("The two leaders will meet again next week.", FRIDAY, ("2002-12-27", True)),
        ("Rebels shelled the town over the last week.", FRIDAY, (FRIDAY, False)),
        # named months: the first day, in the year the tense points to
        ("The treaty was signed in February.", FRIDAY, ("2002-02-01", False)),
        ("The festival is to open in February.", FRIDAY, ("2003-02-01", True)),
        ("The treaty was signed in February.", "2003-01-15", ("2002-02-01", False)),
        ("The festival will open in February.", "2003-01-15", ("2003-02-01", True)),
        ("The treaty was signed in December.", FRIDAY, (FRIDAY, False)),
        # explicit dates
        ("The two leaders met on 12 March.", FRIDAY, ("2002-03-12", False)),
        ("The two leaders will meet again on 12 March.", FRIDAY, ("2003-03-12", True)),
        ("The treaty was signed on March 12, 2003 in Ankara.", FRIDAY, ("2003-03-12", True)),
        ("The treaty was signed on 3 May 2001 in Ankara.", FRIDAY, ("2001-05-03", False)),
        ("The leaders met on Monday, December 16.", FRIDAY, (MONDAY, False)),
        ("The talks collapsed on 2002-11-03.", FRIDAY, ("2002-11-03", False)),
        # years: no day precision, the anchor is kept
        ("Bilateral trade fell by 12 percent this year.", FRIDAY, (FRIDAY, False)),
        ("Bilateral trade fell by 12 percent last year.", FRIDAY, (FRIDAY, False)),
        # no expression; words that look like dates but are not time adverbials
        ("The president visited China.", FRIDAY, (FRIDAY, False)),
        ("The president will visit China.", FRIDAY, (FRIDAY, True)),
        (
            "Putin announced that 2003 will be the year of Kazakhstan in Russia.",
            FRIDAY,
            (FRIDAY, False),
        ),
        ("The March on Washington drew thousands of marchers.", FRIDAY, (FRIDAY, False)),
        # an explicit year is enough without an anchor
        ("The treaty was signed on March 12, 2003 in Ankara.", None, ("2003-03-12", False)),
        ("The ministers met yesterday in Geneva.", None, (None, False)),
    ],
)
def test_time_expressions(
    nlp: Language, text: str, anchor: str | None, expected: tuple[str | None, bool]
) -> None:
    assert resolve(nlp, text, anchor) == expected


@pytest.mark.slow
def test_expression_attached_to_the_trigger_wins(nlp: Language) -> None:
    text = "Troops attacked the town last week, officials said on Tuesday."
    assert resolve(nlp, text, FRIDAY, trigger="attacked") == ("2002-12-13", False)
    assert resolve(nlp, text, FRIDAY, trigger="said") == ("2002-12-17", False)
    assert resolve(nlp, text, FRIDAY) == ("2002-12-13", False)  # no trigger: the first


# -- the seed article ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(nlp: Language) -> tuple[Doc, str | None]:
    if not SEED.exists():
        pytest.skip(
            f"{SEED} is absent: the research data in ../shared sits beside the checkout "
            "only in the project's workspace and CI"
        )
    text = SEED.read_text(encoding="utf-8")
    _, dateline = segment(text)
    return nlp(text), article_date(published=None, dateline=dateline, default=None)


def seed_sentence(doc: Doc, words: str) -> Span:
    return next(sentence for sentence in doc.sents if words in sentence.text)


@pytest.mark.slow
def test_seed_anchor_comes_from_the_dateline(seed: tuple[Doc, str | None]) -> None:
    _, anchor = seed
    assert anchor == "2002-12-20"


@pytest.mark.slow
def test_seed_yesterday(seed: tuple[Doc, str | None]) -> None:
    doc, anchor = seed
    sentence = seed_sentence(doc, "After the first round of negotiations yesterday")
    trigger = token(sentence, "announced")
    assert resolve_event_date(sentence, anchor=anchor, trigger=trigger) == ("2002-12-19", False)
    assert resolve_event_date(sentence, anchor=anchor) == ("2002-12-19", False)
    # the opening the announcement is about takes place in February, after the article
    date, future = resolve_event_date(sentence, anchor=anchor, trigger=token(sentence, "take"))
    assert (date, future) == ("2003-02-01", True)


@pytest.mark.slow
def test_seed_next_week_is_future(seed: tuple[Doc, str | None]) -> None:
    doc, anchor = seed
    sentence = seed_sentence(doc, "four-day official trip to China next week")
    for trigger in (None, token(sentence, "trip")):
        date, future = resolve_event_date(sentence, anchor=anchor, trigger=trigger)
        assert date is not None and date > "2002-12-20"
        assert future is True


@pytest.mark.slow
def test_seed_today(seed: tuple[Doc, str | None]) -> None:
    doc, anchor = seed
    sentence = seed_sentence(doc, "leaves Moscow today")
    assert resolve_event_date(sentence, anchor=anchor, trigger=token(sentence, "leaves")) == (
        "2002-12-20",
        False,
    )
