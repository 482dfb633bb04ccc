"""Build src/thucydides/ontology/data/cameo_codes.csv from the reference tables.

Usage::

    python scripts/build_cameo_table.py [REFERENCE_DIR]

REFERENCE_DIR defaults to ../shared/reference (next to the repository). It must hold
cameo_event_codes.csv (CAMEO codes with the GDELT, ICEWS and Phoenix Goldstein
weights) and CAMEO2PLOVER-2021.txt (Schrodt's CAMEO to PLOVER table). Only facts are
taken from them: code, short name, the three weights, PLOVER type, mode and context.
Definitions and usage notes are not copied. The script prints a summary of what it
filled in; run it again whenever the reference tables change and review the diff.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
OUTPUT = REPO / "src" / "thucydides" / "ontology" / "data" / "cameo_codes.csv"

VARIANTS = {
    "goldstein_gdelt": "goldstein_gdelt",
    "goldstein_icews": "goldstein_icews_pkg",
    "goldstein_phoenix": "goldstein_phoenix_pipeline",
}
NO_PLOVER_ROOTS = ("01", "02")
C2P_LINE = re.compile(r"^(\d{2,4}):\s*(.*)$")

HEADER = """\
# Thucydides CAMEO event-code table (TABLE_VERSION cameo-1.1b3/plover-2021-09-17/thucydides-1).
# Built by scripts/build_cameo_table.py; edit that script and rebuild rather than editing by hand.
# One row per CAMEO event code: 20 roots (2 digits), their 3-digit codes and 4-digit sub-codes.
#
# Columns
#   code               CAMEO event code as a string, leading zero kept ("042", "0311", "19").
#   name               short human name, sentence case ("Make a visit"), as named in the ICEWS
#                      package (GDELT's lookup gives older names for 101-108). Roots are named
#                      like their category ("Consult"); no "not specified below" suffixes.
#   goldstein_gdelt    Goldstein conflict-cooperation weight (-10..+10) in the GDELT 1.0/2.0
#                      CAMEO lookup table (CAMEO.goldsteinscale.txt).
#   goldstein_icews    the weight ("intensity") in the ICEWS coded-event data package (Dataverse).
#   goldstein_phoenix  the weight in the Phoenix pipeline (Open Event Data Alliance).
#   plover_type        PLOVER event type under the current names (AGREE CONSULT SUPPORT CONCEDE
#                      COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST SANCTION
#                      MOBILIZE COERCE ASSAULT), from CAMEO2PLOVER (Schrodt, 17 September 2021,
#                      PLOVER manual draft 0.8), per-code exceptions included (e.g. 1712, 175,
#                      201 ASSAULT; 191, 192 COERCE; 084-087 and 0813-0814 RETREAT). The literal
#                      value "none" means PLOVER has no type for the code (roots 01 and 02).
#                      A root code takes the type, mode and context of its "<root>0" code.
#   plover_mode        PLOVER mode from the same table; empty when the table gives none.
#   plover_context     PLOVER context(s), "; "-separated; empty when the table gives none.
#
# Gap-filling rule: every code has a weight under all three variants. Where a source variant
# has no value for a code, the value is taken from the SAME variant's value for the parent code
# (4-digit -> its 3-digit code, 3-digit -> its root), repeated up the tree if needed. Filled:
{filled}
#
# Codes in CAMEO2PLOVER but in none of the three Goldstein tables are left out: {omitted}.
"""


def sentence_case(name: str) -> str:
    """Return ``name`` with collapsed spaces, lower-cased if all caps, first letter upper."""
    name = " ".join(name.split())
    if name.isupper():
        name = name.lower()
    return name[:1].upper() + name[1:]


def parent(code: str) -> str | None:
    """Return the parent code: 4-digit -> 3-digit, 3-digit -> root, root -> None."""
    if len(code) == 4:
        return code[:3]
    if len(code) == 3:
        return code[:2]
    return None


def read_plover(path: Path) -> dict[str, tuple[str, str, str]]:
    """Parse CAMEO2PLOVER into {code: (type, mode, context)} for 3- and 4-digit codes."""
    table: dict[str, tuple[str, str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = C2P_LINE.match(line)
        if match is None:
            continue
        code, rest = match.groups()
        if len(code) == 2:  # "08: CONCEDE" headings; roots come from their "<root>0" code
            continue
        body = rest.partition("#")[0]
        fields = [" ".join(part.split()) for part in body.split(",")] + ["", ""]
        entry = (fields[0], fields[1], fields[2])
        if code in table and table[code] != entry:
            raise SystemExit(f"conflicting CAMEO2PLOVER entries for {code}")
        table[code] = entry
    return table


def build(reference: Path) -> tuple[str, dict[str, list[str]], list[str]]:
    """Return the CSV text, the filled codes per variant and the omitted codes."""
    with (reference / "cameo_event_codes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    plover = read_plover(reference / "CAMEO2PLOVER-2021.txt")
    by_code = {row["cameo_code"]: row for row in rows}

    filled: dict[str, list[str]] = {ours: [] for ours in VARIANTS}
    weights: dict[str, dict[str, float]] = {ours: {} for ours in VARIANTS}
    for ours, theirs in VARIANTS.items():
        for row in rows:
            code = row["cameo_code"]
            node: str | None = code
            while node is not None and not by_code[node][theirs].strip():
                node = parent(node)
            if node is None:
                raise SystemExit(f"no {theirs} value for {code} or any ancestor")
            if node != code:
                filled[ours].append(code)
            weights[ours][code] = float(by_code[node][theirs])

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", *VARIANTS, "plover_type", "plover_mode", "plover_context"])
    for row in rows:
        code = row["cameo_code"]
        root = code[:2]
        if root in NO_PLOVER_ROOTS:
            ptype, mode, context = "none", "", ""
        else:
            ptype, mode, context = plover[code if len(code) > 2 else root + "0"]
        context = "; ".join(part.strip() for part in context.split(";") if part.strip())
        name = sentence_case(row["icews_pkg_name"]).replace("(non mediation)", "(non-mediation)")
        writer.writerow(
            [
                code,
                name,
                *(f"{weights[ours][code]:.1f}" for ours in VARIANTS),
                ptype,
                mode,
                context,
            ]
        )

    omitted = sorted(set(plover) - set(by_code))
    lines = []
    for ours, codes in filled.items():
        lines.append(f"#   {ours}: {len(codes)} filled" + (":" if codes else ""))
        lines.extend(
            f"#     {' '.join(codes[start : start + 14])}" for start in range(0, len(codes), 14)
        )
    header = HEADER.format(filled="\n".join(lines), omitted=" ".join(omitted) or "none")
    return header + out.getvalue(), filled, omitted


def main() -> None:
    """Write the table and print what was filled in."""
    reference = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE
    text, filled, omitted = build(reference)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    codes = sum(1 for line in text.splitlines() if line and not line.startswith("#")) - 1
    print(f"wrote {OUTPUT} ({codes} codes)")
    for ours, filled_codes in filled.items():
        print(f"  {ours}: filled {len(filled_codes)} from parent codes")
    print(f"  left out (not in any Goldstein table): {' '.join(omitted) or 'none'}")


if __name__ == "__main__":
    main()
