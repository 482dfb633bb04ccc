"""A writer process for the crash and concurrency tests: hand-made articles, no spaCy.

Run as ``python -m tests.store_writer DB [--batches N] [--size M] [--pause S]
[--snapshot-every X] [--lock-timeout T]``: opens the event store at DB the way
``thucydides code`` does, stores N batches of M articles (each with two events, a
place and a quote) through :meth:`EventStore.add_articles`, sleeps S seconds
after each, and prints ``committed K`` (K articles so far) on stdout after every
batch, so that a test knows what is durable. The articles are numbered
continuously, so a second run with ``--first`` adds new ones.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time

from thucydides.ontology import goldstein, lookup, quad_class
from thucydides.records import (
    Actor,
    Article,
    CodedArticle,
    Event,
    Evidence,
    Location,
    Modality,
    Place,
    Quote,
)
from thucydides.store import EventStore

MOSCOW = Location("Moscow", "RUS", "48", 55.75, 37.62, 524901, "city", "populated place")


def _actor(text: str, words: str, code: str) -> Actor:
    start = text.index(words)
    return Actor(words, code, code[:3], (), None, start, start + len(words), "test")


def _event(article: Article, number: int, sentence: str, trigger: str, source: Actor,
           target: Actor | None, code: str) -> Event:  # fmt: skip
    s_start = article.text.index(sentence)
    t_start = article.text.index(trigger, s_start)
    record = lookup(code)
    return Event(
        event_id=f"{article.article_id}-{number}", article_id=article.article_id,
        sentence_index=number, date=article.published, source=source, target=target,
        cameo_code=code, cameo_root=record.root, cameo_name=record.name,
        plover_type=record.plover_type, quad_class=quad_class(code), goldstein=goldstein(code),
        negated=False, modality=Modality.ASSERTED,
        evidence=Evidence(sentence, trigger, t_start, t_start + len(trigger), s_start,
                          s_start + len(sentence)),
        location=MOSCOW,
    )  # fmt: skip


def article(number: int) -> CodedArticle:
    """Return hand-made article ``number``: two events, one place and one quote."""
    first = f"Russia met Kazakhstan in Moscow on day {number}."
    second = f'Kazakhstan praised Russia. "We agree," Tokayev said about item {number}.'
    text = f"{first} {second}"
    digest = hashlib.sha256(text.encode()).hexdigest()
    month = 1 + number % 12
    item = Article(
        f"w{number}", text, digest, title=f"Item {number}", published=f"2021-{month:02d}-15"
    )
    events = (
        _event(item, 0, first, "met", _actor(text, "Russia", "RUS"),
               _actor(text, "Kazakhstan", "KAZ"), "040"),
        _event(item, 1, "Kazakhstan praised Russia.", "praised",
               Actor("Kazakhstan", "KAZ", "KAZ", (), None, len(first) + 1, len(first) + 11, "test"),
               Actor("Russia", "RUS", "RUS", (), None, len(first) + 20, len(first) + 26, "test"),
               "051"),
    )  # fmt: skip
    start = text.index("Moscow")
    place = Place(item.article_id, "Moscow", start, start + 6, MOSCOW, "test")
    quote_start = text.index("We agree")
    quote = Quote(item.article_id, "We agree", quote_start, quote_start + 8, "direct",
                  _actor(text, "Tokayev", "KAZGOV"), "Tokayev")  # fmt: skip
    return CodedArticle(item, events, (place,), (quote,))


def main() -> None:
    """Write the batches and report each commit."""
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--pause", type=float, default=0.0)
    parser.add_argument("--snapshot-every", type=float, default=None)
    parser.add_argument("--lock-timeout", type=float, default=0.0)
    args = parser.parse_args()
    with EventStore(
        args.db, snapshot_every=args.snapshot_every, lock_timeout=args.lock_timeout
    ) as store:
        print("open", flush=True)
        number = args.first
        for _ in range(args.batches):
            store.add_articles([article(number + i) for i in range(args.size)])
            number += args.size
            print(f"committed {number - args.first}", flush=True)
            time.sleep(args.pause)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
