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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster, Worker, WorkerPlugin, get_client

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
from thucydides.distributed.storing import ResultStore
from thucydides.distributed.worker import EXIT_NO_PROGRESS
from thucydides.errors import ConfigError
from thucydides.ingest import read_inputs
from thucydides.ingest.dedup import NearDuplicates
from thucydides.nlp import DEFAULT_MODEL
from thucydides.pipeline import Coder, make_article
from thucydides.records import Article, CodedArticle, Rejection, RejectReason
from thucydides.store import EventStore
from thucydides.store.snapshot import request_snapshot, snapshot_path

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


def pipeline_loads() -> int:
    """Return how many times this process has loaded a spaCy pipeline (run on a worker)."""
    from thucydides.nlp import load_pipeline

    return load_pipeline.cache_info().misses


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


WIRE = (
    "ZENDA, March 3 - Ruritania and Freedonia signed a trade agreement on Tuesday after "
    "three days of talks in the capital, cutting tariffs on grain, timber and machinery, "
    "the foreign ministry said in a statement issued late in the evening. Officials "
    "said the agreement would take effect next month and be reviewed every two years."
)


def wire_copy(text: str) -> str:
    """Return a syndicated near-copy of a wire story: the same text with a credit line."""
    return f"{text} Reporting by the Zenda newsroom."


def test_results_are_committed_in_batches_and_at_the_end(tmp_path: Path) -> None:
    now = [0.0]
    stories = [
        CodedArticle(make_article(f"{WIRE} Story {i}.", origin=f"feed:{i}")) for i in range(5)
    ]
    distinct = [CodedArticle(make_article(f"Story {i}: talks went on.")) for i in range(5)]
    with EventStore(tmp_path / "ev.duckdb") as store:
        stored: list[list[str]] = []
        results = ResultStore(
            store,
            near_duplicates=True,
            batch_articles=3,
            on_stored=lambda batch: stored.append([c.article.article_id for c in batch]),
            clock=lambda: now[0],
        )
        results.take(distinct[:2])
        assert store.counts()["articles"] == 0  # 2 < 3 articles, and no time has passed
        results.take([distinct[2], stories[0]])
        assert store.counts()["articles"] == 4 and results.commits == 1
        results.take([stories[1]])  # a near-copy of stories[0]: a rejection waits for the batch
        assert store.counts()["rejections"] == 0
        now[0] += 10.0  # five seconds and more since the last commit
        results.take([distinct[3]])
        assert store.counts() | {"events": 0} == {
            "articles": 5,
            "events": 0,
            "rejections": 1,
            "places": 0,
            "quotes": 0,
        }
        results.take([distinct[4]])
        results.flush()
        results.flush()  # nothing left: no empty transaction
        assert store.counts()["articles"] == 6 and results.commits == 3
    assert [len(batch) for batch in stored] == [4, 1, 1]
    assert (results.coded, results.near_duplicates, results.rejected, results.records) == (
        6,
        1,
        1,
        7,
    )


def test_a_resumed_run_remembers_stored_articles_for_the_near_duplicate_check(
    tmp_path: Path,
) -> None:
    original = make_article(WIRE, origin="feed:1")
    copy = make_article(wire_copy(WIRE), origin="feed:2")
    assert NearDuplicates().check(original) is None  # (a long enough text to be judged)
    with EventStore(tmp_path / "ev.duckdb") as store:  # the interrupted run stored the original
        first = ResultStore(store, near_duplicates=True)
        first.take([CodedArticle(original)])
        first.flush()
    with EventStore(tmp_path / "ev.duckdb") as store:  # the re-run
        again = ResultStore(store, near_duplicates=True)
        assert again.has_earlier_runs()
        # A worker sends a text stored by an earlier run back uncoded, as it is read.
        again.take([CodedArticle(original), CodedArticle(copy)])
        again.flush()
        assert (again.already_stored, again.near_duplicates, again.coded) == (1, 1, 0)
        assert store.counts()["articles"] == 1
        [rejection] = store.rejections()
    assert rejection.reason is RejectReason.DUPLICATE and rejection.origin == "feed:2"


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
    loads: list[int] = []

    def count_pipeline_loads(progress: RunProgress) -> None:
        loads.extend(get_client().run(pipeline_loads).values())

    with EventStore(tmp_path / "dask.duckdb") as store:
        report = run_distributed(
            [str(sample)],
            address="local:2",
            options=OPTIONS,
            store=store,
            out_parquet=tmp_path / "parquet",
            chunk_bytes=16 * 1024,
            on_progress=count_pipeline_loads,
        )
        stored = snapshot(store)
    assert loads and set(loads) == {1}  # each worker loaded the model once, for every task
    assert len(stored["articles"]) >= 100
    assert stored["events"], "the sample holds events"
    assert stored == one_process
    assert report.workers == 2 and len(report.shares) == 2 and report.tasks > 4
    assert report.coded == len(stored["articles"]) and report.events == len(stored["events"])
    import pyarrow.dataset as ds  # type: ignore[import-untyped]

    table = ds.dataset(tmp_path / "parquet", partitioning="hive").to_table(columns=["event_id"])
    assert sorted(table.column("event_id").to_pylist()) == sorted(e[0] for e in stored["events"])


class _Interrupted(Exception):
    """Stands for a run stopped in the middle (Ctrl-C, a kill after a commit)."""


def near_copies(path: Path) -> dict[str, str]:
    """Return, for each article of ``path`` kept by the near-duplicate check, the hash of a later near-copy."""
    articles = [r for r in read_inputs([str(path)]) if isinstance(r, Article)]
    index = NearDuplicates()
    kept: list[Article] = []
    copies: dict[str, str] = {}
    for article in articles:
        if index.check(article) is None:
            kept.append(article)
            continue
        for earlier in kept:  # which kept article it copies: check the pair alone
            pair = NearDuplicates()
            if pair.check(earlier) is None and pair.check(article) is not None:
                copies.setdefault(earlier.content_hash, article.content_hash)
                break
    return copies


@pytest.mark.slow
def test_a_resumed_run_stores_what_an_uninterrupted_one_does(
    sample: Path, one_process: Snapshot, tmp_path: Path
) -> None:
    copies = near_copies(sample)
    assert copies, "the sample holds near-copies of earlier articles"
    db = tmp_path / "dask.duckdb"
    with EventStore(db) as store:

        def stop_before_a_copy(batch: Sequence[CodedArticle]) -> None:
            judged = {r.content_hash for r in store.rejections()}
            if any(copies.get(c.article.content_hash, "") not in ("", *judged) for c in batch):
                raise _Interrupted  # an original is stored, its near-copy not read yet

        with pytest.raises(_Interrupted):
            run_distributed(
                [str(sample)],
                address="local:2",
                options=OPTIONS,
                store=store,
                chunk_bytes=8 * 1024,
                store_batch=1,
                on_stored=stop_before_a_copy,
            )
        interrupted = snapshot(store)
    assert 0 < len(interrupted["articles"]) < len(one_process["articles"])
    with EventStore(db) as store:
        report = run_distributed([str(sample)], address="local:2", options=OPTIONS, store=store)
        resumed = snapshot(store)
    assert report.already_stored == len(interrupted["articles"])
    assert report.coded == len(one_process["articles"]) - len(interrupted["articles"])
    assert resumed["articles"] == one_process["articles"]
    assert resumed["events"] == one_process["events"]
    # Rejections are a log: the re-run records again those of the part read before.
    assert set(resumed["rejections"]) == set(one_process["rejections"])


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
            # long enough that a healthy article on a loaded 2-core machine never trips it
            # (a worker killed for nothing must restart, which is what can stall a run)
            article_timeout=5.0,
        )
        stored = snapshot(store)
        rejections = store.rejections()
    assert report.rescued == 1 and report.coder_errors == 1
    [rejected] = [r for r in rejections if r.reason is RejectReason.CODER_ERROR]
    assert rejected.origin == f"{path}:4"
    assert "failed on every try" in rejected.detail and "no progress for 5 s" in rejected.detail
    assert sorted(a[1] for a in stored["articles"]) == sorted(a.article_id for a in articles)


@pytest.mark.slow
def test_the_command_prints_stored_events_and_writes_parquet(tmp_path: Path) -> None:
    from rich.console import Console

    from thucydides.config import Settings
    from thucydides.distributed.command import code_on_cluster

    seed = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt")
    messages = io.StringIO()
    settings = Settings.load(db=str(tmp_path / "ev.duckdb"))
    assert request_snapshot(settings.db)  # as a server started before the run does
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
    # The run published a snapshot for readers (thucydides serve) of the store it wrote.
    assert "published 1 snapshot(s) for readers" in messages.getvalue()
    with EventStore(snapshot_path(settings.db), read_only=True) as published:
        assert published.counts()["articles"] > 0

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
