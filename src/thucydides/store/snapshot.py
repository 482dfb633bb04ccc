"""Publish read-only snapshots of an event store, so that readers never wait for a writer.

DuckDB lets one process open a file for writing, or several open it read-only,
never both at once; a coding run holds its database for as long as it codes. So
readers that must keep working meanwhile (the web server) read a *snapshot*: a
complete copy of the store in ``<name>.snapshot.duckdb`` beside it
(``events.duckdb`` -> ``events.snapshot.duckdb``).

A snapshot is written to a temporary file in the same folder (DuckDB's
``COPY FROM DATABASE``, inside one read transaction, so it is consistent: whole
committed batches only) and then renamed over the old one. The rename is atomic,
so a reader sees the old snapshot or the new one, never half of one; a reader
that opened the old file keeps reading it until it lets go. Snapshots are never
changed in place.

Who writes them (see :class:`SnapshotPolicy` and :class:`thucydides.store.live.LiveStore`):

- a writer opened with ``EventStore(..., snapshot_every=...)`` (``thucydides code``)
  after a committed batch, when a snapshot file already exists (some reader uses
  snapshots of this store) and the last one is older than the interval; the
  interval grows with the time a copy takes, so copying never takes more than
  :data:`MAX_SHARE` of the writer's time;
- a reader that finds the store unlocked and changed since its snapshot;
- an empty snapshot file is a *request*: a reader that finds the store locked
  and no snapshot creates it, and the writer publishes at its next commit.

Temporary files a killed writer left behind are removed by the next publication.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import duckdb

from thucydides.errors import StoreError

__all__ = [
    "COPY_RATE",
    "MAX_SHARE",
    "SnapshotPolicy",
    "copy_database",
    "request_snapshot",
    "snapshot_path",
]

logger = logging.getLogger(__name__)

#: The largest share of a writer's time that publishing snapshots may take.
MAX_SHARE: Final = 0.02
#: Bytes of database file per second a copy is assumed to take before one has been
#: timed (measured on a shared 2-core machine: 3 MB in 0.04 s, 16 MB or 16,000
#: articles in 0.4 s; the copy re-compresses, so it is CPU-bound).
COPY_RATE: Final = 30e6
_TEMP_MARK: Final = ".tmp-"
_DESTINATION: Final = "thucydides_snapshot"


def snapshot_path(db: str | Path) -> Path:
    """Return where the snapshot of the store at ``db`` lives: ``events.duckdb`` -> ``events.snapshot.duckdb``."""
    path = Path(db)
    suffix = path.suffix or ".duckdb"
    return path.with_name(f"{path.stem if path.suffix else path.name}.snapshot{suffix}")


def request_snapshot(db: str | Path) -> bool:
    """Ask the writer of ``db`` for a snapshot by creating an empty snapshot file; return whether created.

    Does nothing when a snapshot (or a request) exists already.
    """
    target = snapshot_path(db)
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StoreError(
            f"cannot ask for a snapshot of {db}: creating {target} failed: {exc.strerror or exc}; "
            "make the folder writable"
        ) from exc
    os.close(fd)
    logger.info("asked the writer of %s for a snapshot (%s)", db, target)
    return True


def copy_database(conn: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Copy the database ``conn`` uses by default to ``target``: a temp file, then an atomic rename.

    The copy runs in one transaction, so it holds whole committed transactions
    only. Raises :class:`~thucydides.errors.StoreError` (nothing at ``target``
    changes) when the copy cannot be written.
    """
    _remove_stale_temps(target)
    temp = target.with_name(f".{target.name}{_TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        (source,) = conn.execute("SELECT current_database()").fetchone() or ("",)
        conn.execute(f"ATTACH {_literal(str(temp))} AS {_DESTINATION} (READ_WRITE)")
        try:
            conn.execute(f"COPY FROM DATABASE {_identifier(str(source))} TO {_DESTINATION}")
            conn.execute(f"CHECKPOINT {_DESTINATION}")
        finally:
            conn.execute(f"DETACH {_DESTINATION}")
        os.replace(temp, target)
    except (duckdb.Error, OSError) as exc:
        _unlink(temp)
        raise StoreError(
            f"cannot write a snapshot of the event store to {target}: {exc}; check that the "
            "folder is writable and the disk has room for a copy of the database"
        ) from exc
    finally:
        _unlink(temp.with_name(temp.name + ".wal"))


class SnapshotPolicy:
    """Decide when a writer publishes a snapshot of the store at ``db``, and publish it.

    A snapshot is due after a commit when the snapshot file exists and either is
    empty (a reader's request: publish at once) or is older than ``every``
    seconds, stretched so that copying takes at most ``max_share`` of the time
    (a copy that took 2 s waits at least 100 s with the default 2 %). The first
    one is due at the first commit, or, for a large store, once the time since
    opening reaches its copy time (guessed from the file size at
    :data:`COPY_RATE`) divided by ``max_share``. With no snapshot file, nobody
    reads snapshots of this store and nothing is written.
    """

    def __init__(
        self,
        db: str | Path,
        *,
        every: float = 30.0,
        max_share: float = MAX_SHARE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if every < 0 or not 0 < max_share <= 1:
            raise ValueError(
                f"snapshot interval must be >= 0 s and the share in (0, 1], got {every!r}, {max_share!r}"
            )
        self.target = snapshot_path(db)
        self.every = every
        self.max_share = max_share
        self._clock = clock
        # The first copy comes at the first commit, so that readers see the run start,
        # unless the store is large: then its time, guessed from the file's size, is
        # bounded by max_share like every later one.
        try:
            guess = Path(db).stat().st_size / COPY_RATE
        except OSError:
            guess = 0.0
        self._next = clock() + guess / max_share
        self._retry_after = 0.0
        self.published = 0
        self.seconds = 0.0

    def due(self) -> bool:
        """Return whether a snapshot should be published now."""
        try:
            size = self.target.stat().st_size
        except FileNotFoundError:
            return False
        except OSError as exc:
            logger.warning("cannot check the snapshot %s: %s", self.target, exc)
            return False
        now = self._clock()
        return now >= self._retry_after and (size == 0 or now >= self._next)

    def publish(self, conn: duckdb.DuckDBPyConnection) -> float:
        """Write the snapshot now; return the seconds it took."""
        start = self._clock()
        copy_database(conn, self.target)
        took = self._clock() - start
        self.published += 1
        self.seconds += took
        self._next = self._clock() + max(self.every, took / self.max_share)
        logger.info("published the snapshot %s in %.3f s", self.target, took)
        return took

    def postpone(self) -> None:
        """After a failed publication, wait a whole interval (at least a minute) before the next try."""
        self._retry_after = self._clock() + max(self.every, 60.0)


def _remove_stale_temps(target: Path) -> None:
    """Delete temp files of earlier publications whose process is gone (a killed writer's)."""
    prefix = f".{target.name}{_TEMP_MARK}"
    with contextlib.suppress(OSError):
        for path in target.parent.iterdir():
            if not path.name.startswith(prefix):
                continue
            pid = path.name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                logger.info("removing %s, left by a publication that was interrupted", path)
                _unlink(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _literal(text: str) -> str:
    """Quote ``text`` as a SQL string literal (ATTACH takes no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    """Quote ``name`` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
