"""Issue #9's must-show: one `thucydides code` run over a folder of bad input next to a good article.

The folder mixes an empty file, a megabyte of random bytes, a German news article,
a JSONL file whose last line is cut short, a 10 MB text on one line and the seed
article. The run must code the seed, reject each of the others with a reason a
person can act on, and finish: nothing bad stops the batch or hangs it.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support import shared_file

pytestmark = pytest.mark.slow

GERMAN = (
    "BERLIN, 14. März 2024 (dpa) - Bundeskanzler Olaf Scholz hat am Donnerstag den polnischen "
    "Ministerpräsidenten Donald Tusk im Kanzleramt empfangen. Beide Regierungschefs sagten der "
    "Ukraine weitere militärische Unterstützung zu und kündigten eine engere Zusammenarbeit "
    "bei der Sicherung der Ostgrenze der Europäischen Union an. Die Opposition warf der "
    "Bundesregierung vor, die Lieferung von Marschflugkörpern weiter zu verzögern. Der "
    "Außenminister Polens, Radosław Sikorski, forderte Deutschland auf, mehr Verantwortung "
    "für die Sicherheit Europas zu übernehmen.\n"
)

#: Wall-clock seconds after which the run counts as hung (a hang guard, not a speed test:
#: the run takes seconds, and parsing the 10 MB line would take many minutes).
HANG_SECONDS = 300


def test_a_folder_of_bad_input_is_coded_in_one_run(tmp_path: Path) -> None:
    seed = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt")
    inputs = tmp_path / "inbox"
    inputs.mkdir()
    (inputs / "a_empty.txt").write_bytes(b"")
    (inputs / "b_random.bin").write_bytes(random.Random(9).randbytes(1024 * 1024))
    (inputs / "c_german.txt").write_text(GERMAN, encoding="utf-8")
    (inputs / "d_feed.jsonl").write_text(
        '{"id": "wire-1", "date": "2024-03-14", "text": "Russian President Vladimir Putin met '
        'Chinese President Xi Jinping in Moscow."}\n'
        '{"id": "wire-2", "date": "2024-03-14", "text": "Ukraine accused Russia of',
        encoding="utf-8",
    )
    words = b"Russia and China held talks in Beijing "
    (inputs / "e_one_line.txt").write_bytes((words * (10_000_000 // len(words) + 1))[:10_000_000])
    shutil.copy(seed, inputs / "f_seed.txt")
    db = tmp_path / "fresh.duckdb"

    env = {**os.environ, "COLUMNS": "200"}
    env.pop("THUCYDIDES_DB", None)
    env.pop("THUCYDIDES_MAX_BYTES", None)
    result = subprocess.run(
        [sys.executable, "-m", "thucydides", "code", str(inputs), "--db", str(db)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=HANG_SECONDS,
    )

    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        events = con.execute(
            "select e.source_code, e.cameo_code, e.target_code from events e "
            "join articles a using (content_hash) where a.origin like '%f_seed.txt'"
        ).fetchall()
        rejections = {
            Path(origin.split(":")[0]).name: (reason, detail)
            for origin, reason, detail in con.execute(
                "select origin, reason, detail from rejections"
            ).fetchall()
        }
    assert ("KAZGOV", "042", "RUS") in {(s, c, (t or "")[:3]) for s, c, t in events}, events

    assert {name: reason for name, (reason, _) in rejections.items()} == {
        "a_empty.txt": "empty",
        "b_random.bin": "binary",
        "c_german.txt": "not_english",
        "d_feed.jsonl": "malformed",
        "e_one_line.txt": "too_large",
    }
    # Each message says what is wrong and what to do, in words a user can act on.
    expected = {
        "a_empty.txt": ["empty", "nothing to code"],
        "b_random.bin": ["binary data", "plain UTF-8 text"],
        "c_german.txt": ["German", "translate it first or pass --no-language-check"],
        "d_feed.jsonl": ["invalid JSON", "each line must be one JSON object"],
        "e_one_line.txt": ["paragraph of 10,000,000 characters", "split it into paragraphs"],
    }
    for name, phrases in expected.items():
        detail = rejections[name][1]
        assert "\n" not in detail and "Traceback" not in detail, detail
        for phrase in phrases:
            assert phrase in detail, (name, detail)
        assert f"rejected {inputs / name}" in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr
    assert "5 rejected" in result.stderr
