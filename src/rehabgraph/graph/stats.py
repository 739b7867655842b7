"""Counting a knowledge base: nodes by kind, edges by type, evidence levels, the share cited."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rehabgraph.graph.base import KnowledgeBase

__all__ = ["knowledge_stats"]


def knowledge_stats(kb: KnowledgeBase) -> dict[str, Any]:
    """A JSON-ready summary of ``kb``.

    >>> from rehabgraph import load_knowledge
    >>> stats = knowledge_stats(load_knowledge())
    >>> stats["cited_share"]
    1.0
    """
    k = kb.knowledge
    graph = kb.graph
    nodes = Counter(data["kind"] for _, data in graph.nodes(data=True))
    edges = Counter(key for _, _, key in graph.edges(keys=True))
    evidence: Counter[str] = Counter()
    facts = cited = 0
    for _, data in graph.nodes(data=True):
        facts += 1
        cited += bool(data["sources"])
        evidence[data["evidence"]] += 1
    for *_, data in graph.edges(keys=True, data=True):
        facts += 1
        cited += bool(data["sources"])
        evidence[data["evidence"]] += 1
    for q in k.questions.values():
        facts += 1
        cited += bool(q.sources)
        evidence[q.evidence] += 1
    codes: Counter[str] = Counter()
    coded: Counter[str] = Counter()
    code_cited = code_total = 0
    for kind, entries in (("zones", k.zones), ("muscles", k.muscles)):
        for entry in entries.values():
            coded[kind] += bool(entry.codes)
            for code in entry.codes:
                codes[code.system] += 1
                code_total += 1
                code_cited += bool(code.sources)
    return {
        "knowledge_version": k.version,
        "nodes": dict(sorted(nodes.items())),
        "edges": dict(sorted(edges.items())),
        "node_total": graph.number_of_nodes(),
        "edge_total": graph.number_of_edges(),
        "rules": len(k.rules),
        "screening_questions": len(k.questions),
        "red_flags": sum(1 for q in k.questions.values() if q.urgency is not None),
        "conditions": len(k.conditions),
        "sources": dict(sorted(Counter(s.kind for s in k.sources.values()).items())),
        "source_total": len(k.sources),
        "evidence": dict(sorted(evidence.items())),
        "facts": facts,
        "cited": cited,
        "cited_share": round(cited / facts, 4) if facts else 1.0,
        "codes": dict(sorted(codes.items())),
        "coded": {"zones": coded["zones"], "muscles": coded["muscles"]},
        "codes_cited": code_cited,
        "code_total": code_total,
    }
