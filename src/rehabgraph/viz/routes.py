"""The arrows between the columns of the explanation picture, along the layout's chains.

An arrow runs level through every column it passes (in the gap the layout left for it, so never
across a box) and curves only between columns; where several arrows meet one box they meet it
spread over its height, in the order of their other ends, so they do not cross at the box.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from rehabgraph.viz.layers import Chain, Layered
from rehabgraph.viz.style import EDGE_STYLES, arrow

__all__ = ["Frame", "Placed", "draw_routes"]

_SPREAD = 0.06  # the most space between two arrows meeting one box, in inches
_LEVEL = 0.01  # a level stretch shorter than this is not drawn


class Placed(Protocol):
    """A box as placed: its centre height and where arrows meet it."""

    x: float
    y: float

    def left(self, dy: float = 0.0) -> float: ...
    def right(self) -> float: ...
    def reach(self) -> float: ...


@dataclass(frozen=True)
class Frame:
    """The columns' left edges and widths, and the top of the graph, in inches."""

    lefts: list[float]
    widths: list[float]
    top: float


def draw_routes(
    ax: Any,
    lay: Layered,
    boxes: Mapping[str, Placed],
    frame: Frame,
    kinds: Mapping[tuple[str, str], str],
) -> None:
    """An arrow for each chain of ``lay``, styled by its edge type in ``kinds``."""
    ports = _offsets(lay, boxes)
    where = lay.column_of()
    for chain in lay.chains:
        kind = kinds[chain.source, chain.target]
        _draw(ax, _route(chain, boxes, ports, where, (frame, lay.y)), kind, chain)


def _ports(count: int, reach: float) -> list[float]:
    """Where ``count`` arrows meet a box, spread over its height (so they do not cross at the
    box): offsets from its centre, top first."""
    if count < 2:  # noqa: PLR2004 - one arrow meets the middle
        return [0.0] * count
    step = min(_SPREAD, 2 * reach / (count - 1))
    return [(k - (count - 1) / 2) * step for k in range(count)]


def _offsets(lay: Layered, boxes: Mapping[str, Placed]) -> dict[tuple[str, str, str], float]:
    """(node, other end, side) -> where that arrow meets the node, from its centre."""
    out: dict[tuple[str, str, str], float] = {}
    links = lay.links()
    for node, d in boxes.items():
        for side, ends in (
            ("in", [u for u, v in links if v == node]),
            ("out", [v for u, v in links if u == node]),
        ):
            ends.sort(key=lambda m: (lay.y[m], m))
            for m, dy in zip(ends, _ports(len(ends), d.reach()), strict=True):
                out[node, m, side] = dy
    return out


_Path = tuple[list[tuple[float, float]], list[Any]]  # vertices and their path codes


def _route(
    chain: Chain,
    boxes: Mapping[str, Placed],
    ports: dict[tuple[str, str, str], float],
    where: dict[str, int],
    frame_y: tuple[Frame, dict[str, float]],
) -> _Path:
    """The path of a chain's arrow: out of its source's right side, level through each column
    it passes, into its target's left side (a step's disc: onto its rim)."""
    from matplotlib.path import Path

    frame, heights = frame_y
    lefts, widths = frame.lefts, frame.widths
    stops = chain.stops
    a, b = boxes[chain.source], boxes[chain.target]
    y_out = a.y + ports[chain.source, stops[1], "out"]
    y_in = b.y + ports[chain.target, stops[-2], "in"]
    verts: list[tuple[float, float]] = [(a.right(), y_out)]
    codes = [Path.MOVETO]
    band_end = lefts[where[chain.source]] + widths[where[chain.source]]
    if band_end - a.right() > _LEVEL:  # a box narrower than its column: level to the edge
        verts.append((band_end, y_out))
        codes.append(Path.LINETO)
    for dummy in chain.dummies:
        c = where[dummy]
        y = frame.top + heights[dummy]
        _curve_to(verts, codes, (lefts[c], y))
        verts.append((lefts[c] + widths[c], y))
        codes.append(Path.LINETO)
    c = where[chain.target]
    if b.x - lefts[c] > _LEVEL:
        _curve_to(verts, codes, (lefts[c], y_in))
        verts.append((b.left(y_in - b.y), y_in))
        codes.append(Path.LINETO)
    else:
        _curve_to(verts, codes, (b.left(y_in - b.y), y_in))
    return verts, codes


def _draw(ax: Any, path: _Path, kind: str, chain: Chain) -> None:
    from matplotlib.path import Path

    colour, style = EDGE_STYLES.get(kind, ("#666666", "-"))
    patch = arrow(path=Path(*path), colour=colour, style=style, scale=7, width=0.9, zorder=1)
    patch.set_gid(f"arrow:{kind}:{chain.source}:{chain.target}")
    ax.add_artist(patch)


def _curve_to(verts: list[tuple[float, float]], codes: list[Any], end: tuple[float, float]) -> None:
    """A smooth S from the last point to ``end``: leaves and arrives level."""
    from matplotlib.path import Path

    (x0, y0), (x1, y1) = verts[-1], end
    mid = (x0 + x1) / 2
    verts.extend([(mid, y0), (mid, y1), end])
    codes.extend([Path.CURVE4] * 3)
