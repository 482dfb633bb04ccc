"""Measure coding throughput against bare spaCy parsing on the same articles.

Usage: python benchmarks/throughput.py [N_ARTICLES] [reuters|bbc]

Reads N articles of Reuters-21578 (default) or BBC News from ../shared/corpora
(research data beside the checkout), parses them with the bare spaCy pipeline
(nlp.pipe over the same body paragraphs the coder parses), then codes the same
articles with Thucydides, and prints articles/s, tokens/s, events/s, peak RSS
and the ratio of the two times. Figures go to stdout.
"""

from __future__ import annotations

import csv
import itertools
import resource
import sys
import time
from pathlib import Path

from thucydides import Coder, make_article
from thucydides.ingest.reuters import iter_reuters
from thucydides.nlp import load_pipeline
from thucydides.records import Article
from thucydides.segment import segment

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def load(corpus: str, n: int) -> list[Article]:
    """Return the first ``n`` articles of a corpus."""
    if corpus == "bbc":
        with (CORPORA / "bbc-news" / "train.csv").open(encoding="utf-8") as handle:
            rows = itertools.islice(csv.DictReader(handle), n)
            return [make_article(row["text"], date="2005-01-15") for row in rows]
    items = (
        item
        for path in sorted((CORPORA / "reuters21578").glob("reut2-*.sgm"))
        for item in iter_reuters(path)
    )
    return list(itertools.islice((i for i in items if isinstance(i, Article)), n))


def main() -> None:
    """Run the benchmark and print its figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    corpus = sys.argv[2] if len(sys.argv) > 2 else "reuters"
    if not CORPORA.exists():
        sys.exit(f"{CORPORA} is absent: this benchmark needs the research data in ../shared")
    articles = load(corpus, n)
    nlp = load_pipeline()
    coder = Coder()
    coder.code_text("Warm-up: Russia and China held talks.", date="2005-01-01")

    # the same blocks the coder parses: body paragraphs, no furniture
    blocks = [b.text for a in articles for b in segment(a.text)[0] if b.kind == "body"]
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(blocks, batch_size=64))
    bare = time.perf_counter() - start

    start = time.perf_counter()
    events = sum(len(coded.events) for coded in coder.code_articles(articles))
    full = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus            {corpus}")
    print(f"articles          {len(articles)}")
    print(f"tokens            {tokens}")
    print(
        f"bare spaCy        {bare:.2f} s  {len(articles) / bare:.1f} articles/s  {tokens / bare:.0f} tokens/s"
    )
    print(
        f"full coding       {full:.2f} s  {len(articles) / full:.1f} articles/s  {tokens / full:.0f} tokens/s  {events / full:.1f} events/s"
    )
    print(f"events            {events}")
    print(f"ratio full/bare   {full / bare:.2f}")
    print(f"peak RSS          {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
