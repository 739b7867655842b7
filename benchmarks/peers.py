"""The peers rehabgraph is measured against, doing the same traversal over the same graph.

- ``ClipsPeer``: the knowledge's traversal rules generated as CLIPS rules (through clipspy), the
  graph's edges as CLIPS facts. Facts and results stay inside CLIPS: a query asserts its start
  facts and reads the reached exercises back with a CLIPS function, so no Python fact handle is
  kept across queries.
- ``CompiledClipsPeer``: the strong formulation: the walks compiled at load time, as rehabgraph
  compiles them, and one CLIPS rule per edge of the reachability they give.
- ``naive_networkx``: every simple path from each reported zone to each exercise.

Neither builds explanations, screens for red flags or ranks; both are checked by the tests to
reach exactly the exercises rehabgraph reaches (its plan and what it names as also possible).
All keep, as rehabgraph does, only exercises within the reach of a reported zone
(``regions.yaml``): the reach is loaded once as static facts, a reached exercise carries the zone
it serves, and what follows from it must be within that zone's reach.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from rehabgraph import Recommender
from rehabgraph.knowledge.models import EDGE_ATTRIBUTES, Rule

__all__ = [
    "ClipsPeer",
    "CompiledClipsPeer",
    "clips_available",
    "in_reach",
    "naive_networkx",
    "report_zones",
]


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
    """One knowledge rule as one CLIPS rule: a pattern per step, every node distinct; the
    reached exercise carries the zone it serves, and must be within that zone's reach."""
    if rule.start == "zone":
        first = "(start (node ?n0))"
        zone = "?n0"
    else:
        first = "(reached (node ?n0) (zone ?z))"
        zone = "?z"
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
    last = f"?n{len(rule.path)}"
    lines.append(f"  (allowed (zone {zone}) (node {last}))")
    lines.append(f"  =>\n  (assert (reached (node {last}) (zone {zone}))))")
    return "\n".join(lines)


def _allowed_facts(rec: Recommender, f: Any) -> None:
    """The reach of every zone, as static facts: (allowed (zone Z) (node E))."""
    compiled = rec.compiled
    exercises = rec.knowledge_base.knowledge.exercises
    zones = rec.knowledge_base.knowledge.zones
    table = compiled.in_reach or {z: frozenset(exercises) for z in zones}
    for zone, allowed in table.items():
        for exercise in sorted(allowed):
            f.write(f"(allowed (zone {_q(zone)}) (node {_q(exercise)}))\n")


def _environment(clips: Any) -> Any:
    """A CLIPS environment with what every query uses: its start facts, the reached
    exercises (each with the zone it serves), the reach, and functions to read and clear."""
    env = clips.Environment()
    env.build("(deftemplate start (slot node))")
    env.build("(deftemplate reached (slot node) (slot zone))")
    env.build("(deftemplate allowed (slot zone) (slot node))")
    env.build(
        "(deffunction clear-query () (do-for-all-facts ((?f start reached)) TRUE (retract ?f)))"
    )
    env.build(
        "(deffunction reached-list () (bind ?out (create$)) "
        "(do-for-all-facts ((?f reached)) TRUE (bind ?out (create$ ?out ?f:node))) ?out)"
    )
    return env


def _query(env: Any, zones: Iterable[str]) -> set[str]:
    """Assert the zones, run, read the reached exercises back, and clear what the query left."""
    for zone in zones:
        env.eval(f"(assert (start (node {_q(zone)})))")
    env.run()
    found = {str(x) for x in env.eval("(reached-list)")}
    env.eval("(clear-query)")
    return found


class ClipsPeer:
    """The knowledge's rules and graph, loaded once into one CLIPS environment."""

    def __init__(self, rec: Recommender) -> None:
        import clips

        kb = rec.knowledge_base
        self.env = _environment(clips)
        self.env.build("(deftemplate edge (slot type) (slot u) (slot v) (multislot tags))")
        with tempfile.TemporaryDirectory() as tmp:  # CLIPS reads its facts in bulk, in C
            path = Path(tmp) / "graph.facts"
            with path.open("w") as f:
                for u, v, etype, data in kb.graph.edges(keys=True, data=True):
                    attr = EDGE_ATTRIBUTES.get(etype)
                    tags = " ".join(_q(str(t)) for t in data.get(attr, ())) if attr else ""
                    f.write(f"(edge (type {_q(etype)}) (u {_q(u)}) (v {_q(v)}) (tags {tags}))\n")
                _allowed_facts(rec, f)
            for rule in kb.knowledge.rules:
                self.env.build(clips_rule(rule))
            self.env.load_facts(str(path))
        self.static_facts = len(list(self.env.facts()))

    def reach(self, zones: Iterable[str]) -> set[str]:
        """The exercises the rules reach from these zones, and from the exercises they reach."""
        return _query(self.env, zones)

    @property
    def facts(self) -> int:
        return len(list(self.env.facts()))


class CompiledClipsPeer:
    """The strong CLIPS formulation: the same load-time compilation rehabgraph gets. Each
    rule's walks are found once (rehabgraph's compiled rules), and CLIPS gets one rule per edge
    of the resulting reachability: zone -> exercise, and exercise -> exercise within the reach
    of the zone it serves. A query asserts its zones and reads the reached exercises back."""

    def __init__(self, rec: Recommender) -> None:
        import clips

        compiled = rec.compiled
        self.env = _environment(clips)
        n = 0
        for zone, matches in compiled.from_zone.items():
            for exercise in sorted({m.exercise for m in matches}):
                n += 1
                self.env.build(
                    f"(defrule z{n} (start (node {_q(zone)})) => "
                    f"(assert (reached (node {_q(exercise)}) (zone {_q(zone)}))))"
                )
        for start, matches in compiled.from_exercise.items():
            for exercise in sorted({m.exercise for m in matches}):
                n += 1
                self.env.build(
                    f"(defrule e{n} (reached (node {_q(start)}) (zone ?z)) "
                    f"(allowed (zone ?z) (node {_q(exercise)})) => "
                    f"(assert (reached (node {_q(exercise)}) (zone ?z))))"
                )
        self.rules = n
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "allowed.facts"
            with path.open("w") as f:
                _allowed_facts(rec, f)
            self.env.load_facts(str(path))

    def reach(self, zones: Iterable[str]) -> set[str]:
        return _query(self.env, zones)


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
