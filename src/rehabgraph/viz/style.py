"""Shared drawing vocabulary: colours by node kind, words for edges, text helpers."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from rehabgraph.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["EDGE_WORDS", "KIND_COLOURS", "KIND_ORDER", "new_figure", "overlaps", "wrap"]

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
    ("comes_before", True): "first do",
    ("comes_before", False): "comes before",
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


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_on_hyphens=False)) or text


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
