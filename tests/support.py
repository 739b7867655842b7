"""Shared test helpers."""

from __future__ import annotations

from functools import cache

import rehabgraph
from rehabgraph import Recommender


@cache
def unscreened() -> Recommender:
    """The bundled knowledge, for an app that screens for red flags elsewhere
    (``require_screening=False``): the tests that are about plans use it."""
    return Recommender(rehabgraph.load_knowledge(), require_screening=False)
