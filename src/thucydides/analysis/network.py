"""Build the network of actors: who acts on whom, how often, how cooperatively.

:func:`actor_network` returns a :class:`networkx.DiGraph` with one node per
actor code and one edge per directed pair (source → target). Node attributes:
``name`` (canonical name or ""), ``events`` (events on either side). Edge
attributes: ``weight`` (number of events), ``goldstein_sum``,
``goldstein_mean``, ``verbal_cooperation``, ``material_cooperation``,
``verbal_conflict``, ``material_conflict``. Only pairs with at least
``min_events`` events are kept, and only events reported as happened unless
``include_unasserted``.

:func:`write_network` saves it as GraphML (for Gephi, Cytoscape, igraph, R) or
as a self-contained HTML page with an inline SVG drawing: no script, no
network access, opens from a file.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import Path
from typing import Any, Final

import networkx as nx  # type: ignore[import-untyped]

from thucydides.analysis.query import EventFilter, read_rows
from thucydides.errors import ConfigError
from thucydides.store import EventStore

__all__ = ["NETWORK_FORMATS", "actor_network", "network_html", "write_network"]

#: File suffixes :func:`write_network` understands.
NETWORK_FORMATS: Final = (".graphml", ".html", ".htm")
_SIZE: Final = 900  # drawing size in SVG units
_QUADS: Final = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)


def actor_network(
    store: EventStore,
    *,
    min_events: int = 1,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    include_unasserted: bool = False,
) -> Any:
    """Return the directed actor network (a ``networkx.DiGraph``) of the stored events."""
    if isinstance(min_events, bool) or not isinstance(min_events, int) or min_events < 1:
        raise ConfigError(f"min_events must be a whole number >= 1, got {min_events!r}")
    where = EventFilter(since=since, until=until, asserted_only=not include_unasserted)
    condition, params = where.where()
    rows = read_rows(
        store,
        f"""SELECT source_code, target_code, mode(source_name), mode(target_name), count(*),
                   sum(goldstein),
                   count(*) FILTER (WHERE quad_class = 1), count(*) FILTER (WHERE quad_class = 2),
                   count(*) FILTER (WHERE quad_class = 3), count(*) FILTER (WHERE quad_class = 4)
            FROM events WHERE target_code IS NOT NULL AND {condition}
            GROUP BY source_code, target_code HAVING count(*) >= ?
            ORDER BY source_code, target_code""",
        [*params, min_events],
    )
    graph = nx.DiGraph()
    for source, target, source_name, target_name, n, total, *quads in rows:
        for code, name in ((source, source_name), (target, target_name)):
            if code not in graph:
                graph.add_node(code, name=name or "", events=0)
            elif name and not graph.nodes[code]["name"]:
                graph.nodes[code]["name"] = name
            graph.nodes[code]["events"] += int(n)
        attributes: dict[str, Any] = {name: int(v) for name, v in zip(_QUADS, quads, strict=True)}
        graph.add_edge(
            source,
            target,
            weight=int(n),
            goldstein_sum=round(float(total), 4),
            goldstein_mean=round(float(total) / int(n), 4),
            **attributes,
        )
    return graph


def write_network(graph: Any, path: str | Path, *, title: str = "Actor network") -> Path:
    """Write ``graph`` to ``path``: GraphML for ``.graphml``, an HTML page for ``.html``."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in NETWORK_FORMATS:
        raise ConfigError(
            f"cannot tell the network format from {out.name!r}: end the file name in "
            f"{', '.join(NETWORK_FORMATS)}"
        )
    try:
        if suffix == ".graphml":
            nx.write_graphml(graph, out, encoding="utf-8")
        else:
            out.write_text(network_html(graph, title=title), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot write the network to {out}: {exc.strerror or exc}; check that the "
            "folder exists and is writable"
        ) from exc
    return out


def _colour(mean: float) -> str:
    """Return green for cooperation, grey for neutral, red for conflict (Goldstein mean)."""
    if mean >= 1.0:
        return "#1a7f37"
    if mean <= -1.0:
        return "#c62828"
    return "#6b7280"


def network_html(graph: Any, *, title: str = "Actor network", max_nodes: int = 120) -> str:
    """Return a standalone HTML page drawing the ``max_nodes`` most active actors as SVG."""
    nodes = sorted(graph.nodes, key=lambda n: (-graph.nodes[n]["events"], n))[:max_nodes]
    sub = graph.subgraph(nodes)
    body = (
        _svg(sub)
        if len(sub)
        else '<p class="empty">No pairs of actors have enough events to draw.</p>'
    )
    shown = (
        f"the {len(nodes)} most active of {len(graph)} actors"
        if len(graph) > len(nodes)
        else f"{len(graph)} actors"
    )
    edges = sorted(sub.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1]))
    rows = "\n".join(
        f"<tr><td>{html.escape(s)}</td><td>{html.escape(t)}</td><td>{d['weight']}</td>"
        f"<td>{d['goldstein_mean']:+.1f}</td></tr>"
        for s, t, d in edges[:200]
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2933; }}
svg {{ max-width: 100%; height: auto; border: 1px solid #d0d7de; background: #fff; }}
.node circle {{ fill: #2563eb; stroke: #fff; stroke-width: 1.5; }}
.node text {{ font-size: 12px; fill: #111827; paint-order: stroke; stroke: #fff; stroke-width: 3px; }}
table {{ border-collapse: collapse; margin-top: 1rem; }}
td, th {{ border-bottom: 1px solid #e5e7eb; padding: 2px 10px; text-align: left; }}
.legend span {{ display: inline-block; margin-right: 1.2rem; }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{shown}, {sub.number_of_edges()} directed pairs. Arrows point from source to target;
width grows with the number of events; colour is the mean Goldstein score.</p>
<p class="legend"><span>&#9632; <b>green</b>: cooperative (mean &ge; 1)</span>
<span><b>grey</b>: neutral</span><span><b>red</b>: conflictual (mean &le; &minus;1)</span></p>
{body}
<table><thead><tr><th>source</th><th>target</th><th>events</th><th>Goldstein mean</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""


def _svg(graph: Any) -> str:
    """Return an SVG drawing of ``graph`` with a force-directed layout (fixed seed)."""
    layout = (
        nx.spring_layout(graph, seed=7, k=1.6 / math.sqrt(len(graph)))
        if len(graph) > 1
        else {n: (0.0, 0.0) for n in graph}
    )
    margin = 60
    span = _SIZE - 2 * margin

    def point(node: str) -> tuple[float, float]:
        x, y = layout[node]
        return margin + (float(x) + 1) / 2 * span, margin + (float(y) + 1) / 2 * span

    heaviest = max((d["weight"] for _, _, d in graph.edges(data=True)), default=1)
    busiest = max((graph.nodes[n]["events"] for n in graph), default=1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_SIZE} {_SIZE}" '
        f'width="{_SIZE}" height="{_SIZE}" role="img" aria-label="actor network">',
        "<defs>",
        *(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{colour}"/></marker>'
            for name, colour in (("g", "#1a7f37"), ("n", "#6b7280"), ("r", "#c62828"))
        ),
        "</defs>",
    ]
    radius = {n: 5 + 14 * math.sqrt(graph.nodes[n]["events"] / busiest) for n in graph}
    for source, target, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = point(source), point(target)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # Stop the line at the target's rim so that the arrowhead stays visible.
        end = max(length - radius[target] - 2, 0.0)
        x2, y2 = x1 + (x2 - x1) * end / length, y1 + (y2 - y1) * end / length
        colour = _colour(data["goldstein_mean"])
        marker = {"#1a7f37": "g", "#c62828": "r"}.get(colour, "n")
        width = 1 + 5 * data["weight"] / heaviest
        tip = (
            f"{source} → {target}: {data['weight']} events, "
            f"Goldstein mean {data['goldstein_mean']:+.1f}"
        )
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-opacity="0.7" stroke-width="{width:.1f}" marker-end="url(#arrow-{marker})">'
            f"<title>{html.escape(tip)}</title></line>"
        )
    for node in graph:
        x, y = point(node)
        name = graph.nodes[node]["name"]
        tip = f"{node}{' — ' + name if name else ''}: {graph.nodes[node]['events']} events"
        parts.append(
            f'<g class="node"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[node]:.1f}">'
            f"<title>{html.escape(tip)}</title></circle>"
            f'<text x="{x + radius[node] + 3:.1f}" y="{y + 4:.1f}">{html.escape(node)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
