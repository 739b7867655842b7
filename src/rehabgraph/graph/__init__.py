"""The knowledge graph: typed nodes and typed edges built from validated knowledge."""

from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.graph.build import EDGE_TYPES, NODE_KINDS, build_graph

__all__ = ["EDGE_TYPES", "NODE_KINDS", "KnowledgeBase", "build_graph"]
