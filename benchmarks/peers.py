"""The peers rehabgraph is measured against, doing the same traversal over the same graph.

- ``ClipsPeer``: the knowledge's traversal rules generated as CLIPS rules (through clipspy), the
  graph's edges as CLIPS facts. Facts and results stay inside CLIPS: a query asserts its start
  facts and reads the reached exercises back with a CLIPS function, so no Python fact handle is
  kept across queries.
- ``naive_networkx``: every simple path from each reported zone to each exercise.

Neither builds explanations, screens for red flags or ranks; both are checked by the tests to
reach exactly the exercises rehabgraph reaches (its plan and what it names as also possible).
Both keep, as rehabgraph does, only exercises within the reach of a reported zone
(``regions.yaml``): each zone is walked on its own with the exercises it may hold, and the
answers are joined (an exercise serves the zones it was reached from, and what follows from it
must be within the reach of one of them).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from rehabgraph import Recommender
from rehabgraph.knowledge.models import EDGE_ATTRIBUTES, Rule

__all__ = ["ClipsPeer", "clips_available", "in_reach", "naive_networkx", "report_zones"]


def report_zones(rec: Recommender, report: dict[str, Any]) -> list[str]:
    """The zone ids rehabgraph resolves a report's sites to (the peers start from these)."""
    return [z.id for s in rec.recommend(report).sites for z in s.zones]


def in_reach(rec: Recommender, zones: Iterable[str]) -> frozenset[str] | None:
    """The exercises a plan for these zones may hold (None: the knowledge sets no reach)."""
    table = rec.compiled.in_reach
    if table is None:
        return None
    return frozenset(e for z in zones for e in table.get(z, ()))


def clips_available() -> bool:
    try:
        import clips  # noqa: F401
    except ImportError:
        return False
    return True


def _q(text: str) -> str:
    """A CLIPS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def clips_rule(rule: Rule) -> str:
    """One knowledge rule as one CLIPS rule: a pattern per step, every node distinct."""
    first = "(start (kind zone) (node ?n0))" if rule.start == "zone" else "(reached (node ?n0))"
    lines = [f"(defrule {rule.id}", f"  {first}"]
    for i, step in enumerate(rule.path, start=1):
        u, v = (f"?n{i}", f"?n{i - 1}") if step.reverse else (f"?n{i - 1}", f"?n{i}")
        tags = ""
        attr = EDGE_ATTRIBUTES.get(step.edge)
        wanted = step.where.get(attr, []) if attr is not None else []
        if wanted:
            tests = [f"(member$ {_q(w)} ?t{i})" for w in wanted]
            test = tests[0] if len(tests) == 1 else f"(or {' '.join(tests)})"
            tags = f" (tags $?t{i}&:{test})"
        lines.append(f"  (edge (type {_q(step.edge)}) (u {u}) (v {v}){tags})")
        lines.append(f"  (test (neq ?n{i} {' '.join(f'?n{j}' for j in range(i))}))")
    lines.append(f"  (allowed (node ?n{len(rule.path)}))")
    lines.append(f"  =>\n  (assert (reached (node ?n{len(rule.path)}))))")
    return "\n".join(lines)


class ClipsPeer:
    """The knowledge's rules and graph, loaded once into one CLIPS environment."""

    def __init__(self, rec: Recommender) -> None:
        import clips

        kb = rec.knowledge_base
        self.env = clips.Environment()
        self.env.build("(deftemplate edge (slot type) (slot u) (slot v) (multislot tags))")
        self.env.build("(deftemplate start (slot kind) (slot node))")
        self.env.build("(deftemplate reached (slot node))")
        self.env.build("(deftemplate allowed (slot node))")
        self.env.build(
            "(deffunction clear-query () "
            "(do-for-all-facts ((?f start reached allowed)) TRUE (retract ?f)))"
        )
        self.rec = rec
        self.every_exercise = tuple(kb.knowledge.exercises)
        self.env.build(
            "(deffunction reached-list () (bind ?out (create$)) "
            "(do-for-all-facts ((?f reached)) TRUE (bind ?out (create$ ?out ?f:node))) ?out)"
        )
        with tempfile.TemporaryDirectory() as tmp:  # CLIPS reads its facts in bulk, in C
            path = Path(tmp) / "graph.facts"
            with path.open("w") as f:
                for u, v, etype, data in kb.graph.edges(keys=True, data=True):
                    attr = EDGE_ATTRIBUTES.get(etype)
                    tags = " ".join(_q(str(t)) for t in data.get(attr, ())) if attr else ""
                    f.write(f"(edge (type {_q(etype)}) (u {_q(u)}) (v {_q(v)}) (tags {tags}))\n")
            for rule in kb.knowledge.rules:
                self.env.build(clips_rule(rule))
            self.env.load_facts(str(path))

    def reach(self, zones: Iterable[str]) -> set[str]:
        """The exercises the rules reach from these zones, and from the exercises they reach."""
        out: set[str] = set()
        for zone in zones:
            out |= self._reach_one(zone)
        return out

    def _reach_one(self, zone: str) -> set[str]:
        env = self.env
        env.eval("(clear-query)")
        allowed = in_reach(self.rec, [zone])
        for exercise in self.every_exercise if allowed is None else sorted(allowed):
            env.eval(f"(assert (allowed (node {_q(exercise)})))")
        env.eval(f"(assert (start (kind zone) (node {_q(zone)})))")
        env.run()
        found = {str(x) for x in env.eval("(reached-list)")}
        env.eval("(clear-query)")  # nothing a query asserted stays
        return found

    @property
    def facts(self) -> int:
        return len(list(self.env.facts()))


def _follows(graph: Any, rule: Rule, path: list[str]) -> bool:
    """Whether a node path walks the rule's steps: edge type, direction and ``where``."""
    if len(rule.path) != len(path) - 1:
        return False
    for step, a, b in zip(rule.path, path, path[1:], strict=False):
        u, v = (b, a) if step.reverse else (a, b)
        if not graph.has_edge(u, v, key=step.edge):
            return False
        data = graph.edges[u, v, step.edge]
        for attr, wanted in step.where.items():
            value = data.get(attr)
            values = set(value) if isinstance(value, list | tuple) else {value}
            if not values & set(wanted):
                return False
    return True


def naive_networkx(rec: Recommender, zones: list[str]) -> set[str]:
    """The naive peer: every simple path (as long as the longest rule) in the undirected graph
    from each zone to each exercise, kept when it walks a rule's steps; then the same from each
    exercise found, for the rules that start at an exercise, until nothing new is found."""
    out: set[str] = set()
    for zone in zones:
        out |= _naive_one(rec, zone)
    return out


def _naive_one(rec: Recommender, zone: str) -> set[str]:
    zones = [zone]
    kb = rec.knowledge_base
    graph = kb.graph
    undirected = graph.to_undirected(as_view=True)
    rules = kb.knowledge.rules
    cutoff = max(len(r.path) for r in rules)
    allowed = in_reach(rec, zones)
    exercises = [
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] == "exercise" and (allowed is None or n in allowed)
    ]

    def reach(starts: list[str], start_kind: str) -> set[str]:
        out: set[str] = set()
        for start in starts:
            for exercise in exercises:
                if exercise == start:
                    continue
                for path in nx.all_simple_paths(undirected, start, exercise, cutoff=cutoff):
                    if any(_follows(graph, r, path) for r in rules if r.start == start_kind):
                        out.add(exercise)
                        break
        return out

    found = reach(zones, "zone")
    frontier = set(found)
    while frontier:
        frontier = reach(sorted(frontier), "exercise") - found
        found |= frontier
    return found
