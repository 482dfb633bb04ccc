"""Paths to the research data in ../shared, with a clean skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "rferl-2002-12-20-nazarbaev-moscow.txt"


def shared_file(relative: str) -> Path:
    """Return a file under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(
            f"{path} is absent: the research data in ../shared sits beside the checkout only in the project's workspace and CI"
        )
    return path
