"""Pictures that stay readable: every bundled zone's plan (each side of a sided zone) and the
largest plan with no cap on its size, drawn and measured with the renderer. No text covers
another, every text lies inside the figure, every name is drawn whole (wrapped between words,
never cut), every box under a heading has the arrow the heading promises, the steps are
numbered 1..n and each "do before" arrow goes from the earlier step to the later one."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.transforms import Bbox

from rehabgraph import Recommendation, Recommender
from rehabgraph.viz import body_map, draw_explanation
from rehabgraph.viz.layers import Layered, crossings
from rehabgraph.viz.reasons import reasons
from tests.support import unscreened

R = unscreened()
ZONES = sorted(R.knowledge_base.knowledge.zones.values(), key=lambda z: z.id)
TOLERANCE = 1.0  # pixels two texts may share at their edges (anti-aliasing, rounding)


def _plans(zone: Any) -> Iterator[Recommendation]:
    """The default plan for ``zone``, on each side when it has sides."""
    for side in ("left", "right") if zone.sided else (None,):
        site = {"location": zone.id, **({"side": side} if side else {})}
        yield R.recommend({"sites": [site]})


@cache
def _largest() -> Recommendation:
    """The largest plan over the bundled zones when plans are not capped."""
    big = Recommender(R.knowledge_base, require_screening=False, max_exercises=1000)
    plans = [big.recommend({"sites": [{"location": z.id}]}) for z in ZONES]
    return max(
        plans, key=lambda r: (len(r.exercises), sum(len(e.explanations) for e in r.exercises))
    )


@cache
def _renderer(dpi: float) -> RendererAgg:
    return RendererAgg(1, 1, dpi)


def _texts(fig: Any) -> list[Any]:
    texts = [*fig.texts, *(t for ax in fig.axes for t in ax.texts)]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _words(text: str) -> str:
    return " ".join(text.split())


def _unreadable(fig: Any, *, draw: bool = True) -> list[str]:
    """Texts that overlap another or stick out of the figure, as the renderer measures them.

    ``draw=False`` measures with an Agg renderer of the same resolution, kept for the module,
    without painting the pixels: the measures are the same, matplotlib remembers those of words
    met before, and painting every zone's pictures would take most of the time this module is
    allowed."""
    if draw:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
    else:
        renderer = _renderer(fig.dpi)
    boxes = []
    for t in _texts(fig):
        box = t.get_window_extent(renderer)
        patch = t.get_bbox_patch()
        if patch is not None:  # a box around the text: the box must not touch either
            t.update_bbox_position_size(renderer)
            box = Bbox.union([box, patch.get_window_extent(renderer)])
        boxes.append((_words(t.get_text()), box.padded(-TOLERANCE)))
    width, height = fig.bbox.width, fig.bbox.height
    problems = [
        f"outside the figure: {words!r}"
        for words, b in boxes
        if b.x0 < 0 or b.y0 < 0 or b.x1 > width or b.y1 > height
    ]
    for i, (a, box_a) in enumerate(boxes):
        problems.extend(
            f"{a!r} overlaps {b!r}" for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)
        )
    if any("..." in w or "\u2026" in w for w, _ in boxes):
        problems.append("a text is cut with an ellipsis")
    return problems


def _names(rec: Recommendation) -> dict[str, set[str]]:
    """Node id -> the names it may be drawn with, whole."""
    names: dict[str, set[str]] = {}
    for site in rec.sites:
        for z in site.zones:
            names.setdefault(z.id, set()).add(z.name + (f" ({site.side})" if site.side else ""))
    for ex in rec.exercises:
        names.setdefault(ex.exercise_id, set()).add(ex.name)
        for e in ex.explanations:
            for node, label in zip(e.path, e.labels, strict=True):
                names.setdefault(node, set()).add(label)
    for x in rec.excluded:
        names.setdefault(x.exercise_id, set()).add(f"{x.name}: left out ({x.reason})")
        if x.condition:
            names.setdefault(x.condition, set()).add(x.condition.replace("-", " "))
    return names


def _boxes(fig: Any) -> dict[str, tuple[str, str]]:
    """Node id -> (column, words) of each box of an explanation picture."""
    out = {}
    for t in fig.axes[0].texts:
        gid = t.get_gid() or ""
        if gid.startswith("box:"):
            _, column, node = gid.split(":")
            out[node] = (column, _words(t.get_text()))
    return out


def _arrows(fig: Any) -> list[tuple[str, str, str]]:
    """(type, from, to) of each arrow between columns."""
    return [
        (kind, a, b)
        for p in fig.axes[0].patches
        if (p.get_gid() or "").startswith("arrow:")
        for _, kind, a, b in [p.get_gid().split(":")]
    ]


def _explanation_problems(rec: Recommendation, fig: Any, *, draw: bool = True) -> list[str]:
    problems = _unreadable(fig, draw=draw)
    names, boxes = _names(rec), _boxes(fig)
    wanted = {z.id for s in rec.sites for z in s.zones} | {e.exercise_id for e in rec.exercises}
    problems += [f"no box for {node}" for node in sorted(wanted - set(boxes))]
    problems += [
        f"{node} drawn as {words!r}, not whole"
        for node, (_, words) in boxes.items()
        if words not in {_words(n) for n in names.get(node, ())}
    ]
    arrows = _arrows(fig)
    into = {(kind, b) for kind, _, b in arrows}
    out_of = {a for _, a, _ in arrows}
    for node, (column, _) in boxes.items():
        if column == "muscle" and ("refers_pain_to", node) not in into:
            problems.append(f"{node} is under 'refer pain there' with no arrow from the place")
        if column in {"imbalance", "recommendation"} and not (
            node in out_of and any(b == node for _, b in into)
        ):
            problems.append(f"{node} ({column}) is not on a chain of arrows")
        if column in {"worked", "condition"} and node not in out_of:
            problems.append(f"{node} ({column}) explains nothing")
    return problems


@pytest.mark.parametrize("zone", ZONES, ids=lambda z: z.id)
def test_every_zone_plan_is_drawn_readable(zone: Any) -> None:
    for rec in _plans(zone):
        problems = _explanation_problems(rec, draw_explanation(rec), draw=False)
        assert not problems, problems
        body = body_map(rec)
        problems = _unreadable(body, draw=False)
        drawn = "\n".join(_words(t.get_text()) for t in _texts(body))
        problems += [
            f"{label} not drawn whole on the body map"
            for ex in rec.exercises
            for e in ex.explanations
            if e.kinds[:2] == ("zone", "muscle")
            for label in e.labels[1:2]
            if label not in drawn.split("\n")
            and f"{label} (no place on this map)" not in drawn.split("\n")
        ]
        assert not problems, problems


def test_the_largest_uncapped_plan_is_drawn_readable() -> None:
    rec = _largest()
    assert len(rec.exercises) > 6  # larger than the default cap: the case the picture must bear
    problems = _explanation_problems(rec, draw_explanation(rec))
    problems += _explanation_problems(rec, draw_explanation(rec, steps_in_order=True))
    problems += _unreadable(body_map(rec))
    assert not problems, problems


def _steps(fig: Any) -> dict[int, tuple[str, float]]:
    """Step number -> (exercise id, height of its number) as drawn."""
    out = {}
    for t in fig.axes[0].texts:
        gid = t.get_gid() or ""
        if gid.startswith("step:"):
            _, number, node = gid.split(":")
            assert t.get_text() == number
            out[int(number)] = (node, t.get_position()[1])
    return out


@pytest.mark.parametrize(
    "report",
    [
        {"sites": [{"location": "outer knee", "side": "right"}]},
        {"sites": [{"location": "front of the knee"}]},
        {"sites": [{"location": "shoulder-side", "side": "left"}]},
        {"sites": [{"location": "low back"}, {"location": "outer knee", "side": "left"}]},
        None,  # the largest uncapped plan
    ],
)
def test_steps_are_numbered_and_do_before_arrows_go_forwards(report: Any) -> None:
    rec = _largest() if report is None else R.recommend(report)
    for in_order in (False, True):
        fig = draw_explanation(rec, steps_in_order=in_order)
        steps = _steps(fig)
        assert sorted(steps) == list(range(1, len(rec.exercises) + 1))
        assert [steps[n][0] for n in sorted(steps)] == [e.exercise_id for e in rec.exercises]
        if in_order:  # the steps read 1, 2, 3 down the page
            heights = [steps[n][1] for n in sorted(steps)]
            assert heights == sorted(heights)
        step_of = {node: n for n, (node, _) in steps.items()}
        height_of = dict(steps.values())
        wanted = {
            (edge.source, edge.target)
            for ex in rec.exercises
            for e in ex.explanations
            for edge in e.edges
            if edge.type == "comes_before" and {edge.source, edge.target} <= set(step_of)
        }
        drawn = {}
        for p in fig.axes[0].patches:
            gid = p.get_gid() or ""
            if gid.startswith("before:"):
                _, first, then = gid.split(":")
                drawn[first, then] = p._path_original.vertices
        assert set(drawn) == wanted
        words = {t.get_gid() for t in fig.axes[0].texts if t.get_text() == "do before"}
        for (first, then), verts in drawn.items():
            assert step_of[first] < step_of[then]  # from the step done first
            assert verts[0][1] == pytest.approx(height_of[first])  # starts at the first
            assert verts[-1][1] == pytest.approx(height_of[then])  # the head at the later
            assert f"before-words:{first}:{then}" in words
    if report is not None and report["sites"][0]["location"] == "outer knee":
        assert wanted == {("glute-squeeze", "vmo-step-down")}


def test_the_layout_orders_columns_against_crossings() -> None:
    found = reasons(_largest())
    columns = found.columns()

    def laid(*, steps_fixed: bool) -> Layered:
        met = [[b.id for b in found.boxes.values() if (b.column, b.depth) == c] for c in columns]
        fixed = {i for i, c in enumerate(columns) if steps_fixed and c[0] == "exercise"}
        lay = Layered(met, dict.fromkeys(found.boxes, 0.2), list(found.arrows), frozenset(fixed))
        lay.solve()
        return lay

    free, fixed = laid(steps_fixed=False), laid(steps_fixed=True)
    unordered = Layered(
        [[b.id for b in found.boxes.values() if (b.column, b.depth) == c] for c in columns],
        dict.fromkeys(found.boxes, 0.2),
        list(found.arrows),
    )
    unordered._split()
    before = crossings(unordered.columns, unordered.links())
    assert crossings(free.columns, free.links()) < crossings(fixed.columns, fixed.links()) < before
    assert free.columns == laid(steps_fixed=False).columns  # the same input, the same picture
    for lay in (free, fixed):  # no two boxes or passing arrows of a column closer than their gap
        for col in lay.columns:
            for a, b in itertools.pairwise(col):
                assert lay.y[b] - lay.y[a] >= lay._space(a, b) - 1e-9
