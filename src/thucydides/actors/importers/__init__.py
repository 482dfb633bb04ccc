"""Layer the actor dictionaries of TABARI/PETRARCH and Schrodt's CountryInfo.txt over our own.

Three formats are read, from the user's own files at run time; each module says what its
format holds and what it becomes:

``petrarch-actors``, ``petrarch-agents``
    PETRARCH/TABARI actors and agents dictionaries (:mod:`.petrarch`).
``countryinfo``
    CountryInfo.txt ``<Country>`` blocks (:mod:`.countryinfo`).

PETRARCH matches upper-cased text and our matcher is case-sensitive, so a phrase is
indexed as news writes it ("Vladimir Putin", "Secretary General of the United Nations",
"Ban Ki-moon"), and single words also in capitals ("UN", "NATO"; guessed capital forms
never displace an entry) (:mod:`.phrases`). Within one file a surface accumulates; a later
file replaces what came before for the surfaces it defines, except that a name with the
same code is left as it was ("Kabul" stays a capital) (:mod:`.loader`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from thucydides.actors.importers.countryinfo import load_countryinfo
from thucydides.actors.importers.loader import MAX_PROBLEMS, Loader
from thucydides.actors.importers.petrarch import load_actors, load_agents
from thucydides.actors.importers.phrases import OPEN_START
from thucydides.actors.knowledge import KnowledgeBase, builtin_knowledge
from thucydides.errors import ConfigError, DataFileError

__all__ = [
    "FORMATS",
    "MAX_PROBLEMS",
    "OPEN_START",
    "ImportReport",
    "detect_format",
    "layered_knowledge",
    "load_actor_file",
]

log = logging.getLogger(__name__)

FORMATS = ("petrarch-actors", "petrarch-agents", "countryinfo")


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
    loader = Loader(kb, path.name)
    if fmt == "petrarch-actors":
        load_actors(lines, loader)
    elif fmt == "petrarch-agents":
        load_agents(lines, loader)
    else:
        load_countryinfo(lines, loader)
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
