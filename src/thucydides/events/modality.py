"""Negation and modality of an event trigger, read from the dependency parse.

The clause of a trigger is the trigger itself and the verbs it hangs from
through ``xcomp``/``conj``/``acomp`` links (and, for an event noun, the verb
that governs it). Cues are looked for there only, so that "Putin announced
that 2003 will be ..." does not make the announcement future.
"""

from __future__ import annotations

import itertools

from spacy.tokens import Span, Token

from thucydides.records import Modality

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HYPOTHETICAL_AUX = frozenset(
    {"would", "could", "might", "may", "should", "can", "must", "'d", "ca"}
)
CONDITION_MARKS = frozenset({"if", "unless", "whether"})
IF_MARKS = frozenset({"if", "unless"})  # a condition proper ("whether" asks)
TIME_MARKS = frozenset({"when", "after", "before", "once", "until", "while", "as"})
FUTURE_VERBS = frozenset({"expect", "schedule", "set", "due", "plan", "slate", "intend"})
# "want to destroy", "hope to meet": a wish, not a deed
DESIRE_VERBS = frozenset({"want", "wish", "hope", "aim", "try", "seek", "like", "dream", "long"})
SPECULATIVE_WORDS = frozenset({"likely", "unlikely", "probably", "possibly", "perhaps", "maybe"})
FUTURE_TIME = (
    "next week",
    "next month",
    "next year",
    "tomorrow",
    "later this week",
    "later this month",
    "later this year",
    "coming days",
    "coming weeks",
    "coming months",
    "coming years",
)
REPORTING_VERBS = frozenset(
    {
        "say",
        "announce",
        "tell",
        "state",
        "declare",
        "add",
        "warn",
        "report",
        "insist",
        "vow",
        "confirm",
    }
)
# adverbs that put a past event before the news: "had originally pledged"
EARLIER_WORDS = frozenset({"originally", "previously", "formerly", "once", "initially"})
NEGATIONS = frozenset({"not", "n't", "never", "no"})
_CLAUSE_LINKS = frozenset({"xcomp", "conj", "acomp", "auxpass", "aux"})


def clause_verbs(trigger: Token) -> list[Token]:
    """Return the trigger and the verbs whose clause it belongs to, innermost first."""
    chain = [trigger]
    token = trigger
    if trigger.pos_ in ("NOUN", "PROPN"):  # an event noun takes the modality of its verb
        # only a verb the noun is the object of ("did not hold talks"), not one it is the
        # subject of ("the meeting is not likely to amount to much")
        while token.dep_ in ("pobj", "prep", "dobj", "compound") and token.head.i != token.i:
            token = token.head
            if token.pos_ in ("VERB", "AUX", "ADJ"):
                chain.append(token)
                break
    while token.dep_ in _CLAUSE_LINKS and token.head.i != token.i:
        token = token.head
        chain.append(token)
    return chain


def in_condition(trigger: Token) -> bool:
    """Return whether a trigger is the condition of another clause, not an event told:
    "Japan warned it would retaliate if the U.S. imposes sanctions"."""
    return any(_marked_clause(token, IF_MARKS) for token in clause_verbs(trigger))


def _marked_clause(token: Token, marks: frozenset[str]) -> bool:
    """Return whether a verb heads an adverbial clause introduced by one of ``marks``."""
    return token.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in marks for c in token.children
    )


def is_negated(trigger: Token) -> bool:
    """Return whether the event is denied ("did not meet", "no talks", "refused")."""
    for token in clause_verbs(trigger):
        for child in token.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
                return True
    return False


def modality_of(trigger: Token, sentence: Span) -> Modality:
    """Return how the sentence presents the event (asserted, future, hypothetical ...)."""
    chain = clause_verbs(trigger)
    for token in chain:
        for child in token.children:
            lower = child.lower_
            if child.dep_ == "mark" and lower in CONDITION_MARKS:
                return Modality.CONDITIONAL
            if child.dep_ in ("advmod",) and lower in SPECULATIVE_WORDS:
                return Modality.SPECULATIVE
        if _marked_clause(token, CONDITION_MARKS):
            return Modality.CONDITIONAL
    if sentence.text.rstrip().rstrip("\"”’'").endswith("?"):
        return Modality.QUESTION
    top = chain[-1]
    if (
        top.dep_ == "advcl"
        and any(c.dep_ in ("mark", "advmod") and c.lower_ in TIME_MARKS for c in top.children)
        and any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in top.head.children)
    ):
        return Modality.FUTURE  # "will explain the plan when he visits the U.S."
    for inner, outer in itertools.pairwise(chain):
        if (
            outer.lemma_ == "be"
            and inner.dep_ == "xcomp"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in inner.children)
        ):
            return Modality.FUTURE  # "Straw is to visit Thailand": a planned event
    reported = chain[-1].dep_ == "ccomp" and chain[-1].head.lemma_ in REPORTING_VERBS
    for token in chain:
        for child in token.children:
            if child.dep_ == "aux":
                lower = child.lower_
                if lower in FUTURE_AUX or (reported and lower in ("would", "'d")):
                    return Modality.FUTURE  # "said they would boycott": future in the past
                if lower in HYPOTHETICAL_AUX:
                    return Modality.HYPOTHETICAL
        if token.lemma_ in FUTURE_VERBS and token is not trigger:
            return Modality.FUTURE
        if token.lemma_ in DESIRE_VERBS and token is not trigger:
            return Modality.HYPOTHETICAL
        if token.lower_ in SPECULATIVE_WORDS:
            return Modality.SPECULATIVE
    lowered = sentence.text.lower()
    if any(phrase in lowered for phrase in FUTURE_TIME) and not _is_past(chain):
        return Modality.FUTURE
    return Modality.ASSERTED


def is_background(trigger: Token) -> bool:
    """Return whether the event is background, not news.

    Historical background ("since the collapse of ..."), and a state described in a
    present-tense relative clause ("Turkey, which occupies northern Cyprus").
    """
    for token in clause_verbs(trigger):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "since" and not _recent(child):
                return True
            if child.dep_ == "advmod" and child.lower_ in EARLIER_WORDS and _is_past([token]):
                return True  # "the government had originally pledged ..."
    return (
        trigger.dep_ == "relcl"
        and trigger.tag_ in ("VBZ", "VBP")
        and not any(c.dep_ == "aux" for c in trigger.children)
        and any(
            c.dep_ == "nsubj" and c.lower_ in ("which", "who", "that") for c in trigger.children
        )
    )


_RECENT_WORDS = frozenset(
    {"last", "this", "yesterday", "week", "weekend", "month", "monday", "tuesday", "wednesday",
     "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
     "june", "july", "august", "september", "october", "november", "december", "then"}
)  # fmt: skip


def _recent(since: Token) -> bool:
    """Return whether a "since" phrase names a recent time ("since last July"), not history.

    "since the collapse of the Soviet Union" and "since 1991" are background; a weekday,
    a month without a year or "last ..." is the span of the news itself.
    """
    words = [t for child in since.children for t in child.subtree]
    if any(t.like_num and len(t.text) == 4 for t in words):
        return False
    return any(t.lower_ in _RECENT_WORDS for t in words)


def _is_past(chain: list[Token]) -> bool:
    """Return whether the clause is in a past tense (a bare participle is not)."""
    verbs = [token for token in chain if token.pos_ in ("VERB", "AUX")]
    if not verbs:
        return False
    verb = verbs[-1]
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and any(
        (c.dep_ == "aux" and c.lemma_ == "have") or (c.dep_ == "auxpass" and c.tag_ == "VBD")
        for c in verb.children
    )  # "have met", "were shipped out"
