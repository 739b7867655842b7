"""Planning one query: look the compiled matches up, score them, order the plan.

Everything here works on the matches of the zones asked about, never on the whole graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from rehabgraph.engine.adapt import Swap
from rehabgraph.engine.compile import CompiledRules, Match
from rehabgraph.knowledge.models import Scoring, Side

__all__ = ["Plan", "PlannedItem", "SiteZones", "combine_sides", "plan"]


@dataclass(frozen=True, slots=True)
class SiteZones:
    """A reported site after resolution: its zones, its side (or None) and its intensity."""

    zones: tuple[str, ...]
    side: Side | None
    intensity: int | None


@dataclass(slots=True)
class PlannedItem:
    exercise_id: str
    score: float = 0.0
    sides: set[str] = field(default_factory=set)
    matches: list[Match] = field(default_factory=list)
    adapted_from: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Plan:
    items: list[PlannedItem]
    # every exercise the rules reached, and where it ended up for this person
    swaps: dict[str, Swap]
    # exercises reached but left out of a plan longer than the knowledge's max_exercises
    dropped: list[str] = field(default_factory=list)


def combine_sides(sides: set[str] | frozenset[str]) -> Side | None:
    """One side for a set of sides: 'left', 'right', 'both' or None when none was given."""
    if "both" in sides or {"left", "right"} <= sides:
        return "both"
    if "left" in sides:
        return "left"
    if "right" in sides:
        return "right"
    return None


def _unchanged(exercise_id: str) -> Swap:
    return Swap(exercise_id, (exercise_id,), (), (), ())


def plan(
    sites: Sequence[SiteZones],
    compiled: CompiledRules,
    scoring: Scoring,
    adapt: Callable[[str], Swap] = _unchanged,
) -> Plan:
    """Score and order the exercises the sites reach.

    ``adapt`` says where each reached exercise ends up for this person (an easier version, a
    harder one, or nowhere); a swapped exercise's explanations are extended along the swap, and
    rules that start at an exercise start from where it ended up.
    """
    items: dict[str, PlannedItem] = {}
    weight_of: dict[str, float] = {}
    swaps: dict[str, Swap] = {}

    def land(match: Match) -> Match | None:
        swap = swaps.get(match.exercise)
        if swap is None:
            swap = swaps[match.exercise] = adapt(match.exercise)
        if swap.target is None:
            return None
        if len(swap.chain) == 1 and not swap.sentences:
            return match
        return Match(
            rule=match.rule,
            nodes=match.nodes + swap.chain[1:],
            edges=match.edges + swap.edges,
            sentence=" ".join((match.sentence, *swap.sentences)),
            sources=tuple(dict.fromkeys(match.sources + swap.sources)),
            weight=match.weight,
        )

    # (exercise, rule, site) -> the best score that rule has given the exercise for that site:
    # a rule counts once per exercise and site, by its strongest path; every path still explains
    best: dict[tuple[str, str, int], float] = {}

    def add(match: Match, weight: float, sides: set[str], origin: str, site: int) -> bool:
        """Add one landed match; True when it brought a new exercise into the plan."""
        new = match.exercise not in items
        item = items.setdefault(match.exercise, PlannedItem(match.exercise))
        if match in item.matches:
            return False
        value = match.rule.score * match.weight * weight
        key = (match.exercise, match.rule.id, site)
        if value > best.get(key, 0.0):
            item.score += value - best.get(key, 0.0)
            best[key] = value
        item.sides |= sides
        item.matches.append(match)
        if origin != match.exercise and origin not in item.adapted_from:
            item.adapted_from.append(origin)
        weight_of[match.exercise] = max(weight_of.get(match.exercise, 0.0), weight)
        site_of.setdefault(match.exercise, site)
        return new

    site_of: dict[str, int] = {}
    for index, site in enumerate(sites):
        intensity = scoring.default_intensity if site.intensity is None else site.intensity
        weight = scoring.base + scoring.per_intensity_point * intensity
        sides: set[str] = {site.side} if site.side else set()
        for zone in site.zones:
            for match in compiled.from_zone.get(zone, ()):
                landed = land(match)
                if landed is not None:
                    add(landed, weight, sides, match.exercise, index)

    queue = sorted(items)
    while queue:  # rules that start at an exercise already in the plan
        start = queue.pop(0)
        for match in compiled.from_exercise.get(start, ()):
            landed = land(match)
            if landed is not None and add(
                landed, weight_of[start], set(items[start].sides), match.exercise, site_of[start]
            ):
                queue.append(landed.exercise)

    for item in items.values():
        item.score = round(item.score, 3)
    dropped: list[str] = []
    if scoring.max_exercises is not None and len(items) > scoring.max_exercises:
        ranked_by_score = sorted(items, key=lambda e: (-items[e].score, e))
        keep = set(ranked_by_score[: scoring.max_exercises])
        for exercise in list(keep):  # what must come first stays with what needs it
            keep |= {b for b in compiled.must_follow.get(exercise, ()) if b in items}
        dropped = [e for e in ranked_by_score if e not in keep]
        items = {e: items[e] for e in items if e in keep}
    order: Any = nx.DiGraph()
    order.add_nodes_from(items)
    for exercise in items:
        order.add_edges_from(
            (before, exercise)
            for before in compiled.must_follow.get(exercise, ())
            if before in items
        )
    ranked = nx.lexicographical_topological_sort(order, key=lambda e: (-items[e].score, e))
    return Plan([items[e] for e in ranked], swaps, dropped)
