"""The "do before" arrows of the explanation picture: brackets right of the steps, from the step
done first to the later one, each with its words beside it.

Brackets whose spans overlap stand in lanes side by side, each lane as wide as its words, so a
bracket never crosses another's words; words are moved along their bracket when another
bracket's end would run through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rehabgraph.viz.style import EDGE_STYLES, arrow, size_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["WORDS", "Bracket", "draw_brackets", "lanes_width"]

WORDS = "do before"
_FONT = 6.5
_OUT = 0.12  # from the steps' right edge to the first lane
_ROUND = 0.07  # the radius of a bracket's corners
_CLEAR = 0.08  # words keep this far from another bracket's end


@dataclass(frozen=True)
class Bracket:
    """From ``first`` (its box's right edge at ``first_x``, height ``first_y``) to ``then``."""

    first: str
    then: str
    first_x: float
    first_y: float
    then_x: float
    then_y: float

    def span(self) -> tuple[float, float]:
        return min(self.first_y, self.then_y), max(self.first_y, self.then_y)


def _lanes(brackets: list[Bracket]) -> list[int]:
    """The lane of each bracket: the shortest spans nearest the steps, and no two brackets
    whose spans overlap in one lane."""
    taken: list[list[tuple[float, float]]] = []
    out = [0] * len(brackets)
    for i in sorted(range(len(brackets)), key=lambda i: (_length(brackets[i]), i)):
        lo, hi = brackets[i].span()
        lane = 0
        while lane < len(taken) and any(lo <= b and a <= hi for a, b in taken[lane]):
            lane += 1
        if lane == len(taken):
            taken.append([])
        taken[lane].append((lo, hi))
        out[i] = lane
    return out


def _length(b: Bracket) -> float:
    lo, hi = b.span()
    return hi - lo


def lanes_width(fig: Figure, brackets: list[Bracket]) -> float:
    """How much room right of the steps the brackets take (0 for none)."""
    if not brackets:
        return 0.0
    return _OUT + (max(_lanes(brackets)) + 1) * _lane(fig)


def _lane(fig: Figure) -> float:
    from matplotlib.text import Text

    probe = Text(0, 0, WORDS, fontsize=_FONT, figure=fig)
    return size_of(fig, probe)[0] + 0.12


def draw_brackets(fig: Figure, ax: Any, brackets: list[Bracket], edge: float) -> None:
    """Draw ``brackets`` right of ``edge`` (the steps' right edge)."""
    from matplotlib.path import Path

    colour, style = EDGE_STYLES["comes_before"]
    lanes, lane_w = _lanes(brackets), _lane(fig)
    for b, lane in zip(brackets, lanes, strict=True):
        x = edge + _OUT + lane * lane_w
        ya, yb = b.first_y, b.then_y
        r = min(_ROUND, abs(yb - ya) / 2)
        s = 1.0 if yb > ya else -1.0
        verts = [
            (b.first_x, ya),
            (x - r, ya),
            (x, ya),
            (x, ya + s * r),
            (x, yb - s * r),
            (x, yb),
            (x - r, yb),
            (b.then_x, yb),
        ]
        codes = [Path.MOVETO, Path.LINETO, Path.CURVE3, Path.CURVE3]
        codes += [Path.LINETO, Path.CURVE3, Path.CURVE3, Path.LINETO]
        patch = arrow(path=Path(verts, codes), colour=colour, style=style)
        patch.set_gid(f"before:{b.first}:{b.then}")
        ax.add_artist(patch)
        others = [
            y for o, o_lane in zip(brackets, lanes, strict=True) if o_lane > lane for y in o.span()
        ]
        words = ax.text(
            x + 0.04,
            _words_at(b, others),
            WORDS,
            ha="left",
            va="center",
            fontsize=_FONT,
            color=colour,
            zorder=2,
        )
        words.set_gid(f"before-words:{b.first}:{b.then}")


def _words_at(b: Bracket, ends: list[float]) -> float:
    """The height of a bracket's words: its middle, or the nearest place along it that no
    bracket further out crosses (their ends run level through this lane)."""
    lo, hi = b.span()
    mid = (lo + hi) / 2
    for k in range(int((hi - lo) / 0.05) + 1):
        for y in (mid + k * 0.05 / 2, mid - k * 0.05 / 2):
            if lo + _CLEAR / 2 <= y <= hi - _CLEAR / 2 and all(abs(y - e) > _CLEAR for e in ends):
                return y
    return mid
