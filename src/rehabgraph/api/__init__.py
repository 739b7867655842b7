"""The public API: load knowledge, build a Recommender, turn PainReports into Recommendations."""

from rehabgraph.api.loading import bundled_knowledge_path, load_knowledge
from rehabgraph.api.recommendation import Recommendation
from rehabgraph.api.recommender import Recommender
from rehabgraph.api.report import PainReport, Site

__all__ = [
    "PainReport",
    "Recommendation",
    "Recommender",
    "Site",
    "bundled_knowledge_path",
    "load_knowledge",
]
