"""Read news into Article records, and Rejection records for what cannot be read.

The main entry point is :func:`read_inputs`; the byte and text checks every
reader shares are in :mod:`thucydides.ingest.checks`.
"""

from __future__ import annotations

from thucydides.ingest.readers import DEFAULT_MAX_BYTES, STDIN, read_inputs

__all__ = ["DEFAULT_MAX_BYTES", "STDIN", "read_inputs"]
