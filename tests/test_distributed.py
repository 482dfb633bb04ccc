"""The Dask runner: the events of one process, on a real 2-worker LocalCluster, through faults.

The fast tests check the parts that need no cluster: addresses, options, the
planning and cutting of inputs (every piece read must give exactly what
``read_inputs`` gives) and the watchdog. The slow ones start real clusters of two
worker processes and code real Reuters-21578 articles from ../shared.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster, Worker, WorkerPlugin

from tests.support import shared_file
from thucydides.distributed import (
    CoderOptions,
    ReadOptions,
    RunProgress,
    parse_address,
    run_distributed,
)
from thucydides.distributed.cutting import cut_file, read_partition
from thucydides.distributed.partitions import Leaf, Partition, expand_inputs, group_pieces
from thucydides.distributed.worker import EXIT_NO_PROGRESS
from thucydides.errors import ConfigError
from thucydides.ingest import read_inputs
from thucydides.ingest.dedup import NearDuplicates
from thucydides.nlp import DEFAULT_MODEL
from thucydides.pipeline import Coder
from thucydides.records import Article, CodedArticle, Rejection, RejectReason
from thucydides.store import EventStore

OPTIONS = CoderOptions(DEFAULT_MODEL, "gdelt", "gdelt")
CORPUS = Path(__file__).parent / "data" / "corpus"
POISON = "THUCYDIDES-TEST-POISON"

Snapshot = dict[str, list[tuple[Any, ...]]]


# -- helpers --------------------------------------------------------------------------


def read_planned(
    inputs: list[str], *, chunk_bytes: int, per_task: int, read: ReadOptions
) -> tuple[list[Article | Rejection], int]:
    """Plan, cut and read the inputs the way a cluster run does, but in this process; count the pieces."""
    records: list[Article | Rejection] = []
    pieces = 0
    planned = group_pieces(
        expand_inputs(inputs, read=read, chunk_bytes=chunk_bytes),
        chunk_bytes=chunk_bytes,
        records_per_task=per_task,
    )
    for item in planned:
        if isinstance(item, Rejection):
            records.append(item)
            continue
        if isinstance(item, Leaf):
            cut = cut_file(
                item.path,
                size=item.size,
                chunk_bytes=chunk_bytes,
                records_per_task=per_task,
                read=read,
            )
            partitions = [Partition((piece,)) for piece in cut]
        else:
            partitions = [item]
        for partition in partitions:
            pieces += len(partition.pieces)
            records.extend(read_partition(partition, read))
    return records, pieces


def reuters_sample(directory: Path, *, elements: int) -> Path:
    """Write the first ``elements`` <REUTERS> elements of reut2-000.sgm to a file of their own."""
    data = shared_file("corpora/reuters21578/reut2-000.sgm").read_bytes()
    end = 0
    for _ in range(elements):
        end = data.index(b"</REUTERS>", end) + len(b"</REUTERS>")
    path = directory / "reut2-sample.sgm"
    path.write_bytes(data[:end] + b"\n")
    return path


def code_in_one_process(paths: list[str], coder: Coder, store: EventStore) -> None:
    """Code as `thucydides code` does in one process, on a fresh store: near-copies rejected in input order."""
    duplicates = NearDuplicates()

    def fresh() -> Iterator[Article]:
        for item in read_inputs(paths):
            if isinstance(item, Article):
                item = duplicates.check(item) or item
            if isinstance(item, Rejection):
                store.add_rejection(item)
            else:
                yield item

    coded: list[CodedArticle] = []
    for result in coder.code_articles(fresh()):
        failed = result.rejection()
        if failed is not None:
            store.add_rejection(failed)
        else:
            coded.append(result)
    store.add_articles(coded)


def snapshot(store: EventStore) -> Snapshot:
    """Return what a run stored, in a form that compares: events, articles and rejections, sorted."""
    events = sorted(
        (
            e.event_id,
            e.article_id,
            e.sentence_index,
            e.cameo_code,
            e.source.code,
            e.target.code if e.target else None,
            e.evidence.start,
        )
        for e in store.events()
    )
    cursor = store.cursor()
    try:
        articles = sorted(
            cursor.execute(
                "SELECT content_hash, article_id, origin, n_events FROM articles"
            ).fetchall()
        )
    finally:
        cursor.close()
    rejections = sorted((r.origin, str(r.reason), r.content_hash or "") for r in store.rejections())
    return {"events": events, "articles": articles, "rejections": rejections}


class _PoisonPlugin(WorkerPlugin):
    """Make the coder hang, holding the GIL, on an article that carries the marker.

    A catastrophic regular expression is the classic real poison: no Python-level
    timeout can interrupt it, only the watchdog's SIGALRM backstop.
    """

    name = "thucydides-test-poison"

    def setup(self, worker: Worker) -> None:
        from thucydides import pipeline

        original = pipeline.Coder._prepare

        def prepare(coder: Coder, article: Article) -> Any:
            if POISON in article.text:
                re.match(r"(a+)+$", "a" * 64 + "!")  # 2**64 steps: never returns
            return original(coder, article)

        pipeline.Coder._prepare = prepare  # type: ignore[method-assign]


@pytest.fixture
def cluster() -> Iterator[tuple[LocalCluster, Client]]:
    """Start a 2-worker cluster that tolerates one worker death per task, and a client on it."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    with local, Client(local) as client:
        yield local, client


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 real Reuters elements: 100+ articles, some rejected (no body), one exact copy."""
    return reuters_sample(tmp_path_factory.mktemp("reuters"), elements=150)


@pytest.fixture(scope="module")
def one_process(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """What a single-process run stores for the sample."""
    with EventStore(tmp_path_factory.mktemp("one") / "one.duckdb") as store:
        code_in_one_process([str(sample)], Coder(), store)
        return snapshot(store)


# -- fast: addresses, options, planning, the watchdog ---------------------------------


def test_addresses_name_a_local_cluster_or_a_scheduler() -> None:
    assert parse_address("local:2").local_workers == 2
    assert parse_address(" local:16 ").local_workers == 16
    assert parse_address("tcp://10.0.0.5:8786").scheduler == "tcp://10.0.0.5:8786"
    assert parse_address("tcp://sched-01.cluster.example:8786").scheduler is not None
    for bad in (
        "local",
        "local:0",
        "local:two",
        "tcp://host",
        "tcp://host:99999",
        "http://h:1",
        "2",
        "",
    ):
        with pytest.raises(ConfigError, match=r"local:N .* tcp://HOST:PORT|local:1 or more"):
            parse_address(bad)


def test_bad_options_fail_before_any_cluster_starts(tmp_path: Path) -> None:
    out = tmp_path / "events"
    out.mkdir()
    (out / "old.parquet").write_text("x")
    with EventStore(tmp_path / "ev.duckdb") as store:
        with pytest.raises(ConfigError, match="is not valid; use local:N"):
            run_distributed([str(CORPUS)], address="dask://x:1", options=OPTIONS, store=store)
        with pytest.raises(ConfigError, match="not an empty directory"):
            run_distributed(
                [str(CORPUS)], address="local:1", options=OPTIONS, store=store, out_parquet=out
            )
        with pytest.raises(ConfigError, match="chunk_bytes"):
            run_distributed(
                [str(CORPUS)], address="local:1", options=OPTIONS, store=store, chunk_bytes=0
            )
        with pytest.raises(ConfigError, match="default date"):
            run_distributed(
                [str(CORPUS)],
                address="local:1",
                options=OPTIONS,
                store=store,
                read=ReadOptions(default_date="soon"),
            )
        assert store.counts()["articles"] == 0


def test_planned_pieces_read_exactly_like_read_inputs(tmp_path: Path) -> None:
    mini = (CORPUS / "reut2-mini.sgm").read_bytes()
    (tmp_path / "wire.sgm").write_bytes(mini * 12 + b'<REUTERS NEWID="77">cut short')
    feed = (CORPUS / "feed.csv").read_text(encoding="utf-8")
    header, _, rows = feed.partition("\n")
    (tmp_path / "feed.csv").write_text(header + "\n" + rows * 15, encoding="utf-8")
    lines = [
        json.dumps(
            {
                "id": f"a{i}",
                "text": f"Ruritania and Freedonia held talks, round {i}.",
                "date": "2024-03-05",
            }
        )
        for i in range(40)
    ]
    lines[7] = "{not json"
    lines[12] = "   "
    lines[20] = json.dumps({"id": "big", "text": "word " * 400})
    german = (
        "Die Bundesregierung hat am Montag in Berlin neue Gespräche mit Frankreich angekündigt. "
        "Der Außenminister sagte, beide Länder wollten ihre Zusammenarbeit vertiefen."
    )
    lines[25] = json.dumps({"id": "de", "text": german})
    (tmp_path / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "note.txt").write_text(
        "Russia and China held talks in Beijing.", encoding="utf-8"
    )
    (tmp_path / ".hidden.txt").write_text("never read", encoding="utf-8")
    inputs = [
        str(tmp_path),
        str(CORPUS / "*.csv"),
        str(tmp_path / "missing.txt"),
        str(tmp_path / "*.none"),
        "",
    ]
    read = ReadOptions(max_bytes=1500)
    expected = list(read_inputs(inputs, max_bytes=1500))
    for chunk_bytes, per_task in ((600, 4), (3000, 50), (10**9, 50)):
        records, pieces = read_planned(
            inputs, chunk_bytes=chunk_bytes, per_task=per_task, read=read
        )
        assert records == expected, (chunk_bytes, per_task)
        if chunk_bytes == 600:
            assert pieces > 30  # every big file was cut into several pieces
    assert any(isinstance(r, Rejection) and r.reason is RejectReason.TOO_LARGE for r in expected)
    assert any(isinstance(r, Rejection) and r.reason is RejectReason.NOT_ENGLISH for r in expected)


@pytest.mark.slow
def test_reuters_pieces_read_exactly_like_read_inputs(tmp_path: Path) -> None:
    path = str(reuters_sample(tmp_path, elements=400))
    expected = list(read_inputs([path]))
    records, pieces = read_planned([path], chunk_bytes=20_000, per_task=50, read=ReadOptions())
    assert pieces > 10
    assert records == expected


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="SIGALRM timers are POSIX-only")
@pytest.mark.parametrize(
    ("stuck", "status"),
    [
        ("time.sleep(60)", EXIT_NO_PROGRESS),  # the watchdog thread ends the process
        ("re.match(r'(a+)+$', 'a' * 64 + '!')", -signal.SIGALRM),  # GIL held: the alarm does
    ],
)
def test_watchdog_ends_a_process_that_makes_no_progress(stuck: str, status: int) -> None:
    script = textwrap.dedent(
        f"""
        import re, time
        from thucydides.distributed.worker import Watchdog
        dog = Watchdog(grace=0.5)
        with dog.watching("a stuck article", limit=0.5) as tick:
            tick()
            {stuck}
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == status, done.stderr


# -- slow: real clusters ----------------------------------------------------------------


@pytest.mark.slow
def test_two_workers_store_the_events_of_one_process(
    sample: Path, one_process: Snapshot, tmp_path: Path
) -> None:
    with EventStore(tmp_path / "dask.duckdb") as store:
        report = run_distributed(
            [str(sample)],
            address="local:2",
            options=OPTIONS,
            store=store,
            out_parquet=tmp_path / "parquet",
            chunk_bytes=16 * 1024,
        )
        stored = snapshot(store)
    assert len(stored["articles"]) >= 100
    assert stored["events"], "the sample holds events"
    assert stored == one_process
    assert report.workers == 2 and len(report.shares) == 2 and report.tasks > 4
    assert report.coded == len(stored["articles"]) and report.events == len(stored["events"])
    import pyarrow.dataset as ds  # type: ignore[import-untyped]

    table = ds.dataset(tmp_path / "parquet", partitioning="hive").to_table(columns=["event_id"])
    assert sorted(table.column("event_id").to_pylist()) == sorted(e[0] for e in stored["events"])


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_no_article(
    cluster: tuple[LocalCluster, Client], sample: Path, one_process: Snapshot, tmp_path: Path
) -> None:
    local, client = cluster
    pids: dict[str, int] = client.run(os.getpid)
    killed: list[int] = []

    def kill_one_worker(progress: RunProgress) -> None:
        if not killed and progress.bytes_done < progress.bytes_total:
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    with EventStore(tmp_path / "dask.duckdb") as store:
        report = run_distributed(
            [str(sample)],
            address=local.scheduler_address,
            options=OPTIONS,
            store=store,
            chunk_bytes=8 * 1024,
            on_progress=kill_one_worker,
        )
        stored = snapshot(store)
    assert killed and killed[0] not in client.run(os.getpid).values()
    assert stored == one_process  # every article coded or rejected once, the same events
    assert len({a[0] for a in stored["articles"]}) == len(stored["articles"])
    assert report.coder_errors == 0


@pytest.mark.slow
def test_a_poison_article_is_rejected_and_the_run_finishes(
    cluster: tuple[LocalCluster, Client], sample: Path, tmp_path: Path
) -> None:
    local, client = cluster
    client.register_plugin(_PoisonPlugin())
    articles = [r for r in read_inputs([str(sample)]) if isinstance(r, Article)][:6]
    rows = [{"id": a.article_id, "text": a.text, "date": a.published} for a in articles]
    poison = "ZENDA, Feb 26 - Ruritania said talks with Freedonia would go ahead. " + POISON
    rows.insert(3, {"id": "poison", "text": poison, "date": "1987-02-26"})
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with EventStore(tmp_path / "dask.duckdb") as store:
        report = run_distributed(
            [str(path)],
            address=local.scheduler_address,
            options=OPTIONS,
            store=store,
            article_timeout=2.0,
        )
        stored = snapshot(store)
        rejections = store.rejections()
    assert report.rescued == 1 and report.coder_errors == 1
    [rejected] = [r for r in rejections if r.reason is RejectReason.CODER_ERROR]
    assert rejected.origin == f"{path}:4"
    assert "failed on every try" in rejected.detail and "no progress for 2 s" in rejected.detail
    assert sorted(a[1] for a in stored["articles"]) == sorted(a.article_id for a in articles)


@pytest.mark.slow
def test_the_command_prints_stored_events_and_writes_parquet(tmp_path: Path) -> None:
    from rich.console import Console

    from thucydides.config import Settings
    from thucydides.distributed.command import code_on_cluster

    seed = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt")
    messages = io.StringIO()
    settings = Settings.load(db=str(tmp_path / "ev.duckdb"))
    report = code_on_cluster(
        [str(seed), str(CORPUS)],
        address="local:1",
        settings=settings,
        out=tmp_path / "events.jsonl",
        out_parquet=tmp_path / "parquet",
        default_date="2002-12-20",
        console=Console(file=messages, width=200),
    )
    printed = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    with EventStore(settings.db, read_only=True) as store:
        assert sorted(e["event_id"] for e in printed) == sorted(e.event_id for e in store.events())
        assert len(store.rejections()) == report.rejected > 0
    assert printed and report.parquet is not None and report.parquet.events == len(printed)
    assert f"coded {report.coded} article(s), {len(printed)} event(s)" in messages.getvalue()
    assert "rejected" in messages.getvalue()

    again = code_on_cluster(
        [str(seed), str(CORPUS)],
        address="local:1",
        settings=settings,
        out=tmp_path / "again.jsonl",
        default_date="2002-12-20",
        console=Console(file=io.StringIO()),
    )
    assert (tmp_path / "again.jsonl").read_text() == ""  # nothing new to print
    assert again.coded == 0 and again.already_stored == report.coded
    assert again.articles == 0  # the workers skipped the stored texts instead of coding them
