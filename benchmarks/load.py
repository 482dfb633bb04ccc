"""Load-test the web server: a bounded burst of API requests against a real uvicorn process.

Usage: python benchmarks/load.py [--requests N] [--concurrency C] [--articles A] [--db PATH]

Codes the seed article (../shared/seed) and the first A Reuters-21578 articles
(default 200) into a new database (or serves --db as it is), starts ``thucydides
serve`` on a free loopback port in a subprocess, fires N requests (default 2,000)
with C at a time (default 20) from an asyncio httpx client at a fixed mix of API
endpoints (events with filters and paging, dyad series, articles, actor search,
quotes, locations), and prints requests, errors, requests/s and the p50, p95 and
p99 latencies. Any answer other than 200 counts as an error; the run exits 1 if
there was one. Client and server share the machine's cores.

:func:`run_load` and :func:`request_mix` are also used by tests/test_concurrency.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from thucydides.store import EventStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "rferl-2002-12-20-nazarbaev-moscow.txt"
REUTERS = SHARED / "corpora" / "reuters21578" / "reut2-000.sgm"


@dataclass(frozen=True)
class LoadResult:
    """What a burst of requests gave: counts, rate and latency percentiles in milliseconds."""

    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        """Return the requests answered per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """Return the ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def request_mix(db: Path) -> list[str]:
    """Return API paths that exercise every endpoint with the ids, actors and dyads stored in ``db``."""
    with EventStore(db, read_only=True) as store, contextlib.closing(store.cursor()) as cursor:
        articles = [row[0] for row in cursor.execute(
            "SELECT article_id FROM articles WHERE n_events > 0 ORDER BY article_id LIMIT 30"
        ).fetchall()]  # fmt: skip
        actors = [row[0] for row in cursor.execute(
            "SELECT left(source_code, 3) AS a FROM events WHERE source_code IS NOT NULL "
            "GROUP BY a ORDER BY count(*) DESC, a LIMIT 8"
        ).fetchall()]  # fmt: skip
        dyads = cursor.execute(
            "SELECT left(source_code, 3) AS a, left(target_code, 3) AS b FROM events "
            "WHERE source_code IS NOT NULL AND target_code IS NOT NULL "
            "GROUP BY a, b ORDER BY count(*) DESC, a, b LIMIT 6"
        ).fetchall()
        speakers = [row[0] for row in cursor.execute(
            "SELECT speaker_name FROM quotes WHERE speaker_name IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 4"
        ).fetchall()]  # fmt: skip
    if not articles or not actors or not dyads:
        raise SystemExit(f"{db} holds too few events for a request mix; code more articles")
    paths = [
        "/api/events?limit=50",
        "/api/events?limit=20&offset=20",
        "/api/events?asserted_only=true&limit=100",
        "/api/events?code=04&limit=20",
        "/api/events?quad_class=1&since=1987-01-01&until=2003-12-31",
        "/api/actors",
        "/api/actors?limit=50",
        "/api/quotes?limit=20",
        "/api/locations",
    ]
    paths += [f"/api/events?source={a}&limit=25" for a in actors]
    paths += [f"/api/events?actor={a}&partner={b}" for a, b in dyads]
    paths += [f"/api/dyad?a={a}&b={b}&freq=month" for a, b in dyads]
    paths += [f"/api/dyad?a={a}&b={b}&freq=year&directed=true" for a, b in dyads]
    paths += [f"/api/articles/{quote(article, safe='')}" for article in articles]
    paths += [f"/api/actors?q={a.lower()}" for a in actors]
    paths += [f"/api/quotes?speaker={quote(s)}" for s in speakers]
    return paths


async def _burst(
    base_url: str, paths: Sequence[str], requests: int, concurrency: int, seed: int
) -> LoadResult:
    order = list(paths)
    random.Random(seed).shuffle(order)
    todo = iter(itertools.islice(itertools.cycle(order), requests))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:

        async def worker() -> None:
            for path in todo:
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0  # no answer at all
                latencies.append(time.perf_counter() - start)
                statuses[status] = statuses.get(status, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    errors = sum(n for status, n in statuses.items() if status != 200)
    return LoadResult(
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        statuses=statuses,
    )


def run_load(
    base_url: str, paths: Sequence[str], *, requests: int, concurrency: int, seed: int = 9
) -> LoadResult:
    """Send ``requests`` GETs, ``concurrency`` at a time, cycling through ``paths`` in a shuffled order."""
    return asyncio.run(_burst(base_url, paths, requests, concurrency, seed))


def free_port() -> int:
    """Return a TCP port free on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(db: Path, *, log: Path | None = None) -> Iterator[str]:
    """Run ``thucydides serve`` on ``db`` in a subprocess on a free loopback port; yield its URL."""
    port = free_port()
    command = [sys.executable, "-m", "thucydides", "serve", "--db", str(db), "--port", str(port)]
    with contextlib.ExitStack() as stack:
        sink = stack.enter_context(log.open("w")) if log else subprocess.DEVNULL
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with status {process.returncode}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(url + "/openapi.json", timeout=5).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer within 60 s")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def build_database(db: Path, articles: int) -> None:
    """Code the seed article and the first ``articles`` Reuters-21578 articles into ``db``."""
    for path in (SEED, REUTERS):
        if not path.exists():
            raise SystemExit(
                f"{path} is absent: this benchmark needs the research data in ../shared"
            )
    data = REUTERS.read_bytes()
    end, kept = 0, 0
    while kept < articles:  # cut the first file after enough articles with a body
        stop = data.index(b"</REUTERS>", end) + len(b"</REUTERS>")
        kept += b"<BODY>" in data[end:stop]
        end = stop
    sample = db.with_name("reuters-sample.sgm")
    sample.write_bytes(data[:end] + b"\n")
    command = [sys.executable, "-m", "thucydides", "code", str(SEED), str(sample)]
    command += ["--db", str(db), "--date", "2002-12-20", "--no-progress"]
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def main() -> None:
    """Build or take a database, serve it, run the burst and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--db", type=Path, help="serve this database instead of building one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "load.duckdb"
            began = time.perf_counter()
            build_database(db, args.articles)
            print(f"database          {db} ({time.perf_counter() - began:.0f} s to code)")
        with EventStore(db, read_only=True) as store:
            counts = store.counts()
        print(f"articles, events  {counts['articles']}, {counts['events']}")
        paths = request_mix(db)
        with serving(db) as url:
            run_load(url, paths, requests=50, concurrency=5)  # warm-up, not counted
            result = run_load(url, paths, requests=args.requests, concurrency=args.concurrency)
    print(f"endpoints         {len(paths)} distinct paths")
    print(f"concurrency       {args.concurrency}")
    print(f"requests          {result.requests}")
    print(f"errors            {result.errors}  {result.statuses}")
    print(f"requests/s        {result.per_second:.1f}")
    print(f"p50 latency       {result.p50_ms:.1f} ms")
    print(f"p95 latency       {result.p95_ms:.1f} ms")
    print(f"p99 latency       {result.p99_ms:.1f} ms")
    if result.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
