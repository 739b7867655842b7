"""Planning one query: look the compiled matches up, score them, order the plan.

Everything here works on the matches of the zones asked about, never on the whole graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from rehabgraph.engine.compile import CompiledRules, Match
from rehabgraph.knowledge.models import Scoring, Side

__all__ = ["PlannedItem", "SiteZones", "combine_sides", "plan"]


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


def combine_sides(sides: set[str] | frozenset[str]) -> Side | None:
    """One side for a set of sides: 'left', 'right', 'both' or None when none was given."""
    if "both" in sides or {"left", "right"} <= sides:
        return "both"
    if "left" in sides:
        return "left"
    if "right" in sides:
        return "right"
    return None


def plan(
    sites: Sequence[SiteZones],
    compiled: CompiledRules,
    scoring: Scoring,
    skip: frozenset[str] = frozenset(),
) -> list[PlannedItem]:
    """Score and order the exercises the sites reach; exercises in ``skip`` are never added."""
    items: dict[str, PlannedItem] = {}
    weight_of: dict[str, float] = {}
    for site in sites:
        intensity = scoring.default_intensity if site.intensity is None else site.intensity
        weight = scoring.base + scoring.per_intensity_point * intensity
        for zone in site.zones:
            for match in compiled.from_zone.get(zone, ()):
                if match.exercise in skip:
                    continue
                item = items.setdefault(match.exercise, PlannedItem(match.exercise))
                item.score += match.rule.score * weight
                if site.side:
                    item.sides.add(site.side)
                if match not in item.matches:
                    item.matches.append(match)
                weight_of[match.exercise] = max(weight_of.get(match.exercise, 0.0), weight)

    queue = sorted(items)
    while queue:  # rules that start at an exercise already in the plan
        start = queue.pop(0)
        for match in compiled.from_exercise.get(start, ()):
            if match.exercise in skip:
                continue
            new = match.exercise not in items
            item = items.setdefault(match.exercise, PlannedItem(match.exercise))
            if match in item.matches:
                continue
            item.score += match.rule.score * weight_of[start]
            item.sides |= items[start].sides
            item.matches.append(match)
            weight_of[match.exercise] = max(weight_of.get(match.exercise, 0.0), weight_of[start])
            if new:
                queue.append(match.exercise)

    for item in items.values():
        item.score = round(item.score, 3)
    order: Any = nx.DiGraph()
    order.add_nodes_from(items)
    for exercise in items:
        order.add_edges_from(
            (before, exercise)
            for before in compiled.must_follow.get(exercise, ())
            if before in items
        )
    ranked = nx.lexicographical_topological_sort(order, key=lambda e: (-items[e].score, e))
    return [items[e] for e in ranked]
