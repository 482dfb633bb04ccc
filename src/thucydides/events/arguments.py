"""Who did it and to whom: the source and target of an event word, read off the parse.

:class:`ArgumentFinding` is the part of :class:`~thucydides.events.extract.SentenceCoder`
that finds an event's actors:

* verbs: the subject (inherited through ``xcomp``/``conj``, or the ``by`` agent of a
  passive; the noun just before a main verb the parser left without one) is the
  source; the direct object, the passive subject, or an object introduced by one of
  the entry's prepositions is the target;
* nouns ("visit", "talks"): the possessor or ``by`` phrase is the source, else the
  subject of the verb that governs the noun;
* last resorts: the nearest other actor the event word governs; for violence by an
  unnamed hand the unidentified source ``---``; for a protest that names no target,
  the protesters' own country (inferred, with no span).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from spacy.tokens import Span, Token

from thucydides.actors.resolve import DocumentResolver, names_currency
from thucydides.events.lexicon import Predicate
from thucydides.events.syntax import nearby, own, particle_child, possessor
from thucydides.records import UNIDENTIFIED, Actor

COARSE_POS = {"VERB": "VERB", "AUX": "VERB", "NOUN": "NOUN", "PROPN": "NOUN", "ADJ": "ADJ"}

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})

OBJECT_CONTROL = frozenset(
    {"urge", "ask", "call", "tell", "force", "persuade", "press", "invite", "encourage"}
)

RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})

# verbs that hand their subject to the event noun they govern ("held talks", "launched an
# attack"); "stag" is the lemmatiser's reading of "staged"
SUPPORT_VERBS = frozenset(
    {"hold", "have", "launch", "stage", "mount", "conduct", "carry", "make", "pay", "begin",
     "start", "continue", "resume", "wage", "step", "intensify", "escalate", "issue",
     "deliver", "undertake", "organize", "organise", "lead", "join", "attend", "call",
     "complete", "open", "impose", "declare", "announce", "give", "provide", "send", "grant",
     "extend", "hand", "lodge", "file", "take", "set", "unleash", "order", "plan", "prepare",
     "be", "go", "get", "receive", "seek", "win", "secure", "reach", "conclude", "finalize",
     "finalise", "renew", "offer", "propose", "use", "deploy", "commit", "perpetrate", "claim",
     "speed", "accelerate", "finish", "stag"}
)  # fmt: skip

VIOLENT_ROOTS = frozenset({"18", "19", "20"})

# what kills or wounds without being an event word itself ("a minefield explosion killed ...")
WEAPON_WORDS = frozenset(
    {"explosion", "blast", "bomb", "mine", "landmine", "shell", "rocket", "missile", "grenade",
     "gunfire", "mortar", "device", "explosive", "car-bomb", "drone"}
)  # fmt: skip

ARMED_SECTORS = frozenset({"MIL", "REB", "INS", "SEP", "UAF", "COP", "SPY", "CRM", "RAD", "PKO"})


class ArgumentFinding(ABC):
    """Sources and targets of event words, from one article's resolver (a mixin)."""

    resolver: DocumentResolver
    base: int

    @abstractmethod
    def match(self, token: Token) -> Predicate | None:
        """Return the lexicon entry a token triggers, if any."""

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
                if COARSE_POS.get(token.pos_) == "NOUN"
                else self._sources(token)
            )
        targets = self._objects(token, predicate)
        if not targets and COARSE_POS.get(token.pos_) == "NOUN":
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
        if known is None or names_currency(token):
            return ()  # "U.S. Dlr", "Canadian dollars": a currency
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
        if COARSE_POS.get(token.pos_) == "NOUN":
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

    def _resolve_all(self, tokens: Iterable[Token]) -> tuple[Actor, ...]:
        out: list[Actor] = []
        for token in tokens:
            out.extend(self.resolver.resolve(token))
        return tuple(out)


def armed(actors: tuple[Actor, ...]) -> bool:
    """Return whether every actor is an armed one (army, rebels, police, gunmen ...)."""
    return bool(actors) and all(
        ARMED_SECTORS & {*a.sectors, *(a.code[i : i + 3] for i in range(3, len(a.code), 3))}
        or a.code.startswith(("IMG", "NGM"))
        for a in actors
    )  # "UN peacekeepers" (IGOUNOPKO) carry their role in the code only


def _locative(token: Token) -> bool:
    """Return whether a dependent is a place phrase ("in London", "at the summit")."""
    return token.dep_ == "prep" and token.lower_ in ("in", "at", "near", "inside", "outside")
