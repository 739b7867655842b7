"""The panel beside the body map: a key to its colours and marks, and the numbered muscles.

Every text is wrapped between words to the panel's width and stacked by its measured height,
so a long muscle name or a long list makes the panel (and the figure) taller instead of running
off the edge or being cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rehabgraph.viz.style import KIND_COLOURS, fit, size_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["ZONE_ALPHA", "Panel", "draw_panel", "muscle_mark"]

ZONE_ALPHA = {"said": 0.75, "unsaid": 0.45}  # a zone on the side said; on both, none said
_FONT = 8.0
_SWATCH = 0.36
_GAP = 0.08
_NUMBER = 0.26  # room for "12." before a muscle's name


def muscle_mark(ax: Any, x: float, y: float, number: int, size: float = 10) -> None:
    """A muscle's numbered disc on the map (and in the key)."""
    ax.plot(
        [x],
        [y],
        marker="o",
        ms=size,
        mfc=KIND_COLOURS["muscle"],
        mec="#8a6d1d",
        lw=0,
        alpha=0.85,
        zorder=4,
    )
    ax.text(x, y, str(number), ha="center", va="center", fontsize=7, zorder=5)


def _zone_swatch(alpha: float) -> Callable[[Any, float, float], None]:
    def draw(ax: Any, x: float, y: float) -> None:
        from matplotlib.patches import Ellipse

        ax.add_artist(
            Ellipse(
                (x + _SWATCH / 2, y),
                0.26,
                0.15,
                fc=KIND_COLOURS["zone"],
                ec="#c0392b",
                lw=1.0,
                alpha=alpha,
            )
        )

    return draw


def _sides_swatch(ax: Any, x: float, y: float) -> None:
    ax.text(x + 0.02, y, "R  L", ha="left", va="center", fontsize=8, color="#666666")


@dataclass(frozen=True)
class Panel:
    """What the panel shows: the zone shadings the map uses ("said", "unsaid"), the muscles'
    names in the order of their numbers, and the zones the map has no place for."""

    shading: frozenset[str]
    muscles: list[str]
    not_drawn: list[str]


def draw_panel(fig: Figure, ax: Any, panel: Panel, frame: tuple[float, float]) -> float:
    """Draw the key and the list from ``frame`` (top, width) down, in an axes measured in
    inches. Returns the bottom of what was drawn."""
    y, width = frame
    shading, muscles, not_drawn = panel.shading, panel.muscles, panel.not_drawn
    key: list[tuple[Callable[[Any, float, float], None], str]] = []
    if "said" in shading:
        key.append((_zone_swatch(ZONE_ALPHA["said"]), "where it hurts, on the side you said"))
    if "unsaid" in shading:
        key.append(
            (
                _zone_swatch(ZONE_ALPHA["unsaid"]),
                "where it hurts, no side said: shown on both sides",
            )
        )
    if muscles:
        key.append(
            (
                lambda ax_, x, y_: muscle_mark(ax_, x + _SWATCH / 2, y_, 1, size=9),
                "a muscle whose trigger points can refer pain there, by its number below",
            )
        )
    key.append((_sides_swatch, "the person's right and left: the back is seen from behind"))
    y = _line(fig, ax, "Key", (0.0, y, width), bold=True)
    for draw, words in key:
        text = ax.text(_SWATCH + 0.08, y, words, ha="left", va="top", fontsize=_FONT)
        fit(fig, text, width - _SWATCH - 0.08)
        h = size_of(fig, text)[1]
        draw(ax, 0.0, y + h / 2)
        y += h + _GAP
    y += _GAP
    y = _line(
        fig, ax, "Muscles whose trigger points can refer pain to these places:", (0, y, width)
    )
    if not muscles:
        y = _line(fig, ax, "(none in this plan)", (0.0, y, width))
    for number, name in enumerate(muscles, 1):
        ax.text(0.0, y, f"{number}.", ha="left", va="top", fontsize=_FONT)
        y = _line(fig, ax, name, (_NUMBER, y, width - _NUMBER))
    if not_drawn:
        y = _line(fig, ax, "Not drawn: " + ", ".join(not_drawn), (0.0, y + _GAP, width))
    return y


def _line(
    fig: Figure, ax: Any, words: str, at: tuple[float, float, float], *, bold: bool = False
) -> float:
    """A text at (left, top), wrapped to ``width``; returns the top of the next one."""
    left, top, width = at
    text = ax.text(
        left, top, words, ha="left", va="top", fontsize=_FONT, fontweight="bold" if bold else None
    )
    fit(fig, text, width)
    return top + size_of(fig, text)[1] + _GAP
