"""The reach of a plan at load time: the region words of ``regions.yaml`` and of each
exercise's ``works`` are zone regions, every zone region has a reach, every exercise says what
it works (a version what the exercise it varies works), and each zone gets the exercises a plan
for it may hold."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rehabgraph.knowledge.checks import Problems
from rehabgraph.knowledge.models import Exercise, RegionReach, Zone

__all__ = ["check_reach", "exercises_in_reach"]


def check_reach(
    regions: tuple[RegionReach, ...],
    zones: Mapping[str, Zone],
    exercises: Mapping[str, Exercise],
    problems: Problems,
) -> dict[str, Exercise]:
    """The exercises with versions given their family's ``works``; every unknown region word,
    region without a reach and exercise without ``works`` is a problem. Without regions.yaml
    nothing is checked and plans have no reach."""
    known = {z.region for z in zones.values()}
    _check_regions(regions, known, problems)
    out: dict[str, Exercise] = {}
    for eid, exercise in exercises.items():
        root = exercises.get(exercise.family_id, exercise)
        works = exercise.works or root.works
        for word in works:
            if word not in known:
                problems.add("exercises.yaml", eid, f"works: {word!r} is no zone's region")
        if regions and not works:
            problems.add(
                "exercises.yaml", eid, "works: say which body regions it works (knee, hip ...)"
            )
        same = works == exercise.works
        out[eid] = exercise if same else exercise.model_copy(update={"works": list(works)})
    return out


def _check_regions(regions: tuple[RegionReach, ...], known: set[str], problems: Problems) -> None:
    seen: set[str] = set()
    for entry in regions:
        name = entry.region
        if name in seen:
            problems.add("regions.yaml", name, "a second entry for this region")
        seen.add(name)
        for word in (entry.region, *entry.reach):
            if word not in known:
                problems.add("regions.yaml", name, f"{word!r} is no zone's region")
    if regions:
        for missing in sorted(known - seen):
            problems.add("regions.yaml", missing, "a zone's region with no reach")


def exercises_in_reach(
    regions: tuple[RegionReach, ...],
    zones: Mapping[str, Zone],
    exercises: Mapping[str, Exercise],
) -> Mapping[str, frozenset[str]] | None:
    """Zone id -> the exercises a plan for pain there may hold; None when there is no reach."""
    if not regions:
        return None
    working: dict[str, set[str]] = {}  # a region -> the exercises that work it
    for e in exercises.values():
        for region in e.works:
            working.setdefault(region, set()).add(e.id)
    # each region's exercises gathered from what it reaches: linear in the facts, where asking
    # every exercise of every region grew with their product (hours at 10^5 nodes)
    by_region = {
        r.region: frozenset().union(*(working.get(w, ()) for w in r.reach)) for r in regions
    }
    return MappingProxyType({z.id: by_region.get(z.region, frozenset()) for z in zones.values()})
