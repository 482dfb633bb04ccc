"""Analyse stored events: dyad time series, active actors, actor networks and plots.

The counting functions read an :class:`~thucydides.store.EventStore` (read-only is
enough) through parameterised SQL, one cursor per query, and return frozen records.
Plotting (:mod:`thucydides.analysis.plots`, matplotlib) and networks
(:mod:`thucydides.analysis.network`, networkx) are imported from their modules, so
that importing this package stays cheap.
"""

from __future__ import annotations

from thucydides.analysis.actors import ActorActivity, search_actors, top_actors
from thucydides.analysis.dyads import FREQUENCIES, DyadPeriod, DyadSeries, dyad_series
from thucydides.analysis.query import (
    MAX_PAGE,
    EventFilter,
    EventPage,
    LocationCount,
    QuotePage,
    find_events,
    find_quotes,
    location_counts,
)

__all__ = [
    "FREQUENCIES",
    "MAX_PAGE",
    "ActorActivity",
    "DyadPeriod",
    "DyadSeries",
    "EventFilter",
    "EventPage",
    "LocationCount",
    "QuotePage",
    "dyad_series",
    "find_events",
    "find_quotes",
    "location_counts",
    "search_actors",
    "top_actors",
]
