"""The explanation picture's content, before any drawing: which boxes in which column, which
arrows, read left to right in the order the reasoning goes.

A box stands under a heading only when an arrow says why it is there: a muscle under "refers
pain there" has its arrow from the painful place; a muscle that is only stretched and then
strengthened gets its own column. A walk that cannot be drawn as arrows between boxes of the
picture (one through an exercise that is not in the plan, other than a swapped version) is left
out of the picture, not drawn half.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from rehabgraph.api.recommendation import (
    ExcludedExercise,
    Explanation,
    PathEdge,
    Recommendation,
)
from rehabgraph.viz.style import EDGE_WORDS

__all__ = ["COLUMNS", "Arrow", "Box", "Reasons", "reasons"]

# column key -> heading, left to right: the order the reasoning goes
COLUMNS = {
    "zone": "where it hurts",
    "muscle": "muscle whose trigger points refer pain there",
    "imbalance": "imbalance the muscle is part of",
    "recommendation": "guideline recommendation",
    "worked": "muscle stretched, then strengthened",
    "condition": "condition you reported",
    "version": "reached, but not in the plan",
    "exercise": "exercise, by its step in the plan",
}
_VERSION_EDGES = frozenset({"regresses_to", "progresses_to"})


@dataclass
class Box:
    id: str
    kind: str  # the colour: zone, muscle, imbalance, recommendation, exercise, condition
    column: str  # a key of COLUMNS
    label: str
    depth: int = 0  # for "version" boxes: how many swaps before the planned exercise
    step: int | None = None  # the step in the plan, for a planned exercise
    grey: bool = False  # not in the plan


@dataclass(frozen=True)
class Arrow:
    """An arrow from ``source`` to ``target`` in a column further right (or, for "do before",
    between two steps), with its graph edge type and the words it reads as."""

    source: str
    target: str
    type: str
    words: str


@dataclass
class Reasons:
    boxes: dict[str, Box] = field(default_factory=dict)
    arrows: dict[tuple[str, str], Arrow] = field(default_factory=dict)
    before: list[Arrow] = field(default_factory=list)  # first-done -> later step

    def columns(self) -> list[tuple[str, int]]:
        """The (key, depth) of each column in use, left to right."""
        used = {(b.column, b.depth) for b in self.boxes.values()}
        order = list(COLUMNS)
        return sorted(used, key=lambda c: (order.index(c[0]), -c[1]))


def reasons(rec: Recommendation) -> Reasons:
    """The boxes and arrows that explain ``rec``."""
    out = Reasons()
    steps = {ex.exercise_id: n for n, ex in enumerate(rec.exercises, 1)}
    for site in rec.sites:
        for zone in site.zones:
            side = f" ({site.side})" if site.side else ""
            out.boxes.setdefault(zone.id, Box(zone.id, "zone", "zone", zone.name + side))
    for ex in rec.exercises:
        out.boxes[ex.exercise_id] = Box(
            ex.exercise_id, "exercise", "exercise", ex.name, step=steps[ex.exercise_id]
        )
    walks = [e for ex in rec.exercises for e in ex.explanations if _drawable(e, steps)]
    for e in walks:
        _add_boxes(out, e, steps)
    _move_unreferred_muscles(out, walks)
    for e in walks:
        for a, b, edge in zip(e.path, e.path[1:], e.edges, strict=False):
            _add_arrow(out, a, b, edge, steps)
    for x in rec.excluded:
        _add_left_out(out, x)
    return out


def _add_boxes(out: Reasons, e: Explanation, steps: dict[str, int]) -> None:
    """The boxes of a walk's nodes; an exercise not in the plan (a version swapped for a step)
    goes left of the steps, one column further for each swap between it and its step."""
    for i, (node, kind, label) in enumerate(zip(e.path, e.kinds, e.labels, strict=True)):
        if kind == "exercise" and node in steps:
            continue
        box = out.boxes.setdefault(node, Box(node, kind, _column_of(kind), label))
        if box.column == "version":
            box.grey = True
            box.depth = max(box.depth, _swaps_after(e, i))


def _add_left_out(out: Reasons, x: ExcludedExercise) -> None:
    """A left-out exercise in grey with its whole reason, and the condition that rules it
    out with its arrow."""
    box = out.boxes.setdefault(x.exercise_id, Box(x.exercise_id, "exercise", "version", ""))
    box.grey, box.depth = True, max(box.depth, 1)
    box.label = f"{x.name}: left out ({x.reason})"
    if x.condition:
        name = x.condition.replace("-", " ")
        out.boxes.setdefault(x.condition, Box(x.condition, "condition", "condition", name))
        words = EDGE_WORDS[("contraindicates", False)]
        out.arrows[x.condition, x.exercise_id] = Arrow(
            x.condition, x.exercise_id, "contraindicates", words
        )


def _column_of(kind: str) -> str:
    return "version" if kind == "exercise" else kind


def _drawable(e: Explanation, steps: dict[str, int]) -> bool:
    """Whether every node of the walk has a column, and every exercise of it is a step of the
    plan or a version swapped for one (a walk may name an exercise that a short plan left out:
    it cannot be drawn as a step)."""
    swapped = {
        n
        for a, b, edge in zip(e.path, e.path[1:], e.edges, strict=False)
        if edge.type in _VERSION_EDGES
        for n in (a, b)
    }
    return all(
        _column_of(k) in COLUMNS and (k != "exercise" or n in steps or n in swapped)
        for n, k in zip(e.path, e.kinds, strict=True)
    )


def _swaps_after(e: Explanation, i: int) -> int:
    """How many version swaps lie between the walk's ``i``-th node and its end (the planned
    exercise): the column of versions that node goes in, counted from the plan leftwards."""
    return max(1, sum(1 for edge in e.edges[i:] if edge.type in _VERSION_EDGES))


def _move_unreferred_muscles(out: Reasons, walks: list[Explanation]) -> None:
    """A muscle with no walk from a painful place to it does not refer pain there: it goes to
    the column of muscles stretched, then strengthened."""
    referred = {
        node
        for e in walks
        for a, b in itertools.pairwise(e.path)
        for node in (a, b)
        if {out.boxes[a].kind, out.boxes[b].kind} == {"zone", "muscle"}
    }
    for box in out.boxes.values():
        if box.kind == "muscle" and box.id not in referred:
            box.column = "worked"


def _add_arrow(out: Reasons, a: str, b: str, edge: PathEdge, steps: dict[str, int]) -> None:
    """The edge between ``a`` and ``b``, drawn from the box further left, in the words that
    read that way; between two steps, from the one done first."""
    order = [key for key, _ in out.columns()]
    box_a, box_b = out.boxes[a], out.boxes[b]
    rank_a = (order.index(box_a.column), -box_a.depth)
    rank_b = (order.index(box_b.column), -box_b.depth)
    if rank_a == rank_b:
        if edge.type == "comes_before" and a in steps and b in steps:
            arrow = Arrow(edge.source, edge.target, edge.type, EDGE_WORDS[(edge.type, False)])
            if arrow not in out.before:
                out.before.append(arrow)
        return  # no other edge joins two boxes of one column
    if rank_b < rank_a:
        a, b = b, a
    words = EDGE_WORDS.get((edge.type, edge.source != a), edge.type)
    out.arrows.setdefault((a, b), Arrow(a, b, edge.type, words))
