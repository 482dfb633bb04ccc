"""Shared fixtures: the real spaCy pipeline, loaded once per test session."""

from __future__ import annotations

import pytest

from thucydides.pipeline import Coder


@pytest.fixture(scope="session")
def coder() -> Coder:
    """Return a Coder with the default pipeline, loaded once for the whole test session."""
    return Coder()
