"""rehabgraph: from where it hurts to what exercise to do, and why.

A knowledge graph links pain zones, the muscles whose trigger points refer pain there, muscle
imbalances and exercises; rules declared in the knowledge walk it, and every recommendation
carries the chain of facts, the rule and the sources behind it.

>>> import rehabgraph
>>> recommender = rehabgraph.Recommender.default()
>>> report = {"sites": [{"location": "pain on the outside of my right knee"}]}
>>> recommender.recommend(report).status  # safe by default: screen for red flags first
'needs_screening'
>>> report["answers"] = {q.id: False for q in recommender.screening(report)}
>>> rec = recommender.recommend(report)
>>> rec.status, [e.exercise_id for e in rec.exercises]
('exercise', ['glute-squeeze', 'vmo-step-down'])

Names are imported on first use, so ``import rehabgraph`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rehabgraph._version import __version__

__all__ = [
    "InvalidReportError",
    "KnowledgeBase",
    "KnowledgeError",
    "KnowledgeProblem",
    "PainReport",
    "Programme",
    "Recommendation",
    "Recommender",
    "RehabgraphError",
    "ReportError",
    "SessionRecord",
    "Site",
    "UnknownExerciseError",
    "UnknownLocationError",
    "__version__",
    "bundled_knowledge_path",
    "load_knowledge",
]

_LAZY: dict[str, str] = {
    "InvalidReportError": "rehabgraph.errors",
    "KnowledgeError": "rehabgraph.errors",
    "KnowledgeProblem": "rehabgraph.errors",
    "RehabgraphError": "rehabgraph.errors",
    "ReportError": "rehabgraph.errors",
    "UnknownExerciseError": "rehabgraph.errors",
    "UnknownLocationError": "rehabgraph.errors",
    "KnowledgeBase": "rehabgraph.graph.base",
    "PainReport": "rehabgraph.api.report",
    "Site": "rehabgraph.api.report",
    "SessionRecord": "rehabgraph.api.report",
    "Programme": "rehabgraph.api.programme",
    "Recommendation": "rehabgraph.api.recommendation",
    "Recommender": "rehabgraph.api.recommender",
    "bundled_knowledge_path": "rehabgraph.api.loading",
    "load_knowledge": "rehabgraph.api.loading",
}

if TYPE_CHECKING:
    from rehabgraph.api.loading import bundled_knowledge_path, load_knowledge
    from rehabgraph.api.programme import Programme
    from rehabgraph.api.recommendation import Recommendation
    from rehabgraph.api.recommender import Recommender
    from rehabgraph.api.report import PainReport, SessionRecord, Site
    from rehabgraph.errors import (
        InvalidReportError,
        KnowledgeError,
        KnowledgeProblem,
        RehabgraphError,
        ReportError,
        UnknownExerciseError,
        UnknownLocationError,
    )
    from rehabgraph.graph.base import KnowledgeBase


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rehabgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
