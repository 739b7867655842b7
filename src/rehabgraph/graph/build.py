"""Building the networkx graph: one node per zone, muscle, imbalance and exercise; one typed edge
per fact. Every node and edge carries the sources it comes from."""

from __future__ import annotations

from typing import Any

import networkx as nx

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import EDGE_ENDS

__all__ = ["EDGE_TYPES", "NODE_KINDS", "build_graph"]

NODE_KINDS = ("zone", "muscle", "imbalance", "exercise", "condition")
EDGE_TYPES = tuple(EDGE_ENDS)


def build_graph(knowledge: Knowledge) -> Any:
    """Return a frozen ``networkx.MultiDiGraph``; edge keys are the edge types.

    Node attributes: ``kind``, ``name``, ``sources``, ``evidence``.
    Edge attributes: ``type``, ``sources``, ``evidence`` and, where the fact has one, ``how``
    (involves), ``action`` (targets) or ``reason`` (comes_before, contraindicates).

    >>> from rehabgraph import load_knowledge
    >>> g = load_knowledge().graph
    >>> g.has_edge("vastus-lateralis", "knee-lateral", key="refers_pain_to")
    True
    """
    graph: Any = nx.MultiDiGraph(name=knowledge.version)
    for kind, table in (
        ("zone", knowledge.zones),
        ("muscle", knowledge.muscles),
        ("imbalance", knowledge.imbalances),
        ("exercise", knowledge.exercises),
        ("condition", knowledge.conditions),
    ):
        for node_id, item in table.items():
            graph.add_node(
                node_id,
                kind=kind,
                name=item.name,
                sources=tuple(item.sources),
                evidence=item.evidence,
            )

    def edge(
        u: str, v: str, etype: str, sources: list[str], evidence: str | None, **attrs: Any
    ) -> None:
        graph.add_edge(
            u, v, key=etype, type=etype, sources=tuple(sources), evidence=evidence, **attrs
        )

    for r in knowledge.referrals:
        edge(r.muscle, r.zone, "refers_pain_to", r.sources, r.evidence, note=r.note)
    for imbalance in knowledge.imbalances.values():
        for inv in imbalance.involves:
            edge(
                imbalance.id, inv.muscle, "involves", inv.sources, inv.evidence, how=tuple(inv.how)
            )
    for exercise in knowledge.exercises.values():
        for t in exercise.targets:
            edge(exercise.id, t.muscle, "targets", t.sources, t.evidence, action=(t.action,))
        for c in exercise.corrects:
            edge(c.imbalance, exercise.id, "corrected_by", c.sources, c.evidence)
        for b in exercise.before:
            edge(exercise.id, b.exercise, "comes_before", b.sources, b.evidence, reason=b.reason)
        if exercise.regression is not None:
            v = exercise.regression
            edge(exercise.id, v.exercise, "regresses_to", v.sources, v.evidence)
        if exercise.progression is not None:
            v = exercise.progression
            edge(exercise.id, v.exercise, "progresses_to", v.sources, v.evidence)
        for ci in exercise.contraindications:
            edge(
                ci.condition,
                exercise.id,
                "contraindicates",
                ci.sources,
                ci.evidence,
                reason=ci.reason,
            )
    return nx.freeze(graph)
