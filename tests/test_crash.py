"""Crash safety: a run killed with SIGKILL leaves whole articles only, and re-running it completes it.

Real processes, real DuckDB files. The fast test kills a writer of hand-made
articles (``tests/store_writer.py``) twice, snapshots included; the slow
one kills ``thucydides code`` on 400 Reuters-21578 articles once its first batch is
committed, re-runs the same command, and compares the database with that of an
uninterrupted run: the same articles, the same event ids, no duplicates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.runs import THUCYDIDES, WRITER, reuters_sample, start, table_state, wait_for_line
from thucydides.store import EventStore
from thucydides.store.snapshot import request_snapshot, snapshot_path

BATCHES, SIZE = 20, 25


def _write(db: Path, *extra: str) -> subprocess.Popen[str]:
    options = ["--batches", str(BATCHES), "--size", str(SIZE), "--pause", "0.05"]
    return start([*WRITER, str(db), *options, *extra])


def _kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


def _assert_whole(db: Path) -> dict[str, object]:
    """Return the state of ``db`` after checking it holds whole articles only, each once."""
    state = table_state(db)
    for key in ("duplicate_articles", "duplicate_events", "torn_articles", "orphan_events"):
        assert state[key] == 0, (key, state[key])
    assert state["orphan_rows"] == 0
    return state


def test_a_writer_killed_twice_leaves_whole_batches_and_a_rerun_completes(tmp_path: Path) -> None:
    clean = tmp_path / "clean.duckdb"
    uninterrupted = _write(clean)  # alongside the others: two cores
    db = tmp_path / "killed.duckdb"
    request_snapshot(db)  # a reader wants snapshots: a kill may land in a publication
    stored = 0
    for delay in (0.0, 0.3):  # at once after a commit, then in the middle of a later batch
        writer = _write(db, "--snapshot-every", "0")
        wait_for_line(writer.stdout, "committed", timeout=60)
        time.sleep(delay)
        _kill(writer)
        counts = _assert_whole(db)["counts"]
        assert isinstance(counts, dict)
        assert stored < counts["articles"] < BATCHES * SIZE and counts["articles"] % SIZE == 0
        stored = counts["articles"]
        if snapshot_path(db).stat().st_size:  # a published snapshot is always a whole store
            with EventStore(snapshot_path(db), read_only=True) as snapshot:
                assert snapshot.counts()["articles"] % SIZE == 0

    writer = _write(db, "--snapshot-every", "0")
    assert writer.wait(timeout=120) == 0 and uninterrupted.wait(timeout=120) == 0
    resumed, expected = _assert_whole(db), table_state(clean)
    assert resumed["counts"] == expected["counts"]
    assert resumed["articles"] == expected["articles"] and resumed["events"] == expected["events"]
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert leftovers == [], "a publication's temp file outlived the next publication"


@pytest.mark.slow
def test_thucydides_code_killed_mid_run_resumes_to_the_same_database(tmp_path: Path) -> None:
    sample = reuters_sample(tmp_path, 400)
    clean, db = tmp_path / "clean.duckdb", tmp_path / "resumed.duckdb"

    def command(target: Path) -> list[str]:
        return [*THUCYDIDES, "code", str(sample), "--db", str(target), "--no-progress"]

    # The uninterrupted run goes alongside the interrupted one (two cores, half the wait).
    uninterrupted = start(command(clean), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = start(command(db), stderr=subprocess.DEVNULL)
    # Events are printed right after their batch commits (every 200 articles or 5 s).
    wait_for_line(killed.stdout, "{", timeout=300)
    time.sleep(1.0)
    _kill(killed)
    partial = _assert_whole(db)
    counts = partial["counts"]
    assert isinstance(counts, dict)

    rerun = subprocess.run(command(db), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert uninterrupted.wait(timeout=600) == 0

    resumed, expected = _assert_whole(db), table_state(clean)
    assert isinstance(expected["counts"], dict)
    assert 0 < counts["articles"] < expected["counts"]["articles"], "killed too early or too late"
    assert resumed["articles"] == expected["articles"]
    assert resumed["events"] == expected["events"]
    for table in ("articles", "events", "places", "quotes"):
        assert resumed["counts"][table] == expected["counts"][table], table  # type: ignore[index]
    # Rejections are recorded by each run that meets them (never deduplicated), so the
    # re-run repeats some; what was rejected, and why, is the same.
    assert resumed["rejected"] == expected["rejected"]
