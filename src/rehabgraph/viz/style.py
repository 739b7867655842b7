"""Shared drawing vocabulary: colours by node kind, words for edges, text helpers."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import TYPE_CHECKING, Any

from rehabgraph.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "EDGE_STYLES",
    "EDGE_WORDS",
    "KIND_COLOURS",
    "KIND_ORDER",
    "STEP_COLOUR",
    "fit",
    "new_figure",
    "overlaps",
    "size_of",
    "wrap",
]

KIND_ORDER = ("zone", "recommendation", "muscle", "imbalance", "exercise", "condition")
KIND_COLOURS = {
    "zone": "#f4a6a6",
    "recommendation": "#cdb8e8",
    "muscle": "#f6d28b",
    "imbalance": "#b9d7f0",
    "exercise": "#a9dfb0",
    "condition": "#d9d9d9",
}
KIND_TITLES = {
    "zone": "where it hurts",
    "recommendation": "guideline recommendation",
    "muscle": "muscle whose trigger points refer there",
    "imbalance": "imbalance",
    "exercise": "exercise",
    "condition": "condition",
}
# (edge type, walked against its direction?) -> words on the arrow, read along the walk
EDGE_WORDS = {
    ("refers_pain_to", True): "pain referred from",
    ("refers_pain_to", False): "refers pain to",
    ("involves", True): "in imbalance",
    ("involves", False): "involves",
    ("corrected_by", False): "corrected by",
    ("corrected_by", True): "corrects",
    ("targets", True): "worked by",
    ("targets", False): "works",
    ("comes_before", True): "do after",
    ("comes_before", False): "do before",
    ("regresses_to", False): "easier version",
    ("regresses_to", True): "harder version",
    ("progresses_to", False): "harder version",
    ("progresses_to", True): "easier version",
    ("contraindicates", False): "rules out",
    ("contraindicates", True): "ruled out by",
    ("covers", True): "guideline says",
    ("covers", False): "covers",
    ("recommends", False): "recommends",
    ("recommends", True): "recommended by",
}


def new_figure(width: float, height: float) -> Figure:
    """A Figure with an Agg canvas attached (so text can be measured), outside pyplot."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - exercised without the extra installed
        raise MissingDependencyError("matplotlib", "viz") from None
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


# edge type -> (colour, line style) of its arrows: the legend names them
EDGE_STYLES = {
    "refers_pain_to": ("#c0392b", "-"),
    "involves": ("#2a6f97", "-"),
    "corrected_by": ("#2d8a4e", "-"),
    "targets": ("#b5651d", "-"),
    "covers": ("#6a4c93", "-"),
    "recommends": ("#6a4c93", "--"),
    "comes_before": ("#222222", "-"),
    "regresses_to": ("#555555", ":"),
    "progresses_to": ("#555555", ":"),
    "contraindicates": ("#888888", "--"),
}
STEP_COLOUR = "#1e6b35"  # the disc behind a step number


def wrap(text: str, width: int) -> str:
    """``text`` in lines of about ``width`` characters, broken only between words: a word
    longer than a line keeps its own line whole (a cut word reads as another word)."""
    lines = textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=False)
    return "\n".join(lines) or text


def size_of(fig: Figure, text: Any) -> tuple[float, float]:
    """The width and height, in inches, of a drawn text (or any artist with a window extent).

    Measured with one renderer kept for the process (at the figure's resolution) rather than
    the figure's own: matplotlib keeps a text's measures per renderer, so the same words in
    the next picture (headings, the legend) are not measured again."""
    box = text.get_window_extent(_measurer(fig.dpi))
    return box.width / fig.dpi, box.height / fig.dpi


@cache
def _measurer(dpi: float) -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi)  # type: ignore[no-untyped-call]


def fit(fig: Figure, text: Any, width: float) -> None:
    """Wrap a drawn text between words until it is no wider than ``width`` inches (a single
    word wider than that stays whole: it is never cut)."""
    words = " ".join(text.get_text().split())
    chars = len(words)
    while size_of(fig, text)[0] > width and chars > 1:
        chars = max(1, min(chars - 1, int(chars * 0.9)))
        text.set_text(wrap(words, chars))


def overlaps(fig: Figure, texts: list[Any]) -> list[tuple[str, str]]:
    """Pairs of visible texts whose drawn boxes overlap (an empty list is the goal)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # an Agg canvas
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))  # an annotation's box too
        for t in texts
        if t.get_visible() and t.get_text().strip()
    ]
    found = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            if box_a.overlaps(box_b):
                found.append((a, b))
    return found


def arrow(  # noqa: PLR0913 - each is a way the plan's arrows differ
    *points: tuple[float, float],
    path: Any = None,
    colour: str,
    style: str = "-",
    scale: float = 8,
    width: float = 1.0,
    zorder: float = 2,
) -> Any:
    """One arrow of the pictures, from ``points[0]`` to ``points[1]`` or along ``path`` (a
    matplotlib Path), ending exactly at its end (no shrinking): every arrow drawn alike."""
    from matplotlib.patches import FancyArrowPatch

    return FancyArrowPatch(
        *points,
        path=path,
        arrowstyle="-|>",
        mutation_scale=scale,
        lw=width,
        ls=style,
        color=colour,
        shrinkA=0,
        shrinkB=0,
        zorder=zorder,
    )
