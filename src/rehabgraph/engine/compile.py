"""Compiling the rules at load time: every path every rule can walk, found once.

For each zone and each exercise, the matches of the rules that start there are stored with
their explanation already written. A query then only looks matches up, so its cost grows with
the size of its answer, not with the size of the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from rehabgraph.errors import KnowledgeError
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.graph.build import edge_data, node_of
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import (
    EDGE_ATTRIBUTES,
    EDGE_TEXT,
    Contested,
    PathStep,
    Rule,
    Scoring,
)
from rehabgraph.knowledge.reach import exercises_in_reach
from rehabgraph.knowledge.registry import graph_edges
from rehabgraph.knowledge.text import one_line

__all__ = [
    "Avoided",
    "CompiledRules",
    "EdgeRef",
    "Match",
    "Requirement",
    "compile_rules",
    "walk_sentence",
]


@dataclass(frozen=True, slots=True)
class EdgeRef:
    """One edge of the graph, in the graph's own direction, with the fact that declares it:
    its sources and evidence are all an explanation needs, so answers need no graph."""

    source: str
    type: str
    target: str
    fact: Any = field(compare=False, repr=False)  # the knowledge's fact that declares it

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self.fact.sources)

    @property
    def evidence(self) -> str:
        return str(self.fact.evidence)


@dataclass(frozen=True, slots=True)
class Match:
    """One walk of one rule: the nodes in walk order, the edges walked, and why it matters.

    Its sentence is written when asked for, from the rule, the nodes and the edges' facts: a
    compiled knowledge base holds many more walks than answers use, and their sentences were
    the largest part of its memory. A walk extended at query time (a swap) says its own.
    """

    rule: Rule
    nodes: tuple[str, ...]
    edges: tuple[EdgeRef, ...]
    sources: tuple[str, ...]
    knowledge: Knowledge = field(compare=False, repr=False)
    weight: float = 1.0  # the weight of the weakest evidence on the path
    # its place in CompiledRules.matches; -1 for a walk extended at query time (a swap)
    index: int = -1
    said: str | None = None  # the sentence, when it is not the rule's own (a swap's)

    @property
    def sentence(self) -> str:
        """The walk in words: the rule's ``because`` filled in, then what is said of a
        contested model it relies on."""
        if self.said is not None:
            return self.said
        return walk_sentence(self.rule, self.nodes, self.edges, self.knowledge)

    @property
    def start(self) -> str:
        return self.nodes[0]

    @property
    def exercise(self) -> str:
        return self.nodes[-1]


@dataclass(frozen=True, slots=True)
class Requirement:
    """One thing a guideline recommendation requires of a plan, and the exercises that meet it
    (with their easier and harder versions)."""

    recommendation: str
    what: str
    exercises: frozenset[str]


@dataclass(frozen=True, slots=True)
class Avoided:
    """An exercise a guideline recommendation says a plan for the zone must not hold."""

    recommendation: str
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledRules:
    matches: tuple[Match, ...]  # every match, by its index
    from_zone: Mapping[str, tuple[Match, ...]]
    from_exercise: Mapping[str, tuple[Match, ...]]
    # exercise -> every exercise that must come before it (transitively)
    must_follow: Mapping[str, frozenset[str]]
    # zone -> the exercises a plan for pain there may hold (regions.yaml); None: no reach
    in_reach: Mapping[str, frozenset[str]] | None = None
    # zone -> the walks that end at an exercise out of its reach: never planned, said by why_not
    out_of_reach: Mapping[str, tuple[Match, ...]] = field(default_factory=dict)
    # zone -> what the guideline recommendations covering it require: (recommendation, what,
    # the exercises that meet it), in the order of guidelines.yaml
    required: Mapping[str, tuple[Requirement, ...]] = field(default_factory=dict)
    # zone -> exercise -> why a guideline covering the zone says a plan must not hold it
    avoided: Mapping[str, Mapping[str, Avoided]] = field(default_factory=dict)

    def reaches(self, zones: Iterable[str], exercise: str) -> bool:
        """Whether a plan for pain in ``zones`` may hold ``exercise``."""
        if self.in_reach is None:
            return True
        return any(exercise in self.in_reach.get(zone, ()) for zone in zones)


# Typed adjacency: (edge type, reverse?) -> node -> [(neighbour, edge attributes, edge ref)]
_Adjacency = dict[tuple[str, bool], dict[str, list[tuple[str, dict[str, Any], EdgeRef]]]]


def _adjacency(knowledge: Knowledge) -> _Adjacency:
    """The edges the graph would hold (graph.build), read off the knowledge: compiling builds
    no graph. A fact repeated on the same two nodes is one edge, as in the graph's multigraph
    keyed by edge type (the later fact's attributes win)."""
    edges: dict[tuple[str, str, str], tuple[dict[str, Any], Any]] = {}
    for etype, tail, head, fact in graph_edges(knowledge):
        data = edge_data(etype, fact)
        known = edges.get((tail, head, etype))
        if known is not None:
            data = {**known[0], **data}
        edges[(tail, head, etype)] = (data, fact)
    adj: _Adjacency = {}
    for (u, v, etype), (data, fact) in edges.items():
        ref = EdgeRef(u, etype, v, fact)
        adj.setdefault((etype, False), {}).setdefault(u, []).append((v, data, ref))
        adj.setdefault((etype, True), {}).setdefault(v, []).append((u, data, ref))
    for table in adj.values():
        for items in table.values():
            items.sort(key=lambda item: item[0])
    return adj


def _passes(step: PathStep, data: Mapping[str, Any]) -> bool:
    return all(set(data.get(attr, ())) & set(wanted) for attr, wanted in step.where.items())


_Walk = tuple[tuple[str, ...], tuple[EdgeRef, ...], tuple[dict[str, Any], ...]]


def _walk(rule: Rule, start: str, adj: _Adjacency) -> Iterator[_Walk]:
    """Every walk of the rule from ``start``: its nodes, edges and edge data."""

    def step(
        i: int,
        nodes: tuple[str, ...],
        edges: tuple[EdgeRef, ...],
        datas: tuple[dict[str, Any], ...],
    ) -> Iterator[_Walk]:
        if i == len(rule.path):
            yield nodes, edges, datas
            return
        s = rule.path[i]
        for nbr, data, ref in adj.get((s.edge, s.reverse), {}).get(nodes[-1], ()):
            if nbr in nodes or not _passes(s, data):
                continue
            yield from step(i + 1, (*nodes, nbr), (*edges, ref), (*datas, data))

    yield from step(0, (start,), (), ())


def _quoted(rule: Rule, edges: tuple[EdgeRef, ...]) -> dict[str, str]:
    """What the rule's sentence quotes of the walk's edges: the first ``how`` or ``action``
    (the values its step asks for), ``reason`` or ``note`` along the path."""
    attrs: dict[str, str] = {}
    for s, ref in zip(rule.path, edges, strict=True):
        data = edge_data(ref.type, ref.fact)
        attr = EDGE_ATTRIBUTES.get(s.edge)
        if attr is not None and attr in data:
            values = [v for v in data[attr] if not s.where or v in s.where.get(attr, [v])]
            attrs.setdefault(attr, " and ".join(values))
        text = EDGE_TEXT.get(s.edge)
        if text is not None and data.get(text):
            attrs.setdefault(text, one_line(str(data[text])).rstrip("."))
    return attrs


def walk_sentence(
    rule: Rule, nodes: tuple[str, ...], edges: tuple[EdgeRef, ...], knowledge: Knowledge
) -> str:
    """A compiled walk in words; what is said of a contested model it relies on follows."""
    info = {n: node_of(knowledge, n) for n in nodes}
    return " ".join(
        (
            _sentence(rule, nodes, _quoted(rule, edges), info, knowledge),
            *(one_line(c.said) for c in _contested(nodes, knowledge)),
        )
    )


def _sentence(
    rule: Rule,
    nodes: tuple[str, ...],
    attrs: dict[str, str],
    info: Mapping[str, tuple[str, str]],
    knowledge: Knowledge,
) -> str:
    names: dict[str, str] = {}
    for index, node in enumerate(nodes):
        kind, name = info[node]
        if index == 0 and rule.start == "exercise":
            names["start"] = name
            continue
        names.setdefault(kind, your(name) if kind == "zone" else name)
        if kind == "recommendation" and "guideline" not in names:
            names.update(said_of(knowledge, node))
    names.update(attrs)
    text = rule.because.format_map(_Missing(names))
    return text[0].upper() + text[1:]


def _contested(nodes: tuple[str, ...], knowledge: Knowledge) -> list[Contested]:
    """What is said of the contested models a walk relies on (its imbalances')."""
    return [
        imbalance.contested
        for node in nodes
        if (imbalance := knowledge.imbalances.get(node)) is not None and imbalance.contested
    ]


def said_of(knowledge: Knowledge, recommendation: str) -> dict[str, str]:
    """How a sentence names a guideline recommendation: its statement, guideline and grade
    ("A (strong evidence)")."""
    rec = knowledge.recommendations[recommendation]
    guideline = knowledge.guidelines[rec.guideline]
    meaning = one_line(guideline.grades.get(rec.grade, "")).split(":")[0]
    grade = grade_words(rec.grade)
    grade = f"{grade} ({meaning})" if meaning else grade
    return {
        "recommendation": one_line(rec.statement).rstrip("."),
        "guideline": guideline.said_as,
        "grade": grade,
    }


_CODE_GRADE = 2  # a grade this short is a code (A, B, 1a), longer a word ("consider")


def grade_words(grade: str) -> str:
    """A grade as a sentence says it: 'grade A' for a letter, the guideline's word in quotes
    ('"consider"') for a word."""
    return f"grade {grade}" if len(grade) <= _CODE_GRADE else f'"{grade}"'


def your(place: str) -> str:
    """A zone's name as said to the person: "the front of your knee", "your outer knee".

    >>> your("front of the knee"), your("outer knee"), your("Achilles tendon")
    ('the front of your knee', 'your outer knee', 'your Achilles tendon')
    """
    if " of the " in place:
        return "the " + place.replace(" of the ", " of your ", 1)
    return f"your {place}"


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _sources(
    rule: Rule, datas: tuple[dict[str, Any], ...], contested: list[Contested]
) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for data in datas:
        for sid in data["sources"]:
            out[sid] = None
    for sid in rule.sources:
        out[sid] = None
    for c in contested:
        out.update(dict.fromkeys(c.sources))
    return tuple(out)


def _weight(datas: tuple[dict[str, Any], ...], scoring: Scoring, *, contested: bool) -> float:
    """The weight of the weakest evidence on the path, less again when it relies on a
    contested model."""
    weights = scoring.evidence_weight
    weight = min((weights.get(data["evidence"], 1.0) for data in datas), default=1.0)
    return weight * scoring.contested_weight if contested else weight


def compile_rules(kb: KnowledgeBase) -> CompiledRules:
    """Walk every rule from every node it can start at over the edges the knowledge declares;
    check the plan order has no cycle."""
    import networkx as nx  # compiling only; a cache hit answers without it

    adj = _adjacency(kb.knowledge)
    starts = {
        "zone": sorted(kb.knowledge.zones),
        "exercise": sorted(kb.knowledge.exercises),
    }
    found: dict[str, dict[str, list[Match]]] = {"zone": {}, "exercise": {}}
    order: Any = nx.DiGraph()
    order.add_nodes_from(kb.knowledge.exercises)
    for exercise in kb.knowledge.exercises.values():
        order.add_edges_from((exercise.id, b.exercise) for b in exercise.before)
    seen: set[tuple[str, ...]] = set()  # a path walked by several rules counts once
    matches: list[Match] = []
    k = kb.knowledge
    in_reach = exercises_in_reach(k.regions, k.zones, k.exercises)
    beyond: dict[str, list[Match]] = {}
    for rule in kb.knowledge.rules:
        for start in starts[rule.start]:
            for nodes, edges, datas in _walk(rule, start, adj):
                if nodes in seen:
                    continue
                seen.add(nodes)
                # a walk to an exercise out of the zone's reach is kept aside, with no index
                beyond_reach = (
                    in_reach is not None
                    and rule.start == "zone"
                    and nodes[-1] not in in_reach[start]
                )
                contested = _contested(nodes, kb.knowledge)
                match = Match(
                    rule=rule,
                    nodes=nodes,
                    edges=edges,
                    sources=_sources(rule, datas, contested),
                    knowledge=kb.knowledge,
                    weight=_weight(datas, kb.knowledge.scoring, contested=bool(contested)),
                    index=-1 if beyond_reach else len(matches),
                )
                if beyond_reach:
                    beyond.setdefault(start, []).append(match)
                    continue
                matches.append(match)
                found[rule.start].setdefault(start, []).append(match)
                if rule.order == "after":
                    order.add_edge(start, match.exercise, rule=rule.id)
    try:
        cycle = nx.find_cycle(order)
    except nx.NetworkXNoCycle:
        pass
    else:
        loop = " -> ".join([u for u, *_ in cycle] + [cycle[0][0]])
        rules = sorted({order.edges[u, v].get("rule", "") for u, v, *_ in cycle} - {""})
        raise KnowledgeError.single(
            "rules.yaml" if rules else "exercises.yaml",
            ", ".join(rules) or cycle[0][0],
            f"the plan order has a cycle: {loop}",
        )
    must_follow = {node: frozenset(nx.ancestors(order, node)) for node in order}
    return CompiledRules(
        matches=tuple(matches),
        from_zone=MappingProxyType({k: tuple(v) for k, v in found["zone"].items()}),
        from_exercise=MappingProxyType({k: tuple(v) for k, v in found["exercise"].items()}),
        must_follow=MappingProxyType(must_follow),
        in_reach=in_reach,
        required=_required(k),
        avoided=_avoided(k),
        out_of_reach=MappingProxyType({z: tuple(m) for z, m in beyond.items()}),
    )


def _required(k: Knowledge) -> Mapping[str, tuple[Requirement, ...]]:
    """Zone -> what the recommendations covering it require; versions meet what they vary."""
    versions: dict[str, set[str]] = {}
    for e in k.exercises.values():
        versions.setdefault(e.family_id, set()).add(e.id)
    out: dict[str, list[Requirement]] = {}
    for rec in k.recommendations.values():
        for need in rec.include:
            met = frozenset(
                v for e in need.exercises for v in versions.get(k.exercises[e].family_id, {e})
            )
            for zone in rec.zones:
                out.setdefault(zone, []).append(Requirement(rec.id, need.what, met))
    return MappingProxyType({z: tuple(r) for z, r in out.items()})


def _avoided(k: Knowledge) -> Mapping[str, Mapping[str, Avoided]]:
    """Zone -> the exercises (every version) its guidelines say a plan must not hold."""
    out: dict[str, dict[str, Avoided]] = {}
    for rec in k.recommendations.values():
        for avoid in rec.avoid:
            why = Avoided(rec.id, one_line(avoid.reason), tuple(avoid.sources))
            for zone in rec.zones:
                for exercise in avoid.exercises:
                    out.setdefault(zone, {}).setdefault(exercise, why)
    return MappingProxyType({z: MappingProxyType(a) for z, a in out.items()})
