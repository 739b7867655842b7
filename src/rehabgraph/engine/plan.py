"""Planning one query: look the compiled matches up, score them, order the plan.

Everything here works on the matches of the zones asked about, never on the whole graph.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    # exercises reached but left out of a plan longer than max_exercises, best first
    also: list[PlannedItem] = field(default_factory=list)


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
    planner = _Planner(compiled, adapt)
    planner.from_sites(sites, scoring)
    planner.from_exercises()
    for item in planner.items.values():
        item.score = round(item.score, 3)
    cap = scoring.max_exercises
    dropped: list[str] = []
    if cap is None or len(planner.items) <= cap:  # it fits: nothing to choose
        items = planner.items
    else:
        needs = _needs(sites, compiled, planner.zones_of)
        items, dropped = _chosen(planner.items, cap, compiled.must_follow, needs)
        for item in items.values():  # a reason that starts at an exercise left out is no reason
            item.matches = [m for m in item.matches if m.rule.start == "zone" or m.start in items]
    ranked = _ordered(items, compiled.must_follow)
    return Plan([items[e] for e in ranked], planner.swaps, [planner.items[e] for e in dropped])


@dataclass(slots=True)
class _Planner:
    """One query's plan as it grows, from the sites' zones and then from the exercises."""

    compiled: CompiledRules
    adapt: Callable[[str], Swap]
    items: dict[str, PlannedItem] = field(default_factory=dict)
    weight_of: dict[str, float] = field(default_factory=dict)
    site_of: dict[str, int] = field(default_factory=dict)
    swaps: dict[str, Swap] = field(default_factory=dict)
    # (exercise, rule, site) -> the best score that rule has given the exercise for that site:
    # a rule counts once per exercise and site, by its strongest path; every path still explains
    best: dict[tuple[str, str, int], float] = field(default_factory=dict)
    # exercise -> the reported zones it serves (directly, or through the exercise it follows)
    zones_of: dict[str, set[str]] = field(default_factory=dict)

    def from_sites(self, sites: Sequence[SiteZones], scoring: Scoring) -> None:
        for index, site in enumerate(sites):
            intensity = scoring.default_intensity if site.intensity is None else site.intensity
            weight = scoring.base + scoring.per_intensity_point * intensity
            sides: set[str] = {site.side} if site.side else set()
            for zone in site.zones:
                for match in self.compiled.from_zone.get(zone, ()):
                    landed = self.land(match)
                    if landed is not None:
                        self.add(landed, weight, sides, match.nodes[-1], index)
                        self.zones_of.setdefault(landed.exercise, set()).add(zone)

    def from_exercises(self) -> None:
        """Rules that start at an exercise already in the plan, within the reach of the zones
        the exercise serves (regions.yaml)."""
        items = self.items
        compiled = self.compiled
        queue = sorted(items)
        while queue:
            start = queue.pop(0)
            zones = self.zones_of[start]
            for match in compiled.from_exercise.get(start, ()):
                landed = self.land(match)
                if landed is None or not compiled.reaches(zones, landed.exercise):
                    continue
                served = self.zones_of.setdefault(landed.exercise, set())
                grew = not zones <= served
                served |= zones
                if grew and landed.exercise not in queue and landed.exercise in items:
                    queue.append(landed.exercise)  # it now serves more zones: walk on from it
                if self.add(
                    landed,
                    self.weight_of[start],
                    set(items[start].sides),
                    match.nodes[-1],
                    self.site_of[start],
                ):
                    queue.append(landed.exercise)

    def land(self, match: Match) -> Match | None:
        """The match carried to where its exercise ends up for this person, or None."""
        exercise = match.nodes[-1]
        swap = self.swaps.get(exercise)
        if swap is None:
            swap = self.swaps[exercise] = self.adapt(exercise)
        if swap.target is None:
            return None
        if len(swap.chain) == 1 and not swap.sentences:
            return match
        return Match(
            rule=match.rule,
            nodes=match.nodes + swap.chain[1:],
            edges=match.edges + swap.edges,
            sources=tuple(dict.fromkeys(match.sources + swap.sources)),
            knowledge=match.knowledge,
            weight=match.weight,
            said=" ".join((match.sentence, *swap.sentences)),
        )  # a new walk, with no compiled index: its explanation is written for this answer

    def add(self, match: Match, weight: float, sides: set[str], origin: str, site: int) -> bool:
        """Add one landed match; True when it brought a new exercise into the plan."""
        exercise = match.nodes[-1]
        rule = match.rule
        item = self.items.get(exercise)
        new = item is None
        if item is None:
            item = self.items[exercise] = PlannedItem(exercise)
        walk = (rule.id, match.nodes)
        if walk in item.walked:
            return False
        item.walked.add(walk)
        value = rule.score * match.weight * weight
        key = (exercise, rule.id, site)
        previous = self.best.get(key, 0.0)
        if value > previous:
            item.score += value - previous
            self.best[key] = value
        item.sides |= sides
        item.matches.append(match)
        if origin != exercise and origin not in item.adapted_from:
            item.adapted_from.append(origin)
        known = self.weight_of.get(exercise)
        if known is None or weight > known:
            self.weight_of[exercise] = weight
        self.site_of.setdefault(exercise, site)
        return new


def _needs(
    sites: Sequence[SiteZones], compiled: CompiledRules, zones_of: Mapping[str, set[str]]
) -> list[frozenset[str]]:
    """What a capped plan serves first, in order: each reported zone (the exercises that serve
    it), then each guideline requirement for those zones (the exercises that meet it)."""
    zones = list(dict.fromkeys(z for site in sites for z in site.zones))
    needs = [frozenset(e for e, served in zones_of.items() if zone in served) for zone in zones]
    for zone in zones:
        needs.extend(need.exercises for need in compiled.required.get(zone, ()))
    return needs


def _chosen(
    items: dict[str, PlannedItem],
    max_exercises: int | None,
    must_follow: Mapping[str, frozenset[str]],
    needs: Sequence[frozenset[str]],
) -> tuple[dict[str, PlannedItem], list[str]]:
    """At most ``max_exercises`` items: first the best-scored item for each need not yet met
    (coverage before score), then the best of the rest. An item comes with the items it must
    follow, or not at all, and an item reached only from other exercises comes only with one of
    them. When no item fits with what it must follow, the best one is kept whole all the same (a
    cap never empties a plan). Returns the plan and the rest, best first ("also possible")."""
    if max_exercises is None or len(items) <= max_exercises:
        return items, []
    picker = _Picker(items, max_exercises, must_follow)
    by_score = sorted(items, key=lambda e: (-items[e].score, e))
    for need in needs:
        if not any(e in picker.keep for e in need):
            next((e for e in by_score if e in need and picker.take(e)), None)
    while len(picker.keep) < max_exercises:  # the best of the rest, until nothing more fits
        if not [e for e in by_score if e not in picker.keep and picker.take(e)]:
            break
    if not picker.keep:
        first = next((e for e in by_score if picker.led(e, picker.group(e))), by_score[0])
        picker.keep.update(dict.fromkeys(picker.group(first)))
    dropped = [e for e in by_score if e not in picker.keep]
    return {e: items[e] for e in items if e in picker.keep}, dropped


@dataclass(slots=True)
class _Picker:
    """A capped plan as it is chosen: what it keeps, and whether one more item fits."""

    items: dict[str, PlannedItem]
    max_exercises: int
    must_follow: Mapping[str, frozenset[str]]
    keep: dict[str, None] = field(default_factory=dict)

    def group(self, exercise: str) -> list[str]:
        """The item with the items it must follow that the plan does not hold yet."""
        before = self.must_follow.get(exercise, ())
        return [*(b for b in sorted(before) if b in self.items and b not in self.keep), exercise]

    def led(self, exercise: str, with_: Iterable[str]) -> bool:
        """Whether something it follows from is in the plan (or it follows from no exercise)."""
        among = set(with_)
        return any(
            m.rule.start == "zone" or m.nodes[0] in among for m in self.items[exercise].matches
        )

    def take(self, exercise: str) -> bool:
        new = self.group(exercise)
        if len(self.keep) + len(new) > self.max_exercises:
            return False
        if not self.led(exercise, [*self.keep, *new]):
            return False
        self.keep.update(dict.fromkeys(new))
        return True


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
