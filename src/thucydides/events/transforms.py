"""Turn a complement's event code into the code of the frame that embeds it.

"pledged to *meet*" is an intent to meet (036), "urged X to *withdraw*" an
appeal to de-escalate (0256), "refused to *negotiate*" a rejected proposal to
negotiate (125). Keys are CAMEO code prefixes; the longest matching prefix wins.
"""

from __future__ import annotations

from thucydides.records import Modality

TRANSFORMS: dict[str, dict[str, str]] = {
    "intent": {
        "03": "",  # already an intent: keep the complement's code
        "04": "036",
        "045": "039",
        "05": "032",
        "06": "031",
        "061": "0311",
        "062": "0312",
        "063": "0313",
        "064": "0314",
        "07": "033",
        "071": "0331",
        "072": "0332",
        "073": "0333",
        "074": "0334",
        "08": "035",
        "081": "0351",
        "084": "0353",
        "085": "0354",
        "086": "0355",
        "087": "0356",
        "083": "034",
        "0831": "0341",
        "0832": "0342",
        "0833": "0343",
        "0834": "0344",
    },
    "appeal": {
        "04": "026",
        "045": "028",
        "057": "027",
        "05": "022",
        "06": "021",
        "061": "0211",
        "062": "0212",
        "063": "0213",
        "064": "0214",
        "07": "023",
        "071": "0231",
        "072": "0232",
        "073": "0233",
        "074": "0234",
        "08": "025",
        "081": "0251",
        "084": "0253",
        "085": "0254",
        "086": "0255",
        "087": "0256",
        "083": "024",
        "0831": "0241",
        "0832": "0242",
        "0833": "0243",
        "0834": "0244",
    },
    "demand": {
        "04": "106",
        "045": "108",
        "057": "107",
        "05": "102",
        "06": "101",
        "061": "1011",
        "062": "1012",
        "063": "1013",
        "064": "1014",
        "07": "103",
        "071": "1031",
        "072": "1032",
        "073": "1033",
        "074": "1034",
        "08": "105",
        "081": "1051",
        "084": "1053",
        "085": "1054",
        "086": "1055",
        "087": "1056",
        "083": "104",
        "0831": "1041",
        "0832": "1042",
        "0833": "1043",
        "0834": "1044",
    },
    "reject": {
        "03": "120",
        "04": "125",
        "045": "126",
        "057": "127",
        "05": "120",
        "06": "121",
        "061": "1211",
        "062": "1212",
        "063": "1213",
        "07": "122",
        "071": "1221",
        "072": "1222",
        "073": "1223",
        "074": "1224",
        "08": "124",
        "081": "1241",
        "084": "1243",
        "085": "1244",
        "086": "1245",
        "087": "1246",
        "083": "123",
        "0831": "1231",
        "0832": "1232",
        "0833": "1233",
        "0834": "1234",
    },
    "threaten": {
        "16": "131",
        "161": "1313",
        "163": "1312",
        "166": "136",
        "17": "132",
        "173": "137",
        "1723": "1323",
        "1724": "1324",
        "18": "1383",
        "19": "138",
        "191": "1381",
        "192": "1382",
        "20": "1385",
        "14": "133",
        "04": "134",
    },
}

# An intent to do harm ("vowed to retaliate") is a threat.
CONFLICT_ROOTS = frozenset({"13", "14", "15", "16", "17", "18", "19", "20"})


def transform(frame: str, inner: str | None, default: str) -> str:
    """Return the code for ``frame`` embedding an event coded ``inner`` (None: no complement event)."""
    if inner is None:
        return default
    if frame == "intent" and inner[:2] in ("10", "11", "12"):
        return inner  # "pledged to oppose the plan" is the rejection itself
    if frame == "intent" and inner[:2] in CONFLICT_ROOTS:
        frame = "threaten"
    table = TRANSFORMS.get(frame, {})
    for length in range(len(inner), 1, -1):
        code = table.get(inner[:length])
        if code is not None:
            return code or inner
    return default


MODAL_CONFLICT_ROOTS = frozenset({"14", "15", "16", "17", "18", "19", "20"})
COOPERATION_ROOTS = frozenset({"04", "05", "06", "07", "08"})


def modal_code(code: str, frame: str, modality: Modality, negated: bool) -> tuple[str, bool]:
    """Recode an event the text only announces, as CAMEO prescribes.

    A future or conditional cooperative act is an expression of intent (03x);
    a future or conditional conflictual act is a threat (13x); a denied intent
    to cooperate ("will not accept") is a rejection (12x). Returns (code, negated).
    """
    root = code[:2]
    if frame == "intent" and negated and root == "03":
        return "120", False
    if frame != "act" or modality not in (Modality.FUTURE, Modality.CONDITIONAL):
        return code, negated
    if root in COOPERATION_ROOTS:
        if negated:
            return transform("reject", code, "120"), False
        return transform("intent", code, "030"), negated
    if root in MODAL_CONFLICT_ROOTS and not negated:
        return transform("threaten", code, "130"), negated
    return code, negated
