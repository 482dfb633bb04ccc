"""Find knowledge-base names in a parsed document.

One :class:`MentionIndex` is built per (knowledge base, spaCy pipeline) and
reused for every document: it holds PhraseMatchers over proper names (matched
case-sensitively on the exact text), demonyms and office holders' names, and
over multi-word role phrases ("prime minister", matched on lower case).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from thucydides.actors.knowledge import KnowledgeBase, KnownActor

_NAME, _ADJ, _LEADER, _ROLE = "NAME", "ADJ", "LEADER", "ROLE"


@dataclass(frozen=True, slots=True)
class Match:
    """A knowledge-base name found in a document: its span, kind and entry."""

    start: int  # token index
    end: int  # token index, exclusive
    kind: str  # NAME | ADJ | LEADER | ROLE
    text: str
    actor: KnownActor | None = None


class MentionIndex:
    """PhraseMatchers over the knowledge base, built once per pipeline."""

    def __init__(self, kb: KnowledgeBase, nlp: Language) -> None:
        self.kb = kb
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        make = nlp.vocab.strings.add
        tokenizer = nlp.make_doc
        self._exact.add(_NAME, [tokenizer(name) for name in kb.names])
        self._exact.add(_ADJ, [tokenizer(name) for name in kb.adjectives])
        self._exact.add(_LEADER, [tokenizer(name) for name in kb.tenures])
        self._lower.add(_ROLE, [tokenizer(term) for term in kb.roles if " " in term or "-" in term])
        self._labels = {make(label): label for label in (_NAME, _ADJ, _LEADER, _ROLE)}

    def find(self, doc: Doc | Span) -> dict[int, Match]:
        """Return, for each covered token index, the longest match covering it.

        Among overlapping matches the longest wins, then names over demonyms.
        """
        found: list[Match] = []
        for matcher in (self._exact, self._lower):
            for label_id, start, end in matcher(doc):
                label = self._labels[label_id]
                span = (
                    doc[start:end]
                    if isinstance(doc, Doc)
                    else doc.doc[doc.start + start : doc.start + end]
                )
                actor = None
                if label == _NAME:
                    actor = self.kb.names.get(span.text)
                elif label == _ADJ:
                    actor = self.kb.adjectives.get(span.text)
                if label == _ADJ and _prefixed(span):
                    continue  # "post-Soviet", "anti-American": an attitude, not a nationality
                found.append(Match(span.start, span.end, label, span.text, actor))
        priority = {_NAME: 0, _LEADER: 1, _ROLE: 2, _ADJ: 3}
        found.sort(key=lambda m: (-(m.end - m.start), priority[m.kind], m.start))
        by_token: dict[int, Match] = {}
        for match in found:
            if any(i in by_token for i in range(match.start, match.end)):
                continue
            for i in range(match.start, match.end):
                by_token[i] = match
        return by_token


_PREFIXES = frozenset({"post", "pro", "anti", "non", "pan", "ex", "neo"})


def _prefixed(span: Span) -> bool:
    """Return whether a demonym carries a prefix that changes its meaning ("post-Soviet")."""
    doc, start = span.doc, span.start
    return start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in _PREFIXES
