"""draw_exercise: an exercise as a line drawing, its start and end side by side.

The stick figure is the exercise's pose in the knowledge (``poses.yaml``, documented in
``rehabgraph.knowledge.pose_models``): joint directions and props a clinician can edit, not a
picture file. The bones that move between the frames are drawn in colour. The same exercise
always gives the same picture; :func:`exercise_svg` gives the same bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rehabgraph.api.recommendation import PlannedExercise
from rehabgraph.errors import UnknownExerciseError
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import Exercise
from rehabgraph.knowledge.pose_models import HEAD_RADIUS, Placed, Pose, locate
from rehabgraph.suggest import close_matches
from rehabgraph.viz._props import ACCENT, draw_prop, prop_extent
from rehabgraph.viz.style import new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["draw_exercise", "exercise_svg", "figure_svg"]

_INK = "#2b2b2b"  # the trunk, the head and the limbs nearer you
_FAR = "#a7a7a7"  # the limbs further from you, in a side view
_MOVES = ACCENT  # the bones that move between the frames
_MOVES_FAR = "#eba3ad"
_FLOOR = "#9e9e9e"
_TITLE_WIDTH = 70
_CAPTION_WIDTH = 46
_DETAIL_WIDTH = 112
_MOVED = 2.0  # a bone whose direction changes more than this many degrees moves
_PAD = 12.0  # around everything drawn in a panel
_SIDES = ("left", "right")
_ARM = ("elbow", "wrist", "hand")
_LEG = ("knee", "ankle", "foot")
_WIDTH, _HEIGHT = 8.4, 4.6
_PANELS = {  # [left, bottom, width, height] in figure fractions
    1: ((0.27, 0.25, 0.46, 0.6),),
    2: ((0.03, 0.25, 0.42, 0.6), (0.55, 0.25, 0.42, 0.6)),
}


def draw_exercise(
    exercise: str | Exercise | PlannedExercise,
    kb: KnowledgeBase | Knowledge | None = None,
) -> Figure:
    """The exercise as a line drawing: its start and end frames side by side with an arrow
    between them, the bones that move in colour, each frame captioned, and what it needs and
    how hard it is underneath.

    ``exercise`` is an id, an exercise of the knowledge, or a planned exercise of a
    recommendation; ``kb`` the knowledge it comes from (default: the bundled knowledge). An
    exercise the knowledge has no pose for is drawn as its name and a note saying so.

    >>> fig = draw_exercise("vmo-step-down")
    >>> fig.texts[0].get_text()
    'VMO step-down'
    """
    knowledge = _knowledge(kb)
    ex = _exercise(exercise, knowledge)
    fig = new_figure(_WIDTH, _HEIGHT)
    fig.text(
        0.5,
        0.975,
        wrap(ex.name[:1].upper() + ex.name[1:], _TITLE_WIDTH),
        ha="center",
        va="top",
        fontsize=14,
        weight="bold",
        color=_INK,
    )
    pose = knowledge.poses.get(ex.id)
    if pose is None:
        fig.text(
            0.5,
            0.55,
            wrap("No drawing of this exercise in the knowledge yet (poses.yaml).", 60),
            ha="center",
            va="center",
            fontsize=11,
            color="#666666",
        )
    else:
        _draw_pose(fig, pose)
    detail = _detail(ex, knowledge)
    if detail:
        fig.text(
            0.5,
            0.025,
            wrap(detail, _DETAIL_WIDTH),
            ha="center",
            va="bottom",
            fontsize=9,
            color="#555555",
        )
    return fig


def exercise_svg(
    exercise: str | Exercise | PlannedExercise,
    kb: KnowledgeBase | Knowledge | None = None,
) -> bytes:
    """:func:`draw_exercise` as SVG: small (text kept as text), and the same bytes every time
    (no date, a fixed seed for the ids).

    >>> exercise_svg("glute-bridge")[:5]
    b'<?xml'
    """
    return figure_svg(draw_exercise(exercise, kb))


def figure_svg(fig: Figure) -> bytes:
    """A figure as SVG, the same bytes for the same figure: no date, a fixed seed for the ids,
    text kept as text."""
    import matplotlib as mpl

    out = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "rehabgraph", "svg.fonttype": "none"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _knowledge(kb: KnowledgeBase | Knowledge | None) -> Knowledge:
    if kb is None:
        from rehabgraph.api.loading import load_knowledge

        kb = load_knowledge()
    return kb.knowledge if isinstance(kb, KnowledgeBase) else kb


def _exercise(exercise: str | Exercise | PlannedExercise, knowledge: Knowledge) -> Exercise:
    if isinstance(exercise, Exercise):
        return exercise
    exercise_id = exercise.exercise_id if isinstance(exercise, PlannedExercise) else exercise
    found = knowledge.exercises.get(exercise_id)
    if found is None:
        raise UnknownExerciseError(exercise_id, close_matches(exercise_id, knowledge.exercises))
    return found


def _detail(ex: Exercise, knowledge: Knowledge) -> str:
    """The line under the drawing: what it needs, how hard it is, which side is drawn."""
    parts = []
    if ex.equipment is not None:
        names = [
            knowledge.equipment[e].name if e in knowledge.equipment else e for e in ex.equipment
        ]
        parts.append(f"You need: {', '.join(names)}" if names else "You need: nothing")
    if ex.difficulty is not None:
        parts.append(f"Difficulty: {ex.difficulty}")
    if ex.sided:
        parts.append("One side shown: work the side your plan says")
    return ". ".join(parts) + "." if parts else ""


# --- the panels -------------------------------------------------------------------------------


def _draw_pose(fig: Figure, pose: Pose) -> None:
    frames = pose.placed()
    moving = _moving(frames)
    panels = _PANELS[len(frames)]
    limits = _limits(pose, frames, panels[0])
    for frame, placed, box in zip(pose.frames, frames, panels, strict=True):
        ax = fig.add_axes(box)
        ax.set_xlim(limits[0], limits[1])
        ax.set_ylim(limits[2], limits[3])
        ax.set_aspect("equal", adjustable="box")
        ax.axis("off")
        if pose.view == "top":
            _mat(ax, frames)
        else:
            _floor(ax, limits)
        for prop in (*pose.props, *frame.props):
            draw_prop(ax, prop, placed.points, pose.view)
        _figure(ax, placed, pose.view, moving)
        left, bottom, width, _ = box
        fig.text(
            left + width / 2,
            bottom - 0.02,
            wrap(frame.label, _CAPTION_WIDTH),
            ha="center",
            va="top",
            fontsize=10.5,
            color=_INK,
        )
    if len(frames) > 1:
        from matplotlib.patches import FancyArrowPatch

        fig.add_artist(
            FancyArrowPatch(
                (0.465, 0.55),
                (0.535, 0.55),
                transform=fig.transFigure,
                arrowstyle="-|>",
                mutation_scale=22,
                lw=2.2,
                color="#777777",
            )
        )


def _moving(frames: Sequence[Placed]) -> frozenset[str]:
    """The joints whose bone changes direction between the frames (the head's too when only
    the face turns: a nod)."""
    if len(frames) == 1:
        return frozenset()
    first, last = frames[0], frames[-1]
    moved = {
        j for j, a in first.angles.items() if abs((a - last.angles[j] + 180) % 360 - 180) > _MOVED
    }
    (fx, fy), (lx, ly) = first.face, last.face
    turned = (fx or fy) and fx * lx + fy * ly < math.cos(math.radians(_MOVED))  # a side view
    if turned or first.mouth != last.mouth:
        moved.add("head")
    moved.update(f"{side}_hand" for side in _SIDES if first.hands[side] != last.hands[side])
    return frozenset(moved)


def _limits(
    pose: Pose, frames: Sequence[Placed], box: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """One view for every panel: everything drawn (or the focus square), padded, stretched to
    the panel's shape so nothing is squeezed."""
    if pose.focus is not None:
        xs = [locate(pose.focus.at, p.points)[0] for p in frames]
        ys = [locate(pose.focus.at, p.points)[1] for p in frames]
        cx, cy, half = sum(xs) / len(xs), sum(ys) / len(ys), pose.focus.size / 2
        x0, x1, y0, y1 = cx - half, cx + half, cy - half, cy + half
    else:
        xs, ys = [], []
        for placed in frames:
            for x, y in placed.points.values():
                xs.append(x)
                ys.append(y)
            hx, hy = placed.points["head"]
            xs += [hx - HEAD_RADIUS, hx + HEAD_RADIUS]
            ys += [hy - HEAD_RADIUS, hy + HEAD_RADIUS]
            for prop in (*pose.props, *(f for frame in pose.frames for f in frame.props)):
                for x, y in prop_extent(prop, placed.points):
                    xs.append(x)
                    ys.append(y)
        x0, x1 = min(xs) - _PAD, max(xs) + _PAD
        floor = 0.0 if pose.view != "top" else min(ys)
        y0, y1 = min(*ys, floor) - _PAD / 2, max(ys) + _PAD
    fig_ratio = (box[2] * _WIDTH) / (box[3] * _HEIGHT)  # the panel's width over its height
    width, height = x1 - x0, y1 - y0
    if width / height < fig_ratio:
        grow = height * fig_ratio - width
        x0, x1 = x0 - grow / 2, x1 + grow / 2
    elif pose.view == "top":
        grow = width / fig_ratio - height
        y0, y1 = y0 - grow / 2, y1 + grow / 2
    else:
        grow = width / fig_ratio - height
        y1 += grow  # room above: the floor stays at the bottom
    return (x0, x1, y0, y1)


def _floor(ax: Axes, limits: tuple[float, float, float, float]) -> None:
    x0, x1, y0, _ = limits
    if y0 < 0:
        ax.fill_between([x0, x1], [y0, y0], [0, 0], color="#f1f1f1", lw=0, zorder=0)
        ax.plot([x0, x1], [0, 0], color=_FLOOR, lw=1.5, zorder=1)


def _mat(ax: Axes, frames: Sequence[Placed]) -> None:
    """Looking down on the floor: a mat under the figure."""
    from matplotlib.patches import FancyBboxPatch

    xs = [x for placed in frames for x, _ in placed.points.values()]
    ys = [y for placed in frames for _, y in placed.points.values()]
    ys += [placed.points["head"][1] + HEAD_RADIUS for placed in frames]
    x0, x1, y0, y1 = min(xs) - 14, max(xs) + 14, min(ys) - 8, max(ys) + 6
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            boxstyle="round,pad=0,rounding_size=6",
            fc="#f1f1f1",
            ec="#c9c9c9",
            lw=1.2,
            zorder=0,
        )
    )


# --- the figure -------------------------------------------------------------------------------


def _figure(ax: Axes, placed: Placed, view: str, moving: frozenset[str]) -> None:
    p = placed.points
    sides = ("right", "left") if view == "side" else _SIDES  # the far side first, behind
    for side in sides:
        far = view == "side" and side == "right"
        for root, joints in ((f"{side}_shoulder", _ARM), (f"{side}_hip", _LEG)):
            start = root
            for joint in joints:
                name = f"{side}_{joint}"
                colour = _colour(moves=name in moving, far=far)
                if joint == "hand":  # seen from the front, a hand near the face is in front
                    front = 6.5 if view != "side" else (2 if far else 4)
                    _hand(ax, (p[start], p[name]), placed.hands[side], colour=colour, zorder=front)
                else:
                    ax.plot(
                        *zip(p[start], p[name], strict=True),
                        color=colour,
                        lw=3.2 if joint == "foot" else 4.2,
                        solid_capstyle="round",
                        zorder=2 if far else 4,
                    )
                start = name
    ax.plot(
        *zip(p["pelvis"], p["neck"], strict=True),
        color=_colour(moves="neck" in moving, far=False),
        lw=5,
        solid_capstyle="round",
        zorder=3,
    )
    if view != "side":
        for a, b in (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")):
            ax.plot(
                *zip(p[a], p[b], strict=True), color=_INK, lw=4.2, solid_capstyle="round", zorder=3
            )
    _head(ax, placed, view, moves="head" in moving)


def _hand(
    ax: Axes,
    bone: tuple[tuple[float, float], tuple[float, float]],
    shape: str,
    *,
    colour: str,
    zorder: float,
) -> None:
    """A hand (``bone``: the wrist, the fingertips): a line, a fist, fanned fingers, or a line
    with its palm marked."""
    from matplotlib.patches import Circle, Wedge

    (wx, wy), (tx, ty) = bone
    dx, dy = tx - wx, ty - wy
    if shape == "fist":
        ax.add_patch(
            Circle((wx + dx * 0.45, wy + dy * 0.45), 3.6, fc=colour, ec=colour, zorder=zorder)
        )
        return
    if shape == "spread":
        angle = math.degrees(math.atan2(dy, dx))
        length = math.hypot(dx, dy)
        for turn in (-32.0, -11.0, 11.0, 32.0):
            rad = math.radians(angle + turn)
            ax.plot(
                [wx, wx + math.cos(rad) * length],
                [wy, wy + math.sin(rad) * length],
                color=colour,
                lw=2.0,
                solid_capstyle="round",
                zorder=zorder,
            )
        return
    ax.plot([wx, tx], [wy, wy + dy], color=colour, lw=3.2, solid_capstyle="round", zorder=zorder)
    if shape in ("palm-up", "palm-down"):
        angle = math.degrees(math.atan2(dy, dx))
        up = math.sin(math.radians(angle + 90)) >= 0  # is the hand's left side the upper one
        palm_left = up if shape == "palm-up" else not up
        start = angle if palm_left else angle + 180
        ax.add_patch(
            Wedge(
                ((wx + tx) / 2, (wy + ty) / 2),
                math.hypot(dx, dy) * 0.32,
                start,
                start + 180,
                fc="#f4c7b8",
                ec=colour,
                lw=1.0,
                zorder=zorder - 0.1,
            )
        )


def _colour(*, moves: bool, far: bool) -> str:
    if moves:
        return _MOVES_FAR if far else _MOVES
    return _FAR if far else _INK


def _head(ax: Axes, placed: Placed, view: str, *, moves: bool) -> None:
    from matplotlib.patches import Circle, Ellipse

    p = placed.points
    (nx, ny), (hx, hy) = p["neck"], p["head"]
    dx, dy = hx - nx, hy - ny
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length, dy / length  # up the head
    colour = _MOVES if moves else _INK
    ax.plot(
        [nx, hx - ux * HEAD_RADIUS],
        [ny, hy - uy * HEAD_RADIUS],
        color=colour,
        lw=4,
        solid_capstyle="round",
        zorder=3,
    )
    ax.add_patch(Circle((hx, hy), HEAD_RADIUS, fc="white", ec=_INK, lw=2.6, zorder=5))
    gap = {"closed": 0.0, "half": 2.2, "open": 4.4}[placed.mouth]
    if view != "side":
        for side in (-1.0, 1.0):  # the eyes
            ax.plot(
                [hx + side * 3.4 * uy + 2.2 * ux],
                [hy - side * 3.4 * ux + 2.2 * uy],
                "o",
                color=_INK,
                ms=2.6,
                zorder=6,
            )
        mx, my = hx - ux * 4.2, hy - uy * 4.2
        if gap:
            ax.add_patch(Ellipse((mx, my), 5.5, gap, fc=_INK, ec=_INK, zorder=6))
        else:
            ax.plot(
                [mx - 2.6 * uy, mx + 2.6 * uy],
                [my + 2.6 * ux, my - 2.6 * ux],
                color=_INK,
                lw=1.4,
                zorder=6,
            )
        return
    fx, fy = placed.face
    ax.plot(  # the nose
        [hx + fx * HEAD_RADIUS, hx + fx * (HEAD_RADIUS + 3.2)],
        [hy + fy * HEAD_RADIUS, hy + fy * (HEAD_RADIUS + 3.2)],
        color=colour,
        lw=2.2,
        solid_capstyle="round",
        zorder=6,
    )
    # the eye: towards the face, above the nose
    ex, ey = hx + fx * 4.5 + ux * 2.4, hy + fy * 4.5 + uy * 2.4
    ax.plot([ex], [ey], "o", color=_INK, ms=2.4, zorder=6)
    if gap:  # an open mouth: a dark wedge below the nose
        mx, my = hx + fx * (HEAD_RADIUS - 1.5) - ux * 4.5, hy + fy * (HEAD_RADIUS - 1.5) - uy * 4.5
        ax.add_patch(Ellipse((mx, my), 3.2, gap, angle=0, fc=_INK, ec=_INK, zorder=6))
