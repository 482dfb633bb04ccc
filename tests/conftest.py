"""Shared fixtures: the real spaCy pipeline (loaded once) and the ../shared data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from thucydides.pipeline import Coder

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "rferl-2002-12-20-nazarbaev-moscow.txt"


def shared_file(relative: str) -> Path:
    """Return a file under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared research data sits beside the checkout only in the project's own workspace and CI")
    return path


@pytest.fixture(scope="session")
def coder() -> Coder:
    """Return a Coder with the default pipeline, loaded once for the whole test session."""
    return Coder()
