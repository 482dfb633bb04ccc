"""Find events in a parsed sentence: who did what to whom.

For each word the lexicon knows, the frame decides what is coded; the source and
target are read off the dependency parse by :mod:`thucydides.events.arguments`:

* act: the word is an event in itself ("visited", "talks", "attacked");
* complement frames (intent, appeal, demand, reject, threaten): the event inside
  the complement ("pledged to *boost cooperation*") decides the code through
  :mod:`thucydides.events.transforms`; its words are consumed so that they are
  not coded twice;
* statements ("said") are coded only when nothing better comes from the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from thucydides.actors.resolve import DocumentResolver
from thucydides.events.arguments import (
    COARSE_POS,
    VIOLENT_ROOTS,
    ArgumentFinding,
    armed,
)
from thucydides.events.lexicon import COMPLEMENT_FRAMES, Lexicon, Predicate
from thucydides.events.modality import in_condition, is_background, is_negated, modality_of
from thucydides.events.senses import (
    OFFICE_WORDS,
    VERBAL_ATTACKS,
    WEAK_REFUSALS,
    characterisation,
    charges_a_price,
    market_sense,
    outlet,
    question,
    reduced_passive,
    verbal,
    withdraws_a_thing,
)
from thucydides.events.syntax import (
    capacity_clause,
    has_complement,
    mentions_mutuality,
    particle_child,
)
from thucydides.events.transforms import modal_code, transform
from thucydides.records import Actor, Modality

OBLIGATION = frozenset({"must", "should"})
# material events, whose target may be a place ("shelled Gaza", "eased measures in
# Montenegro", "sent inspectors to Iran"); a statement or a meeting "in London" is not
# addressed to Britain
VERBAL_ROOTS = frozenset({"01", "02", "03", "04", "05", "10", "11", "12", "13"})
PLACE_TARGET_ROOTS = frozenset(f"{root:02d}" for root in range(1, 21)) - VERBAL_ROOTS
MAX_PAIRWISE = 4  # more participants than this make a multilateral event, not all dyads
COOPERATIVE_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
CONFLICT_ROOTS = frozenset({"13", "14", "15", "16", "17", "18", "19", "20"})
_SEARCH_SKIP = frozenset(
    {"relcl", "advcl", "mark", "punct", "cc", "nsubj", "nsubjpass", "appos", "parataxis"}
)


@dataclass(frozen=True, slots=True)
class Finding:
    """An event found in a sentence, before it becomes an :class:`Event` record."""

    code: str
    source: Actor
    target: Actor | None
    trigger: str
    start: int  # trigger offsets in the article text
    end: int
    negated: bool
    modality: Modality


class SentenceCoder(ArgumentFinding):
    """Code the events of sentences, with actors from one article's resolver."""

    def __init__(self, lexicon: Lexicon, resolver: DocumentResolver, *, base: int) -> None:
        self.lexicon = lexicon
        self.resolver = resolver
        self.base = base

    # -- entry point ------------------------------------------------------------------

    def code(self, sent: Span) -> list[Finding]:
        """Return the events of one sentence, in order, without duplicates."""
        found: list[tuple[Token, Predicate]] = []
        for token in sent:
            predicate = self.match(token)
            if (
                predicate is not None
                and predicate.frame != "none"  # "signed up to"
                and not capacity_clause(token)  # "powers to detain"
                and not characterisation(token)  # "is a far greater threat"
                and not in_condition(token)  # "... if the U.S. imposes sanctions"
            ):
                found.append((token, predicate))
        consumed: set[int] = set()
        for token, predicate in found:  # "suspended aid" is one event, not also "aid"
            if predicate.particle is not None:
                child = particle_child(token, predicate.particle)
                if child is not None and child.i != token.i:
                    consumed.add(child.i)
        findings: list[Finding] = []
        for token, predicate in found:
            if predicate.frame == "say":
                findings.extend(self._reported_demand(token, sent, consumed))
        for token, predicate in found:
            if predicate.frame in COMPLEMENT_FRAMES and token.i not in consumed:
                findings.extend(self._complement_event(token, predicate, sent, consumed))
        for token, predicate in found:
            if predicate.frame == "act" and token.i not in consumed and not predicate.inner:
                findings.extend(self._act_event(token, predicate, sent))
        if not findings:
            for token, predicate in found:
                if predicate.frame == "say":
                    findings.extend(self._statement(token, predicate, sent))
        return _dedupe(findings)

    def match(self, token: Token) -> Predicate | None:
        """Return the lexicon entry a token triggers, if any (particles must be present)."""
        pos = COARSE_POS.get(token.pos_)
        if pos is None or token.ent_type_ in ("DATE", "TIME"):
            return None  # "In March this year" is no march
        if pos == "NOUN" and market_sense(token):
            return None  # "oil demand", "a sterling rally", "merger talks": markets, not politics
        lemmas = [token.lemma_.lower()]
        if pos == "NOUN" and token.lower_ not in lemmas:
            lemmas.insert(0, token.lower_)
        for lemma in lemmas:
            for predicate in self.lexicon.lookup(lemma, pos):
                if predicate.particle is None:
                    return predicate
                child = particle_child(token, predicate.particle)
                if child is not None and not (child.i != token.i and market_sense(child)):
                    return predicate  # "suspended talks", not "suspended merger talks"
        return None

    # -- frames -------------------------------------------------------------------------

    def _act_event(self, token: Token, predicate: Predicate, sent: Span) -> list[Finding]:
        if is_background(token):
            return []
        sources, targets = self._arguments(token, predicate)
        if not sources and targets and predicate.code[:2] in VIOLENT_ROOTS:
            sources = self._unnamed_attacker(token)
        if (
            not sources
            and predicate.code.startswith(("087", "1661"))
            and armed(targets)
            and any(c.dep_ == "nsubjpass" for c in token.children)
        ):
            # "the guerrillas have been demobilized", "peacekeepers were shipped out of
            # Gorazde": armed forces withdrawn without a named agent withdraw themselves
            sources, targets = targets, self._prep_objects(token, predicate)
        if not targets and predicate.code[:2] in VIOLENT_ROOTS and not armed(sources):
            return []  # "banks fought hard", "the government fights inflation": a figure of speech
        if predicate.actor_object and not targets and _object_is_a_thing(token):
            return []  # "met the deadline", "recognised that ...", "the advice they received"
        if predicate.intransitive and any(c.dep_ in ("dobj", "ccomp") for c in token.children):
            return []  # "rallied Labour voters", "demonstrated that ...": not a protest
        if predicate.lemma == "charge" and charges_a_price(token):
            return []  # "let universities charge fees": a price, not a criminal charge
        if predicate.lemma == "deny" and any(c.dep_ == "dative" for c in token.children):
            return []  # "denying people choice": withholding, not a denial
        if reduced_passive(token):
            return []  # "Labour accused of broken pledge": Labour is accused, by whom unsaid
        if predicate.forces and withdraws_a_thing(token):
            return []  # "withdraw this threat", "withdraw the regulations": not a retreat
        if predicate.reverse and not targets and not predicate.travel:
            return []  # a reception with no guest: "did receive over 4m pounds"
        if predicate.travel and not targets and sources:
            targets = self._destination(token, sent, sources[0])
        if (
            not targets
            and sources
            and not (predicate.symmetric and len(sources) >= 2)
            and not (predicate.symmetric and predicate.code.startswith("04"))
        ):
            # "met in London": where a meeting happened is not whom it was with; whom a
            # talk was about ("talked about a New Labour manifesto") is no partner either
            targets = self._nearby_actor(
                token, sources, places=predicate.code[:2] in PLACE_TARGET_ROOTS
            )
        if (
            predicate.symmetric
            and predicate.code.startswith("04")
            and len(sources) < 2
            and not targets
        ):
            return []  # "he kept on talking about the past": nobody to talk with
        if (
            not targets
            and (
                predicate.travel
                or (
                    predicate.pos == "NOUN"
                    and token.dep_ != "dobj"
                    and not predicate.code.startswith("14")
                )
            )
            and not (predicate.symmetric and len(sources) >= 2)
        ):
            # "a sailing trip", "will not tolerate the attacks": a reference, not an event;
            # but "staged a hunger strike" (the noun is what its subject did) stands alone
            return []
        if (
            predicate.travel
            and targets
            and all(not t.sectors and t.code == s.country for t in targets for s in sources)
        ):
            return []  # "the Lib Dem leader's tour of the UK": travel at home is no visit
        code = predicate.code
        if predicate.lemma in ("fight", "battle") and self._things_only(token):
            # "would fight the Japanese government's attempt": opposition, one way
            code, predicate = "120", replace(predicate, symmetric=False)
        if code[:2] in VIOLENT_ROOTS and predicate.lemma in VERBAL_ATTACKS and verbal(sources):
            code = "111"  # "Tories attack EU asylum moves": politicians attack with words
        if code == "174" and targets and all(t.code.startswith(("IGO", "NGO")) for t in targets):
            code = "166"  # expelling an agency or a mission reduces relations (CAMEO 166)
        return self._emit(token, predicate, code, sources, targets, sent)

    def _things_only(self, verb: Token) -> bool:
        """Return whether a verb's direct objects are things, none of them an actor."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        return bool(objects) and not any(self.resolver.resolve(o) for o in objects)

    def _complement_event(
        self, token: Token, predicate: Predicate, sent: Span, consumed: set[int]
    ) -> list[Finding]:
        if is_background(token):
            return []  # "had originally pledged ...", "has pledged since 1991 ..."
        inner = self._inner_event(token, predicate, consumed)
        lemma = token.lemma_.lower()
        if lemma == "appeal" and question(token):
            return []  # "aimed to appeal to middle England voters": to attract, not to ask
        if (
            lemma == "ask"
            and token.tag_ == "VBN"
            and not any(c.dep_ in ("aux", "agent") for c in token.children)
        ):
            return []  # "the spokesman said when asked to react": he was asked, by nobody named
        if lemma == "ask" and question(token):
            return []  # "asked if this amounted to ...", "the leader asked": a question
        if (
            lemma in ("plan", "prepare")
            and inner is None
            and not any(c.dep_ == "xcomp" for c in token.children)
        ):
            return []  # "planned the party's election strategy": a plan, not a pledge
        if lemma == "seek" and any(
            c.dep_ == "dobj" and c.lemma_.lower() in OFFICE_WORDS for c in token.children
        ):
            return []  # "seeking a third term": running for office, not an appeal
        if lemma == "seek" and any(c.dep_ == "xcomp" for c in token.children):
            # "sought to draw a line under it": an attempt at the inner act, not an appeal
            if inner is None or inner[1].code[:2] not in COOPERATIVE_ROOTS:
                return []
            predicate = replace(predicate, frame="intent", code="030")
        if predicate.pos == "NOUN":
            sources = self._noun_sources(token)  # "its demand that Israel ...", "the US offer"
        else:
            # "Vietnam is committed to ...", "is prepared to ...": an adjectival passive; but
            # "Brown has been asked to ...": the passive subject of a request is its target
            sources = self._sources(
                token,
                raised=predicate.frame == "intent"
                and not any(c.dep_ == "agent" for c in token.children),
            )
        targets: tuple[Actor, ...] = ()
        if predicate.frame in ("appeal", "demand"):
            targets = self._objects(token, predicate)
            if not targets and inner is not None:
                targets = self._sources(inner[0], inherit=False)
            for clause in token.children:  # "demanded that the DPRK forsake ...": DPRK is asked
                if not targets and clause.dep_ == "ccomp":
                    targets = self._sources(clause, inherit=False)
        if not targets:
            targets = self._objects(token, predicate)
        if not targets and inner is not None:
            inner_token, inner_predicate = inner
            _, targets = self._arguments(inner_token, inner_predicate, sources=sources)
        if (
            not targets
            and sources
            and not (inner is not None and inner[1].symmetric and len(sources) >= 2)
        ):
            targets = self._nearby_actor(token, sources)
        if inner is None and not targets and not has_complement(token, predicate):
            return []  # "the analysts agreed": an opinion shared, not an undertaking
        if (
            inner is None
            and not targets
            and predicate.frame == "intent"
            and not _verbal_complement(token)
        ):
            return []  # "universities offer very attractive courses": no one, nothing to do
        frame = "reject" if predicate.frame == "intent" and is_negated(token) else predicate.frame
        if frame != predicate.frame and inner is not None and inner[1].code[:2] in CONFLICT_ROOTS:
            return []  # "did not intend to attack": neither a threat nor a rejection
        if (
            inner is None
            and not targets
            and (frame != predicate.frame or token.lemma_.lower() in WEAK_REFUSALS)
        ):
            # "does not intend to use the powers", "failed to say which taxes": no
            # undertaking refused, nobody's proposal rejected
            return []
        if inner is not None and predicate.frame == "intent" and is_negated(inner[0]):
            inner = None  # "pledged never to attack": an assurance, not a threat
        code = transform(
            frame,
            inner[1].code if inner else None,
            predicate.code if frame == predicate.frame else "120",
        )
        if predicate.posture and frame == "intent" and inner and inner[1].code[:2] in VIOLENT_ROOTS:
            code = "150"  # "the army prepared to resume shelling": a show of force
        mutual = (inner is not None and inner[1].symmetric) or mentions_mutuality(token)
        return self._emit(token, predicate, code, sources, targets, sent, mutual=mutual)

    def _statement(self, token: Token, predicate: Predicate, sent: Span) -> list[Finding]:
        """Code a statement, only when it is addressed to someone ("told Russia", "said to ...").

        A news outlet is not an addressee: "told BBC News" is an interview. An unaddressed
        "X said ..." carries no relation between actors; coding it would bury the events
        users look for under quotes.
        """
        if token.dep_ == "relcl":
            return []  # "anything Mr Blair told him": what was said, not a statement made
        if token.lemma_ == "tell":
            if any(outlet(c) for c in token.children if c.dep_ in ("dobj", "dative")):
                return []  # "told BBC Radio Scotland": an interview
            targets = self._objects(token, predicate)
        else:
            targets = self._prep_objects(token, predicate)
        # "told BBC News", "told the Today programme": the outlet carries the statement,
        # it is not the party addressed
        targets = tuple(t for t in targets if "MED" not in t.sectors)
        if not targets:
            return []
        return self._emit(token, predicate, predicate.code, self._sources(token), targets, sent)

    def _emit(
        self,
        token: Token,
        predicate: Predicate,
        code: str,
        sources: tuple[Actor, ...],
        targets: tuple[Actor, ...],
        sent: Span,
        *,
        mutual: bool = False,
    ) -> list[Finding]:
        if not sources:
            return []
        negated = is_negated(token)
        modality = modality_of(token, sent)
        if (
            predicate.frame == "intent"
            and modality is Modality.ASSERTED
            and not code.startswith(("13", "15"))
        ):
            modality = Modality.INTENT
        code, negated_after = modal_code(code, predicate.frame, modality, negated)
        if code == "140" and all("GOV" in s.sectors for s in sources):
            code = (
                "114"  # a government that "protests" complains officially; it does not demonstrate
            )
        reverse = predicate.reverse
        if reverse is not None and modality is not Modality.ASSERTED:
            reverse = None  # "will visit a credit union in Mozambique": nobody hosts yet
        if reverse is not None:
            reverse = modal_code(reverse, predicate.frame, modality, negated)[0]
        negated = negated_after
        trigger = self._trigger_text(token, predicate)
        start = self.base + token.idx
        # a target that is the source itself ("laid down their arms") leaves the event
        # without a target; it does not erase the event
        targets = tuple(t for t in targets if not any(_same(s, t) for s in sources))
        if not targets and code.startswith("14") and not mutual:
            targets = self._home_authorities(sources)
        pairs: list[tuple[str, Actor, Actor | None]] = []
        if not targets and (predicate.symmetric or mutual) and len(sources) >= 2:
            if len(sources) > MAX_PAIRWISE:
                # "Britain, Canada, France, Japan, the United States and West Germany agreed":
                # a multilateral act, one event per participant, not 30 dyads
                pairs.extend((code, source, None) for source in sources)
            else:
                pairs.extend((code, a, b) for a in sources for b in sources if a is not b)
        elif not targets:
            pairs.extend((code, source, None) for source in sources)
        else:
            for source in sources:
                for target in targets:
                    pairs.append((code, source, target))
                    if (
                        predicate.symmetric
                        and predicate.frame == "act"
                        and modality is Modality.ASSERTED
                    ):  # "Abe said he will meet Reagan": Abe's intent, not Reagan's
                        pairs.append((code, target, source))
                    if reverse:
                        pairs.append((reverse, target, source))
        return [
            Finding(c, s, t, trigger, start, start + len(token.text), negated, modality)
            for c, s, t in pairs
            if (t is None or t.start == t.end or not _same(s, t))  # inferred targets may be home
            and not (t is None and s.sectors == ("BUS",) and c[:2] in VERBAL_ROOTS)
        ]  # "the company plans to buy back shares", "the firms denied ...": corporate news

    # -- complements ---------------------------------------------------------------------

    def _reported_demand(self, token: Token, sent: Span, consumed: set[int]) -> list[Finding]:
        """Code "X said Y must do Z" as X demanding Z of Y."""
        for clause in token.children:
            if clause.dep_ != "ccomp" or not any(
                c.dep_ == "aux" and c.lower_ in OBLIGATION for c in clause.children
            ):
                continue
            targets = self._sources(clause, inherit=False)
            sources = self._sources(token)
            if not targets or not sources or {a.code for a in targets} <= {a.code for a in sources}:
                continue
            if all(not t.sectors and t.code in {s.country for s in sources} for t in targets):
                continue  # "Miyazawa said Japan should use fiscal funds": policy, not a demand
            inner = self.match(clause)
            inner_code = inner.code if inner is not None and inner.frame == "act" else None
            if inner is not None:
                consumed.add(
                    clause.i
                )  # "X said Y must agree to ...": one demand, not also Y's intent
            demand = Predicate(token.lemma_, None, "VERB", "100", "demand", ())
            code = transform("demand", inner_code, "100")
            return self._emit(token, demand, code, sources, targets, sent)
        return []

    def _inner_event(
        self, token: Token, predicate: Predicate, consumed: set[int]
    ) -> tuple[Token, Predicate] | None:
        """Return the first lexicon event inside a complement, consuming the words searched."""
        starts = [c for c in token.children if c.dep_ in ("xcomp", "ccomp", "acl")]
        if predicate.frame in ("intent", "threaten") and not starts:
            # "have sworn to fight": the parser often hangs the infinitive as a purpose clause
            starts = [
                c
                for c in token.children
                if c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children)
            ]
        # "demanded a truce", "offered aid": the object is what is demanded or offered;
        # "rejected calls for aid", "rejected an offer to host a summit": the object's own
        # complements say what was rejected
        starts += [c for c in token.children if c.dep_ == "dobj"]
        starts += [
            g
            for c in token.children
            if c.dep_ == "dobj"
            for g in c.children
            if g.dep_ in ("prep", "acl", "relcl")
        ]
        starts += [
            g
            for c in token.children
            if c.dep_ == "prep" and c.lower_ in ("on", "upon", "to", "for", "of")
            for g in c.children
            if g.dep_ in ("pobj", "pcomp")
        ]
        if predicate.pos == "NOUN":
            starts += [c for c in token.children if c.dep_ == "relcl"]
            if token.dep_ == "dobj":  # "reiterated its demand today that Israel ease ...":
                # the parser hangs the noun's that-clause on the verb
                starts += [c for c in token.head.children if c.dep_ == "ccomp" and c.i > token.i]
        found: tuple[Token, Predicate] | None = None
        frontier = [(start, 0) for start in starts]
        while frontier:
            current, depth = frontier.pop(0)
            inner = self.match(current)
            if inner is not None and inner.frame != "say":
                consumed.add(current.i)
                # "pledged to oppose": a rejection, whatever frame wraps it
                if found is None and (inner.frame == "act" or inner.code[:2] in ("10", "11", "12")):
                    found = (current, inner)
            if depth < 4:
                frontier.extend(
                    (c, depth + 1) for c in current.children if c.dep_ not in _SEARCH_SKIP
                )
        return found

    # -- helpers -------------------------------------------------------------------------------

    def _trigger_text(self, token: Token, predicate: Predicate) -> str:
        if predicate.particle and predicate.pos == "VERB":
            return f"{token.text} {predicate.particle}"
        if predicate.particle:
            return f"{predicate.particle} {token.text}"
        return token.text


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per (code, source, target) in a sentence ("met and talked with")."""
    seen: set[tuple[str, str, str | None]] = set()
    out = []
    for finding in findings:
        key = (
            finding.code,
            finding.source.code + (finding.source.name or ""),
            finding.target.code if finding.target else None,
        )
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _same(a: Actor, b: Actor) -> bool:
    """Return whether two actors are one and the same (same code, and not two named people)."""
    return a.code == b.code and not (a.name and b.name and a.name != b.name)


def _verbal_complement(token: Token) -> bool:
    """Return whether a word takes a clause ("committed to opening up", "pledged to help")."""
    return any(
        c.dep_ in ("xcomp", "ccomp")
        or (c.dep_ == "prep" and any(g.dep_ == "pcomp" for g in c.children))
        for c in token.children
    )


def _object_is_a_thing(token: Token) -> bool:
    """Return whether a verb that needs an actor object has something else instead.

    A direct object, a that-clause ("recognised that ...": the cognitive sense), or,
    in a relative clause with no object, the noun it describes ("the advice they received").
    """
    if any(c.dep_ in ("dobj", "ccomp") for c in token.children):
        return True
    return token.dep_ == "relcl" and token.head.pos_ == "NOUN"
