"""draw_knowledge: the knowledge graph, or the neighbourhood of one node, in kind columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rehabgraph.errors import RehabgraphError
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.viz.style import KIND_COLOURS, KIND_ORDER, KIND_TITLES, new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_knowledge"]


def draw_knowledge(kb: KnowledgeBase, around: str | None = None) -> Figure:
    """The whole knowledge graph (nodes only, in columns by kind) or, with ``around`` a node id,
    that node and its direct neighbours with their names and the edges between them. Returns a
    matplotlib Figure.

    >>> from rehabgraph import load_knowledge
    >>> fig = draw_knowledge(load_knowledge(), around="gluteus-medius")
    >>> "gluteus medius" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    graph = kb.graph
    if around is not None:
        if around not in graph:
            from rehabgraph.suggest import close_matches

            close = close_matches(around, graph.nodes)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise RehabgraphError(f"no node {around!r} in the knowledge{hint}")
        keep = {around, *graph.successors(around), *graph.predecessors(around)}
        graph = graph.subgraph(keep)
    kinds = [k for k in KIND_ORDER if any(d["kind"] == k for _, d in graph.nodes(data=True))]
    labelled = around is not None
    columns: dict[str, list[str]] = {
        k: sorted(
            (n for n, d in graph.nodes(data=True) if d["kind"] == k),
            key=lambda n: graph.nodes[n]["name"],
        )
        for k in kinds
    }
    regions: list[tuple[str, int, int]] = []
    if not labelled and "zone" in columns:
        columns["zone"], regions = _zones_by_region(kb)
        _order_by_neighbours(graph, kinds, columns)
    tallest = max(len(v) for v in columns.values())
    fig = new_figure(
        width=2.6 * len(kinds) + 0.4, height=max(3.0, (0.42 if labelled else 0.12) * tallest + 1.2)
    )
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.92))
    ax.axis("off")
    ax.set_xlim(-0.75 if regions else -0.6, len(kinds) - 0.4)
    ax.set_ylim(tallest + 0.5, -1.5)
    pos: dict[str, tuple[float, float]] = {}
    for x, kind in enumerate(kinds):
        ax.text(
            x,
            -1.0,
            f"{KIND_TITLES[kind]} ({len(columns[kind])})",
            ha="center",
            fontsize=8,
            fontweight="bold",
        )
        step = tallest / max(len(columns[kind]), 1)
        for i, node in enumerate(columns[kind]):
            pos[node] = (float(x), (i + 0.5) * step)
    for u, v in graph.edges():
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color="#bbbbbb", lw=0.4, alpha=0.7, zorder=1)
    for region, first, last in regions:  # the zones' regions, named beside their column
        y1, y2 = pos[columns["zone"][first]][1], pos[columns["zone"][last]][1]
        ax.plot([-0.12, -0.12], [y1, y2], color="#c0392b", lw=1.0)
        ax.text(-0.16, (y1 + y2) / 2, region, ha="right", va="center", fontsize=6.5)
    for node, (nx_, ny_) in pos.items():
        kind = graph.nodes[node]["kind"]
        if labelled:
            ax.text(
                nx_,
                ny_,
                wrap(graph.nodes[node]["name"], 22),
                ha="center",
                va="center",
                fontsize=7.5,
                zorder=3,
                bbox={
                    "boxstyle": "round,pad=0.3",
                    "fc": KIND_COLOURS[kind],
                    "ec": "#333333" if node == around else "#888888",
                    "lw": 1.6 if node == around else 0.6,
                },
            )
        else:
            ax.plot(
                [nx_],
                [ny_],
                marker="o",
                ms=4,
                color=KIND_COLOURS[kind],
                mec="#555555",
                mew=0.4,
                zorder=2,
            )
    title = f"Around {graph.nodes[around]['name']}" if around else f"The knowledge: {kb.version}"
    fig.suptitle(title, fontsize=10, x=0.02, ha="left")
    return fig


_ARM_AFTER = 7.8  # the arm's regions are listed after the trunk regions above this height


def _zones_by_region(kb: KnowledgeBase) -> tuple[list[str], list[tuple[str, int, int]]]:
    """The zones head to foot as the body map places them, region by region, and each
    region's (name, first index, last index) in that order."""
    from rehabgraph.viz.body import zone_height, zone_on_arm

    zones = kb.knowledge.zones
    by_region: dict[str, list[str]] = {}
    for zone in zones.values():
        by_region.setdefault(zone.region, []).append(zone.id)

    def place(region: str) -> float:
        top = max(zone_height(z) for z in by_region[region])
        if all(zone_on_arm(z) for z in by_region[region]):  # the arm after the chest, in order
            return _ARM_AFTER + top / 100
        return top

    order = sorted(by_region, key=lambda r: -place(r))
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    for region in order:
        members = sorted(by_region[region], key=lambda z: -zone_height(z))
        spans.append((region, len(out), len(out) + len(members) - 1))
        out += members
    return out, spans


def _order_by_neighbours(graph: Any, kinds: list[str], columns: dict[str, list[str]]) -> None:
    """Each column after the first sorted by the mean place of its neighbours in the columns
    before it (the barycentre heuristic), so fewer edges cross."""
    place = {n: i / max(len(columns[kinds[0]]) - 1, 1) for i, n in enumerate(columns[kinds[0]])}
    for kind in kinds[1:]:
        nodes = columns[kind]

        def centre(node: str) -> float:
            seen = [
                place[m] for m in (*graph.predecessors(node), *graph.successors(node)) if m in place
            ]
            return sum(seen) / len(seen) if seen else 2.0

        nodes.sort(key=lambda n: (centre(n), graph.nodes[n]["name"]))
        place.update({n: i / max(len(nodes) - 1, 1) for i, n in enumerate(nodes)})
