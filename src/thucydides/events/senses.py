"""Which uses of an event word are not events: word senses and figures of speech.

The lexicon names the words that can signal an event; these tests, read off the parse,
say when a match is something else: a market movement ("oil demand", "a sterling
rally"), a figure of speech ("the deficit battle"), a question ("asked if"), a price
("charge fees"), a characterisation ("is a far greater threat"), an interview ("told
BBC News"), a thing withdrawn rather than forces ("withdraw the bill"), or a headline
passive read as active ("Labour accused of ..."). Each was found in real news; the
tests in tests/test_events.py use new sentences of the same kinds.
"""

from __future__ import annotations

from spacy.tokens import Token

from thucydides.events.arguments import armed
from thucydides.records import Actor

# a rejection only when something or somebody is refused ("failed to say" is neither)
WEAK_REFUSALS = frozenset({"fail"})
# running for office: "seeking a third term" is no appeal
OFFICE_WORDS = frozenset(
    {"term", "election", "re-election", "reelection", "nomination", "office", "seat",
     "presidency", "majority", "mandate", "vote", "leadership", "post", "job"}
)  # fmt: skip

# nouns that name market movements or company dealings when a market word qualifies
# them; sanctions, embargoes and boycotts keep their political sense ("a grain embargo")
MARKET_SENSE_NOUNS = frozenset(
    {"demand", "rally", "support", "pressure", "war", "attack", "assistance", "talk",
     "negotiation", "offer", "bid", "deal", "agreement", "accord", "pact", "retreat", "fight",
     "battle", "threat", "raid"}
)  # fmt: skip
MARKET_WORDS = frozenset(
    {"sterling", "dollar", "yen", "franc", "pound", "currency", "stock", "share", "bond",
     "equity", "market", "price", "oil", "crude", "gasoline", "commodity", "consumer",
     "credit", "loan", "money", "gold", "bullion", "futures", "wage", "pay", "rate",
     "merger", "takeover", "acquisition", "buyout", "tender", "exchange", "bear", "bull",
     "speculative", "liquidity", "dividend", "contract", "labour", "labor", "customer",
     "licensing", "marketing", "supply", "franchise", "lease", "sales"}
)  # fmt: skip


MARKET_MOVES = frozenset(
    {"rise", "fall", "continue", "grow", "increase", "decrease", "drop", "slow", "weaken",
     "strengthen", "outstrip", "exceed", "remain", "boost", "meet", "satisfy", "dampen",
     "slump", "soar", "recover", "pick", "stimulate", "curb", "reduce", "decline", "surge"}
)  # fmt: skip


VIOLENT_NOUNS = frozenset({"war", "battle", "fight", "attack", "raid", "assault"})
# what a "war" or "battle" is about when it is a figure of speech: "the deficit battle",
# "a price war", "a legal fight", "a takeover battle"
METAPHOR_WORDS = frozenset(
    {"deficit", "budget", "tax", "spending", "fiscal", "debt", "trade", "tariff", "legal",
     "court", "custody", "bidding", "bid", "propaganda", "rating", "ratings", "turf", "pr",
     "courtroom", "boardroom", "patent", "copyright", "culture", "election", "campaign"}
)  # fmt: skip


def market_sense(noun: Token) -> bool:
    """Return whether an event noun is used in its market sense ("oil demand", "a
    sterling rally", "merger talks", "wage talks" stay political only through their actors)."""
    lemma = noun.lemma_.lower()
    if lemma not in MARKET_SENSE_NOUNS and noun.lower_ not in MARKET_SENSE_NOUNS:
        return False
    if lemma == "demand" and noun.head.lemma_.lower() in MARKET_MOVES:
        return True  # "demand fell in other markets", "to meet demand"
    holders = [noun, noun.head] if noun.dep_ == "dobj" else [noun]  # "called a truce in ..."
    if lemma in VIOLENT_NOUNS and any(
        t.lemma_.lower() in METAPHOR_WORDS | MARKET_WORDS
        for holder in holders
        for c in holder.children
        if c.dep_ == "prep"
        for t in c.subtree
    ):
        return True  # "a truce in its battle with France over breaching deficit limits"
    words = MARKET_WORDS | METAPHOR_WORDS if lemma in VIOLENT_NOUNS else MARKET_WORDS
    return any(
        c.dep_ in ("compound", "amod", "nmod", "poss") and c.lemma_.lower() in words
        for c in noun.children
    )


VERBAL_ATTACKS = frozenset({"attack", "assault"})
# sectors that attack with words: "Tories attack EU asylum moves", "the union attacked ..."
TALKING_SECTORS = frozenset(
    {"PTY", "OPP", "LEG", "ELI", "MED", "EDU", "LAB", "BUS", "NGO", "JUD", "CVL", "REL", "HLH"}
)
# what "withdraw", "surrender", "mobilise" (lexicon flag `forces`) may take as object
FORCE_WORDS = frozenset(
    {"troop", "force", "soldier", "army", "unit", "personnel", "tank", "contingent", "brigade",
     "battalion", "division", "fighter", "militia", "man", "police", "peacekeeper", "navy",
     "fleet", "warship", "ship", "military", "marine", "guard", "militant", "rebel", "staff",
     "citizen", "national", "diplomat", "ambassador", "envoy", "mission", "presence", "aid",
     "arm", "weapon", "town", "city", "area", "region", "land", "village", "province",
     "inspector", "worker", "observer", "monitor", "expert", "employee", "people", "official",
     "representative", "delegation", "team", "volunteer", "member", "officer", "agent",
     "reservist", "reserve", "conscript", "recruit", "supporter", "resource",
     "support", "recognition", "candidate", "candidacy", "embassy", "settlement", "settler",
     "base", "position", "outpost", "garrison", "checkpoint", "occupation", "territory"}
)  # fmt: skip


def verbal(sources: tuple[Actor, ...]) -> bool:
    """Return whether the actors are politicians, parties or civilians, not armed forces or
    whole countries: when they "attack", they criticise."""
    return (
        bool(sources)
        and not armed(sources)
        and all(set(a.sectors) & TALKING_SECTORS or a.name for a in sources)
    )


def withdraws_a_thing(token: Token) -> bool:
    """Return whether "withdraw" takes a thing, not forces or people ("withdraw the bill")."""
    objects = [c for c in token.children if c.dep_ == "dobj"]
    return bool(objects) and all(
        o.lemma_.lower() not in FORCE_WORDS and o.ent_type_ not in ("NORP", "GPE", "ORG")
        for o in objects
    )


OUTLET_WORDS = frozenset(
    {"bbc", "radio", "television", "tv", "newspaper", "programme", "program", "website",
     "channel", "network", "magazine", "paper", "agency", "reporter", "reporters",
     "journalist", "journalists", "interviewer", "broadcaster", "press", "show"}
)  # fmt: skip


def outlet(noun: Token) -> bool:
    """Return whether a phrase names a news outlet or reporters ("BBC Radio Scotland")."""
    return any(t.lower_ in OUTLET_WORDS for t in noun.subtree)


CHARGING = {"accuse": "of", "charge": "with", "blame": "for", "suspect": "of", "convict": "of"}


def reduced_passive(verb: Token) -> bool:
    """Return whether a headline-style passive ("Labour accused of broken pledge", "MP
    charged with fraud") is read as active: the verb needs its object and has none."""
    prep = CHARGING.get(verb.lemma_.lower())
    if prep is None or verb.pos_ != "VERB":
        return False
    children = list(verb.children)
    return (
        not any(c.dep_ in ("dobj", "nsubjpass", "auxpass", "aux") for c in children)
        and any(c.dep_ == "prep" and c.lower_ == prep for c in children)
        and verb.tag_ in ("VBN", "VBD")
    )


def charges_a_price(verb: Token) -> bool:
    """Return whether "charge" takes a price ("charge fees") rather than a person charged."""
    children = list(verb.children)
    if any(c.dep_ in ("nsubjpass", "auxpass") or c.lower_ == "with" for c in children):
        return False  # "was charged", "charged him with murder"
    objects = [c for c in children if c.dep_ == "dobj"]
    return any(
        o.ent_type_ not in ("PERSON", "NORP", "ORG", "GPE") and o.pos_ == "NOUN" for o in objects
    )


def question(ask: Token) -> bool:
    """Return whether "ask" (or "appeal") puts a question or an attraction rather than a
    request: no "to" infinitive and no "for", and either nobody asked ("the leader asked")
    or an if/whether clause."""
    children = list(ask.children)
    if any(
        c.dep_ == "xcomp"
        or (c.dep_ in ("acl", "advcl") and any(g.lower_ == "to" for g in c.children))
        or (c.dep_ == "prep" and c.lower_ == "for")
        for c in children
    ):
        return False
    if ask.lemma_.lower() == "appeal":
        return True
    if any(c.dep_ == "dobj" and c.lemma_.lower() == "question" for c in children):
        return True  # "asking the critical questions"
    if not any(c.dep_ in ("dobj", "dative") for c in children):
        return True
    return any(
        g.dep_ == "mark" and g.lower_ in ("if", "whether")
        for c in children
        if c.dep_ in ("ccomp", "advcl")
        for g in c.children
    )


def characterisation(token: Token) -> bool:
    """Return whether an event noun only characterises its subject: "the government is a
    far greater threat", "the bill is an attack on liberty" (an opinion, not an act)."""
    return token.pos_ == "NOUN" and token.dep_ == "attr" and token.head.lemma_ in ("be", "remain")
