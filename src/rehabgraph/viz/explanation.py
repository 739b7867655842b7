"""draw_explanation: the part of the graph a recommendation rests on, in layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rehabgraph.api.recommendation import ExcludedExercise, PlannedExercise, Recommendation
from rehabgraph.viz.style import (
    EDGE_WORDS,
    KIND_COLOURS,
    KIND_ORDER,
    KIND_TITLES,
    new_figure,
    overlaps,
    wrap,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_explanation"]

_WRAP = 24
_LINE = 1.0  # height of one text line, in layout units
_GAP = 1.6  # space between two boxes in a column, in layout units
_REASON_MAX = 70  # characters of a left-out reason shown in its box; a longer one is cut


@dataclass
class _Node:
    id: str
    kind: str
    label: str
    grey: bool = False
    y: float = 0.0
    x: float = 0.0
    lines: int = 1


@dataclass
class _Layout:
    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: dict[tuple[str, str], str] = field(default_factory=dict)  # (from, to) -> words

    def node(self, node_id: str, kind: str, label: str) -> _Node:
        """The node ``node_id``, added the first time it is met."""
        return self.nodes.setdefault(node_id, _Node(node_id, kind, label))


def _collect(rec: Recommendation) -> _Layout:
    lay = _Layout()
    for site in rec.sites:
        for zone in site.zones:
            side = f" ({site.side})" if site.side else ""
            lay.node(zone.id, "zone", zone.name + side)
    for ex in rec.exercises:
        _add_walks(lay, ex)
    for x in rec.excluded:
        _add_left_out(lay, x)
    return lay


def _add_walks(lay: _Layout, ex: PlannedExercise) -> None:
    """Every node and edge of the walks that explain a planned exercise."""
    for e in ex.explanations:
        for node_id, kind, label in zip(e.path, e.kinds, e.labels, strict=True):
            lay.node(node_id, kind, label)
        for a, b, edge in zip(e.path, e.path[1:], e.edges, strict=False):
            walked_back = edge.source != a
            lay.edges.setdefault((a, b), EDGE_WORDS.get((edge.type, walked_back), edge.type))
    lay.node(ex.exercise_id, "exercise", ex.name)


def _add_left_out(lay: _Layout, x: ExcludedExercise) -> None:
    """A left-out exercise in grey with its reason, and the condition that rules it out."""
    reason = (
        x.reason
        if len(x.reason) <= _REASON_MAX
        else x.reason[: _REASON_MAX - len("...")].rstrip() + "..."
    )
    left_out = lay.node(x.exercise_id, "exercise", x.name)
    left_out.label = f"{x.name}: left out ({reason})"
    left_out.grey = True
    if x.condition:
        lay.node(x.condition, "condition", x.condition.replace("-", " "))
        lay.edges.setdefault((x.condition, x.exercise_id), EDGE_WORDS[("contraindicates", False)])


def _place(lay: _Layout) -> tuple[list[str], float]:
    kinds = [k for k in KIND_ORDER if any(n.kind == k for n in lay.nodes.values())]
    height = 0.0
    for column, kind in enumerate(kinds):
        y = 0.0
        for n in (n for n in lay.nodes.values() if n.kind == kind):
            n.label = wrap(n.label, _WRAP)
            n.lines = n.label.count("\n") + 1
            n.x = float(column)
            n.y = y + n.lines * _LINE / 2
            y += n.lines * _LINE + _GAP
        height = max(height, y)
    return kinds, height


def draw_explanation(rec: Recommendation) -> Figure:
    """The subgraph that supports ``rec``: pain zones, the muscles whose trigger points refer pain
    there, the imbalances, and the exercises, left to right, coloured by kind; path edges
    labelled; exercises left out shown in grey with the reason. Returns a matplotlib Figure.

    >>> from rehabgraph import Recommender
    >>> fig = draw_explanation(Recommender.default().recommend(
    ...     {"sites": [{"location": "outer knee", "side": "right"}]}))
    >>> "outer knee (right)" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    from matplotlib.patches import FancyArrowPatch

    lay = _collect(rec)
    kinds, height = _place(lay)
    columns = max(len(kinds), 1)
    fig = new_figure(width=2.4 * columns + 0.6, height=max(2.4, 0.2 * (height + 6)))
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))
    ax.set_xlim(-0.55, columns - 0.45)
    ax.set_ylim(height + 1.0, -3.0)
    ax.axis("off")
    texts = [
        ax.text(
            column,
            -2.0,
            wrap(KIND_TITLES[kind], 26),
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold",
            color="#333333",
        )
        for column, kind in enumerate(kinds)
    ]
    texts.extend(
        ax.text(
            n.x,
            n.y,
            n.label,
            ha="center",
            va="center",
            fontsize=8,
            color="#777777" if n.grey else "black",
            bbox={
                "boxstyle": "round,pad=0.35",
                "fc": "#eeeeee" if n.grey else KIND_COLOURS[n.kind],
                "ec": "#999999" if n.grey else "#555555",
                "lw": 0.8,
            },
        )
        for n in lay.nodes.values()
    )
    to_data = ax.transData.inverted()
    box_of = {
        n.id: t.get_window_extent().transformed(to_data)
        for n, t in zip(lay.nodes.values(), texts[len(kinds) :], strict=True)
    }
    edge_labels = []
    for (a, b), words in lay.edges.items():
        na, nb = lay.nodes[a], lay.nodes[b]
        box_a, box_b = box_of[a], box_of[b]
        same_column = na.x == nb.x
        if same_column:
            start, end = (box_a.x1 + 0.02, na.y), (box_b.x1 + 0.02, nb.y)
            mid = (max(box_a.x1, box_b.x1) + 0.16, (na.y + nb.y) / 2)
        elif nb.x > na.x:
            start, end = (box_a.x1 + 0.02, na.y), (box_b.x0 - 0.02, nb.y)
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 - 0.55)
        else:  # walked back to an earlier column (a follow-up through a muscle)
            start, end = (box_a.x0 - 0.02, na.y), (box_b.x1 + 0.02, nb.y)
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 - 0.55)
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=9,
                lw=0.8,
                color="#666666",
                connectionstyle="arc3,rad=-0.6" if same_column else "arc3,rad=0.0",
                shrinkA=1,
                shrinkB=1,
                zorder=1,
            )
        )
        edge_labels.append(
            ax.text(
                mid[0],
                mid[1],
                words,
                ha="center",
                va="center",
                fontsize=6.5,
                color="#333333",
                zorder=2,
            )
        )
    # an edge label that would cover a box or another label is dropped (its arrow stays)
    placed = list(texts)
    for label in edge_labels:
        box = label.get_window_extent()
        if any(box.overlaps(t.get_window_extent()) for t in placed):
            label.set_visible(False)
        else:
            placed.append(label)
    where = "; ".join(" and ".join(z.name for z in s.zones) for s in rec.sites) or "no place"
    fig.suptitle(f"Why this plan: {where}", fontsize=10, x=0.02, ha="left")
    if overlaps(fig, placed):  # the layout above guarantees none: a bug if it happens
        raise RuntimeError("labels overlap")
    return fig
