"""Find what an article quotes and who said it, one paragraph at a time.

A ``direct`` :class:`~thucydides.records.Quote` is the words between quote marks
(``"..."``, ``“...”``, ``‘...’``), over one or more sentences, bracketed insertions
kept, marks left out. An ``indirect`` one is reported speech: "X said (that) CLAUSE",
"CLAUSE, X added, CLAUSE" or "CLAUSE, according to X". A direct quote's speaker
comes from the first rule that gives one:

1. a speech verb next to the marks: ``He said: "..."``, ``"...," he said``,
   ``"...," said Malgin``, ``"...," according to X``;
2. a speech verb outside the marks that governs the quoted words in the parse
   (``Putin said it is "an important factor ..."``);
3. for a quote with no attribution of its own: the sentence before it in the
   paragraph (its speech verb's subject, else its subject when that is one named
   actor), then the latest speaker earlier in the paragraph;
4. for a quote that opens a paragraph: the previous paragraph's speaker, when that
   paragraph's last sentence had an attributed quote or a speech verb.

Speakers are resolved by the article's ``DocumentResolver`` ("he", "the Kazakh
president"), except that "he"/"she" speaking in or just after a sentence where
someone spoke is that speaker, not the latest person named in the speech. A subject
naming several actors gives one quote per actor. Reported speech is given once: a
clause that is all direct quote, or that sits in a clause already reported, is not.

Not quotes, so not returned: fewer than ``MIN_WORDS`` marked words unless they stand
as a whole utterance next to a speech verb (``"No," he said``), since "breakthrough
year" or "knots" are the writer's words held at a distance; and names, every word
capitalised ("Year of Kazakhstan in Russia"). ‘...’ needs rule 1 or 2, as ’ is also
the apostrophe; straight single quotes are not read. Every other quote is returned,
with speaker ``None`` when no rule names one.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from thucydides.actors.resolve import DocumentResolver
from thucydides.records import Actor, Quote

# The lexicon's "say" frame (predicates.csv) plus reporting verbs that code no event
# of their own. Cognition verbs (believe, think, expect) are left out on purpose: they
# report an opinion the writer ascribes, not words someone spoke.
SPEECH_VERBS = frozenset(
    {"say", "tell", "announce", "state", "declare", "add", "note", "stress", "emphasize",
     "emphasise", "reiterate", "insist", "claim", "predict", "warn", "argue", "explain",
     "remark", "comment", "acknowledge", "admit", "assert", "contend", "agree", "reply",
     "respond", "answer", "ask", "write", "report", "confirm", "deny", "complain", "recall",
     "observe", "suggest", "concede", "caution", "promise", "vow", "estimate", "conclude"}
)  # fmt: skip
MIN_WORDS = 4  # fewer marked words are a scare quote unless a speech verb is adjacent
_FUNCTION_WORDS = frozenset({"of", "in", "the", "and", "for", "on", "to", "a", "an", "at", "de"})
_LEAD_SKIP = frozenset({":", ",", "--", "—", "–", "that"})
_OPEN_BEFORE = " \t\n([“—–-/"  # what may stand before an opening mark
_CLOSE_AFTER = ".,;:!?)]—–-'’"  # what may follow a closing mark
_SPEAKING_PRONOUNS = frozenset({"he", "she"})
_TRAIL_WINDOW = 6  # tokens between a closing mark and its speech verb ("the Kazakh president said")


@dataclass(frozen=True, slots=True)
class _Marked:
    """Quoted words found by their marks, as character offsets in the block."""

    open: int  # the opening mark
    start: int  # the first quoted character
    end: int  # after the last quoted character
    close: int | None  # the closing mark; None when the quote runs to the paragraph's end
    single: bool


@dataclass(frozen=True, slots=True)
class _Speaker:
    """Who an attribution names: the resolved actors and the words used."""

    actors: tuple[Actor, ...]
    text: str | None  # None when no subject was found ("it was said")
    position: int  # block offset of the attribution, to order speakers
    named: bool = False  # the subject is a name, resolved or not ("Mr Howard")


@dataclass
class _Paragraph:
    """What the finder knows while it reads one paragraph."""

    doc: Doc
    resolver: DocumentResolver
    base: int
    marked: list[_Marked]
    carry: _Speaker | None  # the previous paragraph's last speaker
    spoken: dict[int, _Speaker] = field(default_factory=dict)  # speech verb index → speaker
    history: list[_Speaker] = field(default_factory=list)  # speakers named, in text order

    def remember(self, speaker: _Speaker) -> None:
        if speaker.text is not None:
            bisect.insort(self.history, speaker, key=lambda s: s.position)

    def speaker_before(self, start: int, end: int) -> _Speaker | None:
        """Return the latest speaker named between two offsets, resolved or not."""
        found = [s for s in self.history if start <= s.position < end]
        return found[-1] if found else None


class QuoteFinder:
    """Find direct quotes and reported speech in paragraphs, with their speakers.

    Call :meth:`find` once per paragraph, in reading order. The finder remembers the
    last paragraph's speaker (rule 4) for as long as the same resolver and article id
    are passed, so use one finder per stream of articles, not one per thread.
    """

    def __init__(self, *, speech_verbs: frozenset[str] = SPEECH_VERBS) -> None:
        self.speech_verbs = speech_verbs
        self._article: tuple[DocumentResolver, str] | None = None
        self._carry: _Speaker | None = None

    def find(
        self, doc: Doc, resolver: DocumentResolver, *, article_id: str, base: int
    ) -> list[Quote]:
        """Return the quotes of one paragraph in text order.

        ``resolver`` must already have read every sentence of ``doc``; ``base`` is the
        paragraph's offset in the article, added to every offset returned.
        """
        if self._article != (resolver, article_id):  # a new article: nothing carries over
            self._article = (resolver, article_id)
            self._carry = None
        para = _Paragraph(doc, resolver, base, _marked_spans(doc.text), self._carry)
        for verb in doc:  # speech verbs outside the marks, in order: a speaker may be "he"
            if self._is_speech(verb) and not _inside(verb.idx, para.marked):
                para.spoken[verb.i] = speaker = self._speaker_of(verb, para)
                para.remember(speaker)
        quotes: list[Quote] = []
        direct: list[tuple[_Marked, _Speaker]] = []
        for mark in para.marked:
            found = self._direct_speaker(para, mark)
            if found is None:
                continue  # a scare quote or a name, by the module's rules
            direct.append((mark, found))
            para.remember(found)
            text = doc.text[mark.start : mark.end]
            quotes.extend(_quotes(article_id, text, base + mark.start, "direct", found))
        quotes.extend(self._indirect(para, article_id, [m for m, _ in direct]))
        self._carry = _last_speaker(para, direct)
        return sorted(quotes, key=lambda q: (q.start, q.kind))

    # -- direct quotes ----------------------------------------------------------------

    def _direct_speaker(self, para: _Paragraph, mark: _Marked) -> _Speaker | None:
        """Return the quote's speaker (maybe with no actors), or None when it is no quote."""
        doc = para.doc
        span = doc.char_span(mark.start, mark.end, alignment_mode="expand")
        if span is None:
            return None
        words = [t for t in span if not (t.is_punct or t.is_space)]
        if not words:
            return None
        adjacent = self._adjacent(para, mark)
        if len(words) < MIN_WORDS:
            # short marked words are a quote only as a whole utterance next to its verb
            # (""No," he said"), not as a phrase inside a sentence ("said "knots" of")
            return adjacent if adjacent is not None and _complete(doc.text, mark) else None
        if len(words) > 1 and all(t.is_title or t.lower_ in _FUNCTION_WORDS for t in words):
            return None  # a name or title in quote marks
        if adjacent is not None:
            return adjacent
        for token in span:  # a speech verb outside the marks that governs the quoted words
            for ancestor in token.ancestors:
                if ancestor.i in para.spoken:
                    return para.spoken[ancestor.i]
        unattributed = _Speaker((), None, mark.open)
        if mark.single:
            return None  # ‘...’ without an attribution is too likely apostrophes
        if not doc.text[: mark.open].strip():
            return para.carry or unattributed
        before = _token_before(doc, mark.open)
        if before is None:
            return unattributed
        lead_in = before.sent
        speaker = para.speaker_before(lead_in.start_char, mark.open)
        if speaker is not None:
            return speaker
        subject = next((c for c in lead_in.root.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            actors = para.resolver.resolve(subject)
            if len(actors) == 1 and actors[0].name:
                return _Speaker(actors, _phrase(subject), subject.idx, named=True)
        return para.speaker_before(0, mark.open) or unattributed

    def _adjacent(self, para: _Paragraph, mark: _Marked) -> _Speaker | None:
        """Return the speaker a speech verb right next to the marks names (rule 1)."""
        doc = para.doc
        if mark.close is not None:
            trail = self._trailer(para, mark)
            if trail is not None:
                return trail
        before = _token_before(doc, mark.open)
        skipped = False
        while before is not None and (before.text in _LEAD_SKIP or before.lower_ == "however"):
            skipped = True
            before = doc[before.i - 1] if before.i > 0 else None
        if before is None or _inside(before.idx, para.marked):
            return None
        if before.i in para.spoken:
            return para.spoken[before.i]  # He said "..." / He said: "..."
        if not skipped:
            return None
        if (
            before.dep_ == "pobj"
            and before.head.lower_ == "to"
            and before.head.head.lower_ == "according"
        ):
            return self._resolved(before, para)  # According to X, "..."
        verb = before.head  # He told reporters: "..." / said Malgin: "..."
        return para.spoken.get(verb.i) if verb.i < before.i else None

    def _trailer(self, para: _Paragraph, mark: _Marked) -> _Speaker | None:
        """Return the speaker of ``"...," he said`` / ``"...," said X`` / ``according to X``."""
        assert mark.close is not None
        doc = para.doc
        quoted = doc.text[mark.start : mark.end].rstrip()
        if quoted.endswith("."):
            return None  # a full stop inside the marks ends the sentence: what follows is new
        after = doc.char_span(mark.close, mark.close + 1, alignment_mode="expand")
        if after is None:
            return None
        i = after.end
        while i < len(doc) and doc[i].text in (",", "--", "—", "–"):
            i += 1
        nxt = doc[i] if i < len(doc) else None
        if quoted.endswith(("?", "!")) and nxt is not None and nxt.is_title and nxt.pos_ != "PROPN":
            return None  # "Why?" He left. -- a new sentence, not "Why?" he asked
        for token in doc[i : i + _TRAIL_WINDOW]:
            if _inside(token.idx, para.marked):
                return None
            if token.i in para.spoken:
                return para.spoken[token.i]
            if token.lower_ == "according":
                target = _according_to(token)
                return self._resolved(target, para) if target is not None else None
            if token.is_punct or token.pos_ in ("VERB", "AUX"):
                return None
        return None

    # -- indirect speech ---------------------------------------------------------------

    def _indirect(self, para: _Paragraph, article_id: str, direct: list[_Marked]) -> list[Quote]:
        """Return reported speech: the clause each speech verb (or "according to") reports."""
        doc = para.doc
        reports: list[tuple[Token, Span | None, _Speaker]] = []
        for i, speaker in para.spoken.items():
            verb = doc[i]
            clause: Span | None = None
            complement = next((c for c in verb.children if c.dep_ == "ccomp"), None)
            if complement is not None:
                clause = _trim(doc[complement.left_edge.i : complement.right_edge.i + 1])
            elif verb.dep_ == "parataxis":  # "At the same time, Malashenko added, Moscow is ..."
                clause = _around(verb.head, verb)
            reports.append((verb, clause, speaker))
        for token in doc:
            target = _according_to(token) if token.lower_ == "according" else None
            if target is not None and not _inside(token.idx, direct):
                reports.append((token, _around(token.head, token), self._resolved(target, para)))
        quotes: list[Quote] = []
        taken: list[tuple[int, int]] = []
        for trigger, clause, speaker in sorted(reports, key=lambda r: r[0].i):
            if clause is None or any(a <= trigger.idx < b for a, b in taken):
                continue  # no clause, or nested in a clause already reported
            words = [t for t in clause if not (t.is_punct or t.is_space)]
            if not words or all(_inside(t.idx, direct) for t in words):
                continue  # the clause is a direct quote: already returned as one
            taken.append((clause.start_char, clause.end_char))
            start = para.base + clause.start_char
            quotes.extend(_quotes(article_id, clause.text, start, "indirect", speaker))
        return quotes

    # -- speakers ----------------------------------------------------------------------

    def _is_speech(self, token: Token) -> bool:
        return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in self.speech_verbs

    def _speaker_of(self, verb: Token, para: _Paragraph) -> _Speaker:
        """Return the subject of a speech verb, inherited from the verb it depends on if need be."""
        node = verb
        for _ in range(3):  # "praised X and said Y", "..., saying that Y", "went on to say"
            subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                return self._resolved(subject, para, speaking=True)
            if node.dep_ not in ("conj", "advcl", "xcomp") or node.head.i == node.i:
                break
            node = node.head
        return _Speaker((), None, verb.idx)

    def _resolved(self, subject: Token, para: _Paragraph, *, speaking: bool = False) -> _Speaker:
        """Resolve a speaker; "he said" in or just after a person's speech is that person.

        In "Malashenko noted, leaders -- including Nazarbaev -- ... . Under that
        circumstance, he adds" the resolver's latest person sits inside the reported
        words; news style keeps the speaker.
        """
        actors = para.resolver.resolve(subject)
        named = subject.pos_ == "PROPN"
        if speaking and subject.lower_ in _SPEAKING_PRONOUNS:
            previous = _previous_sentence(subject.sent)
            since = previous.start_char if previous is not None else 0
            last = para.speaker_before(since, subject.idx)
            if last is None and previous is None:
                last = para.carry  # the previous paragraph ended with this speaker's words
            if last is not None and last.named and not last.actors:
                actors, named = (), True  # "Mr Howard said ... He added": nobody we can code
            elif last is not None and len(last.actors) == 1 and _is_person(last.actors[0], para):
                known, start = last.actors[0], para.base + subject.idx
                reason = f"pronoun '{subject.text}' → the latest speaker, {known.name}"
                end = start + len(subject.text)
                actors = (replace(known, text=subject.text, start=start, end=end, reason=reason),)
        return _Speaker(actors, _phrase(subject), subject.idx, named)


def _is_person(actor: Actor, para: _Paragraph) -> bool:
    return any(known.name == actor.name for known in para.resolver.memory.persons.values())


def _previous_sentence(sentence: Span) -> Span | None:
    doc = sentence.doc
    if sentence.start == 0:
        return None
    previous = doc[sentence.start - 1].sent
    return previous if previous.text.strip() else _previous_sentence(previous)


def _quotes(article_id: str, text: str, start: int, kind: str, speaker: _Speaker) -> list[Quote]:
    """Build one quote per speaker (one with speaker None when nobody is resolved)."""
    end = start + len(text)
    if not speaker.actors:
        return [Quote(article_id, text, start, end, kind, None, speaker.text)]
    return [Quote(article_id, text, start, end, kind, a, a.text) for a in speaker.actors]


def _last_speaker(para: _Paragraph, direct: list[tuple[_Marked, _Speaker]]) -> _Speaker | None:
    """Return who the paragraph's last sentence attributes words to, for the next paragraph."""
    sentences = [s for s in para.doc.sents if s.text.strip()]
    if not sentences:
        return None
    last = sentences[-1].start_char
    found = [(m.start, s) for m, s in direct if s.text is not None and m.end > last]
    found += [
        (t.idx, s) for i, s in para.spoken.items() if (t := para.doc[i]).idx >= last and s.text
    ]
    return max(found, key=lambda item: item[0])[1] if found else None


FIRST_PERSON = frozenset({"i", "me", "my", "mine", "we", "us", "our", "ours"})


def in_writer_s_voice(sentence: Span, quoted: list[tuple[int, int]]) -> bool:
    """Return whether a sentence speaks in the first person outside any quotation.

    News reports quote first persons; they do not speak as "I" or "we". A sentence that
    does ("to the right of where I write this", "we are still a democracy") is a reader's
    comment, a column or a letter: opinion, not a report of events. ``quoted`` holds the
    block's quoted ranges (:func:`quoted_ranges`), in the sentence's doc offsets.
    """
    if any(mark in sentence.text for mark in '"“”'):
        return False  # a sentence with quotation marks in it is speech, whoever's
    for token in sentence:
        if token.lower_ in FIRST_PERSON and token.tag_ in ("PRP", "PRP$"):
            if token.lower_ == "us" and token.text == "US":
                continue
            if not any(start <= token.idx < end for start, end in quoted) and not _reported(token):
                return True
    return False


def _reported(token: Token) -> bool:
    """Return whether a word sits in reported speech ("Blair said we must act")."""
    while token.head.i != token.i:
        if token.dep_ in ("ccomp", "parataxis") and token.head.lemma_ in SPEECH_VERBS:
            return True
        token = token.head
    return False


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Return the character ranges of a block's text that lie inside quotation marks."""
    return [(m.open, m.close if m.close is not None else m.end) for m in _marked_spans(text)]


def _marked_spans(text: str) -> list[_Marked]:
    """Return the spans between quote marks, in order.

    A straight mark opens or closes by the spaces around it. An opening mark met while
    a quote is open means the open one ran to the end of a paragraph, the convention
    for a quote over several paragraphs (kept even where the paragraph break was lost,
    as in "... economically. "More people ..."").
    """
    found: list[_Marked] = []
    open_: int | None = None
    for i, char in enumerate(text):
        if char not in '"“”':
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opens = char == "“" or (char == '"' and before in _OPEN_BEFORE and not after.isspace())
        closes = char == "”" or (
            char == '"' and not before.isspace() and (after.isspace() or after in _CLOSE_AFTER)
        )
        if open_ is None:
            if opens or not closes:  # a mark that could be either opens, if none is open
                open_ = i
        elif closes or not opens:
            found.append(_span(text, open_, i, i))
            open_ = None
        else:
            found.append(_span(text, open_, None, i))
            open_ = i
    if open_ is not None and open_ + 1 < len(text) and not text[open_ + 1].isspace():
        found.append(_span(text, open_, None, len(text)))  # runs to the paragraph's end
    i = text.find("‘")
    while i >= 0:  # ‘...’: only where ‘ starts a word, closed by a ’ that ends one
        close = text.find("’", i + 1)
        while 0 <= close < len(text) - 1 and text[close + 1].isalnum():
            close = text.find("’", close + 1)  # an apostrophe inside a word ("Russia’s")
        if close < 0:
            break
        if (i == 0 or text[i - 1] in _OPEN_BEFORE) and not _inside(i, found):
            found.append(_span(text, i, close, close, single=True))
        i = text.find("‘", close + 1)
    return sorted(found, key=lambda m: m.open)


def _span(text: str, open_: int, close: int | None, end: int, *, single: bool = False) -> _Marked:
    start = open_ + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1  # the comma before ", he said" belongs to the attribution
    return _Marked(open_, start, end, close, single)


def _complete(text: str, mark: _Marked) -> bool:
    """Return whether quoted words stand as an utterance: punctuation or the end around the close."""
    if mark.close is None:
        return True
    inner = text[mark.close - 1] if mark.close > 0 else ""
    outer = text[mark.close + 1 : mark.close + 2]
    return inner in ".,!?" or outer in ("", ".", ",", "!", "?", ";", ":")


def _inside(offset: int, marked: list[_Marked]) -> bool:
    return any(m.open <= offset <= (m.close if m.close is not None else m.end) for m in marked)


def _token_before(doc: Doc, offset: int) -> Token | None:
    """Return the last non-space token that starts before a character offset."""
    for token in reversed(doc):
        if token.idx < offset and not token.is_space:
            return token
    return None


def _according_to(token: Token) -> Token | None:
    """Return X in "according to X"."""
    for prep in token.children:
        if prep.lower_ == "to":
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


def _around(head: Token, aside: Token) -> Span | None:
    """Return the clause an aside reports ("..., Malgin said, CLAUSE" / "CLAUSE, according to X")."""
    doc = head.doc
    left, right = head.left_edge.i, head.right_edge.i
    a_left, a_right = aside.left_edge.i, aside.right_edge.i
    if all(t.is_punct for t in doc[a_right + 1 : right + 1]):
        return _trim(doc[left:a_left])  # the aside closes the sentence
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i > a_right:
        return _trim(doc[a_right + 1 : right + 1])  # the aside opens the clause
    return _trim(doc[left : right + 1])


def _trim(span: Span) -> Span | None:
    """Drop the edges of a clause that are not its words: punctuation and a leading "that"."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].is_space
        or (doc[start].is_punct and doc[start].text != "[")
        or (doc[start].lower_ == "that" and doc[start].dep_ == "mark")
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text != "]")
    ):
        end -= 1
    return doc[start:end] if end > start else None


def _phrase(head: Token) -> str:
    """Return a subject's words up to its head ("some analysts"), without clauses after it."""
    return head.doc[head.left_edge.i : head.i + 1].text
