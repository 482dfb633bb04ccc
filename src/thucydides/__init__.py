"""Thucydides: turn news into political event data (CAMEO and PLOVER coded)."""

from thucydides.errors import ThucydidesError
from thucydides.pipeline import Coder, make_article
from thucydides.records import Actor, Article, Event, Evidence, Modality, Rejection

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Article",
    "Coder",
    "Event",
    "Evidence",
    "Modality",
    "Rejection",
    "ThucydidesError",
    "__version__",
    "make_article",
]
