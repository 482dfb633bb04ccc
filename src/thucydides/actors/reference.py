"""Pronouns and group references: "he", "its", "they", "the two leaders".

:class:`ReferenceResolution` is the part of
:class:`~thucydides.actors.resolve.DocumentResolver` that answers a pronoun or a
pair word from what the article has mentioned so far (its :class:`Memory`):

* a pronoun subject of "X said he/it/they would ..." is the speaker, if it fits;
* a possessive inside a clause is the clause subject's ("the president met Blair on
  his first visit"), unless it sits inside that subject;
* otherwise the latest person (he, his), entity (it, its) or group (they, their)
  mentioned before it, never the noun a relative clause describes;
* "the two leaders / countries / sides": the latest two distinct actors.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace

from spacy.tokens import Token

from thucydides.actors.knowledge import Role
from thucydides.records import Actor

PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "himself", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
SPEAKING = frozenset(
    {"say", "tell", "announce", "declare", "state", "insist", "claim", "warn", "add", "stress",
     "note", "confirm", "deny", "argue", "believe", "think", "vow", "pledge", "promise", "indicate"}
)  # fmt: skip
GROUP_PRONOUNS = frozenset({"they", "them", "their", "themselves"})
PAIR_NOUNS = frozenset(
    {"side", "sides", "country", "countries", "nation", "nations", "state", "states"}
)
PAIR_WORDS = frozenset({"two", "both"})


@dataclass
class Memory:
    """Who has been mentioned so far in the article, in order."""

    persons: dict[str, Actor]
    unknown: dict[str, str]  # surname → full name of people named but not identified
    entity_mentions: list[tuple[int, Actor | None]]  # countries and organisations, for "it"/"its"
    person_mentions: list[tuple[int, Actor | None]]  # None: a named person we cannot code
    group_mentions: list[tuple[int, tuple[Actor, ...]]]
    # entities named as subjects (None: a company we cannot code), and where sentences start:
    # a subject "it" is most often the subject of the sentence before
    subject_entities: list[tuple[int, Actor | None]] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)


class ReferenceResolution(ABC):
    """Pronoun and group resolution over an article's :class:`Memory` (a mixin)."""

    memory: Memory
    _base: int

    @abstractmethod
    def resolve(self, token: Token) -> tuple[Actor, ...]:
        """Return the actors a phrase headed by ``token`` refers to."""

    @abstractmethod
    def _names_a_person(self, token: Token) -> bool: ...

    @abstractmethod
    def _role_at(self, token: Token) -> Role | None: ...

    @abstractmethod
    def _np_text(self, head: Token) -> str: ...

    @abstractmethod
    def _retext(self, actor: Actor, token: Token, reason: str) -> Actor: ...

    def _pronoun(self, head: Token) -> tuple[Actor, ...]:
        position = self._base + head.idx
        lower = head.lower_
        speaker = self._speaker_of(head)
        if speaker is not None:  # "Schering ... of Denmark said it": the company, not Denmark
            return tuple(
                self._retext(a, head, f"pronoun '{head.text}' → the speaker") for a in speaker
            )
        position = self._antecedent_limit(head, position)
        bound = self._clause_subject(head)
        if bound:
            return tuple(
                self._retext(a, head, f"pronoun '{head.text}' → the clause's subject")
                for a in bound
            )
        if lower in PERSON_PRONOUNS:
            for pos, person in reversed(self.memory.person_mentions):
                if pos < position:
                    if person is None:
                        return ()
                    return (self._retext(person, head, f"pronoun '{head.text}' → {person.name}"),)
        elif lower in THING_PRONOUNS and not _dummy_it(head):
            subject = self._previous_subject(head, position)
            if subject is not None:
                entity = subject[0]
                if entity is None:
                    return ()
                return (
                    self._retext(
                        entity, head, f"pronoun '{head.text}' → {entity.text}, the subject before"
                    ),
                )
            for pos, entity in reversed(self.memory.entity_mentions):
                if pos < position:
                    if entity is None:
                        return ()
                    return (self._retext(entity, head, f"pronoun '{head.text}' → {entity.text}"),)
        elif lower in GROUP_PRONOUNS:
            for pos, group in reversed(self.memory.group_mentions):
                if pos < position:
                    if len(group) > 3:
                        return ()  # a long list is rarely what "they" means
                    return tuple(
                        self._retext(a, head, f"pronoun '{head.text}' → group") for a in group
                    )
        return ()

    def _previous_subject(self, pronoun: Token, position: int) -> tuple[Actor | None] | None:
        """Return the entity a subject "it" takes up: the latest entity that was a subject
        in this sentence or the one before ("A US company agreed to pay after admitting
        bribery in Benin. It agreed ...": the company, not Benin). None when there is none."""
        if pronoun.dep_ not in SUBJECTS or pronoun.lower_ != "it":
            return None
        starts = [s for s in self.memory.sentence_starts if s <= position]
        since = starts[-2] if len(starts) >= 2 else (starts[-1] if starts else 0)
        for pos, entity in reversed(self.memory.subject_entities):
            if pos < since:
                return None
            if pos < position:
                return (entity,)
        return None

    def _clause_subject(self, pronoun: Token) -> tuple[Actor, ...]:
        """Return the subject a possessive pronoun inside its clause refers to.

        "the Pakistani president met Tony Blair ... on his first official visit": "his"
        is the subject's, not the nearest name's. Only when the subject comes first and
        fits the pronoun (one person for his/her, one non-person for its).
        """
        lower = pronoun.lower_
        if pronoun.dep_ != "poss" or lower not in ("his", "her", "its"):
            return ()
        verb = pronoun.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < pronoun.i]
        if not subjects or subjects[0].lower_ in PERSON_PRONOUNS | THING_PRONOUNS:
            return ()
        if subjects[0].left_edge.i <= pronoun.i <= subjects[0].right_edge.i:
            return ()  # "his father said": the pronoun is inside the subject itself
        actors = self.resolve(subjects[0])
        if len(actors) != 1:
            return ()
        person = self._names_a_person(subjects[0]) or (
            (role := self._role_at(subjects[0])) is not None and role.kind == "person"
        )
        return actors if person == (lower != "its") else ()

    def _antecedent_limit(self, pronoun: Token, position: int) -> int:
        """Return where the search for a pronoun's referent starts (it looks before this).

        The subject of a relative clause is not the noun the clause describes: in "Chaudhry
        and his ministers, whom they had taken hostage", "they" are not the hostages.
        """
        clause = pronoun.head
        if pronoun.dep_ not in SUBJECTS or clause.dep_ != "relcl":
            return position
        described = clause.head
        while described.dep_ == "conj" and described.head.i != described.i:
            described = described.head
        return min(position, self._base + described.left_edge.idx)

    def _speaker_of(self, pronoun: Token) -> tuple[Actor, ...] | None:
        """Return the speaker a pronoun subject refers to in "X said he/it/they would ...".

        The speaker must fit the pronoun: a person for he/she, a country or body for it,
        several actors or a plural for they. A speaker we cannot code that fits the
        pronoun's form ("The company said it ...", "Oil traders said they ...") gives no
        actor: the pronoun is that speaker, not an earlier country. None when the pronoun
        is not a speaker's.
        """
        clause = pronoun.head
        if (
            pronoun.dep_ not in SUBJECTS
            or clause.dep_ != "ccomp"
            or clause.head.lemma_ not in SPEAKING
        ):
            return None
        subjects = [c for c in clause.head.children if c.dep_ in SUBJECTS and c.i != pronoun.i]
        if not subjects or subjects[0].i > pronoun.i:
            return None
        speaker = subjects[0]
        if speaker.pos_ == "PRON":
            return None  # "he said it would ...": leave it to the mentions before
        actors = self.resolve(speaker)
        lower = pronoun.lower_
        if lower in PERSON_PRONOUNS:
            fits = len(actors) == 1 and self._names_a_person(speaker)
            unknown = speaker.ent_type_ == "PERSON"
        elif lower in THING_PRONOUNS:
            fits = len(actors) == 1 and not self._names_a_person(speaker)
            unknown = speaker.tag_ in ("NN", "NNP") and speaker.ent_type_ != "PERSON"
        else:
            fits = len(actors) > 1 or speaker.tag_ in ("NNS", "NNPS")
            unknown = speaker.tag_ in ("NNS", "NNPS")
        if fits:
            return actors
        return () if not actors and unknown else None

    def _is_pair(self, head: Token) -> bool:
        return any(child.lower_ in PAIR_WORDS for child in head.children)

    def _sentence_pair(self, head: Token) -> list[Actor]:
        """Return the two countries of the actors named earlier in the same sentence, if
        exactly two: "Straw will meet his Chinese counterpart to discuss relations between
        their two countries" is Britain and China, not the last two countries named."""
        start = self._base + head.sent.start_char
        position = self._base + head.idx
        seen: dict[str, Actor] = {}
        mentions = [
            (pos, actor)
            for pos, actor in (*self.memory.person_mentions, *self.memory.entity_mentions)
            if actor is not None and start <= pos < position and actor.country
        ]
        for _, actor in sorted(mentions, key=lambda m: m[0]):
            seen.setdefault(actor.country or "", actor)
        return list(seen.values()) if len(seen) == 2 else []

    def _latest_group(
        self, head: Token, *, countries: bool, sectors: tuple[str, ...]
    ) -> tuple[Actor, ...]:
        """Return the latest two distinct actors mentioned ("the two leaders", "the two countries").

        People must share a sector with the role named ("the two presidents" are GOV).
        """
        position = self._base + head.idx

        def fits(actor: Actor) -> bool:
            return countries or (
                bool(actor.name) and (not sectors or bool(set(sectors) & set(actor.sectors)))
            )

        pair: list[Actor] = self._sentence_pair(head) if countries else []
        for pos, group in reversed(self.memory.group_mentions if not pair else []):
            if pos < position and len(group) >= 2 and all(fits(a) for a in group):
                pair = list(group[:2])
                break
        if not pair:
            for pos, actor in reversed(self.memory.person_mentions):
                if (
                    actor is not None
                    and pos < position
                    and fits(actor)
                    and all(actor.code != known.code for known in pair)
                ):
                    pair.append(actor)
                    if len(pair) == 2:
                        break
            pair.reverse()
        if len(pair) < 2:
            return ()
        reason = f"'{self._np_text(head)}' → the latest pair"
        out = []
        for actor in pair:
            actor = self._retext(actor, head, reason)
            if countries and actor.country:
                actor = replace(actor, code=actor.country, sectors=(), name=None)
            out.append(actor)
        return tuple(out)


SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_DUMMY_VERBS = frozenset({"be", "seem", "appear", "remain", "become"})
IMPERSONAL = frozenset(
    {"likely", "unlikely", "clear", "unclear", "important", "necessary", "possible", "impossible",
     "true", "difficult", "easy", "hard", "time", "good", "better", "right", "wrong", "essential",
     "vital", "crucial", "obvious", "certain", "uncertain", "fair", "unfair", "racist", "wise",
     "doubtful", "worth", "shame", "pity", "mistake", "matter", "question", "surprising",
     "absurd", "ridiculous", "unacceptable", "acceptable", "legitimate", "reasonable",
     "unreasonable", "sensible", "appropriate", "inappropriate", "foolish", "outrageous",
     "irresponsible", "dangerous", "unwise", "premature", "nonsense", "disgraceful",
     "scandalous", "unfortunate", "regrettable", "sad", "urgent", "enough"}
)  # fmt: skip


def _dummy_it(pronoun: Token) -> bool:
    """Return whether "it" refers to nothing ("it is likely that", "it was agreed that").

    "It is willing to ..." and "it was attacked" do refer: only a clausal subject or
    complement, or an impersonal adjective or noun, makes "it" a dummy.
    """
    if pronoun.dep_ == "expl":
        return True
    if pronoun.lower_ != "it" or pronoun.dep_ not in SUBJECTS:
        return False
    verb = pronoun.head
    if any(c.dep_ in ("ccomp", "csubj") for c in verb.children):
        return True  # "it was agreed that ...", "it seems that ..."
    if verb.lemma_ in _DUMMY_VERBS:
        complements = [c for c in verb.children if c.dep_ in ("acomp", "attr", "prep")]
        return any(
            c.dep_ in ("acomp", "attr") and IMPERSONAL & {c.lower_, c.lemma_.lower()}
            for c in complements
        ) or (  # "it's all very well criticising ...", "it is to be hoped that ..."
            not complements
            and any(
                c.dep_ == "xcomp" or (c.dep_ == "advcl" and c.tag_ == "VBG") for c in verb.children
            )
        )  # "better" is lemmatised "well"
    return False
