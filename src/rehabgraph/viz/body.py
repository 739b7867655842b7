"""body_map: a front and back outline with the painful zones shaded and the referring muscles
marked. Where each zone and muscle is drawn comes from body_layout.yaml beside this file: drawing
coordinates, not medical facts."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from rehabgraph.api.recommendation import Recommendation
from rehabgraph.viz.body_panel import ZONE_ALPHA, Panel, draw_panel, muscle_mark
from rehabgraph.viz.style import KIND_COLOURS, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["body_map", "zone_height", "zone_on_arm"]

_VIEWS = {"front": -1.6, "back": 1.6}  # x of each view's midline
_ARM_FROM = 0.8  # a zone this far from the midline, above the hips, is on the arm


@cache
def _layout() -> dict[str, Any]:
    text = resources.files("rehabgraph.viz").joinpath("body_layout.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def zone_height(zone_id: str) -> float:
    """How high the body map draws a zone (0 feet, 10 head; -1 when it has no place)."""
    spot = _layout()["zones"].get(zone_id)
    return float(spot["y"]) if spot is not None else -1.0


def zone_on_arm(zone_id: str) -> bool:
    """Whether the body map draws a zone on the arm (beside the trunk, above the hips)."""
    spot = _layout()["zones"].get(zone_id)
    return spot is not None and spot["lateral"] >= _ARM_FROM and spot["y"] >= _UPPER_FROM


def _x(view: str, side: str, lateral: float) -> float:
    """Screen x of a point ``lateral`` from the midline on the person's ``side``.

    From the front you see the person's right on your left; from the back, on your right.
    """
    sign = -1.0 if side == "right" else 1.0
    if view == "back":
        sign = -sign
    return _VIEWS[view] + sign * lateral


def _outline(ax: Any) -> None:
    from matplotlib.patches import Circle, Ellipse, FancyBboxPatch, Rectangle

    style: dict[str, Any] = {"fc": "#fbfbfb", "ec": "#888888", "lw": 1.0}
    for view, mid in _VIEWS.items():
        ax.add_artist(Circle((mid, 9.3), 0.45, **style))
        ax.add_artist(
            FancyBboxPatch(
                (mid - 0.75, 5.6), 1.5, 3.1, boxstyle="round,pad=0.05,rounding_size=0.3", **style
            )
        )
        for sign in (-1, 1):
            ax.add_artist(
                FancyBboxPatch(
                    (mid + sign * 0.42 - 0.3, 0.6),
                    0.6,
                    5.0,
                    boxstyle="round,pad=0.02,rounding_size=0.25",
                    **style,
                )
            )
            ax.add_artist(
                FancyBboxPatch(
                    (mid + sign * 0.95 - 0.14, 5.5),
                    0.28,
                    3.1,
                    boxstyle="round,pad=0.02,rounding_size=0.12",
                    **style,
                )
            )
            ax.add_artist(Ellipse((mid + sign * 0.95, 5.15), 0.3, 0.6, **style))  # the hand
        ax.add_artist(Rectangle((mid - 0.15, 8.6), 0.3, 0.35, **style))  # the neck
        ax.text(mid, 10.1, view, ha="center", va="bottom", fontsize=9, fontweight="bold")
        ax.text(mid - 1.25, 10.1, "R" if view == "front" else "L", fontsize=8, color="#666666")
        ax.text(mid + 1.25, 10.1, "L" if view == "front" else "R", fontsize=8, color="#666666")


def _draw_zones(
    ax: Any, rec: Recommendation, layout: dict[str, Any]
) -> tuple[list[str], dict[str, str | None]]:
    """Shade each reported zone on its side; returns the zones with no place in the layout,
    and the side said for each zone."""
    from matplotlib.patches import Ellipse

    not_drawn: list[str] = []
    zones_drawn: dict[str, str | None] = {}
    for site in rec.sites:
        for zone in site.zones:
            zones_drawn[zone.id] = site.side
            spot = layout["zones"].get(zone.id)
            if spot is None:
                not_drawn.append(zone.name)
                continue
            sides = (
                ["left", "right"]
                if site.side in (None, "both") or spot["lateral"] == 0
                else [site.side]
            )
            alpha = ZONE_ALPHA["unsaid" if site.side is None else "said"]
            for side in sides:
                ax.add_artist(
                    Ellipse(
                        (_x(spot["view"], side, spot["lateral"]), spot["y"]),
                        spot.get("w", 0.45),
                        spot.get("h", 0.45),
                        fc=KIND_COLOURS["zone"],
                        ec="#c0392b",
                        lw=1.0,
                        alpha=alpha,
                    )
                )
    return not_drawn, zones_drawn


def _referring_muscles(
    rec: Recommendation, zones_drawn: dict[str, str | None]
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The muscles the plan's walks say refer pain to a drawn zone (id -> name), and the
    sides each is marked on."""
    muscles: dict[str, str] = {}
    muscle_sides: dict[str, set[str]] = {}
    for ex in rec.exercises:
        for e in ex.explanations:
            if e.kinds[:2] == ("zone", "muscle") and e.path[0] in zones_drawn:
                muscles.setdefault(e.path[1], e.labels[1])
                side_said = zones_drawn[e.path[0]]
                sides_here = {"left", "right"} if side_said in (None, "both") else {side_said}
                muscle_sides.setdefault(e.path[1], set()).update(sides_here)
    return muscles, muscle_sides


_UPPER_VIEW = (4.6, 10.45)  # the heights shown when every zone drawn is in the upper body
_UPPER_FROM = 4.8  # a zone at or above this height is in the upper body
_MARK = 0.2  # a muscle's mark reaches this far from its centre, in map units


def _upper_only(rec: Recommendation, layout: dict[str, Any], muscles: list[str]) -> bool:
    """Whether every zone of the plan that has a place on the map is in the upper body, and
    every muscle marked lies within the upper body's view (a mark left out of the view would
    leave its number floating outside the map)."""
    spots = [layout["zones"].get(z.id) for site in rec.sites for z in site.zones]
    heights = [spot["y"] for spot in spots if spot is not None]
    marks = [layout["muscles"][m]["y"] for m in muscles if m in layout["muscles"]]
    return (
        bool(heights)
        and min(heights) >= _UPPER_FROM
        and min(marks, default=_UPPER_FROM) >= _UPPER_VIEW[0] + _MARK
    )


_MAP_H = 5.6  # the height of the map, title included, in inches
_WIDTH = 8.0
_PANEL = (0.63, 0.35)  # the panel's left, as a share of the width, and its right margin


def body_map(rec: Recommendation) -> Figure:
    """A front and back body outline with the painful zones shaded on the reported side (both
    sides, lighter, when no side was given) and the muscles whose trigger points refer there
    marked with numbers; beside it a key to the marks and the numbered muscles. Returns a
    matplotlib Figure.

    >>> from rehabgraph import Recommender
    >>> fig = body_map(Recommender.default().recommend({"sites": [{"location": "heel"}]}))
    >>> fig.axes[0].get_title()
    'Where it hurts, and the muscles that can refer pain there'
    """
    layout = _layout()
    fig = new_figure(width=_WIDTH, height=_MAP_H)
    ax = fig.add_axes((0.0, 0.0, 0.62, 0.93))
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-0.05, 10.8)  # room below the soles for a mark drawn there
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Where it hurts, and the muscles that can refer pain there", fontsize=10)
    _outline(ax)
    not_drawn, zones_drawn = _draw_zones(ax, rec, layout)
    muscles, muscle_sides = _referring_muscles(rec, zones_drawn)
    names = []
    for number, (muscle, name) in enumerate(sorted(muscles.items(), key=lambda m: m[1]), 1):
        spot = layout["muscles"].get(muscle)
        if spot is None:
            names.append(f"{name} (no place on this map)")
            continue
        names.append(name)
        for side in sorted(muscle_sides.get(muscle, {"right"})):
            muscle_mark(ax, _x(spot["view"], side, spot["lateral"]), spot["y"], number)
    if _upper_only(rec, layout, list(muscles)):  # the upper body, drawn larger
        ax.set_ylim(*_UPPER_VIEW)
    panel = fig.add_axes((_PANEL[0], 0.0, 1 - _PANEL[0], 1.0))
    panel.axis("off")
    panel_w = _WIDTH * (1 - _PANEL[0]) - _PANEL[1]
    shading = frozenset(
        "unsaid" if side is None else "said"
        for zone, side in zones_drawn.items()
        if zone in layout["zones"]
    )
    bottom = draw_panel(fig, panel, Panel(shading, names, not_drawn), (0.45, panel_w))
    height = max(_MAP_H, bottom + 0.2)
    fig.set_size_inches(_WIDTH, height)
    ax.set_position((0.0, (height - _MAP_H) / height, 0.62, 0.93 * _MAP_H / height))
    panel.set_xlim(0, _WIDTH * (1 - _PANEL[0]))
    panel.set_ylim(height, 0)
    return fig
