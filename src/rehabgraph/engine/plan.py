"""Planning one query: look the compiled matches up, score them, order the plan.

Everything here works on the matches of the zones asked about, never on the whole graph.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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
    walked: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)  # (rule, nodes)


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
        exercise = match.nodes[-1]
        swap = swaps.get(exercise)
        if swap is None:
            swap = swaps[exercise] = adapt(exercise)
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
        )  # a new walk, with no compiled index: its explanation is written for this answer

    # (exercise, rule, site) -> the best score that rule has given the exercise for that site:
    # a rule counts once per exercise and site, by its strongest path; every path still explains
    best: dict[tuple[str, str, int], float] = {}

    def add(match: Match, weight: float, sides: set[str], origin: str, site: int) -> bool:
        """Add one landed match; True when it brought a new exercise into the plan."""
        exercise = match.nodes[-1]
        rule = match.rule
        item = items.get(exercise)
        new = item is None
        if item is None:
            item = items[exercise] = PlannedItem(exercise)
        walk = (rule.id, match.nodes)
        if walk in item.walked:
            return False
        item.walked.add(walk)
        value = rule.score * match.weight * weight
        key = (exercise, rule.id, site)
        previous = best.get(key, 0.0)
        if value > previous:
            item.score += value - previous
            best[key] = value
        item.sides |= sides
        item.matches.append(match)
        if origin != exercise and origin not in item.adapted_from:
            item.adapted_from.append(origin)
        known = weight_of.get(exercise)
        if known is None or weight > known:
            weight_of[exercise] = weight
        site_of.setdefault(exercise, site)
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
                    add(landed, weight, sides, match.nodes[-1], index)

    queue = sorted(items)
    while queue:  # rules that start at an exercise already in the plan
        start = queue.pop(0)
        for match in compiled.from_exercise.get(start, ()):
            landed = land(match)
            if landed is not None and add(
                landed, weight_of[start], set(items[start].sides), match.nodes[-1], site_of[start]
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
    ranked = _ordered(items, compiled.must_follow)
    return Plan([items[e] for e in ranked], swaps, dropped)


def _ordered(
    items: Mapping[str, PlannedItem], must_follow: Mapping[str, frozenset[str]]
) -> list[str]:
    """Highest score first (then by id), but never before an exercise it must follow.

    Kahn's algorithm with a heap: the same order as networkx's lexicographical topological sort,
    over the plan's own few exercises.
    """
    waiting: dict[str, int] = {}
    after: dict[str, list[str]] = {}
    for exercise in items:
        befores = [b for b in must_follow.get(exercise, ()) if b in items]
        waiting[exercise] = len(befores)
        for before in befores:
            after.setdefault(before, []).append(exercise)
    if not after:  # nothing in this plan must follow anything else in it
        return sorted(items, key=lambda e: (-items[e].score, e))
    heap = [(-items[e].score, e) for e, n in waiting.items() if n == 0]
    heapq.heapify(heap)
    out: list[str] = []
    while heap:
        _, exercise = heapq.heappop(heap)
        out.append(exercise)
        for nxt in after.get(exercise, ()):
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(heap, (-items[nxt].score, nxt))
    return out
