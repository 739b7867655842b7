"""The props of an exercise drawing (rehabgraph.viz.exercise): furniture, bands, balls, arrows.

Each kind of prop is one small drawer, chosen by the prop's ``kind``; where a prop stands comes
from the pose (``rehabgraph.knowledge.pose_models``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rehabgraph.knowledge.pose_models import Prop, locate

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ACCENT", "BAND", "draw_prop", "prop_extent"]

ACCENT = "#d1495b"  # what moves or pushes
BAND = "#2a9d8f"
_WOOD, _WOOD_FILL = "#8d6e63", "#eadbc8"
_METAL = "#444444"
_CHAIR_BACK = 45.0  # how far a chair's back rises above its seat
_SEAT = 3.0  # the thickness of a seat or a table top
_BOX_KINDS = frozenset({"step", "stool", "table", "bed", "wall", "doorway", "mirror"})

Point = tuple[float, float]
_Drawer = Callable[["Axes", Point, Sequence[float], Prop, str], None]


def prop_extent(prop: Prop, points: Mapping[str, Point]) -> Iterable[Point]:
    """The corners of what a prop covers, to fit the view around it."""
    if prop.points:
        return [locate(w, points) for w in prop.points]
    if prop.at is None:  # pragma: no cover - a prop's model requires `at` or `points`
        return []
    x, y = locate(prop.at, points)
    size = prop.size or [8.0]
    if prop.kind == "rail":
        return [(x - 8, 0.0), (x + 8, y + 2)]
    if prop.kind == "chair":
        return [(x, y), (x + size[0], y + size[1] + _CHAIR_BACK)]
    if prop.kind in _BOX_KINDS:
        return [(x, y), (x + size[0], y + size[1])]
    half = max(size) / 2 + 2
    return [(x - half, y - half), (x + half, y + half)]


def draw_prop(ax: Axes, prop: Prop, points: Mapping[str, Point], view: str) -> None:
    """Draw one prop in a frame whose figure stands at ``points``."""
    if prop.points:
        _line(ax, prop, [locate(w, points) for w in prop.points])
    elif prop.at is not None:
        _DRAWERS[prop.kind](ax, locate(prop.at, points), prop.size or [], prop, view)


def _line(ax: Axes, prop: Prop, where: Sequence[Point]) -> None:
    xs, ys = zip(*where, strict=True)
    if prop.kind == "band":
        ax.plot(xs, ys, color=BAND, lw=2.4, solid_capstyle="round", zorder=3.5)
    else:  # a FlexBar
        ax.plot(xs, ys, color="#b5651d", lw=5.5, solid_capstyle="round", zorder=4.5)


def _box(ax: Axes, at: Point, size: Sequence[float], prop: Prop, _view: str) -> None:
    from matplotlib.patches import Rectangle

    w, h = size
    face, edge, hatch, zorder = {
        "step": (_WOOD_FILL, _WOOD, None, 1.5),
        "bed": ("#e3eaf2", "#8aa1b8", None, 1.5),
        "wall": ("#e4e4e4", "#9e9e9e", "///", 1.2),
        "doorway": ("#ecdcc4", _WOOD, None, 1.2),
        "mirror": ("#e3f4fb", "#6aa9c4", None, 1.2),
    }[prop.kind]
    ax.add_patch(Rectangle(at, w, h, fc=face, ec=edge, lw=1.5, hatch=hatch, zorder=zorder))
    if prop.kind == "mirror":  # a glint
        x, y = at
        ax.plot([x + w * 0.25, x + w * 0.6], [y + h * 0.55, y + h * 0.85], color="white", lw=2)


def _seat(ax: Axes, at: Point, size: Sequence[float], prop: Prop, view: str) -> None:
    """A stool, a table or a chair: a top on two legs (a chair's back behind, or beside)."""
    from matplotlib.patches import Rectangle

    (x, y), (w, h) = at, size
    if prop.kind == "chair" and view != "side":  # from the front: its back behind you
        ax.add_patch(
            Rectangle(
                (x + 3, y + h), w - 6, _CHAIR_BACK, fc="#f3ebe1", ec=_WOOD, lw=1.5, zorder=0.8
            )
        )
    ax.add_patch(
        Rectangle((x, y + h - _SEAT), w, _SEAT, fc=_WOOD_FILL, ec=_WOOD, lw=1.5, zorder=1.5)
    )
    for leg in (x + 2, x + w - 2):
        ax.plot([leg, leg], [y, y + h - _SEAT], color=_WOOD, lw=2, zorder=1.4)
    if prop.kind == "chair" and view == "side":
        back = x + w - 2 if prop.flip else x + 2
        ax.plot([back, back], [y + h, y + h + _CHAIR_BACK], color=_WOOD, lw=3, zorder=1.4)


def _rail(ax: Axes, at: Point, _size: Sequence[float], _prop: Prop, _view: str) -> None:
    x, y = at
    ax.plot([x, x], [0, y], color=_WOOD, lw=3, zorder=1.3)
    ax.plot([x - 7, x + 7], [y, y], color=_WOOD, lw=4, solid_capstyle="round", zorder=1.3)


def _soft(ax: Axes, at: Point, size: Sequence[float], prop: Prop, _view: str) -> None:
    """A cushion, or a towel laid flat: a rounded box centred on ``at``."""
    from matplotlib.patches import FancyBboxPatch

    w, h = (size[0], size[1]) if len(size) > 1 else (size[0] if size else 22.0, 6.0)
    face, edge = ("#e3d5ef", "#9c7fb8") if prop.kind == "cushion" else ("#bfe3f2", "#5aa5c8")
    ax.add_patch(
        FancyBboxPatch(
            (at[0] - w / 2, at[1] - h / 2),
            w,
            h,
            boxstyle=f"round,pad=0.3,rounding_size={min(w, h) / 2:.2f}",
            fc=face,
            ec=edge,
            lw=1.2,
            zorder=1.6,
        )
    )


def _round(ax: Axes, at: Point, size: Sequence[float], prop: Prop, view: str) -> None:
    """A rolled towel, a ball or a ring of elastic: a circle centred on ``at``."""
    from matplotlib.patches import Circle

    if prop.kind == "towel" and len(size) > 1:  # laid flat
        _soft(ax, at, size, prop, view)
        return
    style = {
        "towel": ("#bfe3f2", "#5aa5c8", 1.2, 1.6),
        "ball": ("#f2d16b", "#b8951f", 1.3, 5.5),
        "ring": ("none", BAND, 2.2, 6.6),
    }[prop.kind]
    face, edge, width, zorder = style
    diameter = size[0] if size else 7.0
    ax.add_patch(Circle(at, diameter / 2, fc=face, ec=edge, lw=width, zorder=zorder))


def _weight(ax: Axes, at: Point, size: Sequence[float], prop: Prop, _view: str) -> None:
    """A dumbbell centred on ``at`` along ``angle``; an ankle weight, a dark strap."""
    from matplotlib.patches import FancyBboxPatch

    x, y = at
    length = size[0] if size else (8.0 if prop.kind == "ankle-weight" else 11.0)
    if prop.kind == "ankle-weight":
        ax.add_patch(
            FancyBboxPatch(
                (x - length / 2, y - length / 3),
                length,
                length * 0.66,
                boxstyle="round,pad=0.4,rounding_size=1.5",
                fc="#5c5c5c",
                ec="#333333",
                lw=1,
                zorder=4.6,
            )
        )
        return
    ux, uy = math.cos(math.radians(prop.angle)), math.sin(math.radians(prop.angle))
    half = length / 2
    bar = ([x - ux * half, x + ux * half], [y - uy * half, y + uy * half])
    ax.plot(*bar, color=_METAL, lw=2.5, zorder=5.6)
    for end in (-1.0, 1.0):
        cx, cy = x + ux * half * end, y + uy * half * end
        plate = ([cx - uy * 3.2, cx + uy * 3.2], [cy + ux * 3.2, cy - ux * 3.2])
        ax.plot(*plate, color=_METAL, lw=5.5, solid_capstyle="butt", zorder=5.6)


def _anchor(ax: Axes, at: Point, _size: Sequence[float], _prop: Prop, _view: str) -> None:
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((at[0] - 2.2, at[1] - 2.2), 4.4, 4.4, fc=_METAL, ec=_METAL, zorder=3.6))


def _arrow(ax: Axes, at: Point, size: Sequence[float], prop: Prop, _view: str) -> None:
    """A push or a movement: an arrow from ``at`` along ``angle``."""
    from matplotlib.patches import FancyArrow

    length = size[0] if size else 14.0
    dx = math.cos(math.radians(prop.angle)) * length
    dy = math.sin(math.radians(prop.angle)) * length
    ax.add_patch(
        FancyArrow(
            at[0],
            at[1],
            dx,
            dy,
            width=max(0.8, length * 0.11),
            head_width=length * 0.45,
            head_length=length * 0.38,
            length_includes_head=True,
            fc=ACCENT,
            ec=ACCENT,
            zorder=7,
        )
    )


_DRAWERS: dict[str, _Drawer] = {
    **dict.fromkeys(("step", "bed", "wall", "doorway", "mirror"), _box),
    **dict.fromkeys(("stool", "table", "chair"), _seat),
    "rail": _rail,
    "cushion": _soft,
    **dict.fromkeys(("towel", "ball", "ring"), _round),
    **dict.fromkeys(("weight", "ankle-weight"), _weight),
    "anchor": _anchor,
    "arrow": _arrow,
}
