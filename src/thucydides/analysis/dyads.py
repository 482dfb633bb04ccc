"""Count the events between two actors per period: QuadClass counts and Goldstein sums and means.

A dyad is a pair of actor-code prefixes ("RUS" and "KAZ"). Undirected (the
default), it counts events in both directions, A→B and B→A; directed, only A
as source and B as target. Periods are calendar days, ISO weeks (from Monday),
months or years; periods with no events between the first and the last one are
filled with zeros so that a plotted series has no holes.

Goldstein weights are re-derived from the event codes with the named table
(gdelt, icews or phoenix; :func:`thucydides.ontology.goldstein`), so one
database can be read under any of them. By default only events the text reports
as happened are counted (asserted and not negated); ``include_unasserted``
counts pledges, plans, hypotheticals and denials too. Undated events cannot be
placed in a period and are counted apart, in :attr:`DyadSeries.undated`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

from thucydides.analysis.query import EventFilter, actor_prefix, read_rows, to_date
from thucydides.errors import ConfigError
from thucydides.ontology import GOLDSTEIN_TABLES, all_codes
from thucydides.store import EventStore

__all__ = ["FREQUENCIES", "DyadPeriod", "DyadSeries", "dyad_series", "period_label"]

#: Period lengths, and the DuckDB ``date_trunc`` part of each (never user text).
FREQUENCIES: Final = {"day": "day", "week": "week", "month": "month", "year": "year"}
#: Most periods one series may span (about 30 years of days); wider ranges need a coarser freq.
MAX_PERIODS: Final = 12_000


@dataclass(frozen=True, slots=True)
class DyadPeriod:
    """The dyad's events in one period.

    ``period`` is the label ("2002-12-20", "2002-W51", "2002-12" or "2002");
    ``start`` and ``end`` are the ISO dates of the period's first and last day. The four QuadClass counts
    add up to ``events``; ``goldstein_mean`` is None for a period with no events.
    """

    period: str
    start: str
    end: str
    events: int
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None

    @property
    def cooperation(self) -> int:
        """Return the number of cooperative events (QuadClass 1 and 2)."""
        return self.verbal_cooperation + self.material_cooperation

    @property
    def conflict(self) -> int:
        """Return the number of conflictual events (QuadClass 3 and 4)."""
        return self.verbal_conflict + self.material_conflict


@dataclass(frozen=True, slots=True)
class DyadSeries:
    """A dyad's events per period, with the options that produced it."""

    a: str
    b: str
    freq: str
    directed: bool
    scale: str
    include_unasserted: bool
    periods: tuple[DyadPeriod, ...] = field(default_factory=tuple)
    undated: int = 0

    @property
    def total(self) -> int:
        """Return the number of dated events in the series."""
        return sum(p.events for p in self.periods)

    @property
    def label(self) -> str:
        """Return a short human description ("RUS → KAZ", "RUS ↔ KAZ")."""
        return f"{self.a} {'→' if self.directed else '↔'} {self.b}"


def period_label(start: dt.date, freq: str) -> str:
    """Return the label of the period starting on ``start``."""
    if freq == "year":
        return f"{start.year:04d}"
    if freq == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if freq == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return start.isoformat()


def _next_start(start: dt.date, freq: str) -> dt.date:
    if freq == "year":
        return start.replace(year=start.year + 1)
    if freq == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7 if freq == "week" else 1)


def _check_options(freq: str, scale: str) -> None:
    if freq not in FREQUENCIES:
        raise ConfigError(f"freq must be one of {', '.join(FREQUENCIES)}, got {freq!r}")
    if scale not in GOLDSTEIN_TABLES:
        raise ConfigError(
            f"scale must be a Goldstein table: one of {', '.join(GOLDSTEIN_TABLES)}, got {scale!r}"
        )


def dyad_series(
    store: EventStore,
    a: str,
    b: str,
    *,
    freq: str = "month",
    directed: bool = False,
    scale: str = "gdelt",
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    include_unasserted: bool = False,
) -> DyadSeries:
    """Return the events between actor prefixes ``a`` and ``b`` per period.

    Bad options raise :class:`~thucydides.errors.ConfigError`; an unreadable store
    raises :class:`~thucydides.errors.StoreError`.
    """
    _check_options(freq, scale)
    a, b = actor_prefix("a", a), actor_prefix("b", b)
    since_date, until_date = to_date("since", since), to_date("until", until)
    dated = EventFilter(since=since_date, until=until_date, asserted_only=not include_unasserted)
    condition, params = dated.where("e.")
    dyad = "(starts_with(e.source_code, ?) AND coalesce(starts_with(e.target_code, ?), false))"
    dyad_params: list[object] = [a, b]
    if not directed:
        dyad = f"({dyad} OR (starts_with(e.source_code, ?) AND coalesce(starts_with(e.target_code, ?), false)))"
        dyad_params += [b, a]
    codes = all_codes()
    weights = [float(getattr(c.goldstein, scale)) for c in codes]
    part = FREQUENCIES[freq]
    rows = read_rows(
        store,
        f"""SELECT CAST(date_trunc('{part}', e."date") AS DATE) AS period, e.quad_class,
                   count(*), sum(coalesce(g.w, e.goldstein))
            FROM events e
            LEFT JOIN (SELECT unnest(?::VARCHAR[]) AS code, unnest(?::DOUBLE[]) AS w) g
                   ON e.cameo_code = g.code
            WHERE e."date" IS NOT NULL AND {dyad} AND {condition}
            GROUP BY ALL ORDER BY period""",
        [[c.code for c in codes], weights, *dyad_params, *params],
    )
    undated_filter = EventFilter(asserted_only=not include_unasserted)
    undated_condition, undated_params = undated_filter.where("e.")
    undated = 0
    if since_date is None and until_date is None:
        [(undated,)] = read_rows(
            store,
            f'SELECT count(*) FROM events e WHERE e."date" IS NULL AND {dyad} AND {undated_condition}',
            [*dyad_params, *undated_params],
        )
    return DyadSeries(
        a, b, freq, directed, scale, include_unasserted, _fill(rows, freq), int(undated)
    )


def _fill(rows: list[tuple[object, ...]], freq: str) -> tuple[DyadPeriod, ...]:
    """Turn (period, quad_class, count, sum) rows into a gap-free tuple of periods."""
    counts: dict[dt.date, list[int]] = {}
    sums: dict[dt.date, float] = {}
    for start, quad, n, total in rows:
        assert isinstance(start, dt.date) and isinstance(quad, int)
        assert isinstance(n, int) and isinstance(total, float | int)
        counts.setdefault(start, [0, 0, 0, 0])[quad - 1] += n
        sums[start] = sums.get(start, 0.0) + float(total)
    if not counts:
        return ()
    first, last = min(counts), max(counts)
    periods: list[DyadPeriod] = []
    start = first
    while start <= last:
        if len(periods) >= MAX_PERIODS:
            raise ConfigError(
                f"the dyad's events span more than {MAX_PERIODS} {freq}s ({first} to {last}); "
                "choose a coarser --freq or narrow the dates"
            )
        quads = counts.get(start, [0, 0, 0, 0])
        n = sum(quads)
        total = round(sums.get(start, 0.0), 4)
        periods.append(
            DyadPeriod(
                period=period_label(start, freq),
                start=start.isoformat(),
                end=(_next_start(start, freq) - dt.timedelta(days=1)).isoformat(),
                events=n,
                verbal_cooperation=quads[0],
                material_cooperation=quads[1],
                verbal_conflict=quads[2],
                material_conflict=quads[3],
                goldstein_sum=total,
                goldstein_mean=round(total / n, 4) if n else None,
            )
        )
        start = _next_start(start, freq)
    return tuple(periods)
