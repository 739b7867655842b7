"""Building the networkx graph: one node per zone, muscle, imbalance and exercise; one typed edge
per fact. Every node and edge carries the sources it comes from."""

from __future__ import annotations

from typing import Any

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import EDGE_ENDS, EDGES
from rehabgraph.knowledge.registry import LISTS, NODE_KINDS, graph_edges

__all__ = ["EDGE_TYPES", "NODE_KINDS", "build_graph", "edge_data", "node_of"]

EDGE_TYPES = tuple(EDGE_ENDS)


def build_graph(knowledge: Knowledge) -> Any:
    """Return a frozen ``networkx.MultiDiGraph``; edge keys are the edge types.

    Node attributes: ``kind``, ``name``, ``sources``, ``evidence``.
    Edge attributes: ``type``, ``sources``, ``evidence`` and, where the fact has one, ``how``
    (involves), ``action`` (targets), ``reason`` (comes_before, contraindicates) or ``note``
    (refers_pain_to). Nodes and edges are the ones the registry and the models' ``Edge``
    declarations name (knowledge/registry.py, knowledge/models.py).

    >>> from rehabgraph import load_knowledge
    >>> g = load_knowledge().graph
    >>> g.has_edge("vastus-lateralis", "knee-lateral", key="refers_pain_to")
    True
    """
    import networkx as nx  # not at import time: answering from compiled tables never needs it

    graph: Any = nx.MultiDiGraph(name=knowledge.version)
    for entries in LISTS:
        if not entries.node:
            continue
        for node_id, item in getattr(knowledge, entries.key).items():
            graph.add_node(
                node_id,
                kind=entries.kind,
                name=_name(item),
                sources=tuple(item.sources),
                evidence=item.evidence,
            )
    for etype, tail, head, fact in graph_edges(knowledge):
        graph.add_edge(tail, head, key=etype, **edge_data(etype, fact))
    return nx.freeze(graph)


def edge_data(etype: str, fact: Any) -> dict[str, Any]:
    """The attributes of the edge ``fact`` declares, as the graph holds them: ``type``,
    ``sources``, ``evidence`` and the fact's own (what a rule's ``where`` tests: a tuple)."""
    spec = EDGES[etype]
    attrs = {name: getattr(fact, name) for name in spec.attributes}
    if spec.edge.where is not None:
        value = attrs[spec.edge.where]
        attrs[spec.edge.where] = tuple(value) if isinstance(value, list) else (value,)
    return {"type": etype, "sources": tuple(fact.sources), "evidence": fact.evidence, **attrs}


def _name(item: Any) -> str:
    return str(getattr(item, "label", None) or item.name)


def node_of(knowledge: Knowledge, node_id: str) -> tuple[str, str]:
    """``(kind, name)`` of a node, as the graph has them, read off the knowledge (no graph).

    >>> from rehabgraph import load_knowledge
    >>> node_of(load_knowledge().knowledge, "vastus-lateralis")
    ('muscle', 'vastus lateralis')
    """
    for entries in LISTS:
        if entries.node:
            item = getattr(knowledge, entries.key).get(node_id)
            if item is not None:
                return str(entries.kind), _name(item)
    raise KeyError(node_id)
