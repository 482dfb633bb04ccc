"""Layer the actor dictionaries of TABARI/PETRARCH and Schrodt's CountryInfo.txt over our own.

Three formats are read, from the user's own files at run time:

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
``countryinfo``
    ``<Country>`` blocks: names, demonyms and capitals are added where we have none;
    ``<Leaders>`` and ``<Government>`` entries become tenures (ranges inclusive).

PETRARCH matches upper-cased text and our matcher is case-sensitive, so a phrase is
indexed as news writes it ("Vladimir Putin", "Secretary General of the United Nations",
"Ban Ki-moon"), and single words also in capitals ("UN", "NATO"; guessed capital forms
never displace an entry). Within one file a surface accumulates; a later file replaces
what came before for the surfaces it defines, except that a name with the same code is
left as it was ("Kabul" stays a capital).
"""

from __future__ import annotations

import calendar
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from thucydides.actors.knowledge import KnowledgeBase, KnownActor, Role, Tenure, builtin_knowledge
from thucydides.errors import ConfigError, DataFileError

log = logging.getLogger(__name__)

FORMATS = ("petrarch-actors", "petrarch-agents", "countryinfo")
MAX_PROBLEMS = 20
OPEN_START = "0001-01-01"

_CODE = re.compile(r"[A-Z0-9]{3,}")
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PAREN = re.compile(r"\(([^)]*)\)?")
_DEMONYM_END = re.compile(r"(?:IAN|EAN|ESE|ISH|I)$")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PARTICLES = _wordset("of the and for in on at to a an de del della di da das dos du des la le "
                      "van von der den bin ibn al el y e")  # fmt: skip
# an agent term whose head is one of these is a body; a name containing one is no person
_BODY_WORDS = _wordset(
    "ministry government administration cabinet parliament assembly congress senate "
    "legislature council committee commission court tribunal agency department office bureau "
    "directorate authority company corporation firm enterprise business industry bank "
    "association union federation organization organisation party movement front institute "
    "institution university college school academy church mosque temple monastery embassy "
    "consulate newspaper radio television network media press junta regime presidency "
    "municipality chamber board conglomerate service"
)
_ORG_WORDS = _BODY_WORDS | _wordset(
    "army forces force brigade brigades league alliance coalition group foundation fund "
    "republic kingdom state states province governorate region city island islands district "
    "mission police militia guard corps unit center centre society programme program "
    "initiative secretariat conference liberation revolutionary national international "
    "islamic democratic popular people united nations world empire caliphate emirate sultanate"
)
_COLLECTIVES = _wordset(
    "police military army navy clergy militia personnel staff public people crowd infantry "
    "cavalry gendarmerie youth opposition mob corps group unit faction regiment brigade "
    "battalion squad team delegation"
)
# words of group and company names that an undated entry may not have to pass for a person
_GROUP_WORDS = _wordset(
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


@dataclass(frozen=True)
class ImportReport:
    """What one file added: counts, and the first lines it could not read (with numbers)."""

    path: str
    fmt: str
    entries: int  # dictionary entries read (actor blocks, agent lines, CountryInfo records)
    names: int  # name and demonym surfaces indexed
    tenures: int  # terms added (one per code and date range, not per surface)
    roles: int  # role terms indexed
    skipped: int  # entries, codes and terms left out
    problems: tuple[str, ...]


@dataclass
class _Loader:
    """Per-file state: the knowledge base being layered onto, and the tallies."""

    kb: KnowledgeBase
    origin: str
    entries: int = 0
    names: int = 0
    tenures: int = 0
    roles: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)

    def problem(self, line: int, message: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"line {line}: {message}")

    def add_name(self, surfaces: Iterable[str], actor: KnownActor, *, new_only: bool) -> None:
        for surface in surfaces:
            known = self.kb.names.get(surface)
            if known is None or not (new_only or known.code == actor.code):
                self.kb.names[surface] = actor
                self.names += 1

    def add_tenure(self, surfaces: Iterable[str], tenure: Tenure) -> None:
        """Index a term; the first time this file names a surface, earlier terms are dropped."""
        for surface in surfaces:
            if surface not in self.touched:
                self.touched.add(surface)
                self.kb.tenures[surface] = []
            self.kb.add_tenure(surface, tenure)
        self.tenures += 1

    def country_of(self, code: str) -> str | None:
        known = self.kb.countries.get(code[:3])
        return known.country if known is not None else None


def detect_format(path: Path) -> str:
    """Return the format of an actor dictionary, judged from its content."""
    return _sniff(_read_lines(Path(path)), Path(path))


def load_actor_file(path: str | Path, kb: KnowledgeBase, *, fmt: str | None = None) -> ImportReport:
    """Layer one dictionary file into ``kb`` (in place) and report what it added.

    ``fmt`` is one of :data:`FORMATS`; None sniffs it. Unreadable lines are reported,
    never fatal; a missing file is a :class:`DataFileError`.
    """
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise ConfigError(f"unknown actor dictionary format {fmt!r}; use one of {FORMATS}")
    lines = _read_lines(path)
    fmt = fmt or _sniff(lines, path)
    loader = _Loader(kb, path.name)
    if fmt == "petrarch-actors":
        _load_actors(lines, loader)
    elif fmt == "petrarch-agents":
        _load_agents(lines, loader)
    else:
        _load_countryinfo(lines, loader)
    report = ImportReport(str(path), fmt, loader.entries, loader.names, loader.tenures,
                          loader.roles, loader.skipped, tuple(loader.problems))  # fmt: skip
    log.info("%s (%s): %s", path, fmt, report)
    if report.problems:
        log.warning("%s: %d items not read, first: %s", path, report.skipped, report.problems[0])
    return report


def layered_knowledge(
    paths: Sequence[str | Path], *, base: KnowledgeBase | None = None
) -> KnowledgeBase:
    """Return a copy of ``base`` (the built-in knowledge) with each file layered in order."""
    kb = (base if base is not None else builtin_knowledge()).copy()
    for path in paths:
        load_actor_file(path, kb)
    return kb


# -- reading ----------------------------------------------------------------------------


def _read_lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise DataFileError(f"actor dictionary {path} is a directory; name a file") from exc
    except FileNotFoundError as exc:
        raise DataFileError(f"actor dictionary {path} does not exist; check the path") from exc
    except OSError as exc:
        raise DataFileError(f"cannot read actor dictionary {path}: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        log.warning("%s is not UTF-8; reading it as Latin-1", path)
        text = data.decode("latin-1")
    return [line.rstrip("\r") for line in text.split("\n")]


def _sniff(lines: list[str], path: Path) -> str:
    sample = "\n".join(lines[:3000])
    if "<Country>" in sample or "<CountryCode>" in sample:
        return "countryinfo"
    agent = len(re.findall(r"\[~[A-Z]|\[[A-Z]{3}~\]|^!\w+!\s*=", sample, re.MULTILINE))
    actor = len(re.findall(r"\[[A-Z0-9]{3,}(?:\s[^\]]*)?\]|^\+\S", sample, re.MULTILINE))
    if agent or actor:
        return "petrarch-agents" if agent >= actor else "petrarch-actors"
    raise DataFileError(
        f"cannot tell the format of actor dictionary {path}: it has no [CODE] entries nor "
        f"<Country> blocks; supported formats are {', '.join(FORMATS)} (PETRARCH/TABARI "
        "actors and agents dictionaries, CountryInfo.txt)"
    )


def _words(phrase: str) -> list[str]:
    """Split a dictionary phrase into upper-case words, without quotes or a trailing acronym.

    "GUINEA_(BISSAU)" keeps its parenthesis as words; "ALF" in "ANIMAL_LIBERATION_FRONT_(ALF)"
    is an acronym (see :func:`_acronyms`); an unclosed "(ACTING" is dropped.
    """
    phrase = phrase.replace('"', "").replace("`", "'")
    acronyms = set(_acronyms(phrase))
    phrase = _PAREN.sub(
        lambda m: (
            f" {m.group(1)} " if m.group(0).endswith(")") and m.group(1) not in acronyms else " "
        ),
        phrase,
    )
    return [word for word in re.split(r"[_\s]+", phrase.upper()) if word.strip(",.")]


def _acronyms(phrase: str) -> list[str]:
    """Return the acronyms in parentheses that start like the name: "ARMY_(AA)" → AA."""
    first = re.split(r"[_\s(]+", re.sub(r"^(?:THE[_\s]+)", "", phrase.strip().upper()))[0]
    return [m for m in _PAREN.findall(phrase) if first and m[:1] == first[0]
            and re.fullmatch(r"[A-Z][A-Z.&-]{1,9}", m)]  # fmt: skip


@functools.lru_cache(maxsize=1 << 16)
def _cap(word: str) -> str:
    """Capitalise an upper-case word as news writes it ("O'BRIEN" → "O'Brien")."""
    if any(c.isdigit() for c in word) or ("." in word and max(map(len, word.split("."))) <= 1):
        return word  # "U.N.", "V.", "A.G.", "4TH"
    parts = []
    for part in word.split("-"):
        pieces = part.lower().split("'")
        part = "'".join(p.capitalize() if i == 0 or len(p) > 1 else p for i, p in enumerate(pieces))
        parts.append(
            "Mc" + part[2].upper() + part[3:] if part[:2] == "Mc" and len(part) > 3 else part
        )
    return "-".join(parts)


def _forms(words: list[str], *, person: bool) -> tuple[list[str], list[str]]:
    """Return the surfaces to index a phrase under, and guessed capital forms (for non-people)."""
    if not words:
        return [], []
    caps = [w.lower() if i and w.lower() in _PARTICLES else _cap(w) for i, w in enumerate(words)]
    forms = [" ".join(caps)]
    if caps[0] == "The" and len(caps) > 1:
        forms.append(" ".join(caps[1:]))
    forms.append(re.sub(r"(?<= )(al|el) (\S)", r"\1-\2", forms[0]))  # "Bashar al-Assad"
    if person and "-" in forms[0]:
        forms.append(re.sub(r"-(\w)", lambda m: "-" + m.group(1).lower(), forms[0]))  # Ki-moon
    shouts = []
    if not person and len(words) == 1 and words[0].isalpha() and len(words[0]) <= 6:
        if len(words[0]) <= 3:
            forms = [words[0]]  # "UN", "IRA": an acronym, never "Un"
        shouts.append(words[0])  # "NATO", "UNICEF" as well as "Nato"
    elif not person:
        short = [w if len(w) <= 3 and w.isalpha() and w.lower() not in _PARTICLES else c
                 for w, c in zip(words, caps, strict=True)]  # fmt: skip
        shouts.append(" ".join(short))  # "UN Secretary General"
    forms = list(dict.fromkeys(forms))
    return forms, [s for s in dict.fromkeys(shouts) if s not in forms]


@functools.lru_cache(maxsize=1 << 16)
def _date(text: str) -> date:
    """Parse YYMMDD (00-30 → 20xx) or YYYYMMDD; a day past the month's end is its last day."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError(f"date {text!r} is neither YYMMDD nor YYYYMMDD")
    if len(text) == 6:
        text = str(int(text[:2]) + (2000 if int(text[:2]) <= 30 else 1900)) + text[2:]
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not 1 <= month <= 12 or day < 1 or year < 1:
        raise ValueError(f"date {text!r} has no such month or day")
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _span(spec: str, *, exclusive_end: bool) -> tuple[str, str | None]:
    """Turn ">d", "<d", "d-d" or "d" (from) into (start, end) ISO dates, end inclusive."""
    spec = re.sub(r"\s+", "", spec)
    back = timedelta(days=1 if exclusive_end else 0)
    if spec.startswith("<"):
        return OPEN_START, (_date(spec[1:]) - back).isoformat()
    if "-" not in spec:
        return _date(spec.lstrip(">")).isoformat(), None
    first, _, last = spec.partition("-")
    start, end = _date(first.lstrip(">")), _date(last)
    if end < start:
        raise ValueError(f"range {spec!r} ends before it starts")
    return start.isoformat(), max(start, end - back).isoformat()


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


def _load_actors(lines: list[str], loader: _Loader) -> None:
    block: _Block | None = None
    for number, raw in enumerate(lines, 1):
        text, _, comment = raw.partition("#")
        head, bracket, rest = text.strip().partition("[")
        head = head.strip()
        if _CONTROL.search(head):
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


def _read_codes(text: str, number: int, block: _Block, loader: _Loader) -> None:
    for inner in _BRACKETS.findall(text):
        code, _, spec = inner.strip().partition(" ")
        if code == "---":  # PETRARCH's null code: nothing to assign
            continue
        if not _CODE.fullmatch(code):
            loader.problem(number, f"code {code!r} is not a CAMEO code (upper-case letters)")
            continue
        try:
            start, end = _span(spec, exclusive_end=True) if spec.strip() else (OPEN_START, None)
        except ValueError as exc:
            loader.problem(number, f"[{inner}]: {exc}; this code left out")
            continue
        block.codes.append((code, start, end, bool(spec.strip())))


def _flush(block: _Block | None, loader: _Loader) -> None:
    if block is None or not block.codes or block.bad:
        return
    loader.entries += 1
    phrases = block.roots + block.synonyms
    name = (_forms(_words(block.roots[-1]), person=True)[0] or [block.roots[-1]])[0]
    if _is_person(block, loader):
        surfaces = [s for p in phrases for s in _forms(_words(p), person=True)[0]]
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
        forms, shouts = _forms(_words(phrase), person=False)
        loader.add_name([*forms, *_acronyms(phrase)], actor, new_only=False)
        loader.add_name(shouts, actor, new_only=True)


def _is_person(block: _Block, loader: _Loader) -> bool:
    """Guess whether a block names a person rather than a place, group or company.

    Dated codes or a CountryInfo comment say person unless the name has an organisation
    word; undated, the name must look like a personal name (2-4 plain words, none a role,
    group, demonym or known name) and every synonym must share a word with it.
    """
    if any(code in loader.kb.countries or code[:3] == "MNC" for code, *_ in block.codes):
        return False  # a place (a country code on its own) or a company
    root = block.roots[-1]
    words = _words(root)
    if not words or re.search(r"[\d(&/]", root) or any(w.lower() in _ORG_WORDS for w in words):
        return False
    if any(dated for *_, dated in block.codes) or "countryinfo" in block.comment.lower():
        return True
    if not 2 <= len(words) <= 4 or any(code[:3] == "NGO" for code, *_ in block.codes):
        return False  # undated NGO entries are nearly all organisations
    if any(_unlike_a_name(word, loader.kb) for word in words):
        return False
    own = {w for root in block.roots for w in _words(root) if w.lower() not in _PARTICLES}
    return all(own & set(_words(synonym)) for synonym in block.synonyms)


def _unlike_a_name(word: str, kb: KnowledgeBase) -> bool:
    """Return whether a word is unlikely in a personal name: a role, group or place word."""
    lower, cap = word.lower(), _cap(word)
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


def _load_agents(lines: list[str], loader: _Loader) -> None:
    sets: dict[str, list[str]] = {}
    for number, raw in enumerate(lines, 1):
        text = raw.partition("#")[0].strip()
        subst = re.fullmatch(r"(![A-Z]+!)\s*=\s*(.+)", text)
        if not text or subst:
            if subst:
                sets[subst.group(1)] = [w.strip() for w in subst.group(2).split(",") if w.strip()]
            continue
        code = _BRACKETS.search(text)
        if code is None or not re.fullmatch(r"~(?:[A-Z]{3})+", code.group(1).strip()):
            found = f"code [{code.group(1)}]" if code else "no [~CODE]"
            loader.problem(number, f"{text!r} has {found}; agents need a code like [~GOV]")
            continue
        body = code.group(1).strip()[1:]
        head = text[: code.start()]
        braces = re.search(r"\{([^}]*)\}", head)
        phrase = re.sub(r"\{[^}]*\}", " ", head).strip()
        marker = re.search(r"![A-Z]+!", phrase)
        if _CONTROL.search(phrase) or not phrase or (marker and marker.group(0) not in sets):
            loader.problem(number, f"cannot read the term in {text!r} (unknown !SET! or empty)")
            continue
        terms: list[tuple[str, bool]] = [(phrase, False)]
        words = _words(phrase)
        if marker:  # the set lists the plurals itself
            terms = [(phrase.replace(marker.group(0), w), False) for w in sets[marker.group(0)]]
        elif braces is not None:  # "{}": no plural
            terms += [(p, True) for p in braces.group(1).split()]
        elif not {w.lower() for w in words} & {"of", "for", "in", "and", "on"}:
            terms.append(("_".join([*words[:-1], _plural(words[-1])]), True))
        loader.entries += 1
        for term, plural in terms:
            key = " ".join(_words(term)).lower()
            if key:
                known = loader.kb.roles.get(key)  # our kind, the file's codes
                kind = known.kind if known is not None else _role_kind(key, plural=plural)
                sectors = tuple(body[i : i + 3] for i in range(0, len(body), 3))
                loader.kb.roles[key] = Role(key, sectors, kind)
                loader.roles += 1


# -- CountryInfo.txt ----------------------------------------------------------------------

_SECTIONS = frozenset({"Nationality", "Capital", "MajorCities", "Regions", "GeogFeatures",
                       "Leaders", "Government", "Comment"})  # fmt: skip


@dataclass
class _Country:
    line: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    code: str = ""
    iso: str = ""
    name: str = ""
    demonym_seen: bool = False


def _office_role(title: str) -> str:
    lower = title.lower().replace("_", " ")
    if re.search(r"prime minister|premier|chancellor|council of ministers|chief minister", lower):
        return "head_of_government"
    if re.search(r"president|king|queen|emir|sultan|monarch|head of state|presidium", lower):
        return "head_of_state"
    return "leader"


def _load_countryinfo(lines: list[str], loader: _Loader) -> None:
    country: _Country | None = None
    section: str | None = None
    office = "leader"
    in_header = False
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if in_header or stripped.startswith("<!--"):
            in_header = "-->" not in stripped
            continue
        text, _, comment = stripped.partition("#")
        text = text.strip()
        if not text or (section == "Comment" and text != "</Comment>"):
            continue
        value = re.match(r"<([\w-]+)>(.*?)</[\w-]+>", text)
        tag = re.fullmatch(r"<(/?)([^>]+)>+", text)
        if value and country is not None:
            country.fields.setdefault(value.group(1), []).append(value.group(2).strip())
        elif value:
            continue
        elif tag and tag.group(2) == "Country":
            country, section = (None if tag.group(1) else _Country(number)), None
        elif tag and (tag.group(2) in _SECTIONS or section != "Leaders"):
            section = None if tag.group(1) or tag.group(2) not in _SECTIONS else tag.group(2)
            office = "leader"
        elif tag:  # an office inside <Leaders>: <Presidents> ... </Presidents>
            office = "leader" if tag.group(1) else _office_role(tag.group(2))
        elif country is None or section is None:
            loader.problem(number, f"{text[:60]!r} is outside any <Country> section")
        elif not _country_ready(country, loader):
            loader.problem(number, f"country block at line {country.line} has no usable code")
        elif section in ("Nationality", "Capital"):
            _country_phrase(text, number, section, country, loader)
        elif section in ("Leaders", "Government"):
            _country_person(text, number, (section, office, comment), country, loader)


def _country_ready(country: _Country, loader: _Loader) -> bool:
    """Settle a block's code and name (once), and index the country's names."""
    if country.code:
        return True
    iso = next((v for v in country.fields.get("ISO3166-alpha3", []) if _CODE.fullmatch(v)), "")
    code = next((v for v in country.fields.get("CountryCode", []) if _CODE.fullmatch(v)), iso)
    if not re.fullmatch(r"(?:[A-Z]{3})+", code):
        return False
    country.code, country.iso = code, loader.country_of(code) or iso or code[:3]
    names = [words for v in country.fields.get("CountryName", []) if (words := _words(v))]
    known = loader.kb.countries.get(code)
    country.name = (
        known.name if known else _forms(names[0] if names else [code], person=False)[0][0]
    )
    reason = f"CountryInfo {loader.origin}:{country.line}"
    actor = KnownActor(code, country.iso, (), country.name, "country", reason)
    if len(code) == 3 and code not in loader.kb.countries:
        loader.kb.countries[code] = actor
    loader.add_name([s for w in names for s in _forms(w, person=False)[0]], actor, new_only=True)
    loader.entries += 1
    return True


def _country_phrase(
    text: str, number: int, section: str, country: _Country, loader: _Loader
) -> None:
    words = _words(text)
    if not words or _CONTROL.search(text):
        loader.problem(number, f"cannot read the name {text!r}")
        return
    forms, _ = _forms(words, person=False)
    reason = f"CountryInfo {loader.origin}:{number}"
    if section == "Capital":
        why = f"capital of {country.name} ({reason})"
        capital = KnownActor(country.code, country.iso, (), country.name, "capital", why)
        loader.add_name(forms, capital, new_only=True)
        return
    # the first <Nationality> line is the demonym; later ones are mostly other names
    first, country.demonym_seen = not country.demonym_seen, True
    if not first and not (_DEMONYM_END.search(words[-1]) and words[-1][-4:] != "STAN"):
        name = KnownActor(country.code, country.iso, (), country.name, "country", reason)
        loader.add_name(forms, name, new_only=True)
        return
    why = f"demonym of {country.name} ({reason})"
    adjective = KnownActor(country.code, country.iso, (), country.name, "country", why)
    for surface in [*forms, *[f + "s" for f in forms[:1] if re.search(r"(?:an|i)$", f)]]:
        if surface not in loader.kb.adjectives:
            loader.kb.adjectives[surface] = adjective
            loader.names += 1


def _country_person(
    text: str, number: int, where: tuple[str, str, str], country: _Country, loader: _Loader
) -> None:
    """Read a <Leaders> line or a <Government> one, whose brackets carry a code.

    ``NAME_ [19331108 - 19730717] [B:...]``, ``NAME_ [AFGGOVAGR 20050101 - 20050331] # title``
    """
    section, office, comment = where
    head = _BRACKETS.sub(" ", text).strip()  # the name, even where the dates come first
    variants = [words for v in re.findall(r"\{([^}]*)\}", head) or [head] if (words := _words(v))]
    if not variants or _CONTROL.search(head):
        loader.problem(number, f"cannot read the name in {text[:60]!r}")
        return
    surfaces = [s for words in variants for s in _forms(words, person=True)[0]]
    title = comment.strip().strip('"').lower()
    role = office
    if section == "Government":  # one title for several codes ("... & ...") names none of them
        role = "government" if not title or "&" in title else _office_role(title)
        role = title if role == "leader" else role
    added = 0
    for inner in _BRACKETS.findall(text):
        code, spec = country.code + "GOV", inner.strip()
        if spec[:2] in ("B:", "D:"):
            continue  # birth and death dates
        if section == "Government":
            code, _, spec = spec.partition(" ")
        try:
            if not re.fullmatch(r"(?:[A-Z]{3})+", code):
                raise ValueError(f"code {code!r} is not a CAMEO code")
            start, end = _span(spec, exclusive_end=False)
        except ValueError as exc:
            loader.problem(number, f"{surfaces[0]}: {exc}; this term left out")
            continue
        holder = loader.country_of(code) or country.iso
        own = "" if code == holder + "GOV" else code
        loader.add_tenure(surfaces, Tenure(surfaces[0], holder, role, start, end, own))
        added += 1
    if added:
        loader.entries += 1
    elif not any(inner.strip()[:2] not in ("B:", "D:") for inner in _BRACKETS.findall(text)):
        loader.problem(number, f"{surfaces[0]} has no term [start - end]")
