"""What a cluster run reports: progress while it runs, figures when it ends."""

from __future__ import annotations

from dataclasses import dataclass

from thucydides.store.export import ExportReport

__all__ = ["RunProgress", "RunReport", "WorkerShare"]


@dataclass(frozen=True, slots=True)
class RunProgress:
    """How far a run has got: input bytes done of the total, records and outcomes so far."""

    bytes_done: int
    bytes_total: int
    records: int
    coded: int
    events: int
    rejected: int
    already_stored: int
    workers: int


@dataclass(frozen=True, slots=True)
class WorkerShare:
    """What one worker process did: tasks, articles coded and seconds spent in tasks."""

    address: str
    tasks: int
    articles: int
    seconds: float

    @property
    def articles_per_second(self) -> float:
        """Return this worker's coding rate while it was busy."""
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class RunReport:
    """The outcome of a cluster run.

    ``coded`` articles were stored with ``events`` events; ``already_stored``
    were in the store before (or earlier in the run); ``rejected`` counts every
    rejection stored, of which ``near_duplicates`` and ``coder_errors``.
    ``articles`` is the number of articles the workers coded, ``tasks`` the tasks
    collected and ``rescued`` the failed tasks re-run one record at a time.
    ``setup_seconds`` is starting or joining the cluster and loading the model on
    every worker; ``seconds`` the rest of the run.
    """

    address: str
    workers: int
    coded: int
    events: int
    already_stored: int
    rejected: int
    near_duplicates: int
    coder_errors: int
    articles: int
    tasks: int
    rescued: int
    setup_seconds: float
    seconds: float
    shares: tuple[WorkerShare, ...] = ()
    parquet: ExportReport | None = None

    @property
    def articles_per_second(self) -> float:
        """Return the articles coded per second of the run, setup excluded."""
        return self.articles / self.seconds if self.seconds else 0.0
