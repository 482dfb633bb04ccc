"""Draw a dyad's cooperation against its conflict over time, as a PNG (matplotlib, Agg).

The top panel shows, per period, cooperative events (QuadClass 1 and 2) as green
bars above the axis and conflictual events (QuadClass 3 and 4) as red bars below
it, each split into its verbal (light) and material (dark) part. The bottom panel
shows the mean Goldstein score per period. The figure is drawn on its own Agg
canvas, never through pyplot's global state, so plotting is safe in a server or a
thread and needs no display.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from thucydides.analysis.dyads import DyadSeries
from thucydides.errors import ConfigError

__all__ = ["plot_dyad"]

_FREQ_WORD: Final = {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"}
_MAX_TICKS: Final = 14
_COLOURS: Final = {
    "verbal_cooperation": "#74c476",
    "material_cooperation": "#1a7f37",
    "verbal_conflict": "#fc9272",
    "material_conflict": "#c62828",
}


def plot_dyad(
    series: DyadSeries, path: str | Path, *, title: str | None = None, dpi: int = 150
) -> Path:
    """Draw ``series`` and save it as a PNG at ``path``; return the path.

    A series with no dated events still gives a readable image that says so.
    Raises :class:`~thucydides.errors.ConfigError` when the file cannot be written.
    """
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise ConfigError(
            f"the dyad plot is a PNG image: end the file name in .png, got {out.name!r}"
        )
    figure = Figure(figsize=(11, 6.5), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    counts, means = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2.2, 1]})
    direction = "source → target" if series.directed else "both directions"
    heading = title or (
        f"{series.a} – {series.b} ({direction}): cooperation vs conflict, {_FREQ_WORD[series.freq]}"
    )
    figure.suptitle(heading, fontsize=15, fontweight="bold")
    periods = series.periods
    x = list(range(len(periods)))
    if not periods:
        counts.text(
            0.5,
            0.5,
            "No dated events for this dyad",
            ha="center",
            va="center",
            fontsize=14,
            transform=counts.transAxes,
        )
    else:
        verbal_coop = [p.verbal_cooperation for p in periods]
        material_coop = [p.material_cooperation for p in periods]
        verbal_conf = [-p.verbal_conflict for p in periods]
        material_conf = [-p.material_conflict for p in periods]
        width = 0.8
        counts.bar(
            x,
            material_coop,
            width,
            color=_COLOURS["material_cooperation"],
            label="2 material cooperation",
        )
        counts.bar(
            x,
            verbal_coop,
            width,
            bottom=material_coop,
            color=_COLOURS["verbal_cooperation"],
            label="1 verbal cooperation",
        )
        counts.bar(
            x,
            material_conf,
            width,
            color=_COLOURS["material_conflict"],
            label="4 material conflict",
        )
        counts.bar(
            x,
            verbal_conf,
            width,
            bottom=material_conf,
            color=_COLOURS["verbal_conflict"],
            label="3 verbal conflict",
        )
        top = max([p.cooperation for p in periods] + [1])
        bottom = max([p.conflict for p in periods] + [1])
        counts.set_ylim(-bottom * 1.15, top * 1.15)
        handles, labels = counts.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: labels[i])  # QuadClass 1, 2, 3, 4
        counts.legend(
            [handles[i] for i in order],
            [labels[i] for i in order],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            fontsize=10.5,
            ncols=4,
            frameon=False,
            title="QuadClass",
            title_fontsize=10.5,
        )
        if len(periods) <= 40:  # few bars: write the counts on them
            for i, p in enumerate(periods):
                if p.cooperation:
                    counts.annotate(
                        str(p.cooperation),
                        (i, p.cooperation),
                        ha="center",
                        va="bottom",
                        fontsize=10,
                        xytext=(0, 2),
                        textcoords="offset points",
                    )
                if p.conflict:
                    counts.annotate(
                        str(p.conflict),
                        (i, -p.conflict),
                        ha="center",
                        va="top",
                        fontsize=10,
                        xytext=(0, -2),
                        textcoords="offset points",
                    )
        known = [
            (i, p.goldstein_mean) for i, p in enumerate(periods) if p.goldstein_mean is not None
        ]
        means.plot(
            [i for i, _ in known],
            [m for _, m in known],
            color="#1f4e99",
            marker="o",
            linewidth=2,
            markersize=5,
        )
        if len(periods) <= 40:
            for i, mean in known:
                means.annotate(
                    f"{mean:+.1f}",
                    (i, mean),
                    xytext=(6, 4),
                    textcoords="offset points",
                    fontsize=10,
                    color="#1f4e99",
                )
        means.fill_between(
            [i for i, _ in known], [m for _, m in known], 0, color="#1f4e99", alpha=0.12
        )
    counts.axhline(0, color="#374151", linewidth=1)
    counts.set_ylabel("events\n(conflict below the line)", fontsize=12)
    counts.grid(axis="y", alpha=0.3)
    means.axhline(0, color="#374151", linewidth=1)
    means.set_ylim(-10.5, 10.5)
    means.set_yticks([-10, -5, 0, 5, 10])
    means.set_ylabel(f"mean Goldstein\n({series.scale})", fontsize=12)
    means.grid(alpha=0.3)
    step = max(1, -(-len(periods) // _MAX_TICKS))
    ticks = x[::step]
    means.set_xticks(ticks, [periods[i].period for i in ticks], rotation=30, ha="right")
    means.tick_params(labelsize=11)
    counts.tick_params(labelsize=11)
    if len(periods) == 1:
        means.set_xlim(-1.5, 1.5)
    counted = "all events" if series.include_unasserted else "events reported as happened"
    note = f"{series.total} {counted}"
    if series.undated:
        note += f"; {series.undated} undated event(s) not shown"
    means.set_xlabel(note, fontsize=10, color="#4b5563")
    try:
        figure.savefig(out, format="png")
    except OSError as exc:
        raise ConfigError(
            f"cannot write the plot to {out}: {exc.strerror or exc}; check that the folder "
            "exists and is writable"
        ) from exc
    return out
