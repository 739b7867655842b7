"""A legend drawn as plain texts and patches in an axes measured in inches (y downwards).

Drawn by hand rather than with ``Axes.legend`` so that its texts can be measured before they
are placed: entries flow into rows that fit the width given, a text too wide for a row wraps
between words, and the space the legend takes is known before the figure is sized.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rehabgraph.viz.style import STEP_COLOUR, arrow, fit, size_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "BADGE_FONT",
    "BADGE_PAD",
    "SWATCH",
    "Entry",
    "arrow_swatch",
    "badge",
    "badge_swatch",
    "box_swatch",
    "flow",
]

SWATCH = 0.34  # the width of a swatch, in inches
_AFTER_SWATCH = 0.07
_BETWEEN = 0.26  # between two entries of a row
_ROW_GAP = 0.07
FONT = 7.5


@dataclass(frozen=True)
class Entry:
    """A swatch drawn by ``draw(ax, x, y)`` (its left end at x, centred on y) and its words."""

    draw: Callable[[Any, float, float], None]
    text: str


def box_swatch(colour: str, edge: str = "#555555") -> Callable[[Any, float, float], None]:
    def draw(ax: Any, x: float, y: float) -> None:
        from matplotlib.patches import FancyBboxPatch

        ax.add_artist(
            FancyBboxPatch(
                (x + 0.03, y - 0.055),
                SWATCH - 0.06,
                0.11,
                boxstyle="round,pad=0.01,rounding_size=0.03",
                fc=colour,
                ec=edge,
                lw=0.8,
            )
        )

    return draw


def arrow_swatch(colour: str, style: str) -> Callable[[Any, float, float], None]:
    def draw(ax: Any, x: float, y: float) -> None:
        ax.add_artist(arrow((x, y), (x + SWATCH, y), colour=colour, style=style, zorder=1))

    return draw


BADGE_FONT = 7.0
BADGE_PAD = 0.25  # around a step number, inside its disc, in units of the font size


def badge(ax: Any, x: float, y: float, step: int, fontsize: float = BADGE_FONT) -> Any:
    """A step number in a disc, centred on (x, y)."""
    return ax.text(
        x,
        y,
        str(step),
        ha="center",
        va="center",
        fontsize=fontsize,
        fontweight="bold",
        color="white",
        zorder=4,
        bbox={"boxstyle": f"circle,pad={BADGE_PAD}", "fc": STEP_COLOUR, "ec": "none"},
    )


def badge_swatch(ax: Any, x: float, y: float) -> None:
    badge(ax, x + SWATCH / 2, y, 1, fontsize=6.5)


def flow(
    fig: Figure, ax: Any, entries: list[Entry], at: tuple[float, float], width: float
) -> float:
    """Draw ``entries`` in rows from ``at`` (left, top), no row wider than ``width``; returns
    the height drawn."""
    left, top = at
    if not entries:
        return 0.0
    placed: list[list[tuple[Entry, Any, float, float]]] = [[]]  # rows of (entry, text, w, h)
    used = 0.0
    for entry in entries:
        text = ax.text(0, 0, entry.text, fontsize=FONT, va="center", ha="left", color="#222222")
        fit(fig, text, width - SWATCH - _AFTER_SWATCH)  # too wide even alone in a row
        w, h = size_of(fig, text)
        need = SWATCH + _AFTER_SWATCH + w
        if placed[-1] and used + _BETWEEN + need > width:
            placed.append([])
            used = 0.0
        used += (_BETWEEN if placed[-1] else 0.0) + need
        placed[-1].append((entry, text, w, h))
    y = top
    for row in placed:
        tall = max(h for _, _, _, h in row)
        x = left
        for entry, text, w, _ in row:
            entry.draw(ax, x, y + tall / 2)
            text.set_position((x + SWATCH + _AFTER_SWATCH, y + tall / 2))
            x += SWATCH + _AFTER_SWATCH + w + _BETWEEN
        y += tall + _ROW_GAP
    return y - top - _ROW_GAP
