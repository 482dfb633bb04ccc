"""Store coded articles, events and rejections; read them back as records.

:class:`EventStore` keeps everything in one DuckDB file (the tables are described
in :mod:`thucydides.store.duckdb_store`).
"""

from __future__ import annotations

from thucydides.store.duckdb_store import SCHEMA_VERSION, EventStore, open_for_run

__all__ = ["SCHEMA_VERSION", "EventStore", "open_for_run"]
