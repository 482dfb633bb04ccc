"""Show that memory stays flat while a corpus streams through coding and storage.

Usage: python benchmarks/memory.py [N_ARTICLES] [DB_PATH]

Streams the Reuters-21578 corpus in ../shared/corpora/reuters21578 through the same
path as ``thucydides code`` (reader → near-duplicate check → Coder → DuckDB store,
in batches), and prints the resident memory (VmRSS) every 1,000 articles, with the
articles/s so far. Flat memory between 2,000 and 20,000 articles is the claim.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from thucydides import Coder
from thucydides.ingest import read_inputs
from thucydides.ingest.dedup import NearDuplicates
from thucydides.records import Article, CodedArticle
from thucydides.store import EventStore

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "reuters21578"


def rss_mb() -> float:
    """Return this process's resident memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    """Run the benchmark and print its figures."""
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: this benchmark needs the research data in ../shared")
    db = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp()) / "memory.duckdb"
    files = sorted(str(path) for path in CORPUS.glob("reut2-*.sgm"))
    duplicates = NearDuplicates()
    coder = Coder()
    seen = 0

    def articles() -> Iterator[Article]:
        nonlocal seen
        for item in read_inputs(files):
            if isinstance(item, Article) and duplicates.check(item) is None:
                seen += 1
                yield item
                if seen >= limit:
                    return

    start = time.perf_counter()
    print(f"{'articles':>9} {'events':>8} {'RSS MB':>8} {'articles/s':>11}")
    events = 0
    done = 0
    batch: list[CodedArticle] = []
    with EventStore(db) as store:
        for coded in coder.code_articles(articles()):
            batch.append(coded)
            if len(batch) == 200:
                store.add_articles(batch)
                batch.clear()
            done += 1
            events += len(coded.events)
            if done % 1000 == 0:
                rate = done / (time.perf_counter() - start)
                print(f"{done:>9} {events:>8} {rss_mb():>8.0f} {rate:>11.1f}", flush=True)
        store.add_articles(batch)
    print(f"done: {done} articles, {events} events, final RSS {rss_mb():.0f} MB, database {db}")


if __name__ == "__main__":
    main()
