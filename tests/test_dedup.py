"""Tests for thucydides.ingest.dedup: syndicated copies of one wire story are coded once."""

from __future__ import annotations

import csv
import itertools

import pytest

from tests.support import shared_file
from thucydides.errors import ConfigError
from thucydides.ingest.checks import content_hash
from thucydides.ingest.dedup import MIN_WORDS, NearDuplicates
from thucydides.records import Article, Rejection, RejectReason

# An invented wire story (about 245 words). It is longer than a brief because a
# 5-word shingle set is strict: in a 150-word story, one dropped sentence plus two
# small edits already bring the Jaccard similarity down to about 0.86.
REUTERS = (
    "GENEVA, May 14 (Reuters) - The foreign ministers of Armenia and Azerbaijan met in Geneva "
    "on Tuesday for a third round of talks on a peace treaty and agreed to set up a joint "
    "commission to mark the border between the two countries, Swiss officials said.\n"
    "The two ministers shook hands before the cameras but took no questions. In a joint "
    "statement read by a Swiss diplomat, they said the commission would hold its first meeting "
    "within a month and would report to both governments by the end of the year.\n"
    '"We have not solved everything, but we have agreed on how to solve the rest," the Armenian '
    "minister told reporters later outside the Palais des Nations. His Azerbaijani counterpart "
    "said the talks had been frank and that his government would consult parliament before "
    "any treaty was signed.\n"
    "Negotiators from both sides will stay in Geneva until Friday to draft the rules of the "
    "commission. Diplomats said the hardest questions, including the status of several villages "
    "along the frontier and the use of roads that cross it, had been left for the commission "
    "itself. Talks on a peace treaty began two years ago and stalled twice last year after "
    "clashes along the border killed soldiers on both sides.\n"
    "Russia and the United States both welcomed the meeting. A spokesman for the European Union "
    "said the bloc was ready to send experts to help the commission with maps and surveys.\n"
    "(Reporting by Anna Keller; Editing by Mark Dunn)\n"
)

# The same story as another agency would run it: its own dateline, "Tuesday" without
# "on", curly quotes and an em dash, and no credit line at the end.
AP = (
    REUTERS.replace("(Reuters) -", "(AP) —")
    .replace("on Tuesday", "Tuesday")
    .replace('"We have', "“We have")
    .replace('the rest,"', "the rest,”")
    .replace("(Reporting by Anna Keller; Editing by Mark Dunn)\n", "")
)

# A later story on the same talks: same actors and place, different wording and events.
FOLLOW_UP = (
    "GENEVA, May 17 (Reuters) - Armenian and Azerbaijani negotiators ended three days of "
    "meetings in Geneva on Friday without agreeing on how the new border commission will take "
    "its decisions, and said they would meet again in Vienna in June.\n"
    "Officials from Yerevan wanted every decision of the commission to be unanimous, while "
    "Baku proposed that disputed sections go to outside arbitration, according to two people "
    "who attended. Neither delegation commented in public.\n"
    "Swiss mediators said progress had been made on the first stretch of the frontier to be "
    "surveyed, near the northern town of Ijevan, and that engineers could start work there "
    "in the summer if the weather allows.\n"
)

UNRELATED = (
    "NAIROBI, May 14 (Reuters) - Kenya's central bank held its benchmark lending rate at 12 "
    "percent on Tuesday, saying inflation had eased for a fourth month in a row as food and "
    "fuel prices fell, and that the shilling had steadied against the dollar.\n"
    "Governor Kamau Thugge told a news conference that the bank expected growth of about 5.2 "
    "percent this year, helped by a strong harvest and by tourism, but warned that high "
    "interest payments on public debt would leave the treasury little room to spend.\n"
    "Analysts polled before the meeting had mostly expected no change. Some said the bank "
    "could begin to cut rates in the second half if inflation kept falling.\n"
)

SHORT = (
    "Armenia and Azerbaijan agreed on Tuesday to set up a border commission, Swiss officials said."
)


def _article(article_id: str, text: str) -> Article:
    return Article(article_id, text, content_hash(text), origin=f"wire/{article_id}.txt")


def test_the_stories_differ_as_intended() -> None:
    assert AP != REUTERS
    assert "(AP) —" in AP and "“We have" in AP and "on Tuesday" not in AP
    assert "Reporting by" not in AP
    assert 230 <= len(REUTERS.split()) <= 260


def test_a_syndicated_copy_is_rejected_naming_the_first() -> None:
    dedup = NearDuplicates()
    assert dedup.check(_article("reuters-1", REUTERS)) is None
    rejection = dedup.check(_article("ap-1", AP))
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.DUPLICATE
    assert rejection.origin == "wire/ap-1.txt"
    assert rejection.content_hash == content_hash(AP)
    assert rejection.detail.startswith("near-duplicate of article reuters-1 (estimated Jaccard 0.")
    assert rejection.detail.endswith(" over 5-word shingles); it is not coded again")
    # Only the kept article is remembered.
    assert len(dedup) == 1


def test_the_verdict_and_its_estimate_are_the_same_in_every_run() -> None:
    # The MinHash permutations are seeded and shingles are hashed with SHA-1, not
    # Python's salted hash(): this exact message comes out of every process.
    expected = (
        "near-duplicate of article reuters-1 (estimated Jaccard 0.97 over 5-word shingles); "
        "it is not coded again"
    )
    details = []
    for _ in range(2):
        dedup = NearDuplicates()
        dedup.check(_article("reuters-1", REUTERS))
        rejection = dedup.check(_article("ap-1", AP))
        assert rejection is not None
        details.append(rejection.detail)
    assert details == [expected, expected]


def test_an_exact_copy_and_a_reformatted_copy_are_rejected() -> None:
    dedup = NearDuplicates()
    dedup.check(_article("reuters-1", REUTERS))
    reformatted = REUTERS.upper().replace("\n", "\n\n").replace(",", " ,")
    for article_id, text in (("copy", REUTERS), ("shouting", reformatted)):
        rejection = dedup.check(_article(article_id, text))
        assert rejection is not None
        assert "(estimated Jaccard 1.00 over 5-word shingles)" in rejection.detail


def test_the_first_seen_version_wins() -> None:
    dedup = NearDuplicates()
    assert dedup.check(_article("ap-1", AP)) is None
    rejection = dedup.check(_article("reuters-1", REUTERS))
    assert rejection is not None
    assert "near-duplicate of article ap-1 " in rejection.detail


def test_unrelated_and_follow_up_stories_are_kept() -> None:
    dedup = NearDuplicates()
    assert dedup.check(_article("reuters-1", REUTERS)) is None
    assert dedup.check(_article("follow-up", FOLLOW_UP)) is None
    assert dedup.check(_article("kenya", UNRELATED)) is None
    assert len(dedup) == 3
    # Each is still remembered: its own copy is caught.
    rejection = dedup.check(_article("kenya-again", UNRELATED.replace("Tuesday", "Wednesday")))
    assert rejection is not None
    assert "near-duplicate of article kenya " in rejection.detail


def test_short_texts_are_never_judged_or_remembered() -> None:
    dedup = NearDuplicates()
    for article_id in ("short-1", "short-2", "short-3"):
        assert dedup.check(_article(article_id, SHORT)) is None
    assert len(dedup) == 0


def test_the_short_text_limit_is_min_words() -> None:
    words = UNRELATED.split()
    too_short = " ".join(words[: MIN_WORDS - 1])
    just_enough = " ".join(words[:MIN_WORDS])
    dedup = NearDuplicates()
    assert dedup.check(_article("a", too_short)) is None
    assert dedup.check(_article("b", too_short)) is None
    assert dedup.check(_article("c", just_enough)) is None
    assert dedup.check(_article("d", just_enough)) is not None


def test_origin_falls_back_to_the_article_id() -> None:
    dedup = NearDuplicates()
    dedup.check(Article("reuters-1", REUTERS, content_hash(REUTERS)))
    rejection = dedup.check(Article("ap-1", AP, content_hash(AP)))
    assert rejection is not None
    assert rejection.origin == "ap-1"


def test_a_lower_threshold_catches_looser_copies() -> None:
    # Three of the six paragraphs, reordered: an exact Jaccard of 0.44, no copy at 0.85.
    paragraphs = REUTERS.split("\n")
    rearranged = "\n".join([paragraphs[0], paragraphs[4], paragraphs[1]])
    strict = NearDuplicates()
    strict.check(_article("reuters-1", REUTERS))
    assert strict.check(_article("rearranged", rearranged)) is None
    loose = NearDuplicates(threshold=0.3)
    loose.check(_article("reuters-1", REUTERS))
    assert loose.check(_article("rearranged", rearranged)) is not None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 0.0}, "threshold must be a Jaccard similarity in (0, 1], got 0.0"),
        ({"threshold": 1.5}, "got 1.5"),
        ({"num_perm": 8}, "num_perm must be at least 16"),
        ({"shingle": 0}, "shingle must be a positive number of words, got 0"),
    ],
)
def test_unusable_options_are_config_errors(options: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        NearDuplicates(**options)  # type: ignore[arg-type]


@pytest.mark.slow
def test_bbc_news_has_a_few_stable_near_duplicates() -> None:
    path = shared_file("corpora/bbc-news/train.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in itertools.islice(csv.DictReader(handle), 2000)]
    dedup = NearDuplicates()
    rejections: dict[int, Rejection] = {}
    for row, text in enumerate(texts):
        rejection = dedup.check(_article(f"bbc-train-{row}", text))
        if rejection is not None:
            rejections[row] = rejection
    # The file has 1,557 rows. 47 are exact repeats of an earlier row; the other 23
    # repeat an earlier story with a new headline or a small edit (one, row 1334,
    # at an exact Jaccard of 0.81, just under the threshold, let in by the estimate).
    assert len(texts) == 1557
    assert len(rejections) == 70, sorted(rejections)
    assert len(dedup) == len(texts) - len(rejections)
    assert all(r.reason is RejectReason.DUPLICATE for r in rejections.values())
    # "Capriati to miss Melbourne" came back as "Capriati out of Australian Open".
    assert "near-duplicate of article bbc-train-811 " in rejections[1339].detail
    # "Nintendo DS aims to touch gamers" came back without its first word.
    assert "near-duplicate of article bbc-train-47 " in rejections[215].detail
