"""Resolve noun phrases in a parsed article to CAMEO actors.

A :class:`DocumentResolver` lives for one article. It reads sentences in order,
remembers who each person is once the text says so ("Kazakhstan's President
Nursultan Nazarbaev", "Artem Malgin is deputy director of ..."), and answers
later mentions: the surname alone, "the Kazakh president", "he", "his country",
"the two leaders". The rules, in the order tried for a phrase head:

1. pronouns and "the two leaders / countries / sides": the references module
   (:mod:`thucydides.actors.reference`);
2. a knowledge-base name: country, capital, seat of power, organisation;
3. a person: this article's memory, then the roles written around the name,
   then the leaders table for the article's date;
4. a role word with a country taken from its modifiers ("Russian troops",
   "the president of Russia", "a Moscow-based analyst");
5. a demonym used as a noun ("Russians").

Each actor carries ``reason``: the rule or entry that decided it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Span, Token

from thucydides.actors.knowledge import KnowledgeBase, KnownActor, Role
from thucydides.actors.mentions import Match, MentionIndex
from thucydides.actors.reference import (
    GROUP_PRONOUNS,
    PAIR_NOUNS,
    PERSON_PRONOUNS,
    SUBJECTS,
    THING_PRONOUNS,
    Memory,
    ReferenceResolution,
)
from thucydides.records import Actor

SELF_NOUNS = frozenset(
    {"country", "nation", "state", "people"}
)  # "his country" = the speaker's state
HONORIFICS = frozenset(
    {"Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Dame", "Lord", "Lady", "Mme", "Herr"}
)
QUANTITY_HEADS = frozenset(
    {"group", "groups", "delegation", "team", "number", "dozens", "hundreds", "thousands", "millions",
     "scores", "tens", "members", "member", "some", "many", "most", "majority", "all", "one", "several",
     "part", "contingent", "unit", "units", "band", "crowd", "crowds"}
)  # fmt: skip
# entity types that a one-word leader alias never is ("Friday" the weekday, "May" the month)
NOT_PEOPLE = frozenset(
    {"DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "GPE", "LOC",
     "NORP", "LANGUAGE", "EVENT", "LAW", "WORK_OF_ART", "FAC", "PRODUCT"}
)  # fmt: skip
# nouns that name an organised agent, so that a name qualifying them is the actor
# ("the Taliban religious faction", "the Islamic Jihad movement")
AGENT_NOUNS = frozenset(
    {"faction", "movement", "group", "organization", "organisation", "network", "wing",
     "militia", "party", "front", "alliance", "coalition", "regime", "administration",
     "government", "cell", "brigade", "army", "force", "forces", "fighter", "fighters",
     "militant", "militants", "guerrilla", "guerrillas", "rebel", "rebels", "leadership",
     "delegation", "mission", "agency", "ministry", "council", "commission", "court"}
)  # fmt: skip
# nouns that stand for a state when a demonym qualifies them
STAND_IN_NOUNS = frozenset(
    {"side", "sides", "delegation", "delegations", "camp", "nation", "state", "republic", "people", "public", "negotiators"}
)  # fmt: skip
_NP_SKIP_DEPS = frozenset({"relcl", "acl", "appos", "cc", "conj", "punct", "advcl"})


CURRENCY_WORDS = frozenset(
    {"dollar", "dollars", "dlr", "dlrs", "pound", "pounds", "yen", "franc", "francs", "mark",
     "marks", "euro", "euros", "rouble", "roubles", "ruble", "rubles", "cent", "cents"}
)  # fmt: skip


def names_currency(token: Token) -> bool:
    """Return whether a country word only names a currency ("U.S. Dlr", "Hong Kong dollars")."""
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return token.dep_ in ("compound", "amod", "nmod") and (
        token.head.lower_ in CURRENCY_WORDS or (nxt is not None and nxt.lower_ in CURRENCY_WORDS)
    )


# capitals that were the seat of a former state: before the date, "Moscow" is the USSR
PREDECESSOR_SEATS = {
    "RUS": ("1991-12-26", "SUN"),
    "SRB": ("1992-04-27", "YUG"),
    "CZE": ("1993-01-01", "CSK"),
}


class DocumentResolver(ReferenceResolution):
    """Resolve actor mentions within one article, in reading order."""

    def __init__(
        self, index: MentionIndex, *, date: str | None, countries: Sequence[str] = ()
    ) -> None:
        self.kb: KnowledgeBase = index.kb
        self.index = index
        self.date = date
        # the article's countries (ISO3): a bare surname is a foreign leader only if the
        # article is about the leader's country ("Howard" in a British story is not John Howard)
        self.countries = frozenset(countries)
        self.memory = Memory({}, {}, [], [], [])
        self._matches: dict[int, Match] = {}
        self._cache: dict[int, tuple[Actor, ...]] = {}
        self._introducing: set[int] = set()  # names being identified (guards recursion)
        self._base = 0

    # -- per block / sentence -------------------------------------------------

    def start_block(self, doc_or_span: Span, *, base: int) -> None:
        """Index knowledge-base names in a new text block whose text starts at ``base``."""
        self._matches = self.index.find(doc_or_span)
        self._cache = {}
        self._base = base

    def read_sentence(self, sent: Span) -> list[tuple[Actor, ...]]:
        """Learn the people a sentence introduces, record its mentions in order, and return them.

        Each item is the actors of one phrase; coordinated phrases ("Putin and
        Nazarbaev") come once, as one item with both.
        """
        self.memory.sentence_starts.append(self._base + sent.start_char)
        for ent in sent.ents:
            if ent.label_ == "PERSON":
                self._introduce(ent)
        for token in sent:  # names the recognizer missed, but which the text describes
            if (
                token.pos_ == "PROPN"
                and token.dep_ != "compound"
                and token.ent_type_ != "PERSON"
                and token.i not in self._matches
            ):
                span = self._name_span(token)
                if all(t.is_title for t in span) and self._described_by(token, span) is not None:
                    self._introduce(span)
        mentions: list[tuple[Actor, ...]] = []
        for token in sent:
            if token.pos_ in ("NOUN", "PROPN", "PRON") and token.dep_ != "compound":
                actors = self.resolve(token)
                if actors and token.dep_ != "conj":
                    mentions.append(actors)
                position = self._base + token.idx
                if len(actors) >= 2 or (
                    token.tag_ in ("NNS", "NNPS") and (actors or token.dep_ in SUBJECTS)
                ):
                    # an unresolved plural subject ("the registrars") still takes "they"
                    self.memory.group_mentions.append((position, actors))
                for actor in actors:
                    if actor.name and actor.sectors and self._names_a_person(token):
                        self.memory.person_mentions.append((position, actor))
                if (
                    len(actors) == 1
                    and not actors[0].name
                    and token.dep_ in SUBJECTS
                    and token.tag_ == "NN"
                    and (role := self._role_at(token)) is not None
                    and role.kind == "person"
                ):
                    # "The chancellor promised ... He also pledged ...": an office holder
                    # we cannot name is still who "he" or "she" is next
                    self.memory.person_mentions.append((position, actors[0]))
                if not actors and token.ent_type_ == "ORG" and token.dep_ in SUBJECTS:
                    # a company or body we cannot code still takes "it" ("Computerland said it ...")
                    self.memory.entity_mentions.append((position, None))
                    self.memory.subject_entities.append((position, None))
                if (
                    not actors
                    and token.ent_type_ == "PERSON"
                    and token.dep_ in SUBJECTS | {"appos", "pobj", "dobj"}
                ):
                    # a person we cannot code still takes "he"/"she" ("Clare Short ... she")
                    self.memory.person_mentions.append((position, None))
                if (
                    len(actors) == 1
                    and not (actors[0].name and self._names_a_person(token))  # "the ILO ... its"
                    and token.tag_ in ("NNP", "NN")
                    and token.lower_ not in THING_PRONOUNS
                ):
                    self.memory.entity_mentions.append((position, actors[0]))
                    if token.dep_ in SUBJECTS:
                        self.memory.subject_entities.append((position, actors[0]))
        return mentions

    # -- resolution -------------------------------------------------------------

    def resolve(self, token: Token) -> tuple[Actor, ...]:
        """Return the actors a phrase headed by ``token`` refers to (several if coordinated)."""
        cached = self._cache.get(token.i)
        if cached is not None:
            return cached
        actors: list[Actor] = []
        for head in (token, *token.conjuncts):
            found = self._resolve_one(head)
            if not found and head.pos_ == "PROPN":
                # "The International Labor Office (ILO)": the name we know is in brackets
                found = next(
                    (
                        known
                        for child in head.children
                        if child.dep_ == "appos" and child.pos_ == "PROPN"
                        for known in [self._resolve_one(child)]
                        if known
                    ),
                    (),
                )
            for actor in found:
                if all(actor.code != known.code or actor.name != known.name for known in actors):
                    actors.append(actor)
        result = tuple(actors)
        self._cache[token.i] = result
        return result

    def _resolve_one(self, head: Token) -> tuple[Actor, ...]:
        lower = head.lower_
        if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in head.children):
            return ()  # "no politician should ...": nobody in particular
        if names_currency(head):
            return ()  # "a 37 mln U.S. Dlr loan": a currency, not the United States
        if lower in QUANTITY_HEADS or head.pos_ == "NUM":  # "a group of Moroccan diplomats"
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    members = [g for g in child.children if g.dep_ == "pobj"]
                    if members:
                        return self.resolve(members[0])
        if head.pos_ == "PRON" or (
            lower in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS
            and head.tag_.startswith("PRP")
        ):
            return self._pronoun(head)
        if self._is_pair(head):
            if lower in PAIR_NOUNS:
                return self._latest_group(head, countries=True, sectors=())
            pair_role = self._role_at(head)
            if pair_role is not None and pair_role.kind in ("person", "generic", "group"):
                return self._latest_group(head, countries=False, sectors=pair_role.sectors)
        match = self._matches.get(head.i)
        if (
            match is not None
            and match.kind == "NAME"
            and match.actor is not None
            and match.actor.kind != "person"
        ):
            party = self._foreign_namesake(head, match)
            if party is not None:
                return (party,)
            return (
                self._from_known(self._homonym(match.text, match.actor), self._span(head, match)),
            )
        if (
            head.ent_type_ == "PERSON"
            or (match is not None and match.kind == "LEADER" and head.ent_type_ not in NOT_PEOPLE)
            or (head.pos_ == "PROPN" and head.text in self.memory.persons)
        ):
            person = self._person(head)
            if person is not None:
                return (person,)
        if lower in SELF_NOUNS:
            owner = self._possessor(head)
            if owner is not None and owner.country:
                return (
                    replace(
                        owner,
                        code=owner.country,
                        sectors=(),
                        text=self._np_text(head),
                        start=self._base + head.idx,
                        end=self._base + head.idx + len(head),
                        reason=f"{owner.name or owner.code}'s {lower}",
                    ),
                )
        role = self._role_at(head)
        if role is not None:
            return self._role_actor(head, role)
        if (
            match is not None
            and match.kind == "ADJ"
            and match.actor is not None
            and head.pos_ in ("PROPN", "NOUN")
        ):
            place = self._country_in(head, exclude=self._span(head, match))
            if place is not None and place.kind != "organization":  # "Bosnian Serbs" → BIH
                return (
                    self._from_known(
                        place,
                        head.doc[head.left_edge.i : head.i + 1],
                        reason=f"'{match.text}' of {place.name}",
                    ),
                )
            home = self._ethnic_home(head, match.actor)
            if home is not None:  # "ethnic Albanians" fighting in Macedonia
                return (
                    self._from_known(
                        home,
                        head.doc[head.left_edge.i : head.i + 1],
                        reason=f"ethnic {match.text} in {home.name}",
                    ),
                )
            return (
                self._from_known(
                    match.actor, self._span(head, match), reason=f"demonym as noun ({match.text})"
                ),
            )
        if lower in STAND_IN_NOUNS or head.lemma_.lower() in STAND_IN_NOUNS:
            countries = self._coordinated_countries(head) or self._modifier_countries(head)
            if countries:  # "the Turkish and Greek sides", "the Iraqi side"
                start = self._base + head.left_edge.idx
                text = head.doc[head.left_edge.i : head.i + 1].text
                return tuple(
                    Actor(
                        text,
                        known.code,
                        known.country,
                        (),
                        None,
                        start,
                        start + len(text),
                        f"'{head.text}' of {known.name}",
                    )
                    for known in countries
                )
        named = self._named_modifier(head)
        if (
            not named
            and head.pos_ == "PROPN"
            and head.ent_type_ != "PERSON"
            and head.i not in self._matches
            and not any(c.dep_ == "compound" for c in head.children)
        ):
            country = self.kb.country_spelled_like(head.text)  # "Ethopia has agreed ..."
            if country is not None:
                return (
                    self._from_known(
                        country,
                        head.doc[head.i : head.i + 1],
                        reason=f"'{head.text}' read as a spelling of {country.name}",
                    ),
                )
        return named

    def _modifier_countries(self, head: Token) -> list[KnownActor]:
        """Return the country a noun's own modifier names ("the Iraqi side")."""
        for child in head.children:
            match = self._matches.get(child.i)
            if (
                child.dep_ in ("amod", "compound")
                and match is not None
                and match.actor is not None
                and match.kind in ("NAME", "ADJ")
            ):
                return [match.actor]
        return []

    def _named_modifier(self, head: Token) -> tuple[Actor, ...]:
        """Return the organisation or country named in a noun's modifiers.

        The last resort for a head noun we do not know: "the Taliban religious
        faction", "the Palestinian Islamic Jihad movement", "al-Qaeda's network".
        """
        if head.lemma_.lower() not in AGENT_NOUNS:
            return ()  # "U.S. car production", "Italy's revival": things, not actors
        for child in head.children:
            if child.dep_ not in ("compound", "poss", "nmod") or child.i > head.i:
                continue
            match = self._matches.get(child.i)
            if match is not None and match.kind == "NAME" and match.actor is not None:
                span = self._span(child, match)
                known = match.actor
                return (self._from_known(known, span, reason=f"'{head.text}' of {known.name}"),)
        return ()

    # -- people ---------------------------------------------------------------------

    def _person(self, head: Token) -> Actor | None:
        span = self._name_span(head)
        for key in (span.text, span[-1].text):
            known = self.memory.persons.get(key)
            if known is not None and _same_first_name(span, known.name):
                return replace(
                    known,
                    text=span.text,
                    start=self._base + span.start_char,
                    end=self._base + span.end_char,
                )
        return self._introduce(span)

    def _introduce(self, span: Span) -> Actor | None:
        """Work out who a named person is from the words around the name, and remember it."""
        span = self._name_span(span.root)
        if span.root.i in self._introducing:
            return None  # a description that leads back to the name itself
        self._introducing.add(span.root.i)
        try:
            return self._identify(span)
        finally:
            self._introducing.discard(span.root.i)

    def _identify(self, span: Span) -> Actor | None:
        if span.text in self.memory.persons and self.memory.persons[span.text].reason.startswith(
            "described"
        ):
            return self.memory.persons[span.text]
        head = span.root
        described = self._described_by(head, span)
        actor: Actor | None = None
        if described is not None:
            actor = described
        else:
            tenure = None
            when = f"on {self.date}" if self.date else "latest term, no date given"
            for key in self._name_keys(span):
                tenure = self.kb.office(key, self.date)
                if (
                    tenure is not None
                    and " " not in key
                    and self.countries
                    and tenure.country not in self.countries
                    and not self._has_office_title(head, span)
                ):
                    tenure = None  # a bare surname: only a leader of a country the article is about
                if tenure is None and self.date and self._has_office_title(head, span):
                    # "President Obama" in a text dated outside his term: the title
                    # vouches for the office, so take the name's latest one
                    tenure = self.kb.office(key, None)
                    when = "titled in the text; the date is outside the table's terms"
                if tenure is not None:
                    break
            if tenure is None and self._has_office_title(head, span):
                # "President Bouteflicka": a titled name one letter from a leader's
                tenure = self.kb.office_spelled_like(span[-1].text, self.date)
                if tenure is not None and not _same_first_name(span, tenure.name):
                    tenure = None  # "Charles Clarke" is not Helen Clark
                if tenure is not None:
                    when = (f"on {self.date}" if self.date else "latest term, no date given") + (
                        f"; '{span[-1].text}' read as a spelling of {tenure.name}"
                    )
            if tenure is None and self.date:
                actor = self._former_officeholder(span)
            if tenure is not None:
                code = tenure.code or tenure.country + "GOV"
                country = tenure.country or None
                sectors = _sectors_of(code) if country and code.startswith(country) else ()
                actor = Actor(
                    span.text,
                    code,
                    country,
                    sectors,
                    tenure.name,
                    0,
                    0,
                    (
                        f"user dictionary: {tenure.name} is {code} {when}"
                        if tenure.role == "dictionary"
                        else f"leaders table: {tenure.name}, {tenure.role} of {tenure.country} {when}"
                    ),
                )
        if actor is None:
            actor = self._titled_in_article(head, span)
        if actor is None:
            if len(span) > 1:  # a bare surname must not overwrite the full name seen before
                self.memory.unknown[span[-1].text] = span.text
            return None
        actor = replace(
            actor,
            text=span.text,
            name=actor.name or span.text,
            start=self._base + span.start_char,
            end=self._base + span.end_char,
        )
        for key in {span.text, span[-1].text}:
            self.memory.persons[key] = actor
        return actor

    def _titled_in_article(self, head: Token, name: Span) -> Actor | None:
        """Code an unknown titled person by the article's only country ("President Avril").

        The last resort, after the leaders table: a title with no country of its own in
        an article that names one country is that country's office.
        """
        for child in head.children:
            if child.dep_ in ("compound", "amod") and child.i < name.start:
                role = self._role_at(child)
                if role is not None and role.kind == "person":
                    actor = self._compose(head, role, exclude=name, article_country=True)
                    if actor is not None:
                        return replace(actor, name=name.text, reason=f"titled: {actor.reason}")
        return None

    def _former_officeholder(self, span: Span) -> Actor | None:
        """Code a known leader named outside any term as an elite of the country (CAMEO ELI)."""
        for key in self._name_keys(span):
            terms = self.kb.tenures.get(key, [])
            countries = {term.country for term in terms if not term.code}
            if " " not in key and self.countries:
                countries &= self.countries
            if len(countries) == 1:
                country = countries.pop()
                last = max(terms, key=lambda term: term.start)
                ended = [
                    term.end for term in terms if term.end and self.date and term.end < self.date
                ]
                status = f"left office {max(ended)}" if ended else "before taking office"
                return Actor(
                    span.text,
                    country + "ELI",
                    country,
                    ("ELI",),
                    last.name,
                    0,
                    0,
                    f"leaders table: {last.name}, not in office on {self.date} ({status})",
                )
        return None

    def _has_office_title(self, head: Token, name: Span) -> bool:
        """Return whether a government title stands in the name's phrase ("President Obama")."""
        words = [c for c in head.children if c.dep_ in ("compound", "amod")]
        words += [t for t in name if t.i != head.i]
        for word in words:
            role = self._role_at(word)
            if role is not None and "GOV" in role.sectors:
                return True
        return False

    def _names_a_person(self, token: Token) -> bool:
        """Return whether a mention is of a person (for "he"/"she"), not of a party or body."""
        if token.ent_type_ == "PERSON" or token.text in self.memory.persons:
            return True
        if token.lower_ in PERSON_PRONOUNS:
            return True
        role = self._role_at(token)
        return role is not None and role.kind in ("person", "generic")

    def _names_a_body(self, token: Token) -> bool:
        """Return whether a token is part of an organisation's or seat of power's name."""
        match = self._matches.get(token.i)
        return (
            match is not None
            and match.kind == "NAME"
            and match.actor is not None
            and match.actor.kind in ("organization", "seat")
        )

    def _name_keys(self, span: Span) -> list[str]:
        """Return the keys to look a name up by in the leaders table.

        A full name is looked up as written, never by its surname alone, so that
        "Michael Howard" is not taken for John Howard; a bare surname ("Howard",
        "Mr Howard") is looked up unless this article named someone else so.
        """
        words = [t for t in span if t.text.rstrip(".") not in HONORIFICS]
        if not words:
            return []
        if len(words) > 1:
            return [span.doc[words[0].i : words[-1].i + 1].text]
        surname = words[0].text
        full = self.memory.unknown.get(surname)
        return [] if full is not None and full != surname else [surname]

    def _described_by(self, head: Token, name: Span) -> Actor | None:
        """Return the identity that roles written around a name give it, if any."""
        candidates: list[Token] = []
        if head.dep_ == "appos" and head.head.pos_ in ("NOUN", "PROPN"):
            candidates.append(head.head)  # "his Russian counterpart, Vladimir Putin"
        candidates.extend(
            child for child in head.children if child.dep_ == "appos"
        )  # "X, an expert at ..."
        if head.dep_ == "nsubj" and head.head.lemma_ == "be":
            candidates.extend(child for child in head.head.children if child.dep_ == "attr")
        for candidate in candidates:
            role = self._role_at(candidate) or self._body_in(candidate)
            if role is not None:
                actor = self._compose(candidate, role, exclude=name)
                if actor is not None:
                    return replace(
                        actor,
                        name=name.text,
                        reason=f"described as '{self._np_text(candidate)}': {actor.reason}",
                    )
        # a title phrase before the name that resolves on its own: "U.N. Secretary-General Kofi Annan"
        for child in head.children:
            if (
                child.dep_ == "compound"
                and child.i < name.start
                and child.ent_type_ != "PERSON"
                and (self._role_at(child) is not None or self._names_a_body(child))
                and child.i not in self._introducing
            ):
                titled = self._resolve_one(child)
                if len(titled) == 1 and (titled[0].sectors or not titled[0].country):
                    actor = titled[0]
                    return replace(
                        actor, name=name.text, reason=f"described as '{actor.text}': {actor.reason}"
                    )
        # titles inside the name's own phrase: "Kazakhstan's President Nursultan Nazarbaev"
        for child in head.children:
            if child.dep_ in ("compound", "amod") and child.i < name.start:
                role = self._role_at(child)
                if role is not None:
                    actor = self._compose(head, role, exclude=name)
                    if actor is not None:
                        return replace(
                            actor,
                            name=name.text,
                            reason=f"described as '{self._np_text(head)}': {actor.reason}",
                        )
        return None

    def _name_span(self, head: Token) -> Span:
        doc = head.doc
        if head.ent_type_ == "PERSON":
            for ent in doc.ents:
                if ent.start <= head.i < ent.end:
                    end = ent.end  # "Gordon Brown's": the parser's entity keeps the "'s"
                    while end > head.i + 1 and doc[end - 1].tag_ == "POS":
                        end -= 1
                    return doc[ent.start : end]
        match = self._matches.get(head.i)
        if match is not None:
            return doc[match.start : match.end]
        start = head.i  # "Artem Malgin": the head and the proper-noun compounds before it
        while (
            start > 0
            and doc[start - 1].dep_ == "compound"
            and doc[start - 1].pos_ == "PROPN"
            and doc[start - 1].head.i == head.i
        ):
            start -= 1
        return doc[start : head.i + 1]

    # -- roles ------------------------------------------------------------------------

    def _role_at(self, token: Token) -> Role | None:
        match = self._matches.get(token.i)
        if match is not None and match.kind == "ROLE":
            role, first = self.kb.role(match.text), match.start
        else:
            role, first = self.kb.role(token.lower_) or self.kb.role(token.lemma_), token.i
        if (
            role is not None
            and first > 0
            and token.doc[first - 1].lower_ == "shadow"
            and "OPP" not in role.sectors
        ):
            # "shadow attorney general": the opposition's spokesman for the office
            return Role(f"shadow {role.term}", ("OPP",), role.kind)
        return role

    def _body_in(self, head: Token) -> Role | None:
        """Return the first institution word inside a phrase ("... at the Carnegie Center")."""
        for token in head.subtree:
            role = self._role_at(token)
            if role is not None and role.kind == "body":
                return role
        return None

    def _role_actor(self, head: Token, role: Role) -> tuple[Actor, ...]:
        if "GOV" in role.sectors and self._company_officer(head):
            return ()  # "Stearn's president", "executive vice president of Crazy Eddie Inc"
        # a title on a name ("President Bush") waits for the leaders table first
        actor = self._compose(head, role, article_country=head.dep_ != "compound")
        if actor is None:
            return ()
        for child in head.children:  # "his Russian counterpart, Vladimir Putin": name him
            if child.dep_ == "appos" and (
                child.ent_type_ == "PERSON" or child.text in self.memory.persons
            ):
                person = self._person(child)
                if person is not None and person.code == actor.code:
                    return (replace(actor, name=person.name),)
        countries = self._coordinated_countries(head)
        if len(countries) > 1:  # "the Kazakh and Russian presidents"
            return tuple(
                replace(
                    actor,
                    code=known.code
                    + "".join(s for s in actor.sectors if s not in _sectors_of(known.code)),
                    country=known.country,
                    reason=f"role '{role.term}' + {known.reason}",
                )
                for known in countries
            )
        if (
            role.kind in ("person", "generic")
            and head.tag_ in ("NN", "NNP")
            and any(c.lower_ == "the" for c in head.children)
        ):
            for _, person in reversed(self.memory.person_mentions):
                if (
                    person is not None and person.code == actor.code
                ):  # "the Kazakh president" → the Kazakh president we know
                    return (
                        replace(
                            person,
                            text=actor.text,
                            start=actor.start,
                            end=actor.end,
                            reason=f"'{actor.text}' → {person.name}",
                        ),
                    )
        return (actor,)

    def _compose(
        self,
        head: Token,
        role: Role,
        *,
        exclude: Span | None = None,
        article_country: bool = False,
    ) -> Actor | None:
        """Combine a role with the country its phrase names (or its possessor's).

        ``article_country``: failing those, an office or institution takes the article's
        country when the article names only one ("the president", "the parliament").
        """
        sectors = role.sectors
        if role.kind == "generic" or not sectors:
            body = self._body_in(head)
            if body is not None and body.sectors:
                sectors = body.sectors
        country = self._country_in(head, exclude=exclude)
        reason = f"role '{role.term}'"
        if country is None:
            owner = self._possessor(head)
            if owner is not None and owner.country:
                if role.kind == "generic" and owner.sectors and role.term.startswith("counterpart"):
                    sectors = owner.sectors
                country = self.kb.countries.get(owner.country) or KnownActor(
                    owner.country, owner.country, (), owner.country, "country", ""
                )
                reason += f" of {owner.name or owner.code}"
        if country is None and role.kind == "group":
            country = self._clause_place(head)  # "people blocked streets in Hong Kong"
            if country is not None:
                reason += " in the place the clause names"
        if (
            country is None
            and article_country
            and role.kind in ("person", "body")
            and len(self.countries) == 1
        ):
            # "President Avril declared a state of siege in Haiti": an office or institution
            # with no country of its own, in an article about one country, is that country's
            only = next(iter(self.countries))
            country = self.kb.countries.get(only)
            if country is not None:
                reason += f" in an article whose only country is {only}"
        if country is None:
            return None
        if country.kind == "organization":
            code = country.code
        else:
            code = country.code + "".join(s for s in sectors if s not in _sectors_of(country.code))
        text = self._np_text(head)
        start = self._base + head.left_edge.idx
        return Actor(
            text,
            code,
            country.country,
            tuple(sectors) or country.sectors,
            None,
            start,
            start + len(text),
            f"{reason} + {country.reason}",
        )

    def _clause_place(self, head: Token) -> KnownActor | None:
        """Return the country of an "in/across/throughout X" phrase on the clause of a subject."""
        while head.dep_ in ("pobj", "prep") and head.head.i != head.i:  # "thousands of people"
            head = head.head
        verb = head.head if head.dep_ in ("nsubj", "nsubjpass") else None
        if verb is None:
            return None
        objects = [c for c in verb.children if c.dep_ == "dobj"]  # "blocked streets in Hong Kong"
        for prep in (*verb.children, *(g for o in objects for g in o.children)):
            if prep.dep_ == "prep" and prep.lower_ in ("in", "across", "throughout"):
                for place in prep.children:
                    for token in place.subtree:
                        match = self._matches.get(token.i)
                        if (
                            match is not None
                            and match.kind == "NAME"
                            and match.actor is not None
                            and match.actor.kind in ("country", "capital")
                        ):
                            return match.actor
        return None

    def _coordinated_countries(self, head: Token) -> list[KnownActor]:
        """Return the countries of coordinated modifiers ("Kazakh and Russian"), in order."""
        found: list[KnownActor] = []
        for child in head.children:
            if child.dep_ in ("amod", "compound", "nmod"):
                for token in (child, *child.conjuncts):
                    match = self._matches.get(token.i)
                    known_actor = (
                        match.actor if match is not None and match.kind in ("NAME", "ADJ") else None
                    )
                    if known_actor is not None and all(k.code != known_actor.code for k in found):
                        found.append(known_actor)
        return (
            found
            if any(
                child.conjuncts
                for child in head.children
                if child.dep_ in ("amod", "compound", "nmod")
            )
            else []
        )

    def _homonym(self, name: str, known: KnownActor) -> KnownActor:
        """Return which of the organisations sharing a name the article means: the one
        whose country it is about ("BNP" in a British story), else the table's last."""
        candidates = self.kb.homonyms.get(name)
        if not candidates:
            return known
        here = [c for c in candidates if c.country in self.countries]
        if len(here) == 1:
            return replace(
                here[0], reason=f"{here[0].reason}; '{name}' in an article about {here[0].country}"
            )
        return known

    def _company_officer(self, head: Token) -> bool:
        """Return whether a government-sounding title belongs to a company: its holder's
        organisation is named and is no country, party or body we know ("the president of
        Texaco", "Stearn's president"), or it is an executive's title."""
        lefts = {t.lower_ for t in head.lefts}
        if lefts & {"executive", "corporate"} or ("senior" in lefts and "vice" in lefts):
            return True  # "executive vice president", "senior vice president"
        owners = [c for c in head.children if c.dep_ == "poss"] + [
            g
            for c in head.children
            if c.dep_ == "prep" and c.lower_ in ("of", "at")
            for g in c.children
            if g.dep_ == "pobj"
        ]
        return any(
            o.ent_type_ == "ORG" and o.pos_ == "PROPN" and not self.resolve(o) for o in owners
        )

    def _foreign_namesake(self, head: Token, match: Match) -> Actor | None:
        """Return a party named after a common type in another country: "German Social
        Democrats" are Germany's party, not the US Democrats the bare word names."""
        known = match.actor
        if known is None or known.country is None or "PTY" not in known.sectors:
            return None
        place = self._country_in(head, exclude=self._span(head, match))
        if place is None or place.kind != "country" or place.code == known.country:
            return None
        span = head.doc[head.left_edge.i : head.i + 1]
        start = self._base + span.start_char
        return Actor(
            span.text,
            f"{place.code}PTY",
            place.country,
            ("PTY",),
            None,
            start,
            start + len(span.text),
            f"a party of {place.name} ('{match.text}' names {known.name} elsewhere)",
        )

    def _country_in(self, head: Token, *, exclude: Span | None) -> KnownActor | None:
        """Return the country or organisation a phrase names, preferring names to demonyms.

        A participle clause on the phrase counts too ("refugees fleeing the war in Liberia").
        """
        best: tuple[int, int, KnownActor] | None = None
        tokens = self._np_tokens(head)
        tokens += [t for child in head.children if child.dep_ == "acl" for t in child.subtree]
        for token in tokens:
            if exclude is not None and exclude.start <= token.i < exclude.end:
                continue
            match = self._matches.get(token.i)
            if match is None or match.actor is None or match.kind not in ("NAME", "ADJ"):
                continue
            # nearer the head first ("doctors from American aid groups ... to Baghdad"), then
            # names before demonyms
            rank = (_depth(token, head), 0 if match.kind == "NAME" else 1)
            actor = match.actor
            if match.kind == "ADJ":
                actor = self._ethnic_home(token, actor) or actor  # "ethnic Albanian guerrillas"
            if best is None or rank < best[:2]:
                best = (*rank, actor)
        return best[2] if best else None

    def _ethnic_home(self, token: Token, people: KnownActor) -> KnownActor | None:
        """Return the country an "ethnic X" group lives in, if the sentence names one.

        "ethnic Albanian guerrillas operating in Macedonia", "ethnic Turks ... Sweden's
        decision": "ethnic" marks a people, not a nationality; such a group is coded with
        the first other country its sentence names (CAMEO's practice), else left as X.
        """
        marked = [token, token.head] if token.dep_ == "amod" else [token]
        if not any(c.lower_ == "ethnic" for t in marked for c in t.children) and not (
            token.i > 0 and token.doc[token.i - 1].lower_ == "ethnic"
        ):
            return None
        for other in token.sent:
            match = self._matches.get(other.i)
            if (
                match is not None
                and match.kind == "NAME"
                and match.actor is not None
                and match.actor.kind in ("country", "capital")
                and match.actor.country != people.country
            ):
                return self.kb.countries.get(match.actor.country or "") or match.actor
        return None

    def _np_tokens(self, head: Token) -> list[Token]:
        """Return the tokens of a phrase, without its clauses, appositions and conjuncts."""
        out = [head]
        stack = [child for child in head.children if _in_phrase(child)]
        while stack:
            token = stack.pop()
            out.append(token)
            stack.extend(child for child in token.children if _in_phrase(child))
        return out

    def _possessor(self, head: Token) -> Actor | None:
        for child in head.children:
            if child.dep_ == "poss":
                actors = self.resolve(child)
                if actors:
                    return actors[0]
        return None

    # -- helpers ----------------------------------------------------------------------

    def _from_known(self, known: KnownActor, span: Span, *, reason: str | None = None) -> Actor:
        start = self._base + span.start_char
        before = PREDECESSOR_SEATS.get(known.country or "")
        if before is not None and known.kind in ("capital", "seat") and self.date:
            until, state = before
            if self.date < until:  # "Moscow" and "the Kremlin" in 1987 are the Soviet Union's
                known = replace(
                    known,
                    code=state + known.code[len(known.country or "") :],
                    country=state,
                    reason=f"{known.reason}; seat of {state} before {until}",
                )
        return Actor(
            span.text,
            known.code,
            known.country,
            known.sectors,
            known.name if known.kind == "organization" else None,
            start,
            start + len(span.text),
            reason or known.reason,
        )

    def _span(self, head: Token, match: Match) -> Span:
        return head.doc[match.start : match.end]

    def _np_text(self, head: Token) -> str:
        tokens = sorted(self._np_tokens(head), key=lambda t: t.i)
        return head.doc[tokens[0].i : tokens[-1].i + 1].text

    def _retext(self, actor: Actor, token: Token, reason: str) -> Actor:
        start = self._base + token.idx
        return replace(
            actor, text=token.text, start=start, end=start + len(token.text), reason=reason
        )


def _same_first_name(span: Span, known: str | None) -> bool:
    """Return whether a mention can be the person remembered ("Michael Howard" is not "John Howard")."""
    words = [t.text for t in span if t.text.rstrip(".") not in HONORIFICS]
    if len(words) < 2 or not known:
        return True
    return known.split()[0] == words[0]


def _depth(token: Token, head: Token) -> int:
    """Return how many dependency links separate a token from a phrase head above it."""
    depth = 0
    while token.i != head.i and token.head.i != token.i:
        token = token.head
        depth += 1
    return depth


def _in_phrase(token: Token) -> bool:
    """Return whether a dependent belongs to its head's noun phrase (not a clause)."""
    if token.dep_ in _NP_SKIP_DEPS:
        return False
    return not (
        token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound", "npadvmod")
    )


def _sectors_of(code: str) -> tuple[str, ...]:
    return tuple(code[i : i + 3] for i in range(3, len(code), 3))
