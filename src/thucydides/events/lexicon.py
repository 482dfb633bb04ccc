"""The predicate lexicon: which words signal which CAMEO events, with their frames."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from thucydides import ontology
from thucydides.errors import DataFileError
from thucydides.tables import read_table, split_multi

FRAMES = ("act", "say", "intent", "appeal", "demand", "reject", "threaten", "none")
POS = ("VERB", "NOUN", "ADJ")
COMPLEMENT_FRAMES = frozenset({"intent", "appeal", "demand", "reject", "threaten"})


@dataclass(frozen=True, slots=True)
class Predicate:
    """One lexicon entry: a word (with an optional particle), its code and frame."""

    lemma: str  # the head word ("call" for "call for")
    particle: str | None  # "for" in "call for"; the second word of "air strike"
    pos: str
    code: str
    frame: str
    preps: tuple[str, ...]
    symmetric: bool = False
    reverse: str | None = None
    travel: bool = False
    actor_object: bool = False
    inner: bool = False  # only an event inside a complement ("pledged to boost cooperation")
    posture: bool = False  # "prepared to attack": a show of force (150), not a threat
    intransitive: bool = False  # a direct object means another sense ("rallied voters")
    forces: bool = False  # its object must be forces or people ("withdraw troops", not "the bill")

    @property
    def label(self) -> str:
        """Return the entry as written in the lexicon ("call for")."""
        return f"{self.lemma} {self.particle}" if self.particle else self.lemma


@dataclass(frozen=True)
class Lexicon:
    """Predicates indexed by (lemma, part of speech)."""

    entries: dict[tuple[str, str], tuple[Predicate, ...]]

    def lookup(self, lemma: str, pos: str) -> tuple[Predicate, ...]:
        """Return the entries for a lemma (lower case) and a coarse part of speech."""
        return self.entries.get((lemma, pos), ())


def load_lexicon(source: str | Path = "predicates.csv") -> Lexicon:
    """Read a predicate lexicon file and check every code against the CAMEO table."""
    entries: dict[tuple[str, str], list[Predicate]] = {}
    for number, row in enumerate(
        read_table(source, required=("lemma", "pos", "code", "frame", "preps", "flags")), 1
    ):
        where = f"{source}, entry {number} ({row['lemma']!r})"
        if row["pos"] not in POS:
            raise DataFileError(f"{where}: pos must be one of {POS}, not {row['pos']!r}")
        if row["frame"] not in FRAMES:
            raise DataFileError(f"{where}: frame must be one of {FRAMES}, not {row['frame']!r}")
        if row["frame"] == "none":
            row = {**row, "code": row["code"] or "010"}  # a sense that is no event: never coded
        if not ontology.is_valid(row["code"]):
            raise DataFileError(
                f"{where}: {row['code']!r} is not a CAMEO code (codes are strings like '042')"
            )
        flags = split_multi(row["flags"])
        reverse = next(
            (flag.split("=", 1)[1] for flag in flags if flag.startswith("reverse=")), None
        )
        if reverse is not None and not ontology.is_valid(reverse):
            raise DataFileError(f"{where}: reverse code {reverse!r} is not a CAMEO code")
        words = row["lemma"].lower().split()
        head, particle = words[0], " ".join(words[1:]) or None
        if row["pos"] == "NOUN" and len(words) > 1:
            head, particle = words[-1], " ".join(words[:-1])  # "air strike": head "strike"
        predicate = Predicate(
            lemma=head,
            particle=particle,
            pos=row["pos"],
            code=row["code"],
            frame=row["frame"],
            preps=tuple(split_multi(row["preps"].lower())),
            symmetric="symmetric" in flags,
            reverse=reverse,
            travel="travel" in flags,
            actor_object="actor_object" in flags,
            inner="inner" in flags,
            posture="posture" in flags,
            intransitive="intransitive" in flags,
            forces="forces" in flags,
        )
        entries.setdefault((head, row["pos"]), []).append(predicate)
    # entries with a particle are more specific: try them first
    ordered = {
        key: tuple(sorted(values, key=lambda p: p.particle is None))
        for key, values in entries.items()
    }
    return Lexicon(ordered)


@functools.cache
def builtin_lexicon() -> Lexicon:
    """Return the lexicon shipped with Thucydides."""
    return load_lexicon()
