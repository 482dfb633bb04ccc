"""Read the actors and agents dictionaries of PETRARCH/TABARI.

``petrarch-actors``
    ``VLADIMIR_PUTIN_`` lines, ``+`` synonym lines and ``[CODE]`` code lines, where a
    code may carry a date restriction: ``[RUSGOV >000507]`` (from), ``[RUSELI <990809]``
    (until) or ``[RUSGOV 990809-000507]``; ends are exclusive, as PETRARCH compares them.
    Codes are tried in order and an undated one is the fallback; a name line with no
    code shares the codes of the block after it. People become tenures (a fallback code
    an open term after the dated ones, so :meth:`KnowledgeBase.office` picks as PETRARCH
    does); places and organisations become names, with the code in force now.
``petrarch-agents``
    ``MINISTER_ {MINISTERS} [~GOV]`` lines and ``!PERSON! = MAN, WOMAN`` substitution
    sets; each term and its plural become roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from thucydides.actors.importers.loader import Loader
from thucydides.actors.importers.phrases import (
    BRACKETS,
    CODE,
    CONTROL,
    OPEN_START,
    PARTICLES,
    capitalise,
    date_span,
    name_acronyms,
    phrase_words,
    surface_forms,
    wordset,
)
from thucydides.actors.knowledge import KnowledgeBase, KnownActor, Role, Tenure

# an agent term whose head is one of these is a body; a name containing one is no person
_BODY_WORDS = wordset(
    "ministry government administration cabinet parliament assembly congress senate "
    "legislature council committee commission court tribunal agency department office bureau "
    "directorate authority company corporation firm enterprise business industry bank "
    "association union federation organization organisation party movement front institute "
    "institution university college school academy church mosque temple monastery embassy "
    "consulate newspaper radio television network media press junta regime presidency "
    "municipality chamber board conglomerate service"
)
_ORG_WORDS = _BODY_WORDS | wordset(
    "army forces force brigade brigades league alliance coalition group foundation fund "
    "republic kingdom state states province governorate region city island islands district "
    "mission police militia guard corps unit center centre society programme program "
    "initiative secretariat conference liberation revolutionary national international "
    "islamic democratic popular people united nations world empire caliphate emirate sultanate"
)
_COLLECTIVES = wordset(
    "police military army navy clergy militia personnel staff public people crowd infantry "
    "cavalry gendarmerie youth opposition mob corps group unit faction regiment brigade "
    "battalion squad team delegation"
)
# words of group and company names that an undated entry may not have to pass for a person
_GROUP_WORDS = wordset(
    "of the and for in on at to a an black red white green social anarchist struggle "
    "resistance people's freedom free justice holy martyrs fighters cells nuclei nucleus "
    "action commandos freemen widows panthers tigers lions eagles wolves star dawn storm sword "
    "defense defence anti new armed secret sacred unity victory independence solidarity "
    "nationalist patriotic republican socialist communist workers brotherhood jihad "
    "mujahideen ansar jaish harakat hizb hezb jamaat lashkar tanzim saraya kataib battalion "
    "battalions legion squad cell inc ltd corp plc community project partnership forum global "
    "development human rights peace volunteers voices plan directory fundacion command order "
    "generation sons intifada fedayeen avengers marxists proletarian"
)


# -- PETRARCH / TABARI actors -------------------------------------------------------------


@dataclass
class _Block:
    line: int
    roots: list[str]
    synonyms: list[str] = field(default_factory=list)
    comment: str = ""
    codes: list[tuple[str, str, str | None, bool]] = field(default_factory=list)  # +dated
    coded: bool = False  # has had a [...], good or not: the next name starts a new block
    bad: bool = False


def load_actors(lines: list[str], loader: Loader) -> None:
    """Layer a PETRARCH/TABARI actors dictionary, given as its lines, through ``loader``."""
    block: _Block | None = None
    for number, raw in enumerate(lines, 1):
        text, _, comment = raw.partition("#")
        head, bracket, rest = text.strip().partition("[")
        head = head.strip()
        if CONTROL.search(head):
            loader.problem(number, f"control character in {head!r}; this name left out")
            if not head.startswith("+"):
                _flush(block, loader)
                block = _Block(number, [], bad=True)
            continue
        if head.startswith("+") and block is None:
            loader.problem(number, f"synonym {head!r} before any name")
        elif head.startswith("+") and block is not None:
            block.synonyms.append(head[1:])
        elif head and (block is None or block.coded or block.bad):
            _flush(block, loader)
            block = _Block(number, [head], comment=comment)
        elif head and block is not None:  # a name with no code shares the next block's codes
            block.roots.append(head)
        if bracket and block is None:
            loader.problem(number, f"code {text.strip()!r} before any name")
        elif bracket and block is not None and not block.bad:
            block.coded = True
            _read_codes(bracket + rest, number, block, loader)
    if block is not None and not block.coded and not block.bad:
        loader.problem(block.line, f"{block.roots[0]!r} has no [CODE]")
    _flush(block, loader)


def _read_codes(text: str, number: int, block: _Block, loader: Loader) -> None:
    for inner in BRACKETS.findall(text):
        code, _, spec = inner.strip().partition(" ")
        if code == "---":  # PETRARCH's null code: nothing to assign
            continue
        if not CODE.fullmatch(code):
            loader.problem(number, f"code {code!r} is not a CAMEO code (upper-case letters)")
            continue
        try:
            start, end = date_span(spec, exclusive_end=True) if spec.strip() else (OPEN_START, None)
        except ValueError as exc:
            loader.problem(number, f"[{inner}]: {exc}; this code left out")
            continue
        block.codes.append((code, start, end, bool(spec.strip())))


def _flush(block: _Block | None, loader: Loader) -> None:
    if block is None or not block.codes or block.bad:
        return
    loader.entries += 1
    phrases = block.roots + block.synonyms
    name = (surface_forms(phrase_words(block.roots[-1]), person=True)[0] or [block.roots[-1]])[0]
    if _is_person(block, loader):
        surfaces = [s for p in phrases for s in surface_forms(phrase_words(p), person=True)[0]]
        for code, start, end, _dated in block.codes:
            tenure = Tenure(name, loader.country_of(code) or "", "dictionary", start, end, code)
            loader.add_tenure(surfaces, tenure)
        return
    # a name has no dates: take the code in force now (open-ended, latest start)
    code = max(block.codes, key=lambda c: (c[2] is None, c[2] or "", c[1]))[0]
    country = loader.country_of(code)
    kind = "country" if code in loader.kb.countries else "organization"
    sectors = tuple(code[i : i + 3] for i in range(3, len(code), 3)) if country else ()
    reason = f"PETRARCH dictionary {loader.origin}:{block.line}"
    actor = KnownActor(code, country, sectors, name, kind, reason)
    for phrase in phrases:
        forms, shouts = surface_forms(phrase_words(phrase), person=False)
        loader.add_name([*forms, *name_acronyms(phrase)], actor, new_only=False)
        loader.add_name(shouts, actor, new_only=True)


def _is_person(block: _Block, loader: Loader) -> bool:
    """Guess whether a block names a person rather than a place, group or company.

    Dated codes or a CountryInfo comment say person unless the name has an organisation
    word; undated, the name must look like a personal name (2-4 plain words, none a role,
    group, demonym or known name) and every synonym must share a word with it.
    """
    if any(code in loader.kb.countries or code[:3] == "MNC" for code, *_ in block.codes):
        return False  # a place (a country code on its own) or a company
    root = block.roots[-1]
    words = phrase_words(root)
    if not words or re.search(r"[\d(&/]", root) or any(w.lower() in _ORG_WORDS for w in words):
        return False
    if any(dated for *_, dated in block.codes) or "countryinfo" in block.comment.lower():
        return True
    if not 2 <= len(words) <= 4 or any(code[:3] == "NGO" for code, *_ in block.codes):
        return False  # undated NGO entries are nearly all organisations
    if any(_unlike_a_name(word, loader.kb) for word in words):
        return False
    own = {w for root in block.roots for w in phrase_words(root) if w.lower() not in PARTICLES}
    return all(own & set(phrase_words(synonym)) for synonym in block.synonyms)


def _unlike_a_name(word: str, kb: KnowledgeBase) -> bool:
    """Return whether a word is unlikely in a personal name: a role, group or place word."""
    lower, cap = word.lower(), capitalise(word)
    return (
        lower in _GROUP_WORDS
        or lower in kb.roles
        or lower.rstrip("s") in kb.roles
        or cap in kb.adjectives
        or cap in kb.names  # "Washington Post", "PBI Guatemala"
        or not re.fullmatch(r"[A-Z][A-Z.'-]*", word)
        or (len(word) >= 3 and not re.search(r"[AEIOUY]", word))  # an acronym
    )


# -- PETRARCH agents ------------------------------------------------------------------------


def _plural(word: str) -> str:
    if word.endswith("MAN"):
        return word[:-3] + "MEN"
    if word.endswith("Y") and word[-2:-1] not in ("A", "E", "O", "U"):
        return word[:-1] + "IES"
    return word + ("ES" if word.endswith(("S", "SH", "CH", "X", "Z")) else "S")


def _role_kind(term: str, *, plural: bool) -> str:
    words = term.split()
    cut = next((i for i, w in enumerate(words) if i and w in ("of", "for", "in", "on", "to")), 0)
    head = words[cut - 1] if cut else words[-1]  # "ministry" of justice
    singular = head[:-3] + "y" if head.endswith("ies") else head.rstrip("s")
    if head in _BODY_WORDS or singular in _BODY_WORDS:
        return "body"
    if plural or head in _COLLECTIVES or head.endswith(("men", "people", "folk")):
        return "group"
    return "group" if head.endswith("s") and not head.endswith(("ss", "us", "is")) else "person"


def load_agents(lines: list[str], loader: Loader) -> None:
    """Layer a PETRARCH agents dictionary, given as its lines, through ``loader``."""
    sets: dict[str, list[str]] = {}
    for number, raw in enumerate(lines, 1):
        text = raw.partition("#")[0].strip()
        subst = re.fullmatch(r"(![A-Z]+!)\s*=\s*(.+)", text)
        if not text or subst:
            if subst:
                sets[subst.group(1)] = [w.strip() for w in subst.group(2).split(",") if w.strip()]
            continue
        code = BRACKETS.search(text)
        if code is None or not re.fullmatch(r"~(?:[A-Z]{3})+", code.group(1).strip()):
            found = f"code [{code.group(1)}]" if code else "no [~CODE]"
            loader.problem(number, f"{text!r} has {found}; agents need a code like [~GOV]")
            continue
        body = code.group(1).strip()[1:]
        head = text[: code.start()]
        braces = re.search(r"\{([^}]*)\}", head)
        phrase = re.sub(r"\{[^}]*\}", " ", head).strip()
        marker = re.search(r"![A-Z]+!", phrase)
        if CONTROL.search(phrase) or not phrase or (marker and marker.group(0) not in sets):
            loader.problem(number, f"cannot read the term in {text!r} (unknown !SET! or empty)")
            continue
        terms: list[tuple[str, bool]] = [(phrase, False)]
        words = phrase_words(phrase)
        if marker:  # the set lists the plurals itself
            terms = [(phrase.replace(marker.group(0), w), False) for w in sets[marker.group(0)]]
        elif braces is not None:  # "{}": no plural
            terms += [(p, True) for p in braces.group(1).split()]
        elif not {w.lower() for w in words} & {"of", "for", "in", "and", "on"}:
            terms.append(("_".join([*words[:-1], _plural(words[-1])]), True))
        loader.entries += 1
        for term, plural in terms:
            key = " ".join(phrase_words(term)).lower()
            if key:
                known = loader.kb.roles.get(key)  # our kind, the file's codes
                kind = known.kind if known is not None else _role_kind(key, plural=plural)
                sectors = tuple(body[i : i + 3] for i in range(0, len(body), 3))
                loader.kb.roles[key] = Role(key, sectors, kind)
                loader.roles += 1
