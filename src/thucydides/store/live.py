"""Read an event store that a coding run may be writing, through snapshots, from many threads.

A :class:`LiveStore` never keeps the database file itself open, so ``thucydides
code`` can write it at any time. It reads the store's snapshot
(:mod:`thucydides.store.snapshot`) and keeps it current with :meth:`LiveStore.refresh`,
called every ``poll`` seconds by a background thread (:meth:`LiveStore.start`):

1. When the database changed since the last look (its file or write-ahead log has
   another size, time or inode) and no writer holds it, open it read-only for a
   moment; if it holds other rows than the snapshot being served
   (:meth:`EventStore.fingerprint`), copy it to the snapshot.
2. When a writer holds it and there is no snapshot, ask the writer for one (an
   empty snapshot file); until it comes, reads raise StoreError (the server's 503).
3. When the snapshot file was replaced, open the new one and serve it from then on.

Each :meth:`LiveStore.lease` hands out the snapshot being served for the length of
one request; a replaced snapshot is closed when its last lease ends, so a request
sees one consistent snapshot from start to end. DuckDB keeps one open database per
file path in a process, so each snapshot is opened through a hard link of its own
(a copy where links are impossible) that is removed at once.

When no snapshot can be written beside the database (a read-only folder), the
database itself is served, read-only, and no writer can use it meanwhile.

:func:`open_latest` is the one-shot version for commands that read once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thucydides.errors import StoreError
from thucydides.store.duckdb_store import EventStore, is_lock_conflict
from thucydides.store.snapshot import request_snapshot, snapshot_path

__all__ = ["LiveStore", "open_latest"]

logger = logging.getLogger(__name__)

_links = itertools.count()

Signature = tuple[int, int, int] | None


@dataclass(eq=False)
class _Generation:
    """One opened snapshot (or the database itself), with the leases on it."""

    store: EventStore
    signature: Signature
    fingerprint: tuple[Any, ...]
    leases: int = 0
    retired: bool = False
    origin: str = field(default="snapshot")


class LiveStore:
    """Serve the newest consistent view of the event store at ``db`` to many threads.

    Raises :class:`~thucydides.errors.StoreError` when ``db`` does not exist or is
    not an event store (when it can be opened to check).
    """

    def __init__(self, db: str | Path, *, poll: float = 1.0) -> None:
        self.db = Path(db)
        self.snapshot = snapshot_path(self.db)
        self.poll = poll
        if not self.db.is_file():
            raise StoreError(
                f"no event store at {self.db}; code some articles into it first "
                "or check the path (a read-only store must already exist)"
            )
        self._lock = threading.Lock()  # guards _current and the lease counts
        self._refreshing = threading.Lock()  # one refresh at a time
        self._current: _Generation | None = None
        self._seen: tuple[Signature, Signature] | None = None
        self._direct = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.refresh(initial=True)

    # --- reading --------------------------------------------------------------------

    @contextlib.contextmanager
    def lease(self) -> Iterator[EventStore]:
        """Yield the store to read for one request; it stays open until the block ends."""
        with self._lock:
            generation = self._current
            if generation is None:
                raise StoreError(
                    f"the event store {self.db} is being written by a coding run that has not "
                    f"published a snapshot ({self.snapshot}) yet; it was asked for one, retry "
                    "in a few seconds"
                )
            generation.leases += 1
        try:
            yield generation.store
        finally:
            with self._lock:
                generation.leases -= 1
                done = generation.retired and generation.leases == 0
            if done:
                generation.store.close()

    @property
    def serving(self) -> str:
        """Say what is being served: the snapshot, the database itself, or nothing yet."""
        with self._lock:
            return "nothing yet" if self._current is None else self._current.origin

    # --- following the writer -------------------------------------------------------

    def start(self) -> None:
        """Refresh every ``poll`` seconds in a background thread until :meth:`close`."""
        if self._thread is not None or self._direct:
            return
        self._thread = threading.Thread(target=self._follow, name="thucydides-live", daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        last = ""
        while not self._stop.wait(self.poll):
            try:
                self.refresh()
                last = ""
            except StoreError as exc:
                if str(exc) != last:  # say it once, not every poll
                    logger.warning("%s", exc)
                last = str(exc)
            except Exception:  # the thread must outlive any surprise; the log has the details
                logger.exception("unexpected error while following %s", self.db)

    def refresh(self, *, initial: bool = False) -> None:
        """Bring the served view up to date with the database (see the module docstring)."""
        with self._refreshing:
            if self._direct:
                return
            seen = (_signature(self.db), _signature(_wal(self.db)))
            if seen != self._seen and self._update_snapshot(initial=initial):
                self._seen = seen
            if self._direct:
                return
            snapshot = _signature(self.snapshot)
            current = self._current
            replaced = current is None or current.signature != snapshot
            if snapshot is not None and snapshot[2] > 0 and replaced:  # size 0: a request
                self._open_snapshot()

    def _update_snapshot(self, *, initial: bool) -> bool:
        """Copy the database to the snapshot if it is free and newer; return whether it was looked at."""
        try:
            main = EventStore(self.db, read_only=True)
        except StoreError as exc:
            if not is_lock_conflict(exc):
                raise
            if _signature(self.snapshot) is None:
                request_snapshot(self.db)
            return False
        with main:
            fingerprint = main.fingerprint()
            current = self._current
            if current is not None and current.fingerprint == fingerprint:
                return True
            snapshot = self._open(self.snapshot) if current is None else None
            if snapshot is not None and snapshot.fingerprint == fingerprint:
                self._swap(snapshot)
                return True
            if snapshot is not None:
                snapshot.store.close()
            try:
                main.publish_snapshot(self.snapshot)
            except StoreError as exc:
                if not initial:  # keep serving the last snapshot; try again when the store changes
                    logger.warning("%s; still serving the last snapshot", exc)
                    return True
                logger.warning("%s; serving %s itself, so no coding run can write it", exc, self.db)
                self._direct = True
                main_view = EventStore(self.db, read_only=True)
                self._swap(_Generation(main_view, None, fingerprint, origin="database"))
                return True
        logger.info("copied %s to %s", self.db, self.snapshot)
        return True

    def _open_snapshot(self) -> None:
        generation = self._open(self.snapshot)
        if generation is not None:
            self._swap(generation)

    def _open(self, path: Path) -> _Generation | None:
        """Open the snapshot at ``path`` under a private name; None when there is none or it is unusable."""
        private = path.with_name(f".{path.name}.reader-{os.getpid()}-{next(_links)}")
        signature = _signature(path)
        if signature is None or signature[2] == 0:  # none, or only a request for one
            return None
        try:
            try:
                os.link(path, private)
                signature = _signature(private)  # exactly the file linked
            except FileNotFoundError:
                return None
            except OSError:  # no hard links on this file system: a private copy
                shutil.copyfile(path, private)
            store = EventStore(private, read_only=True)
        except (OSError, StoreError) as exc:
            logger.warning("cannot open the snapshot %s: %s", path, exc)
            return None
        finally:
            with contextlib.suppress(FileNotFoundError):
                private.unlink()  # the open file stays readable; nothing is left behind
        try:
            return _Generation(store, signature, store.fingerprint())
        except StoreError as exc:
            store.close()
            logger.warning("cannot read the snapshot %s: %s", path, exc)
            return None

    def _swap(self, generation: _Generation) -> None:
        with self._lock:
            old, self._current = self._current, generation
            if old is None:
                return
            old.retired = True
            done = old.leases == 0
        if done:
            old.store.close()
        logger.info("now serving %s of %s (%s)", generation.origin, self.db, generation.fingerprint)

    # --- closing --------------------------------------------------------------------

    def close(self) -> None:
        """Stop following and close the served view once its leases end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            current, self._current = self._current, None
            if current is None:
                return
            current.retired = True
            done = current.leases == 0
        if done:
            current.store.close()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _signature(path: Path) -> Signature:
    """Return (inode, modification time in ns, size) of ``path``, or None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def open_latest(db: str | Path) -> EventStore:
    """Open the store at ``db`` read-only, or its snapshot while a coding run holds the file.

    Falling back to the snapshot logs a warning that says how old it is; with no
    snapshot the lock's StoreError (naming the process) is raised as before.
    """
    try:
        return EventStore(db, read_only=True)
    except StoreError as exc:
        snapshot = snapshot_path(db)
        written = _signature(snapshot)
        if not is_lock_conflict(exc) or written is None or written[2] == 0:
            raise
    store = EventStore(snapshot, read_only=True)
    when = dt.datetime.fromtimestamp(written[1] / 1e9).isoformat(sep=" ", timespec="seconds")
    logger.warning(
        "%s is being written by a coding run; reading its snapshot of %s (%s)", db, when, snapshot
    )
    return store
