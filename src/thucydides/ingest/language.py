"""Tell English articles from articles in other languages, cheaply, before any parsing.

Thucydides codes English news: its spaCy pipeline, verb lexicon and actor
dictionaries are English. :func:`check_language` returns a ``NOT_ENGLISH``
problem for an article that is confidently in another language, so that it is
rejected with a reason instead of producing nonsense events.

The cascade for one text, in order (only the first :data:`SAMPLE_CHARS`
characters are looked at):

1. fewer than :data:`MIN_LETTERS` letters, or
   digits over 15% of letters and digits  -> kept: too short, or a table of
                                              figures (whose few words fool any
                                              detector), so not judged
2. English function words ("the", "of", "said" …) are at least 15% of the
   words                                   -> kept: plainly English, and no
   model needs to be loaded or run (most English news stops here)
3. lingua, restricted to :data:`NEWS_LANGUAGES`, scores the sample; when its
   best language is not English with a confidence of at least
   :data:`REJECT_CONFIDENCE`               -> ``NOT_ENGLISH``, naming the
   language and the confidence
4. otherwise                               -> kept (number tables, mixed or
   uncertain text are given the benefit of the doubt)

The lingua detector is built once per process, on first use: loading its models
takes a few seconds, after which judging one article takes about a millisecond.
"""

from __future__ import annotations

import functools
import logging
import re

from lingua import ConfidenceValue, Language, LanguageDetector, LanguageDetectorBuilder

from thucydides.ingest.checks import Problem
from thucydides.records import RejectReason

__all__ = [
    "MIN_LETTERS",
    "NEWS_LANGUAGES",
    "REJECT_CONFIDENCE",
    "SAMPLE_CHARS",
    "check_language",
    "detect_language",
]

logger = logging.getLogger(__name__)

#: How many leading characters of an article are judged: a lead paragraph or two.
SAMPLE_CHARS = 2000

#: Texts with fewer letters than this are not judged (and are kept).
MIN_LETTERS = 60

#: Confidence (0–1) the detector must have in a non-English language to reject.
REJECT_CONFIDENCE = 0.9

#: The languages the detector chooses among: English and the common languages of
#: world news. A language outside the set is scored as its nearest member, which
#: is still not English, so it is rejected all the same.
NEWS_LANGUAGES: frozenset[Language] = frozenset(
    {
        Language.ENGLISH,
        Language.GERMAN,
        Language.FRENCH,
        Language.SPANISH,
        Language.PORTUGUESE,
        Language.ITALIAN,
        Language.DUTCH,
        Language.SWEDISH,
        Language.POLISH,
        Language.RUSSIAN,
        Language.UKRAINIAN,
        Language.ARABIC,
        Language.PERSIAN,
        Language.TURKISH,
        Language.INDONESIAN,
        Language.CHINESE,
        Language.JAPANESE,
        Language.KOREAN,
    }
)

# Words frequent in any English prose and rare as words of the other news languages
# ("is", "was", "will", "in", "a" and "so" are left out: Dutch, German, Spanish and
# Italian use them too). In English news they make up 20–35% of the words.
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "that",
        "for",
        "with",
        "said",
        "have",
        "had",
        "were",
        "been",
        "from",
        "this",
        "which",
        "their",
        "they",
        "his",
        "her",
        "its",
        "not",
        "but",
        "who",
        "by",
        "at",
        "it",
        "be",
        "has",
        "would",
    ]
)
_PLAINLY_ENGLISH_SHARE = 0.15
# Results tables, price lists and weather reports are mostly figures; prose has a few percent.
_MAX_DIGIT_SHARE = 0.15
_WORD = re.compile(r"[^\W\d_]+")

_FIX = "Thucydides codes English news; translate it first or pass --no-language-check"


def check_language(text: str) -> Problem | None:
    """Return a ``NOT_ENGLISH`` problem when ``text`` is confidently not English, else ``None``.

    Short texts, plainly English texts and uncertain verdicts all give ``None``:
    an article is only rejected when the detector is sure (see the module docstring).
    """
    verdict = detect_language(text)
    if verdict is None:
        return None
    language, confidence = verdict
    if language == Language.ENGLISH or confidence < REJECT_CONFIDENCE:
        return None
    return Problem(
        RejectReason.NOT_ENGLISH,
        f"detected {_language_name(language)} ({confidence:.2f}); {_FIX}",
    )


def detect_language(text: str) -> tuple[Language, float] | None:
    """Return the language of ``text`` and the confidence in it, or ``None`` when too short to judge.

    Tables of figures are not judged either. Plainly English text is answered
    (English, 1.0) from its function words, without running the model; anything
    else is scored by lingua.
    """
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample.lower())
    n_letters = sum(len(word) for word in words)
    if n_letters < MIN_LETTERS:
        return None
    n_digits = sum(1 for char in sample if char.isdigit())
    if n_digits > _MAX_DIGIT_SHARE * (n_letters + n_digits):
        return None
    n_function = sum(1 for word in words if word in _ENGLISH_FUNCTION_WORDS)
    if n_function >= _PLAINLY_ENGLISH_SHARE * len(words):
        return Language.ENGLISH, 1.0
    values: list[ConfidenceValue] = _detector().compute_language_confidence_values(sample)
    if not values:
        return None
    best = values[0]
    return best.language, best.value


@functools.cache
def _detector() -> LanguageDetector:
    """Build the lingua detector for :data:`NEWS_LANGUAGES` (once per process)."""
    logger.debug("building the language detector for %d languages", len(NEWS_LANGUAGES))
    return LanguageDetectorBuilder.from_languages(*NEWS_LANGUAGES).build()


def _language_name(language: Language) -> str:
    """Return a lingua language as people write it ("German")."""
    return language.name.replace("_", " ").title()
