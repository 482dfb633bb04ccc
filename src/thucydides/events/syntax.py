"""Dependency-parse helpers for event extraction: particles, possessors, complements.

Small, pure functions over spaCy tokens, shared by the frames in
:mod:`thucydides.events.extract`. None of them knows about actors or codes.
"""

from __future__ import annotations

from spacy.tokens import Token

from thucydides.events.lexicon import Predicate

NEARBY_DEPS = frozenset(
    {
        "dobj",
        "pobj",
        "prep",
        "dative",
        "xcomp",
        "compound",
        "amod",
        "poss",
        "acomp",
        "attr",
        "advcl",
        "conj",
        "nsubj",
        "oprd",
    }
)


# nouns naming the other party of a relation: "met his Russian counterpart" is a meeting
# with Putin, "attacked its neighbours" is an attack on other countries
RELATIONAL_NOUNS = frozenset(
    {"counterpart", "host", "guest", "neighbour", "neighbor", "rival", "opponent", "enemy",
     "ally", "partner", "successor", "predecessor", "adversary", "foe", "visitor"}
)  # fmt: skip


def own(noun: Token) -> bool:
    """Return whether a noun is the subject's own ("its troops", "their arms").

    A relational noun is not: "his counterpart" is somebody else.
    """
    if noun.lemma_.lower() in RELATIONAL_NOUNS:
        return False
    return any(
        c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her", "our")
        for c in noun.children
    )


def nearby(token: Token) -> bool:
    """Return whether the target search may descend into a dependent.

    Adverbial clauses only when they state a condition ("unless Baghdad accepts") or a
    purpose, not a concurrent event ("while UN inspectors said").
    """
    if token.dep_ == "advcl":  # a condition, or a purpose ("opened fire to disperse them")
        return any(
            (c.dep_ == "mark" and c.lower_ in ("if", "unless", "until"))
            or (c.dep_ == "aux" and c.lower_ == "to")
            for c in token.children
        )
    return token.dep_ in NEARBY_DEPS


def possessor(noun: Token) -> Token | None:
    """Return the possessor of a noun, also when it sits on a compound ("Russia's Baikonur lease")."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ == "compound":
            for grandchild in child.children:
                if grandchild.dep_ == "poss":
                    return grandchild
    return None


def has_complement(token: Token, predicate: Predicate) -> bool:
    """Return whether a complement-taking word has an infinitive or noun complement."""
    if predicate.pos == "NOUN":
        return True
    deps = (
        ("xcomp", "dobj", "ccomp") if predicate.frame in ("appeal", "demand") else ("xcomp", "dobj")
    )
    if any(child.dep_ in deps for child in token.children):
        return True
    # "is committed to opening up", "agreed on a ceasefire"
    return any(
        child.dep_ == "prep"
        and child.lower_ in ("to", "on", "upon")
        and any(
            g.dep_ in ("pobj", "pcomp") and g.pos_ in ("NOUN", "PROPN", "VERB")
            for g in child.children
        )
        for child in token.children
    )


def mentions_mutuality(token: Token) -> bool:
    """Return whether the clause speaks of a two-way relation ("bilateral relations")."""
    return any(t.lower_ in ("bilateral", "mutual", "joint", "each", "both") for t in token.subtree)


_PARTICLE_DEPS = frozenset({"prt", "prep", "compound", "amod", "xcomp", "dobj", "nsubjpass"})
_TIME_ENTITIES = frozenset({"DATE", "TIME"})


def particle_child(token: Token, particle: str) -> Token | None:
    """Return the dependent that completes a multi-word entry, or None if it is absent.

    "call for": a "for" attached to "call"; "impose curfew": "curfew" as object (or
    passive subject); "martial law": "martial" modifying "law". Every word of the
    particle must be there ("declare martial law" is not "declared the law void"),
    and a preposition heading a date is no particle ("insisted on Monday").
    """
    words = particle.split()
    last, before = words[-1], words[:-1]
    # "suspended aid deliveries": the particle may be the object's compound; "handed over
    # 700 kg of medicine", "suspended part of an aid program": or what the object measures
    objects = [c for c in token.children if c.dep_ == "dobj"]
    measured = [
        g
        for o in objects
        for p in o.children
        if p.dep_ == "prep" and p.lower_ == "of"
        for g in p.children
        if g.dep_ == "pobj"
    ]
    candidates = [
        *token.children,
        *(g for o in (*objects, *measured) for g in o.children if g.dep_ == "compound"),
        *measured,
    ]
    for child in candidates:
        if (child.dep_ not in _PARTICLE_DEPS and child not in measured) or (
            child.lower_ != last and child.lemma_ != last
        ):
            continue
        if child.dep_ == "prep" and any(g.ent_type_ in _TIME_ENTITIES for g in child.children):
            continue
        near = {t.lower_ for t in (*child.children, *token.children)} | {
            t.lemma_ for t in child.children
        }
        if all(word in near for word in before):
            return child
    return None


# nouns whose infinitive names what may be done, not what was done: "powers to detain",
# "the right to strike", "the ability to attack"
CAPACITY_NOUNS = frozenset(
    {"power", "right", "authority", "ability", "capacity", "freedom", "permission", "licence",
     "license", "mandate", "means", "capability", "option", "chance", "opportunity", "duty",
     "obligation", "responsibility"}
)  # fmt: skip


def capacity_clause(token: Token) -> bool:
    """Return whether a verb only says what somebody may do: "the right to detain"."""
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return False
    if token.dep_ == "acl":
        return token.head.lemma_.lower() in CAPACITY_NOUNS
    # "replace current powers to detain": the parser hangs the infinitive on the verb
    before = token.doc[token.i - 2] if token.i >= 2 else None
    return (
        token.dep_ in ("advcl", "xcomp")
        and before is not None
        and before.lemma_.lower() in CAPACITY_NOUNS
        and before.pos_ == "NOUN"
    )
