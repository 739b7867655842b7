"""draw_explanation: the part of the graph a recommendation rests on, in layers.

The picture is laid out in inches: every text is measured first, the columns are as wide as
their widest box, the figure as tall as its tallest column, so a larger plan makes a larger
picture rather than stacked labels. Which boxes and arrows there are comes from
:mod:`rehabgraph.viz.reasons`; where they go from :mod:`rehabgraph.viz.layers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rehabgraph.api.recommendation import Recommendation
from rehabgraph.viz import legend
from rehabgraph.viz.before import Bracket, draw_brackets, lanes_width
from rehabgraph.viz.layers import Layered
from rehabgraph.viz.reasons import COLUMNS, Box, Reasons, reasons
from rehabgraph.viz.routes import Frame, draw_routes
from rehabgraph.viz.style import EDGE_STYLES, KIND_COLOURS, fit, new_figure, size_of, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_explanation"]

_FONT = 8.0
_WRAP = 24  # characters in a line of a box
_WRAP_GREY = 34  # a left-out exercise says why, in longer lines
_PAD = 0.3  # around a box's text, in units of its font size
_MARGIN = 0.2
_BADGE_GAP = 0.04  # between a step number and its box
_LEGEND_GAP = 0.3

_KIND_WORDS = {
    "zone": "where it hurts",
    "muscle": "muscle",
    "imbalance": "imbalance",
    "recommendation": "guideline recommendation",
    "condition": "condition",
    "exercise": "exercise in the plan",
}


@dataclass
class _Drawn:
    """A box as drawn: its text (and step number), size and place, in inches."""

    box: Box
    text: Any
    width: float  # the box with its step number
    height: float
    badge: Any = None
    disc: float = 0.0  # the diameter of the step number's disc
    x: float = 0.0  # the left of the box with its step number
    y: float = 0.0  # the centre

    def left(self, dy: float = 0.0) -> float:
        """Where an arrow coming in at ``dy`` from the centre ends: the box, or the disc."""
        if not self.disc:
            return self.x
        r = self.disc / 2
        return self.x + r - math.sqrt(max(r * r - dy * dy, 0.0))

    def right(self) -> float:
        return self.x + self.width

    def reach(self) -> float:
        """How far from the centre an arrow may come in or go out."""
        return 0.35 * (self.disc or self.height)


def draw_explanation(rec: Recommendation, *, steps_in_order: bool = False) -> Figure:
    """The subgraph that supports ``rec``, left to right in the order the reasoning goes:
    where it hurts, the muscles whose trigger points refer pain there and their imbalances,
    the guideline recommendations, and the exercises with their step numbers; arrows coloured
    by kind (see the legend), a "do before" arrow from the step done first to the later one,
    and exercises left out in grey with the reason. Returns a matplotlib Figure.

    Boxes are ordered down each column so that few arrows cross, the steps too (their numbers
    say the order); ``steps_in_order=True`` keeps the steps 1, 2, 3 down the page instead, at
    the price of more crossings in a large plan.

    >>> from rehabgraph import Recommender
    >>> fig = draw_explanation(Recommender.default().recommend(
    ...     {"sites": [{"location": "outer knee", "side": "right"}]}))
    >>> "outer knee (right)" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    found = reasons(rec)
    fig = new_figure(4.0, 3.0)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.axis("off")
    drawn = {box.id: _box(fig, ax, box) for box in found.boxes.values()}
    columns = found.columns()
    lay = Layered(
        columns=[_first_order(found, column) for column in columns],
        heights={n: d.height for n, d in drawn.items()},
        edges=list(found.arrows),
        fixed=frozenset(i for i, c in enumerate(columns) if steps_in_order and c[0] == "exercise"),
    )
    lay.solve()
    heads, head_h = _headings(fig, ax, columns)
    lefts, widths = _columns(lay, drawn, heads)
    right = lefts[-1] + widths[-1] if lefts else 0.0
    width = max(right + lanes_width(fig, _brackets(found, drawn, lay.y)) + _MARGIN, 4.0)
    title = _title(fig, ax, rec, width)
    top = _MARGIN + size_of(fig, title)[1] + 0.15
    for text, first, last in heads:
        text.set_position(((lefts[first] + lefts[last] + widths[last]) / 2, top))
    graph_top = top + head_h + 0.18
    for i, column in enumerate(lay.columns):
        for node in column:
            if node in drawn:
                _place(drawn[node], lefts[i], widths[i], graph_top + lay.y[node], columns[i])
    kinds = {pair: arrow.type for pair, arrow in found.arrows.items()}
    draw_routes(ax, lay, drawn, Frame(lefts, widths, graph_top), kinds)
    at = {n: d.y for n, d in drawn.items()}
    draw_brackets(fig, ax, _brackets(found, drawn, at), right)
    legend_top = graph_top + lay.height() + _LEGEND_GAP
    entries = _legend(found)
    key_h = legend.flow(fig, ax, entries, (_MARGIN, legend_top), width - 2 * _MARGIN)
    height = legend_top + key_h + _MARGIN
    fig.set_size_inches(width, height)
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    return fig


def _box(fig: Figure, ax: Any, box: Box) -> _Drawn:
    grey = box.grey
    text = ax.text(
        0,
        0,
        wrap(box.label, _WRAP_GREY if grey else _WRAP),
        ha="center",
        va="center",
        fontsize=_FONT,
        color="#666666" if grey else "black",
        zorder=3,
        bbox={
            "boxstyle": f"round,pad={_PAD}",
            "fc": "#eeeeee" if grey else KIND_COLOURS[box.kind],
            "ec": "#999999" if grey else "#555555",
            "lw": 0.8,
        },
    )
    text.set_gid(f"box:{box.column}:{box.id}")
    w, h = size_of(fig, text)
    pad = 2 * _PAD * _FONT / 72
    out = _Drawn(box, text, w + pad, h + pad)
    if box.step is not None:
        out.badge = legend.badge(ax, 0, 0, box.step)
        out.badge.set_gid(f"step:{box.step}:{box.id}")
        bw, bh = size_of(fig, out.badge)
        out.disc = max(bw, bh) + 2 * legend.BADGE_PAD * legend.BADGE_FONT / 72
        out.width += out.disc + _BADGE_GAP
        out.height = max(out.height, out.disc)
    return out


def _first_order(found: Reasons, column: tuple[str, int]) -> list[str]:
    """A column's boxes as met (the steps in their order), before ordering against crossings."""
    boxes = [b for b in found.boxes.values() if (b.column, b.depth) == column]
    if column[0] == "exercise":
        boxes.sort(key=lambda b: b.step or 0)
    return [b.id for b in boxes]


def _headings(
    fig: Figure, ax: Any, columns: list[tuple[str, int]]
) -> tuple[list[tuple[Any, int, int]], float]:
    """One heading per kind of column (the versions' columns share one): (text, first column,
    last column), and the tallest heading's height."""
    spans: dict[str, list[int]] = {}
    for i, (key, _) in enumerate(columns):
        spans.setdefault(key, []).append(i)
    heads = []
    for key, span in spans.items():
        text = ax.text(
            0,
            0,
            wrap(COLUMNS[key], 22),
            ha="center",
            va="top",
            fontsize=_FONT,
            fontweight="bold",
            color="#333333",
        )
        heads.append((text, span[0], span[-1]))
    tallest = max((size_of(fig, t)[1] for t, _, _ in heads), default=0.0)
    return heads, tallest


def _columns(
    lay: Layered, drawn: dict[str, _Drawn], heads: list[tuple[Any, int, int]]
) -> tuple[list[float], list[float]]:
    """The left and width of each column: as wide as its widest box or its heading, and far
    enough from the next for the arrows between them to be told apart."""
    widths = [max((drawn[n].width for n in col if n in drawn), default=0.3) for col in lay.columns]
    for text, first, last in heads:
        need = size_of(text.figure, text)[0] + 0.1
        have = sum(widths[first : last + 1])
        widths[last] += max(0.0, need - have)
    between: dict[int, int] = {}
    where = lay.column_of()
    for u, _ in lay.links():
        between[where[u]] = between.get(where[u], 0) + 1
    lefts, x = [], _MARGIN
    for i, w in enumerate(widths):
        lefts.append(x)
        x += w + min(1.1, max(0.5, 0.4 + 0.02 * between.get(i, 0)))
    return lefts, widths


def _place(d: _Drawn, left: float, width: float, y: float, column: tuple[str, int]) -> None:
    """A box in its column: the steps aligned on their numbers, any other box centred."""
    d.x = left if column[0] == "exercise" else left + (width - d.width) / 2
    d.y = y
    text_w = d.width - (d.disc + _BADGE_GAP if d.disc else 0.0)
    d.text.set_position((d.x + d.width - text_w / 2, y))
    if d.badge is not None:
        d.badge.set_position((d.x + d.disc / 2, y))


def _brackets(found: Reasons, drawn: dict[str, _Drawn], y: dict[str, float]) -> list[Bracket]:
    return [
        Bracket(
            a.source,
            a.target,
            drawn[a.source].right(),
            y[a.source],
            drawn[a.target].right(),
            y[a.target],
        )
        for a in found.before
    ]


def _title(fig: Figure, ax: Any, rec: Recommendation, width: float) -> Any:
    where = "; ".join(" and ".join(z.name for z in s.zones) for s in rec.sites) or "no place"
    words = f"Why this plan: {where}"
    text = ax.text(_MARGIN, _MARGIN, words, fontsize=10, ha="left", va="top")
    fit(fig, text, width - 2 * _MARGIN)
    return text


def _legend(found: Reasons) -> list[legend.Entry]:
    """What the colours, numbers and arrows of this picture mean (only those it has)."""
    entries: list[legend.Entry] = []
    kinds = {b.kind for b in found.boxes.values() if not b.grey}
    entries.extend(
        legend.Entry(legend.box_swatch(KIND_COLOURS[kind]), words)
        for kind, words in _KIND_WORDS.items()
        if kind in kinds
    )
    if any(b.step for b in found.boxes.values()):
        entries.append(legend.Entry(legend.badge_swatch, "its step in the plan"))
    if any(b.grey for b in found.boxes.values()):
        entries.append(legend.Entry(legend.box_swatch("#eeeeee", "#999999"), "not in the plan"))
    order = list(EDGE_STYLES)
    seen = sorted(
        {(a.type, a.words) for a in (*found.arrows.values(), *found.before)},
        key=lambda tw: (order.index(tw[0]) if tw[0] in order else len(order), tw[1]),
    )
    entries.extend(
        legend.Entry(legend.arrow_swatch(*EDGE_STYLES.get(kind, ("#666666", "-"))), words)
        for kind, words in seen
    )
    return entries
