"""Measure the Dask runner with 1 and 2 local workers on the same Reuters articles.

Usage: python benchmarks/distributed.py [N_ARTICLES] [--workers 1,2] [--chunk-kb 32]

Writes the first N articles of Reuters-21578 (../shared/corpora, default 1,000)
to a JSONL file and codes it: in this process as ``thucydides code`` does
(reading with the language check, near-duplicate checks, coding); in W such
processes at once (each on the whole file: the machine's own ceiling for W
workers); then with ``run_distributed`` on a ``local:W`` cluster for each W, each
into a fresh store.
It prints articles/s (input articles over the time after setup), the setup time
(cluster start and model load on every worker), the speed-up over one worker
and over one process, each worker's own rate while busy, and the CPU the client
process spent (it holds the local scheduler, collects results, checks
near-duplicates and writes the store, on the same cores as the workers). It also
checks that every run stored the event ids of the one-process run. Figures go to
stdout; they depend on the machine and its load, so no test uses them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and the file's name
# would then shadow the `distributed` package that thucydides.distributed imports.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

from thucydides import Coder
from thucydides.distributed import CoderOptions, RunReport, run_distributed
from thucydides.ingest import read_inputs
from thucydides.ingest.dedup import NearDuplicates
from thucydides.ingest.reuters import iter_reuters
from thucydides.nlp import DEFAULT_MODEL
from thucydides.records import Article
from thucydides.store import EventStore

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "reuters21578"


def write_articles(path: Path, n: int) -> int:
    """Write the first ``n`` Reuters articles as JSONL; return how many were written."""
    items = (item for file in sorted(CORPUS.glob("reut2-*.sgm")) for item in iter_reuters(file))
    articles = list(itertools.islice((i for i in items if isinstance(i, Article)), n))
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            row = {"id": a.article_id, "text": a.text, "date": a.published, "title": a.title}
            handle.write(json.dumps(row) + "\n")
    return len(articles)


def one_process(path: Path) -> tuple[float, int, set[str]]:
    """Code the file in this process as `thucydides code` does; return (seconds, articles, event ids).

    Timed: reading with the language check, near-duplicate checks and coding.
    """
    coder = Coder()
    coder.code_text("Warm-up: Russia and China held talks.", date="2005-01-01")
    start = time.perf_counter()
    duplicates = NearDuplicates()
    articles = [r for r in read_inputs([str(path)]) if isinstance(r, Article)]
    kept = [a for a in articles if duplicates.check(a) is None]
    ids = {event.event_id for coded in coder.code_articles(kept) for event in coded.events}
    return time.perf_counter() - start, len(articles), ids


def plain_processes(path: Path, count: int) -> float:
    """Run ``count`` plain coding processes at once, each on the whole file; return their total rate.

    This is what the machine allows without Dask: the ceiling for ``local:count``.
    """
    command = [sys.executable, __file__, "--one-process", str(path)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(count)]
    rates = [float(run.communicate()[0].split()[0]) for run in runs]
    return sum(rates)


def on_cluster(
    path: Path, workers: int, directory: Path, chunk_bytes: int
) -> tuple[RunReport, set[str], float]:
    """Code the file on a local cluster of ``workers`` processes into a fresh store.

    Return the report, the stored event ids and the CPU seconds this process (the
    client, with the local scheduler in it) spent on the run.
    """
    with EventStore(directory / f"dask-{workers}.duckdb") as store:
        before = resource.getrusage(resource.RUSAGE_SELF)
        report = run_distributed(
            [str(path)],
            address=f"local:{workers}",
            options=CoderOptions(DEFAULT_MODEL, "gdelt", "gdelt"),
            store=store,
            chunk_bytes=chunk_bytes,
        )
        after = resource.getrusage(resource.RUSAGE_SELF)
        ids = {event.event_id for event in store.iter_events()}
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return report, ids, client_cpu


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--workers", default="1,2", help="cluster sizes to run (default 1,2)")
    parser.add_argument("--chunk-kb", type=int, default=32, help="input KiB per task (default 32)")
    parser.add_argument("--one-process", type=Path, help=argparse.SUPPRESS)  # plain_processes
    args = parser.parse_args()
    if args.one_process:
        seconds, coded, _ = one_process(args.one_process)
        print(coded / seconds)
        return
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} is absent: this benchmark needs the research data in ../shared")
    sizes = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = directory / "reuters.jsonl"
        n = write_articles(path, args.n)
        print(f"articles          {n} Reuters-21578 ({path.stat().st_size / 1e6:.2f} MB of JSONL)")
        print(f"cpu cores         {os.cpu_count()}")
        print(f"load average      {os.getloadavg()[0]:.2f} before the runs (other work slows them)")
        seconds, coded, reference = one_process(path)
        single = coded / seconds
        print(
            f"one process       {single:6.1f} articles/s  ({seconds:.1f} s, no Dask, "
            f"{len(reference)} events)"
        )
        most = max(sizes)
        if most > 1:
            plain = plain_processes(path, most)
            print(
                f"{most} plain processes {plain:6.1f} articles/s  ({plain / single:.2f}x one process: "
                "what this machine allows without Dask)"
            )
        one_worker: float | None = None
        for workers in sizes:
            report, ids, client_cpu = on_cluster(path, workers, directory, args.chunk_kb * 1024)
            rate = report.articles_per_second
            if workers == 1:
                one_worker = rate
            over = (
                f"{rate / one_worker:.2f}x local:1, " if one_worker and workers > 1 else ""
            ) + f"{rate / single:.2f}x one process"
            same = "same event ids" if ids == reference else "EVENT IDS DIFFER from one process"
            print(
                f"local:{workers:<2}          {rate:6.1f} articles/s  ({report.seconds:.1f} s + "
                f"{report.setup_seconds:.1f} s setup, {report.tasks} tasks)  speed-up {over}; "
                f"{report.events} events, {same}"
            )
            print(
                f"    client        {client_cpu:5.1f} s CPU (scheduler, results, near-duplicates, "
                f"store): {1000 * client_cpu / max(1, report.articles):.1f} ms per article"
            )
            for share in report.shares:
                print(
                    f"    worker {share.address:<22} {share.articles:5d} articles in "
                    f"{share.seconds:5.1f} s busy: {share.articles_per_second:5.1f} articles/s"
                )


if __name__ == "__main__":
    main()
