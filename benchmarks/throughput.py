"""Measure coding throughput against bare spaCy parsing on the same articles.

Usage: python benchmarks/throughput.py [N_ARTICLES]

Reads the BBC News corpus in ../shared/corpora/bbc-news (research data beside
the checkout), parses N articles with the bare spaCy pipeline (nlp.pipe), then
codes the same articles with Thucydides, and prints articles/s, tokens/s,
events/s, peak RSS and the ratio of the two times. Figures go to stdout.
"""

from __future__ import annotations

import csv
import resource
import sys
import time
from pathlib import Path

from thucydides import Coder, make_article
from thucydides.nlp import load_pipeline
from thucydides.segment import segment

CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "bbc-news" / "train.csv"
)


def main() -> None:
    """Run the benchmark and print its figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: this benchmark needs the research data in ../shared")
    with CORPUS.open(encoding="utf-8") as handle:
        texts = [row["text"] for row, _ in zip(csv.DictReader(handle), range(n), strict=False)]
    articles = [make_article(text, date="2005-01-15") for text in texts]
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
