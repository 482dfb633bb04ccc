"""Find events in a parsed sentence: who did what to whom.

For each word the lexicon knows, the frame decides how the source and target are
read off the dependency parse:

* verbs: the subject (inherited through ``xcomp``/``conj``, or the ``by`` agent
  of a passive) is the source; the direct object, the passive subject, or an
  object introduced by one of the entry's prepositions is the target;
* nouns ("visit", "talks"): the possessor or ``by`` phrase is the source, else
  the subject of the verb that governs the noun; targets as for verbs;
* complement frames (intent, appeal, demand, reject, threaten): the event inside
  the complement ("pledged to *boost cooperation*") decides the code through
  :mod:`thucydides.events.transforms`; its words are consumed so that they are
  not coded twice;
* statements ("said") are coded only when nothing better comes from the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Span, Token

from thucydides.actors.resolve import DocumentResolver
from thucydides.events.lexicon import COMPLEMENT_FRAMES, Lexicon, Predicate
from thucydides.events.modality import is_background, is_negated, modality_of
from thucydides.events.syntax import (
    has_complement,
    mentions_mutuality,
    nearby,
    own,
    particle_child,
    possessor,
)
from thucydides.events.transforms import modal_code, transform
from thucydides.records import UNIDENTIFIED, Actor, Modality

_POS = {"VERB": "VERB", "AUX": "VERB", "NOUN": "NOUN", "PROPN": "NOUN", "ADJ": "ADJ"}
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
OBJECT_CONTROL = frozenset(
    {"urge", "ask", "call", "tell", "force", "persuade", "press", "invite", "encourage"}
)
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
OBLIGATION = frozenset({"must", "should"})
# verbs that hand their subject to the event noun they govern ("held talks", "launched an attack")
SUPPORT_VERBS = frozenset(
    {
        "hold",
        "have",
        "launch",
        "stage",
        "mount",
        "conduct",
        "carry",
        "make",
        "pay",
        "begin",
        "start",
        "continue",
        "resume",
        "wage",
        "step",
        "intensify",
        "escalate",
        "issue",
        "deliver",
        "undertake",
        "organize",
        "organise",
        "lead",
        "join",
        "attend",
        "call",
        "complete",
        "open",
        "impose",
        "declare",
        "announce",
        "give",
        "provide",
        "send",
        "grant",
        "extend",
        "hand",
        "lodge",
        "file",
        "take",
        "set",
        "unleash",
        "order",
        "plan",
        "prepare",
        "be",
        "go",
        "get",
        "receive",
        "seek",
        "win",
        "secure",
        "reach",
        "conclude",
        "finalize",
        "finalise",
        "renew",
        "offer",
        "propose",
        "use",
        "deploy",
        "commit",
        "perpetrate",
        "claim",
        "speed",
        "accelerate",
        "finish",
        "stag",
    }
)  # fmt: skip  ("stag": the lemmatiser's reading of "staged")
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


class SentenceCoder:
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
            if predicate is not None and predicate.frame != "none":  # "signed up to"
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
        pos = _POS.get(token.pos_)
        if pos is None or token.ent_type_ in ("DATE", "TIME"):
            return None  # "In March this year" is no march
        lemmas = [token.lemma_.lower()]
        if pos == "NOUN" and token.lower_ not in lemmas:
            lemmas.insert(0, token.lower_)
        for lemma in lemmas:
            for predicate in self.lexicon.lookup(lemma, pos):
                if (
                    predicate.particle is None
                    or particle_child(token, predicate.particle) is not None
                ):
                    return predicate
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
            and _armed(targets)
            and any(c.dep_ == "nsubjpass" for c in token.children)
        ):
            # "the guerrillas have been demobilized", "peacekeepers were shipped out of
            # Gorazde": armed forces withdrawn without a named agent withdraw themselves
            sources, targets = targets, self._prep_objects(token, predicate)
        if not targets and predicate.code[:2] in VIOLENT_ROOTS and not _armed(sources):
            return []  # "banks fought hard", "the government fights inflation": a figure of speech
        if predicate.actor_object and not targets and _object_is_a_thing(token):
            return []  # "met the deadline", "recognised that ...", "the advice they received"
        if predicate.intransitive and any(c.dep_ == "dobj" for c in token.children):
            return []  # "rallied Labour voters", "demonstrated its resolve": not a protest
        if predicate.reverse and not targets:
            return []  # a reception with no guest: "did receive over 4m pounds"
        if (
            predicate.symmetric
            and predicate.code.startswith("04")
            and len(sources) < 2
            and not targets
            and not self._nearby_actor(token, sources, places=False)
        ):
            return []  # "he kept on talking about the past": nobody to talk with
        if predicate.travel and not targets and sources:
            targets = self._destination(token, sent, sources[0])
        if not targets and sources and not (predicate.symmetric and len(sources) >= 2):
            # "met in London": where a meeting happened is not whom it was with
            targets = self._nearby_actor(token, sources, places=not predicate.code.startswith("04"))
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
        code = predicate.code
        if code == "174" and targets and all(t.code.startswith(("IGO", "NGO")) for t in targets):
            code = "166"  # expelling an agency or a mission reduces relations (CAMEO 166)
        return self._emit(token, predicate, code, sources, targets, sent)

    def _complement_event(
        self, token: Token, predicate: Predicate, sent: Span, consumed: set[int]
    ) -> list[Finding]:
        inner = self._inner_event(token, predicate, consumed)
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

        An unaddressed "X said ..." carries no relation between actors; coding it would
        bury the events users look for under quotes.
        """
        if token.lemma_ == "tell":
            targets = self._objects(token, predicate)
        else:
            targets = self._prep_objects(token, predicate)
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
            pairs.extend((code, a, b) for a in sources for b in sources if a is not b)
        elif not targets:
            pairs.extend((code, source, None) for source in sources)
        else:
            for source in sources:
                for target in targets:
                    pairs.append((code, source, target))
                    if predicate.symmetric and predicate.frame == "act":
                        pairs.append((code, target, source))
                    if reverse:
                        pairs.append((reverse, target, source))
        return [
            Finding(c, s, t, trigger, start, start + len(token.text), negated, modality)
            for c, s, t in pairs
            if t is None or t.start == t.end or not _same(s, t)  # inferred targets may be home
        ]

    # -- arguments --------------------------------------------------------------------------

    def _arguments(
        self, token: Token, predicate: Predicate, *, sources: tuple[Actor, ...] | None = None
    ) -> tuple[tuple[Actor, ...], tuple[Actor, ...]]:
        """Return (sources, targets) of an event word, handling passives and nouns."""
        passive_subject = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
        if token.pos_ in ("VERB", "AUX") and passive_subject is not None:
            agent = [
                g
                for c in token.children
                if c.dep_ == "agent"
                for g in c.children
                if g.dep_ == "pobj"
            ]
            found_sources = self._resolve_all(agent)
            # "a camp for Congolese refugees was attacked": the camp's people are the target
            patients = self.resolver.resolve(passive_subject) or self._owners(passive_subject)
            return found_sources, patients
        if sources is None:
            sources = (
                self._noun_sources(token)
                if _POS.get(token.pos_) == "NOUN"
                else self._sources(token)
            )
        targets = self._objects(token, predicate)
        if not targets and _POS.get(token.pos_) == "NOUN":
            owner = possessor(token)
            if owner is not None:
                owners = self.resolver.resolve(owner)
                if owners and all(o.code not in {s.code for s in sources} for o in owners):
                    targets = owners  # "extending Russia's lease": the possessor is the other party
        return sources, targets

    def _sources(
        self, token: Token, *, inherit: bool = True, raised: bool = False
    ) -> tuple[Actor, ...]:
        """Return the subject's actors, inherited from governing verbs when the clause has none.

        ``raised``: the clause hangs from this verb ("Abe is expected to travel"), so a
        passive subject counts too.
        """
        deps = SUBJECT_DEPS | {"nsubjpass"} if raised else SUBJECT_DEPS
        subjects = [c for c in token.children if c.dep_ in deps]
        if subjects:
            subject = subjects[0]
            if token.dep_ == "relcl" and subject.lower_ in RELATIVE_PRONOUNS:
                return self.resolver.resolve(token.head)
            actors = self.resolver.resolve(subject)
            if (
                not actors and subject.pos_ == "VERB"
            ):  # a misparse: "The Red Cross operating in Iraq said"
                actors = self._resolve_all(c for c in subject.children if c.dep_ in SUBJECT_DEPS)
            if not actors and self.match(subject) is not None:
                # "US Predator attacks have killed ...": the attacks' own agent
                actors = self._modifier_agents(subject)
            return actors
        if token.head.i == token.i and inherit:
            return self._misparsed_subject(token)
        if not inherit or token.head.i == token.i:
            return ()
        head = token.head
        if token.dep_ == "xcomp" and head.lemma_ in OBJECT_CONTROL:
            objects = [c for c in head.children if c.dep_ == "dobj"]
            if objects:
                return self.resolver.resolve(objects[0])
        if token.dep_ in ("xcomp", "conj", "acomp", "advcl", "ccomp"):
            # "the premier has been indicted and will resign": an active verb joined to a
            # passive one shares its subject
            active_conj = (
                token.dep_ == "conj"
                and any(c.dep_ == "aux" for c in token.children)
                and not any(c.dep_ == "auxpass" for c in token.children)
            )
            return self._sources(head, raised=token.dep_ in ("xcomp", "acomp") or active_conj)
        if token.dep_ == "pcomp" and head.lower_ in ("to", "by") and head.head.i != head.i:
            # "resorted to throwing stones", "protested by blocking roads"; not "deported
            # them for travelling", where the gerund is the object's
            return self._sources(head.head)
        if token.dep_ in ("relcl", "acl") and head.pos_ in ("NOUN", "PROPN"):
            actors = self.resolver.resolve(head)  # "demonstrators protesting the results"
            if not actors and token.dep_ == "acl" and head.dep_ == "dobj":
                # "the PKK issued a declaration demanding ...": the issuer demands
                actors = self._sources(head.head)
            return actors
        return ()

    def _home_authorities(self, sources: tuple[Actor, ...]) -> tuple[Actor, ...]:
        """Return the country a protest with no named target is addressed to: the protesters' own.

        "Thousands of Nigerians converged for a rally in Lagos": a demonstration, strike or
        riot that names nobody is directed at the authorities of the protesters' country
        (the PLOVER and ICEWS practice). The target is inferred, so it has no span in the
        text, and its reason says so.
        """
        countries = {s.country for s in sources}
        if len(countries) != 1 or None in countries:
            return ()
        country = countries.pop()
        assert country is not None
        known = self.resolver.kb.countries.get(country)
        start = min(s.start for s in sources)
        return (
            Actor(
                known.name if known is not None else country,
                country,
                country,
                (),
                None,
                start,
                start,
                "inferred: a protest that names no target is addressed to its own country",
            ),
        )

    def _unnamed_attacker(self, verb: Token) -> tuple[Actor, ...]:
        """Return an unidentified source (CAMEO "---") for violence by an unnamed hand.

        "A roadside bombing killed one U.S. soldier", "three civilians were killed in a
        car bombing": the attack is news even though nobody is named as its author. The
        source stays unidentified, never guessed; the attack's words are its text.
        """
        if verb.pos_ not in ("VERB", "AUX"):
            return ()
        passive = any(c.dep_ == "nsubjpass" for c in verb.children)
        if passive and any(c.dep_ == "agent" for c in verb.children):
            return ()
        if passive:
            means = [
                g
                for c in verb.children
                if c.dep_ == "prep" and c.lower_ in ("in", "by")
                for g in c.children
                if g.dep_ == "pobj"
            ]
        else:
            means = [c for c in verb.children if c.dep_ == "nsubj"]
        for noun in means:
            kind = self.match(noun)
            if (kind is not None and kind.code[:2] in VIOLENT_ROOTS) or (
                noun.lemma_.lower() in WEAPON_WORDS
            ):
                text = verb.doc[noun.left_edge.i : noun.i + 1].text
                start = self.base + noun.doc[noun.left_edge.i].idx
                return (
                    Actor(
                        text,
                        UNIDENTIFIED,
                        None,
                        (),
                        None,
                        start,
                        start + len(text),
                        f"unidentified: no perpetrator named for '{text}'",
                    ),
                )
        return ()

    def _misparsed_subject(self, verb: Token) -> tuple[Actor, ...]:
        """Return the actors just before a main verb the parser left without a subject.

        "With the signing of a memorandum, the government and the rebels have agreed to
        ...": the parser hangs the subject on the opening phrase; the noun right before
        the verb (and its auxiliaries) is its subject.
        """
        before = verb.i - 1
        while before >= verb.sent.start and verb.doc[before].dep_ in ("aux", "neg", "advmod"):
            before -= 1
        if before < verb.sent.start:
            return ()
        candidate = verb.doc[before]
        if candidate.pos_ not in ("NOUN", "PROPN") or candidate.dep_ in ("pobj", "npadvmod"):
            return ()
        while candidate.dep_ == "compound" and candidate.head.i > candidate.i:
            candidate = candidate.head
        actors = self.resolver.resolve(candidate)
        while not actors and candidate.dep_ == "conj" and candidate.head.i != candidate.i:
            candidate = candidate.head  # "the government and SPLM/A": from the first conjunct
            actors = self.resolver.resolve(candidate)
        return actors

    def _noun_sources(self, token: Token) -> tuple[Actor, ...]:
        """Return the actors doing a nominal event: possessor, "by" phrase or governing subject."""
        for child in token.children:
            if child.dep_ == "poss":
                owners = self.resolver.resolve(child)
                if owners:
                    return owners
            if child.dep_ == "prep" and child.lower_ in ("by", "between", "among"):
                agents = self._resolve_all(g for g in child.children if g.dep_ == "pobj")
                if agents:
                    return agents
            if child.dep_ == "acl":  # "the demonstration staged by students"
                agents = self._resolve_all(
                    g
                    for a in child.children
                    if a.dep_ == "agent"
                    for g in a.children
                    if g.dep_ == "pobj"
                )
                if agents:
                    return agents
        for child in token.children:
            if child.dep_ in ("compound", "amod") and child.pos_ in ("PROPN", "ADJ"):
                actors = self.resolver.resolve(child)
                if not actors:
                    actors = self._demonym(child)
                if actors:
                    return actors  # "US aid", "Russian attacks"
                if child.text[:1].isupper() and child.dep_ == "amod":
                    return ()  # "Western criticism": an agent we cannot code, not the subject's
        # The subject of the governing verb did it when the noun is its object ("held
        # talks"); through a preposition only for meetings and travel ("leaves Moscow
        # following a visit"), not for "offered talks following the invasion".
        through: tuple[str, ...] = ("pobj", "prep", "dobj", "attr", "appos", "nsubjpass", "conj")
        if not self._consult_noun(token):
            through = ("dobj", "attr", "conj")
        head = token
        while head.head.i != head.i and (
            head.dep_ in through
            or (head.dep_ == "pobj" and head.head.lower_ == "of")
            or head.lower_ == "of"
        ):  # "provided 25,000 tons of aid"
            as_object = head.dep_ == "dobj"
            head = head.head
            if head.pos_ in ("VERB", "AUX"):
                governing = self.match(head)
                if (as_object or not self._consult_noun(token)) and (
                    (governing is not None and governing.frame != "say")
                    or head.lemma_.lower() not in SUPPORT_VERBS
                ):
                    # "condemned the attack", "feel the threat": not the subject's own act;
                    # "launched an attack", "held talks": the subject did it
                    return ()
                sources = self._sources(head)
                if sources:
                    return sources
        return ()

    def _consult_noun(self, token: Token) -> bool:
        """Return whether a noun is done by whoever takes part in it ("joined the rally").

        Meetings, travel and protests: their subject is the participant even through a
        preposition ("leaves Moscow following a visit", "converged for a rally").
        """
        predicate = self.match(token)
        return predicate is not None and (predicate.travel or predicate.code[:2] in ("04", "14"))

    def _modifier_agents(self, noun: Token) -> tuple[Actor, ...]:
        """Return the actors named in a noun's modifiers ("US" in "US Predator attacks")."""
        for child in noun.children:
            if child.dep_ in ("compound", "amod", "poss", "nmod") and child.i < noun.i:
                actors = self.resolver.resolve(child) or self._demonym(child)
                if not actors and child.dep_ == "compound":  # "US Predator attacks"
                    actors = self._modifier_agents(child)
                if actors:
                    return actors
        return ()

    def _demonym(self, token: Token) -> tuple[Actor, ...]:
        """Return the country a demonym adjective names ("Russian" in "Russian attacks")."""
        known = self.resolver.kb.adjectives.get(token.text)
        if known is None:
            return ()
        start = self.base + token.idx
        return (
            Actor(
                token.text,
                known.code,
                known.country,
                (),
                None,
                start,
                start + len(token.text),
                known.reason,
            ),
        )

    def _objects(self, token: Token, predicate: Predicate) -> tuple[Actor, ...]:
        # "withdraw its troops from Lebanon": the subject's own troops are no target
        objects = [c for c in token.children if c.dep_ in ("dobj", "dative", "iobj") and not own(c)]
        actors = self._resolve_all(objects)
        if actors:
            return actors
        if not predicate.actor_object:
            for obj in objects:  # "rejected Russia's proposal", "sought the support of Moscow"
                owners = self._owners(obj)
                if owners:
                    return owners
        return self._prep_objects(token, predicate)

    def _owners(self, noun: Token) -> tuple[Actor, ...]:
        """Return whose thing a noun is: its possessor, a name or demonym qualifying it
        ("a U.N. Security Council resolution", "a Senegalese peace plan"), or an
        "of/from/by/for" phrase on it."""
        owner = possessor(noun)
        owners = self.resolver.resolve(owner) if owner is not None else ()
        if not owners:
            owners = self._modifier_agents(noun)
        if not owners:
            owners = self._resolve_all(
                g
                for c in noun.children
                if c.dep_ == "prep" and c.lower_ in ("of", "from", "by", "for")
                for g in c.children
                if g.dep_ == "pobj"
            )
        return owners

    def _prep_objects(self, token: Token, predicate: Predicate) -> tuple[Actor, ...]:
        holders = [token]
        if (
            predicate.pos == "NOUN"
            and token.dep_ == "dobj"
            and token.head.lemma_.lower() in SUPPORT_VERBS
        ):
            holders.append(token.head)  # "staged rallies in Gaza against Abbas"
        if predicate.particle is not None:  # "imposed sanctions on X": "on" hangs from "sanctions"
            child = particle_child(token, predicate.particle)
            if child is not None:
                holders.append(child)
        for child in (c for holder in holders for c in holder.children):
            if child.dep_ in ("prep", "dative") and child.lower_ in predicate.preps:
                actors = self._resolve_all(g for g in child.children if g.dep_ == "pobj")
                if actors:
                    return actors
        return ()

    def _destination(self, token: Token, sent: Span, source: Actor) -> tuple[Actor, ...]:
        """Return the country travelled to: the first place in the sentence not the traveller's own."""
        for candidate in sent:
            if candidate.pos_ != "PROPN" or candidate.dep_ == "poss":
                continue
            actors = self.resolver.resolve(candidate)
            for actor in actors:
                if actor.country and actor.country != source.country and not actor.sectors:
                    return (actor,)
        return ()

    def _nearby_actor(
        self, token: Token, sources: tuple[Actor, ...], *, places: bool = True
    ) -> tuple[Actor, ...]:
        """Return the first actor in the words governed by the event, other than its source.

        The last resort for a target: "offered to hand over to Great Britain ...",
        "granted asylum to Panamanian officers". The event's own subject is never taken.
        """
        start = token
        if _POS.get(token.pos_) == "NOUN":
            while start.dep_ in ("pobj", "prep", "dobj", "compound") and start.head.i != start.i:
                start = start.head
        taken = {a.code for a in sources}

        def follow(child: Token) -> bool:
            return nearby(child) and (places or not _locative(child))

        frontier = [(c, 0) for c in start.children if follow(c) and c.dep_ != "nsubj"]
        while frontier:
            current, depth = frontier.pop(0)
            if current.pos_ in ("NOUN", "PROPN", "PRON", "ADJ") and current.i != token.i:
                found = (
                    self.resolver.resolve(current)
                    if current.pos_ != "ADJ"
                    else self._demonym(current)
                )
                actors = tuple(a for a in found if a.code not in taken)
                if actors:
                    return actors
            if depth < 6:
                frontier.extend((c, depth + 1) for c in current.children if follow(c))
        return ()

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

    def _resolve_all(self, tokens: Iterable[Token]) -> tuple[Actor, ...]:
        out: list[Actor] = []
        for token in tokens:
            out.extend(self.resolver.resolve(token))
        return tuple(out)

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


VIOLENT_ROOTS = frozenset({"18", "19", "20"})
# what kills or wounds without being an event word itself ("a minefield explosion killed ...")
WEAPON_WORDS = frozenset(
    {"explosion", "blast", "bomb", "mine", "landmine", "shell", "rocket", "missile", "grenade",
     "gunfire", "mortar", "device", "explosive", "car-bomb", "drone"}
)  # fmt: skip
ARMED_SECTORS = frozenset({"MIL", "REB", "INS", "SEP", "UAF", "COP", "SPY", "CRM", "RAD", "PKO"})


def _armed(actors: tuple[Actor, ...]) -> bool:
    """Return whether every actor is an armed one (army, rebels, police, gunmen ...)."""
    return bool(actors) and all(
        ARMED_SECTORS & {*a.sectors, *(a.code[i : i + 3] for i in range(3, len(a.code), 3))}
        or a.code.startswith(("IMG", "NGM"))
        for a in actors
    )  # "UN peacekeepers" (IGOUNOPKO) carry their role in the code only


def _verbal_complement(token: Token) -> bool:
    """Return whether a word takes a clause ("committed to opening up", "pledged to help")."""
    return any(
        c.dep_ in ("xcomp", "ccomp")
        or (c.dep_ == "prep" and any(g.dep_ == "pcomp" for g in c.children))
        for c in token.children
    )


def _locative(token: Token) -> bool:
    """Return whether a dependent is a place phrase ("in London", "at the summit")."""
    return token.dep_ == "prep" and token.lower_ in ("in", "at", "near", "inside", "outside")


def _object_is_a_thing(token: Token) -> bool:
    """Return whether a verb that needs an actor object has something else instead.

    A direct object, a that-clause ("recognised that ...": the cognitive sense), or,
    in a relative clause with no object, the noun it describes ("the advice they received").
    """
    if any(c.dep_ in ("dobj", "ccomp") for c in token.children):
        return True
    return token.dep_ == "relcl" and token.head.pos_ == "NOUN"
