"""Pictures of the reasoning: the explanation graph, a body map, the knowledge graph, a
programme over weeks; and of the exercises themselves, as line drawings.

Needs the ``viz`` extra (``pip install "rehabgraph[viz]"``, matplotlib only: no system binaries,
works offline). Every function returns a ``matplotlib.figure.Figure`` (``exercise_svg`` its
SVG); layouts are fixed, so the same recommendation always gives the same picture.
"""

from rehabgraph.viz.body import body_map
from rehabgraph.viz.exercise import draw_exercise, exercise_svg
from rehabgraph.viz.explanation import draw_explanation
from rehabgraph.viz.knowledge import draw_knowledge
from rehabgraph.viz.programme import draw_programme

__all__ = [
    "body_map",
    "draw_exercise",
    "draw_explanation",
    "draw_knowledge",
    "draw_programme",
    "exercise_svg",
]
