"""Answering needs neither the networkx graph nor networkx: a Recommender compiles its walks
from the edges the knowledge declares, the load cache keeps no graph, and ``kb.graph`` is built
the first time it is asked for, the same graph as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import rehabgraph
from rehabgraph import Recommender
from rehabgraph.engine.compile import _adjacency
from rehabgraph.graph.build import build_graph, node_of

REPORT = {"sites": [{"location": "outer knee", "side": "right"}]}


def test_compiled_edges_are_the_graphs_edges() -> None:
    """The walks' edges, read off the knowledge, are the graph's: the same ends, types and
    attributes, and each carries the fact whose sources and evidence the graph shows."""
    kb = rehabgraph.load_knowledge()
    graph = build_graph(kb.knowledge)
    adj = _adjacency(kb.knowledge)
    compiled = {
        (ref.source, ref.target, ref.type): (data, ref)
        for (_, reverse), table in adj.items()
        if not reverse
        for items in table.values()
        for _, data, ref in items
    }
    assert set(compiled) == set(graph.edges(keys=True))
    for (u, v, etype), (data, ref) in compiled.items():
        assert data == graph.edges[u, v, etype]
        assert (ref.sources, ref.evidence) == (data["sources"], data["evidence"])
    for node, data in graph.nodes(data=True):  # what explanations name each node by
        assert node_of(kb.knowledge, node) == (data["kind"], data["name"])


def test_a_recommender_builds_no_graph(
    monkeypatch: pytest.MonkeyPatch, knowledge_copy: Path
) -> None:
    monkeypatch.setenv("REHABGRAPH_CACHE", "off")
    kb = rehabgraph.load_knowledge(knowledge_copy)  # its own, not the process's shared one
    rec = Recommender(kb, require_screening=False)
    answer = rec.recommend(REPORT)
    assert answer.exercises and answer.exercises[0].explanations
    assert kb.built_graph is None  # nothing asked for it
    assert kb.graph.number_of_edges() > 0 and kb.built_graph is kb.graph  # built once, kept


def test_a_fresh_process_answers_without_importing_networkx(tmp_path: Path) -> None:
    code = (
        "import sys, rehabgraph\n"
        "r = rehabgraph.Recommender.default()\n"
        "report = {'sites': [{'location': 'outer knee', 'side': 'right'}]}\n"
        "report['answers'] = {q.id: False for q in r.screening(report)}\n"
        "a = r.recommend(report)\n"
        "assert a.exercises[0].explanations[0].edges[0].sources\n"
        "print('networkx' in sys.modules)\n"
    )
    env = {**os.environ, "REHABGRAPH_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    # the first compiles (networkx orders the plan once); the second takes it all from the cache
    assert runs[1] == "False"


def test_node_count_and_repr_need_no_graph(knowledge_copy: Path) -> None:
    kb = rehabgraph.load_knowledge(knowledge_copy)
    assert "nodes from" in repr(kb) and kb.built_graph is None
    assert kb.node_count() == kb.graph.number_of_nodes()
    assert f"{kb.graph.number_of_edges()} edges" in repr(kb)
