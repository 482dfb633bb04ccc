"""Read Schrodt's CountryInfo.txt.

``countryinfo``
    ``<Country>`` blocks: names, demonyms and capitals are added where we have none;
    ``<Leaders>`` and ``<Government>`` entries become tenures (ranges inclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from thucydides.actors.importers.loader import Loader
from thucydides.actors.importers.phrases import (
    BRACKETS,
    CODE,
    CONTROL,
    date_span,
    phrase_words,
    surface_forms,
)
from thucydides.actors.knowledge import KnownActor, Tenure

_DEMONYM_END = re.compile(r"(?:IAN|EAN|ESE|ISH|I)$")
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


def load_countryinfo(lines: list[str], loader: Loader) -> None:
    """Layer a CountryInfo.txt file, given as its lines, through ``loader``."""
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


def _country_ready(country: _Country, loader: Loader) -> bool:
    """Settle a block's code and name (once), and index the country's names."""
    if country.code:
        return True
    iso = next((v for v in country.fields.get("ISO3166-alpha3", []) if CODE.fullmatch(v)), "")
    code = next((v for v in country.fields.get("CountryCode", []) if CODE.fullmatch(v)), iso)
    if not re.fullmatch(r"(?:[A-Z]{3})+", code):
        return False
    country.code, country.iso = code, loader.country_of(code) or iso or code[:3]
    names = [words for v in country.fields.get("CountryName", []) if (words := phrase_words(v))]
    known = loader.kb.countries.get(code)
    country.name = (
        known.name if known else surface_forms(names[0] if names else [code], person=False)[0][0]
    )
    reason = f"CountryInfo {loader.origin}:{country.line}"
    actor = KnownActor(code, country.iso, (), country.name, "country", reason)
    if len(code) == 3 and code not in loader.kb.countries:
        loader.kb.countries[code] = actor
    loader.add_name(
        [s for w in names for s in surface_forms(w, person=False)[0]], actor, new_only=True
    )
    loader.entries += 1
    return True


def _country_phrase(
    text: str, number: int, section: str, country: _Country, loader: Loader
) -> None:
    words = phrase_words(text)
    if not words or CONTROL.search(text):
        loader.problem(number, f"cannot read the name {text!r}")
        return
    forms, _ = surface_forms(words, person=False)
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
    text: str, number: int, where: tuple[str, str, str], country: _Country, loader: Loader
) -> None:
    """Read a <Leaders> line or a <Government> one, whose brackets carry a code.

    ``NAME_ [19331108 - 19730717] [B:...]``, ``NAME_ [AFGGOVAGR 20050101 - 20050331] # title``
    """
    section, office, comment = where
    head = BRACKETS.sub(" ", text).strip()  # the name, even where the dates come first
    variants = [
        words for v in re.findall(r"\{([^}]*)\}", head) or [head] if (words := phrase_words(v))
    ]
    if not variants or CONTROL.search(head):
        loader.problem(number, f"cannot read the name in {text[:60]!r}")
        return
    surfaces = [s for words in variants for s in surface_forms(words, person=True)[0]]
    title = comment.strip().strip('"').lower()
    role = office
    if section == "Government":  # one title for several codes ("... & ...") names none of them
        role = "government" if not title or "&" in title else _office_role(title)
        role = title if role == "leader" else role
    added = 0
    for inner in BRACKETS.findall(text):
        code, spec = country.code + "GOV", inner.strip()
        if spec[:2] in ("B:", "D:"):
            continue  # birth and death dates
        if section == "Government":
            code, _, spec = spec.partition(" ")
        try:
            if not re.fullmatch(r"(?:[A-Z]{3})+", code):
                raise ValueError(f"code {code!r} is not a CAMEO code")
            start, end = date_span(spec, exclusive_end=False)
        except ValueError as exc:
            loader.problem(number, f"{surfaces[0]}: {exc}; this term left out")
            continue
        holder = loader.country_of(code) or country.iso
        own = "" if code == holder + "GOV" else code
        loader.add_tenure(surfaces, Tenure(surfaces[0], holder, role, start, end, own))
        added += 1
    if added:
        loader.entries += 1
    elif not any(inner.strip()[:2] not in ("B:", "D:") for inner in BRACKETS.findall(text)):
        loader.problem(number, f"{surfaces[0]} has no term [start - end]")
