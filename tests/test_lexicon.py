"""The predicate lexicon: every entry is valid, and bad entries are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from thucydides import ontology
from thucydides.errors import DataFileError
from thucydides.events.lexicon import FRAMES, builtin_lexicon, load_lexicon
from thucydides.events.transforms import TRANSFORMS, modal_code, transform
from thucydides.records import Modality

HEADER = "lemma,pos,code,frame,preps,flags\n"


def test_builtin_lexicon_covers_every_cameo_root() -> None:
    entries = [p for group in builtin_lexicon().entries.values() for p in group]
    assert len(entries) > 500
    roots = {p.code[:2] for p in entries}
    assert roots == {f"{i:02d}" for i in range(1, 21)}
    assert all(ontology.is_valid(p.code) and p.frame in FRAMES for p in entries)


def test_multiword_entries_split_into_head_and_particle() -> None:
    lexicon = builtin_lexicon()
    call_for = [p for p in lexicon.lookup("call", "VERB") if p.particle == "for"]
    assert call_for and call_for[0].frame == "appeal"
    air_strike = [p for p in lexicon.lookup("strike", "NOUN") if p.particle == "air"]
    assert air_strike and air_strike[0].code == "195"
    visit = lexicon.lookup("visit", "VERB")[0]
    assert visit.reverse == "043" and visit.travel


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("meet,VERB,42,act,,\n", "not a CAMEO code"),
        ("meet,VRB,040,act,,\n", "pos must be one of"),
        ("meet,VERB,040,frame,,\n", "frame must be one of"),
        ("visit,VERB,042,act,,reverse=999\n", "reverse code"),
    ],
)
def test_bad_entries_are_refused(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "lexicon.csv"
    path.write_text(HEADER + row)
    with pytest.raises(DataFileError, match=message):
        load_lexicon(path)


def test_transforms_and_modal_recoding_follow_cameo() -> None:
    for table in TRANSFORMS.values():
        assert all(
            ontology.is_valid(k) and (v == "" or ontology.is_valid(v)) for k, v in table.items()
        )
    assert transform("intent", "042", "030") == "036"  # pledged to visit
    assert transform("appeal", "0871", "020") == "0256"  # urged a ceasefire
    assert transform("reject", "046", "120") == "125"  # refused to negotiate
    assert transform("intent", "190", "030") == "138"  # vowed to attack: a threat
    assert modal_code("042", "act", Modality.FUTURE, False) == ("036", False)
    assert modal_code("190", "act", Modality.CONDITIONAL, False) == ("138", False)
    assert modal_code("084", "act", Modality.FUTURE, True) == ("1243", False)  # will not release
    assert modal_code("190", "act", Modality.ASSERTED, False) == ("190", False)
