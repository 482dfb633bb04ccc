"""Look up CAMEO event codes: names, Goldstein weights, QuadClass and PLOVER types.

The facts live in ``ontology/data/cameo_codes.csv`` (see its header comment for the
columns, sources and gap-filling rule). The table is read once, on first use, into
frozen :class:`CameoCode` records. QuadClass is not stored: it follows from the root
code by the rule of the chosen scheme.

Codes are strings with their leading zero ("042", not 42). An unknown code, Goldstein
table or QuadClass scheme raises :class:`ValueError` naming the valid choices; a
malformed data file raises :class:`thucydides.errors.DataFileError`.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, NamedTuple

from thucydides.errors import DataFileError

TABLE_VERSION: Final = "cameo-1.1b3/plover-2021-09-17/thucydides-1"
GOLDSTEIN_TABLES: Final = ("gdelt", "icews", "phoenix")
QUAD_CLASS_SCHEMES: Final = ("gdelt", "textbook")
PLOVER_TYPES: Final = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

_DATA_FILE: Final = "cameo_codes.csv"
_COLUMNS: Final = (
    "code",
    "name",
    "goldstein_gdelt",
    "goldstein_icews",
    "goldstein_phoenix",
    "plover_type",
    "plover_mode",
    "plover_context",
)
_NO_PLOVER: Final = "none"
_OLD_PLOVER_NAMES: Final = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",  # now ACCUSE with mode "investigate"
    "FIGHT": "ASSAULT",
}
# Last root code of quad classes 1, 2 and 3; roots above the third bound are class 4.
# GDELT's files put 09 INVESTIGATE with material cooperation and 14 PROTEST with verbal
# conflict; the textbook mapping moves both one class up.
_QUAD_BOUNDS: Final = {"gdelt": (5, 9, 14), "textbook": (5, 8, 13)}


class GoldsteinWeights(NamedTuple):
    """A code's Goldstein weight (-10 to +10) under each table in GOLDSTEIN_TABLES."""

    gdelt: float
    icews: float
    phoenix: float


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code and the facts the versioned table gives for it.

    ``level`` is 0 for a 2-digit root, 1 for a 3-digit code and 2 for a 4-digit one.
    ``plover_type`` is ``None`` only for roots 01 and 02, which PLOVER does not cover;
    ``plover_mode`` and ``plover_context`` are ``None`` where the mapping gives none.
    """

    code: str
    name: str
    root: str
    level: int
    goldstein: GoldsteinWeights
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None

    @property
    def parent(self) -> str | None:
        """Return the code one level up ("0311" -> "031" -> "03"), or None for a root."""
        return self.code[:-1] if self.level == 2 else self.root if self.level == 1 else None


def lookup(code: str) -> CameoCode:
    """Return the record for a CAMEO event code such as "042" or "0311"."""
    table = _table()
    try:
        return table[code]
    except (KeyError, TypeError):
        pass
    hint = ""
    if isinstance(code, int) or (isinstance(code, str) and code.strip().isdigit()):
        padded = "0" + str(code).strip()  # the usual slip: a code read as a number
        if padded in table:
            hint = f" Did you mean {padded!r}? The leading zero is part of the code."
    raise ValueError(
        f"Unknown CAMEO event code {code!r}: codes are strings of 2 to 4 digits with "
        f'their leading zero, like "04", "042" or "0311".{hint}'
    )


def is_valid(code: str) -> bool:
    """Return whether ``code`` is a CAMEO event code in the table."""
    return isinstance(code, str) and code in _table()


def all_codes() -> tuple[CameoCode, ...]:
    """Return every code in the table, in code order (roots before their children)."""
    return tuple(_table().values())


def goldstein(code: str, *, table: str = "gdelt") -> float:
    """Return the Goldstein weight of ``code`` under the named table (see GOLDSTEIN_TABLES)."""
    if table not in GOLDSTEIN_TABLES:
        raise ValueError(
            f"Unknown Goldstein table {table!r}: choose one of {', '.join(GOLDSTEIN_TABLES)}."
        )
    weights = lookup(code).goldstein
    return float(getattr(weights, table))


def quad_class(code: str, *, scheme: str = "gdelt") -> int:
    """Return the QuadClass (1-4) of ``code`` under the named scheme (see QUAD_CLASS_SCHEMES).

    1 is verbal cooperation, 2 material cooperation, 3 verbal conflict and 4 material
    conflict. "gdelt" is the mapping found in GDELT's files (roots 01-05, 06-09, 10-14,
    15-20); "textbook" is the one in the CAMEO literature (01-05, 06-08, 09-13, 14-20).
    """
    bounds = _QUAD_BOUNDS.get(scheme)
    if bounds is None:
        raise ValueError(
            f"Unknown QuadClass scheme {scheme!r}: choose one of {', '.join(QUAD_CLASS_SCHEMES)}."
        )
    root = int(lookup(code).root)
    return 1 + sum(root > bound for bound in bounds)


def plover_type(code: str) -> str | None:
    """Return the PLOVER event type of ``code``, or None for roots 01 and 02."""
    return lookup(code).plover_type


def normalize_plover(name: str) -> str:
    """Return the current PLOVER name for ``name``, mapping the pre-2021 names.

    DEMAND becomes REQUEST, DISAPPROVE and INVESTIGATE become ACCUSE, FIGHT becomes
    ASSAULT; any other name is returned stripped and upper-cased, unchecked.
    """
    upper = name.strip().upper()
    return _OLD_PLOVER_NAMES.get(upper, upper)


@functools.cache
def _table() -> dict[str, CameoCode]:
    """Load the packaged table once; the dict is private and never handed out."""
    resource = importlib.resources.files("thucydides.ontology") / "data" / _DATA_FILE
    try:
        text = resource.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise DataFileError(
            f"Cannot read the CAMEO table {_DATA_FILE}: {exc}. Reinstall thucydides; "
            "the file ships inside the package (thucydides/ontology/data)."
        ) from exc
    return {record.code: record for record in _parse(text.splitlines(), source=_DATA_FILE)}


def _parse(lines: Iterable[str], *, source: str) -> tuple[CameoCode, ...]:
    """Parse table lines (comment lines start with "#") into records, checking each one.

    Each record is one line: fields may be quoted but may not contain line breaks.
    """
    rows = (
        (number, next(csv.reader([line])))
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.startswith("#")
    )
    _, header = next(rows, (0, []))
    if tuple(header) != _COLUMNS:
        raise DataFileError(
            f"{source}: the first non-comment line must be the header "
            f"{','.join(_COLUMNS)!r}, found {','.join(header)!r}."
        )
    records: dict[str, CameoCode] = {}
    for number, row in rows:
        record = _record(row, where=f"{source}, line {number}")
        if record.code in records:
            raise DataFileError(f"{source}, line {number}: code {record.code!r} appears twice.")
        if record.parent is not None and record.parent not in records:
            raise DataFileError(
                f"{source}, line {number}: code {record.code!r} comes before its parent "
                f"{record.parent!r}, or the parent is missing; list parents first."
            )
        records[record.code] = record
    if not records:
        raise DataFileError(f"{source}: the table has a header but no codes.")
    return tuple(records.values())


def _record(row: list[str], *, where: str) -> CameoCode:
    """Build one record from a CSV row, raising DataFileError on any malformed field."""
    if len(row) != len(_COLUMNS):
        raise DataFileError(f"{where}: expected {len(_COLUMNS)} fields, found {len(row)}.")
    code, name, gdelt, icews, phoenix, ptype, mode, context = (field.strip() for field in row)
    if not (code.isdigit() and code.isascii() and 2 <= len(code) <= 4):
        raise DataFileError(f"{where}: code {code!r} is not a string of 2 to 4 digits.")
    if not name:
        raise DataFileError(f"{where}: code {code!r} has no name.")
    if ptype != _NO_PLOVER and ptype not in PLOVER_TYPES:
        raise DataFileError(
            f"{where}: plover_type {ptype!r} of code {code!r} is not one of "
            f"{', '.join(PLOVER_TYPES)} or {_NO_PLOVER!r}."
        )
    return CameoCode(
        code=code,
        name=name,
        root=code[:2],
        level=len(code) - 2,
        goldstein=GoldsteinWeights(*_weights((gdelt, icews, phoenix), code=code, where=where)),
        plover_type=None if ptype == _NO_PLOVER else ptype,
        plover_mode=mode or None,
        plover_context=context or None,
    )


def _weights(fields: tuple[str, ...], *, code: str, where: str) -> Iterator[float]:
    """Yield the Goldstein weights of one row, checking each is a number in [-10, 10]."""
    for table, field in zip(GOLDSTEIN_TABLES, fields, strict=True):
        try:
            value = float(field)
        except ValueError:
            value = math.nan
        if not -10.0 <= value <= 10.0:
            raise DataFileError(
                f"{where}: goldstein_{table} of code {code!r} is {field!r}; "
                "it must be a number from -10 to 10 (fill gaps from the parent code)."
            )
        yield value
