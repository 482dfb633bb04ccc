"""Tests for thucydides.ontology: the CAMEO/PLOVER table and the rules derived from it."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from thucydides.errors import DataFileError
from thucydides.ontology import (
    GOLDSTEIN_TABLES,
    PLOVER_TYPES,
    QUAD_CLASS_SCHEMES,
    TABLE_VERSION,
    CameoCode,
    all_codes,
    goldstein,
    is_valid,
    lookup,
    normalize_plover,
    plover_type,
    quad_class,
)
from thucydides.ontology.cameo import _parse

# ../shared next to the repository: tests/ -> repo -> its parent.
REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
REFERENCE_CSV = REFERENCE / "cameo_event_codes.csv"
CODES = all_codes()
ROOTS = [f"{n:02d}" for n in range(1, 21)]


def _reference_rows() -> list[dict[str, str]]:
    if not REFERENCE_CSV.is_file():
        pytest.skip(f"reference table not present at {REFERENCE_CSV} (needs ../shared)")
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- totality -------------------------------------------------------------------------


def test_table_has_every_root_and_about_300_codes() -> None:
    assert [c.code for c in CODES if c.level == 0] == ROOTS
    assert 300 <= len(CODES) <= 320
    assert len({c.code for c in CODES}) == len(CODES)


@pytest.mark.parametrize("record", CODES, ids=lambda c: c.code)
def test_every_code_is_complete(record: CameoCode) -> None:
    assert record.code.isdigit() and len(record.code) == record.level + 2
    assert record.root == record.code[:2] and is_valid(record.root)
    assert record.parent is None or is_valid(record.parent)
    assert record.name and record.name[0].isupper() and not record.name.isupper()
    for table in GOLDSTEIN_TABLES:
        assert -10.0 <= goldstein(record.code, table=table) <= 10.0
    for scheme in QUAD_CLASS_SCHEMES:
        assert quad_class(record.code, scheme=scheme) in (1, 2, 3, 4)
    if record.root in ("01", "02"):
        assert record.plover_type is None
    else:
        assert record.plover_type in PLOVER_TYPES


def test_plover_mapping_uses_all_current_types_and_no_old_names() -> None:
    used = {c.plover_type for c in CODES if c.plover_type is not None}
    assert used == set(PLOVER_TYPES)
    assert len(PLOVER_TYPES) == 16


def test_root_takes_the_plover_facts_of_its_unspecified_code() -> None:
    for root in ROOTS[2:]:
        base = lookup(root + "0")
        rec = lookup(root)
        assert (rec.plover_type, rec.plover_mode, rec.plover_context) == (
            base.plover_type,
            base.plover_mode,
            base.plover_context,
        )


def test_records_are_frozen_and_hashable() -> None:
    record = lookup("042")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "changed"  # type: ignore[misc]
    assert hash(record) == hash(lookup("042"))
    assert lookup("042") is record  # loaded once


# --- real facts -----------------------------------------------------------------------


def test_codes_keep_leading_zeros() -> None:
    visit = lookup("042")
    assert visit.root == "04" and visit.level == 1 and "visit" in visit.name.lower()
    assert lookup("043").name == "Host a visit"
    assert lookup("0311").name == "Express intent to cooperate economically"
    assert lookup("0311").parent == "031" and lookup("031").parent == "03"
    assert lookup("03").parent is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("042", "CONSULT"),
        ("04", "CONSULT"),
        ("051", "SUPPORT"),
        ("057", "SUPPORT"),
        ("0311", "AGREE"),
        ("061", "COOPERATE"),
        ("073", "AID"),
        ("081", "CONCEDE"),
        ("083", "CONCEDE"),
        ("0813", "RETREAT"),
        ("084", "RETREAT"),
        ("0871", "RETREAT"),
        ("091", "ACCUSE"),
        ("1041", "REQUEST"),
        ("112", "ACCUSE"),
        ("163", "COERCE"),
        ("166", "SANCTION"),
        ("173", "COERCE"),
        ("1712", "ASSAULT"),
        ("175", "ASSAULT"),
        ("190", "ASSAULT"),
        ("191", "COERCE"),
        ("192", "COERCE"),
        ("201", "ASSAULT"),
        ("01", None),
        ("016", None),
        ("0234", None),
    ],
)
def test_plover_type_of_real_codes(code: str, expected: str | None) -> None:
    assert plover_type(code) == expected


def test_plover_modes_and_contexts() -> None:
    assert lookup("042").plover_mode == "visit"
    assert lookup("09").plover_mode == "investigate"
    assert all(lookup(c).plover_mode == "investigate" for c in ("090", "091", "094"))
    assert lookup("094").plover_context == "military; legal"
    assert lookup("0311").plover_context == "economic"
    assert lookup("01").plover_mode is None and lookup("01").plover_context is None


@pytest.mark.parametrize(
    ("code", "gdelt", "textbook"),
    [
        ("01", 1, 1),
        ("05", 1, 1),
        ("06", 2, 2),
        ("08", 2, 2),
        ("09", 2, 3),
        ("094", 2, 3),
        ("10", 3, 3),
        ("13", 3, 3),
        ("14", 3, 4),
        ("145", 3, 4),
        ("15", 4, 4),
        ("2042", 4, 4),
    ],
)
def test_quad_class_schemes(code: str, gdelt: int, textbook: int) -> None:
    assert quad_class(code) == gdelt
    assert quad_class(code, scheme="gdelt") == gdelt
    assert quad_class(code, scheme="textbook") == textbook


def test_goldstein_real_values_and_known_disagreements() -> None:
    assert goldstein("042") == 1.9
    assert goldstein("057") == 8.0
    assert goldstein("190") == -10.0
    assert goldstein("0874") == 10.0
    deny = lookup("016").goldstein
    assert (deny.gdelt, deny.icews, deny.phoenix) == (-2.0, -5.0, 3.4)
    assert goldstein("016", table="gdelt") != goldstein("016", table="phoenix")
    assert goldstein("163", table="gdelt") == -8.0
    assert goldstein("163", table="phoenix") == -6.5
    assert goldstein("164", table="icews") == -6.5
    assert goldstein("022", table="gdelt") == 3.2


def test_goldstein_gaps_are_filled_from_the_parent_in_the_same_table() -> None:
    assert goldstein("1213", table="gdelt") == goldstein("121", table="gdelt")
    assert goldstein("1011", table="phoenix") == goldstein("101", table="phoenix")
    assert goldstein("019", table="phoenix") == goldstein("01", table="phoenix")


def test_table_version_is_named() -> None:
    assert TABLE_VERSION.startswith("cameo-") and "plover-2021" in TABLE_VERSION


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["42", "9999", "", "0a1", " 042"])
def test_unknown_code_raises_a_helpful_value_error(code: str) -> None:
    assert not is_valid(code)
    with pytest.raises(ValueError, match="Unknown CAMEO event code") as info:
        lookup(code)
    assert repr(code) in str(info.value) and '"042"' in str(info.value)


def test_code_without_leading_zero_gets_a_hint() -> None:
    with pytest.raises(ValueError, match="Did you mean '042'"):
        goldstein("42")
    with pytest.raises(ValueError, match="Did you mean '042'"):
        lookup(42)  # type: ignore[arg-type]
    assert not is_valid(42)  # type: ignore[arg-type]


def test_unknown_table_and_scheme_name_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="gdelt, icews, phoenix"):
        goldstein("042", table="acled")
    with pytest.raises(ValueError, match="gdelt, textbook"):
        quad_class("042", scheme="plover")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DEMAND", "REQUEST"),
        ("DISAPPROVE", "ACCUSE"),
        ("investigate", "ACCUSE"),
        ("Fight", "ASSAULT"),
        ("consult", "CONSULT"),
        (" assault ", "ASSAULT"),
    ],
)
def test_normalize_plover(name: str, expected: str) -> None:
    assert normalize_plover(name) == expected


# --- the loader -----------------------------------------------------------------------

HEADER = (
    "code,name,goldstein_gdelt,goldstein_icews,goldstein_phoenix,"
    "plover_type,plover_mode,plover_context"
)


def test_loader_skips_comments_and_reads_quoted_names() -> None:
    records = _parse(
        [
            "# a comment",
            HEADER,
            "04,Consult,1.0,1,1.0,CONSULT,,",
            '041,"Call, phone",1,1,1,CONSULT,phone,',
        ],
        source="t.csv",
    )
    assert [r.code for r in records] == ["04", "041"]
    assert records[1].name == "Call, phone" and records[1].plover_mode == "phone"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["code,name"], "header"),
        ([HEADER, "04,Consult,1.0,,1.0,CONSULT,,"], r"line 2: goldstein_icews .* is ''"),
        ([HEADER, "04,Consult,11,1,1,CONSULT,,"], "from -10 to 10"),
        ([HEADER, "04,Consult,1,1,1,DEMAND,,"], "plover_type 'DEMAND'"),
        ([HEADER, "041,Call,1,1,1,CONSULT,,"], "parent '04'"),
        ([HEADER, "4,Consult,1,1,1,CONSULT,,"], "2 to 4 digits"),
        ([HEADER, "04,Consult,1,1,1,CONSULT"], "expected 8 fields"),
        ([HEADER, "04,Consult,1,1,1,CONSULT,,", "04,Consult,1,1,1,CONSULT,,"], "twice"),
        ([HEADER], "no codes"),
    ],
)
def test_loader_rejects_malformed_tables(lines: list[str], message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        _parse(lines, source="t.csv")


# --- cross-check against the reference data (when ../shared is present) ---------------


def test_codes_match_the_reference_table() -> None:
    rows = _reference_rows()
    assert [c.code for c in CODES] == [r["cameo_code"] for r in rows]


def test_gdelt_weights_equal_the_reference_where_it_has_one() -> None:
    rows = _reference_rows()
    checked = 0
    for row in rows:
        if row["goldstein_gdelt"].strip():
            assert goldstein(row["cameo_code"]) == float(row["goldstein_gdelt"]), row["cameo_code"]
            checked += 1
    assert checked >= 300


def test_other_weights_and_quad_classes_match_the_reference() -> None:
    for row in _reference_rows():
        code = row["cameo_code"]
        for table, column in (
            ("icews", "goldstein_icews_pkg"),
            ("phoenix", "goldstein_phoenix_pipeline"),
        ):
            if row[column].strip():
                assert goldstein(code, table=table) == float(row[column]), (code, table)
        assert quad_class(code, scheme="gdelt") == int(row["quadclass_gdelt_observed"]), code
        assert quad_class(code, scheme="textbook") == int(row["quadclass_textbook"]), code
        if row["level"] != "0":  # the reference leaves roots unmapped; we use "<root>0"
            record = lookup(code)
            assert (record.plover_type or "") == row["plover_event"].strip(), code
            assert (record.plover_mode or "") == row["plover_mode"].strip(), code
            assert (record.plover_context or "") == row["plover_context"].strip(), code
