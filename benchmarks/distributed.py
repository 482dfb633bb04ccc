"""Measure the Dask runner with 1 and 2 local workers on the same Reuters articles.

Usage: python benchmarks/distributed.py [N_ARTICLES] [--workers 1,2] [--chunk-kb 32] [--repeat 1]

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
checks that every run stored the event ids of the one-process run. Each line
gives the load average as its run started; ``--repeat`` runs every measurement
that many times and prints the range of the speed-ups. Figures go to stdout;
they depend on the machine and its load, so no test uses them.
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
from thucydides.distributed.worker import warm_up
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
    Untimed, as for a worker: loading the model, and the warm-up that loads what
    coding and the language check would otherwise load on first use.
    """
    coder = Coder()
    warm_up(coder, languages=True)
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
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every run (default 1)")
    parser.add_argument("--one-process", type=Path, help=argparse.SUPPRESS)  # plain_processes
    args = parser.parse_args()
    if args.one_process:
        seconds, coded, _ = one_process(args.one_process)
        print(coded / seconds)
        return
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} is absent: this benchmark needs the research data in ../shared")
    sizes = [int(w) for w in args.workers.split(",")]
    speedups: dict[int, list[float]] = {w: [] for w in sizes if w > 1}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = directory / "reuters.jsonl"
        n = write_articles(path, args.n)
        print(f"articles          {n} Reuters-21578 ({path.stat().st_size / 1e6:.2f} MB of JSONL)")
        print(f"cpu cores         {os.cpu_count()}")
        print(
            "load              the 1-minute load average as each run starts (other work slows it)"
        )
        for round_ in range(1, args.repeat + 1):
            if args.repeat > 1:
                print(f"-- round {round_} of {args.repeat}")
            speedups_now = run_round(path, sizes, directory, args.chunk_kb * 1024)
            for workers, speedup in speedups_now.items():
                speedups[workers].append(speedup)
    for workers, values in speedups.items():
        if len(values) > 1:
            print(
                f"local:{workers} over local:1: {min(values):.2f}x to {max(values):.2f}x "
                f"in {len(values)} rounds"
            )


def run_round(path: Path, sizes: list[int], directory: Path, chunk_bytes: int) -> dict[int, float]:
    """Run every measurement once and print it; return the speed-up of each cluster over local:1."""
    load = os.getloadavg()[0]
    seconds, coded, reference = one_process(path)
    single = coded / seconds
    print(
        f"one process       {single:6.1f} articles/s  ({seconds:.1f} s, no Dask, "
        f"{len(reference)} events; load {load:.2f})"
    )
    most = max(sizes)
    if most > 1:
        load = os.getloadavg()[0]
        plain = plain_processes(path, most)
        print(
            f"{most} plain processes {plain:6.1f} articles/s  ({plain / single:.2f}x one process: "
            f"what this machine allows without Dask; load {load:.2f})"
        )
    one_worker: float | None = None
    speedups: dict[int, float] = {}
    for workers in sizes:
        load = os.getloadavg()[0]
        report, ids, client_cpu = on_cluster(path, workers, directory, chunk_bytes)
        (directory / f"dask-{workers}.duckdb").unlink()
        rate = report.articles_per_second
        if workers == 1:
            one_worker = rate
        elif one_worker:
            speedups[workers] = rate / one_worker
        over = (
            f"{rate / one_worker:.2f}x local:1, " if one_worker and workers > 1 else ""
        ) + f"{rate / single:.2f}x one process"
        same = "same event ids" if ids == reference else "EVENT IDS DIFFER from one process"
        print(
            f"local:{workers:<2}          {rate:6.1f} articles/s  ({report.seconds:.1f} s + "
            f"{report.setup_seconds:.1f} s setup, {report.tasks} tasks; load {load:.2f})  "
            f"speed-up {over}; {report.events} events, {same}"
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
    return speedups


if __name__ == "__main__":
    main()
