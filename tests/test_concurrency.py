"""Reading while writing: the server keeps answering while another process writes the store.

Real components throughout: the event store is a DuckDB file, the writer a separate
process (``tests/store_writer.py`` with hand-made articles, or ``thucydides code`` on
Reuters-21578 in the slow test), the server uvicorn on a loopback port. DuckDB lets
one process write a file or several read it, never both; the server reads snapshots
(:mod:`thucydides.store.snapshot`, :mod:`thucydides.store.live`) so that neither waits.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from benchmarks.load import request_mix, run_load, serving
from typer.testing import CliRunner

from tests.runs import THUCYDIDES, WRITER, reuters_sample, start, wait_for_line, wait_until
from tests.store_writer import article
from tests.support import shared_file
from tests.test_analysis import make_store
from tests.test_web import running_server
from thucydides.cli import app as cli
from thucydides.errors import StoreError
from thucydides.store import EventStore
from thucydides.store.live import LiveStore, open_latest
from thucydides.store.snapshot import SnapshotPolicy, request_snapshot, snapshot_path
from thucydides.web.app import create_app


def _seed_store(db: Path, articles: int) -> None:
    with EventStore(db) as store:
        store.add_articles([article(n) for n in range(1000, 1000 + articles)])


def _total(client: httpx.Client) -> tuple[int, int]:
    response = client.get("/api/events", params={"limit": 1})
    return response.status_code, response.json().get("total", -1)


def _leftovers(folder: Path) -> list[str]:
    """Return the temp files and private links a publication or a reader left behind."""
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".reader-" in p.name)


# -- snapshots ------------------------------------------------------------------------------------


class _Clock:
    """A clock that moves only when told, by ``step`` seconds at each reading."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_writer_publishes_snapshots_only_when_wanted(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    snapshot = snapshot_path(db)
    assert snapshot.name == "events.snapshot.duckdb"
    with EventStore(db, snapshot_every=10) as store:
        clock = _Clock()
        store.snapshots = policy = SnapshotPolicy(db, every=10, clock=clock)
        store.add_articles([article(0)])
        assert not snapshot.exists()  # nobody reads snapshots of this store: none written
        assert request_snapshot(db) and snapshot.stat().st_size == 0
        assert not request_snapshot(db)  # asked once is enough
        store.add_articles([article(1)])  # a request is answered at the next commit
        assert snapshot.stat().st_size > 0 and policy.published == 1
        store.add_articles([article(2)])
        assert policy.published == 1  # not due yet
        clock.now += 11
        store.add_rejections([])
        assert policy.published == 2
        fingerprint = store.fingerprint()
    with EventStore(snapshot, read_only=True) as copy:
        assert copy.fingerprint() == fingerprint and copy.counts()["events"] == 6
    assert _leftovers(tmp_path) == []


def test_copies_take_at_most_their_share_of_the_writers_time(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    _seed_store(db, 50)
    request_snapshot(db)
    clock = _Clock(step=0.1)  # each reading 0.1 s later: the copy "takes" 0.1 s
    policy = SnapshotPolicy(db, every=1, max_share=0.02, clock=clock)
    with EventStore(db) as store:
        assert policy.due()
        policy.publish(store.cursor())
    assert policy.seconds == pytest.approx(0.1)
    clock.now += 3.0
    assert not policy.due()  # a copy taking t seconds waits t / 0.02 = 50 t (5 s), not 1 s
    clock.now += 2.0
    assert policy.due()


def test_a_publication_cleans_up_after_a_killed_one(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    _seed_store(db, 3)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f".events.snapshot.duckdb.tmp-{dead.stdout.strip()}-abcd1234"
    stale.write_bytes(b"half a copy")
    with EventStore(db) as store:
        store.publish_snapshot()
    assert _leftovers(tmp_path) == [] and snapshot_path(db).stat().st_size > 0


# -- locks ----------------------------------------------------------------------------------------

_HOLD = (
    "import sys, time\n"
    "from thucydides.store import EventStore\n"
    "with EventStore(sys.argv[1], read_only=True):\n"
    "    print('holding', flush=True)\n"
    "    time.sleep(float(sys.argv[2]))\n"
)


def test_a_writer_waits_for_a_reader_to_let_go(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    _seed_store(db, 2)
    reader = start([sys.executable, "-c", _HOLD, str(db), "1.5"])
    try:
        wait_for_line(reader.stdout, "holding", timeout=60)
        with pytest.raises(StoreError, match=rf"locked by process {reader.pid}"):
            EventStore(db)
        began = time.monotonic()
        with EventStore(db, lock_timeout=60) as store:
            store.add_articles([article(5)])
        assert time.monotonic() - began > 0.2  # it did wait
    finally:
        reader.wait(timeout=60)
    assert reader.returncode == 0


def test_commands_read_the_snapshot_while_a_run_holds_the_store(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    _seed_store(db, 3)
    options = ["--batches", "30", "--size", "5", "--pause", "0.1", "--snapshot-every", "60"]
    writer = start([*WRITER, str(db), *options])
    try:
        wait_for_line(writer.stdout, "committed", timeout=60)
        with pytest.raises(StoreError, match="locked by process"):
            open_latest(db)  # no snapshot yet: the lock error, as before
        request_snapshot(db)
        wait_until(lambda: snapshot_path(db).stat().st_size > 0, 20, "the writer's snapshot")
        with open_latest(db) as store:
            assert store.path == snapshot_path(db) and store.counts()["articles"] >= 3
        result = CliRunner().invoke(cli, ["dyad", "RUS", "KAZ", "--db", str(db), "-f", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["total"] > 0
    finally:
        writer.wait(timeout=60)
    assert writer.returncode == 0


# -- the server while a process writes ------------------------------------------------------------


def test_the_server_answers_while_another_process_writes(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    _seed_store(db, 5)
    app = create_app(db, poll=0.1)
    assert snapshot_path(db).exists()  # the server made its snapshot at start
    seen: list[tuple[int, int]] = []
    with running_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        options = ["--batches", "25", "--size", "10", "--pause", "0.2", "--snapshot-every", "0.3"]
        writer = start([*WRITER, str(db), *options])
        try:
            wait_for_line(writer.stdout, "open", timeout=60)
            while writer.poll() is None:
                seen.append(_total(client))
                article_status = client.get("/api/articles/w1001").status_code
                assert article_status == 200
                time.sleep(0.05)
        finally:
            writer.wait(timeout=60)
        assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
        final = 2 * (5 + 250)
        wait_until(lambda: _total(client) == (200, final), 15, "serving the finished store")
    statuses = {status for status, _ in seen}
    totals = [total for _, total in seen]
    assert statuses == {200}, seen
    assert totals == sorted(totals), "a count went backwards"
    assert any(10 < total < final for total in totals), f"no growth seen during the run: {totals}"
    assert _leftovers(tmp_path) == []


def test_a_server_started_during_a_run_waits_for_its_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    # The writer sleeps 1.5 s after each commit: the server starts in the first pause.
    options = ["--batches", "2", "--size", "5", "--pause", "1.5", "--snapshot-every", "60"]
    writer = start([*WRITER, str(db), *options])
    try:
        wait_for_line(writer.stdout, "committed", timeout=60)
        app = create_app(db, poll=0.1)  # locked, no snapshot: the server asks the writer for one
        assert snapshot_path(db).stat().st_size == 0
        with running_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
            first = client.get("/api/events")
            assert first.status_code == 503 and first.headers["retry-after"] == "5"
            assert "retry in a few seconds" in first.json()["error"]
            assert "Traceback" not in first.text
            wait_until(lambda: _total(client)[0] == 200, 20, "the writer's first snapshot")
            assert _total(client)[1] > 0
            assert writer.poll() is None  # served from the writer's snapshot, during the run
    finally:
        writer.wait(timeout=60)
    assert writer.returncode == 0


def test_the_database_is_served_directly_where_no_snapshot_can_be_written(
    tmp_path: Path,
) -> None:
    db = tmp_path / "events.duckdb"
    _seed_store(db, 2)
    snapshot_path(db).mkdir()  # in the way, as a read-only folder would be
    live = LiveStore(db)
    try:
        assert live.serving == "database"
        with live.lease() as store:
            assert store.counts()["articles"] == 2
    finally:
        live.close()
    assert _leftovers(tmp_path) == []


# -- load -----------------------------------------------------------------------------------------


def test_a_burst_of_requests_is_answered_without_errors(tmp_path: Path) -> None:
    db = make_store(tmp_path / "events.duckdb")
    with serving(db) as url:
        result = run_load(url, request_mix(db), requests=200, concurrency=10)
    assert (result.requests, result.errors) == (200, 0), result.statuses


# -- the real commands ----------------------------------------------------------------------------


@pytest.mark.slow
def test_thucydides_serve_answers_while_thucydides_code_writes(tmp_path: Path) -> None:
    sample = reuters_sample(tmp_path, 400)  # about 20 s of coding: several commits
    db = tmp_path / "events.duckdb"
    seed = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt")
    seeding = [*THUCYDIDES, "code", str(seed), "--db", str(db), "--date", "2002-12-20"]
    subprocess.run(seeding, check=True, capture_output=True)
    seen: list[tuple[int, int]] = []
    with serving(db) as url, httpx.Client(base_url=url, timeout=30) as client:
        before = _total(client)
        coding = [*THUCYDIDES, "code", str(sample), "--db", str(db), "--no-progress"]
        code = start(coding, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while code.poll() is None:
                seen.append(_total(client))
                time.sleep(0.2)
        finally:
            code.wait(timeout=300)
        assert code.returncode == 0
        with EventStore(db, read_only=True) as store:
            final = store.counts()["events"]
        wait_until(lambda: _total(client) == (200, final), 15, "serving the finished run")
        assert client.get("/api/articles/reuters-2").status_code == 200
    totals = [total for _, total in seen]
    assert {status for status, _ in seen} == {200}
    assert totals == sorted(totals) and before[1] < final
    assert any(before[1] < total < final for total in totals), totals
