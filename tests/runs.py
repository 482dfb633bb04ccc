"""Real processes for the crash and concurrency tests: Reuters samples, `thucydides` runs, waits."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from tests.support import shared_file
from thucydides.store import EventStore

THUCYDIDES = [sys.executable, "-m", "thucydides"]
WRITER = [sys.executable, "-m", "tests.store_writer"]
ROOT = Path(__file__).resolve().parents[1]


def reuters_sample(folder: Path, articles: int) -> Path:
    """Write the first Reuters-21578 elements holding ``articles`` articles with a body; return the file.

    Skips the test when ../shared is absent. The file is a valid ``.sgm`` (the
    first file of the corpus cut after an element), read by the real reader.
    """
    data = shared_file("corpora/reuters21578/reut2-000.sgm").read_bytes()
    end, kept = 0, 0
    while kept < articles:
        stop = data.index(b"</REUTERS>", end) + len(b"</REUTERS>")
        kept += b"<BODY>" in data[end:stop]
        end = stop
    path = folder / f"reuters-{articles}.sgm"
    path.write_bytes(data[:end] + b"\n")
    return path


def start(command: list[str], **kwargs: Any) -> subprocess.Popen[str]:
    """Start ``command`` in the checkout's root; stdout and stderr are text pipes unless given.

    A pipe nobody reads fills up (64 KB) and stops the process: pass DEVNULL for
    output the test does not read to the end.
    """
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(command, cwd=ROOT, text=True, **kwargs)


def wait_for_line(stream: IO[str] | None, prefix: str, timeout: float = 120) -> str:
    """Read ``stream`` until a line starts with ``prefix``; return it (fail after ``timeout`` s)."""
    assert stream is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            raise AssertionError(f"the process ended before printing {prefix!r}")
        if line.startswith(prefix):
            return line
    raise AssertionError(f"no line starting with {prefix!r} within {timeout} s")


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` every 0.1 s until it is true; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.1)


def table_state(db: Path) -> dict[str, Any]:
    """Return what a run left in ``db``: counts, key sets, duplicates and article/event agreement."""
    with EventStore(db, read_only=True) as store:
        cursor = store.cursor()
        try:

            def one(sql: str) -> Any:
                row = cursor.execute(sql).fetchone()
                assert row is not None
                return row[0]

            return {
                "counts": store.counts(),
                "articles": {
                    r[0] for r in cursor.execute("SELECT content_hash FROM articles").fetchall()
                },
                "events": {r[0] for r in cursor.execute("SELECT event_id FROM events").fetchall()},
                "duplicate_articles": one(
                    "SELECT count(*) - count(DISTINCT content_hash) FROM articles"
                ),
                "duplicate_events": one("SELECT count(*) - count(DISTINCT event_id) FROM events"),
                # every article holds exactly the events it says it has: no half-written article
                "torn_articles": one(
                    "SELECT count(*) FROM articles a WHERE n_events <> "
                    "(SELECT count(*) FROM events e WHERE e.content_hash = a.content_hash)"
                ),
                "orphan_events": one(
                    "SELECT count(*) FROM events e WHERE e.content_hash NOT IN "
                    "(SELECT content_hash FROM articles)"
                ),
                "orphan_rows": one(
                    "SELECT (SELECT count(*) FROM places WHERE content_hash NOT IN "
                    "(SELECT content_hash FROM articles)) + (SELECT count(*) FROM quotes "
                    "WHERE content_hash NOT IN (SELECT content_hash FROM articles))"
                ),
                "rejected": {
                    (r[0], r[1])
                    for r in cursor.execute("SELECT origin, reason FROM rejections").fetchall()
                },
            }
        finally:
            cursor.close()
