"""Linting a knowledge base: what loads but would not help anyone.

Warnings, not errors: a zone that reaches no exercise, a muscle that refers pain nowhere, an
exercise no rule can reach, a rule that never fires, a source nobody cites, a zone with no
red-flag screening, and a zone whose plan contradicts a guideline recommendation that covers it
(misses what it must include, or holds what it must not). Errors (unknown references,
duplicates, loops) stop the load instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rehabgraph import _progress
from rehabgraph._log import get_logger
from rehabgraph.engine.compile import CompiledRules
from rehabgraph.engine.plan import SiteZones, plan
from rehabgraph.errors import KnowledgeProblem
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.fields import references
from rehabgraph.knowledge.models import EDGES
from rehabgraph.knowledge.registry import LISTS

__all__ = ["guideline_contradictions", "lint"]

log = get_logger(__name__)
_SWAPS = frozenset(t for t, spec in EDGES.items() if spec.edge.swaps)


def lint(kb: KnowledgeBase, compiled: CompiledRules) -> list[KnowledgeProblem]:
    """Every warning about ``kb``, in a stable order; logged (a WARNING line) when there are any."""
    k = kb.knowledge
    stage, steps = "linting", 4
    _progress.report(stage, 0, steps)
    reached, fired = _reached_and_fired(kb, compiled)
    _progress.report(stage, 1, steps)
    cited = _cited(kb)
    _progress.report(stage, 2, steps)
    warnings = [
        *(
            KnowledgeProblem(
                "zones.yaml", zone, "reaches no exercise: no rule walks from it to an exercise"
            )
            for zone in k.zones
            if not compiled.from_zone.get(zone, ())
        ),
        *(
            KnowledgeProblem("exercises.yaml", ex, "no rule can reach it from any zone")
            for ex in sorted(set(k.exercises) - reached)
        ),
        *_muscles_referring_nowhere(kb),
        *(
            KnowledgeProblem("rules.yaml", rule.id, "never fires on this knowledge")
            for rule in k.rules
            if rule.id not in fired
        ),
        *_zones_unscreened(kb),
    ]
    _progress.report(stage, 3, steps)
    warnings += guideline_contradictions(kb, compiled)
    warnings += (
        KnowledgeProblem("sources.yaml", source, "is never cited")
        for source in k.sources
        if source not in cited
    )
    _progress.report(stage, 4, steps)
    if warnings:
        log.warning(
            "knowledge %s: %d lint warning%s, the first: %s",
            k.version,
            len(warnings),
            "s" if len(warnings) != 1 else "",
            warnings[0],
        )
    for warning in warnings:
        log.debug("lint: %s", warning)
    return warnings


def _reached_and_fired(kb: KnowledgeBase, compiled: CompiledRules) -> tuple[set[str], set[str]]:
    """The exercises the zones' rules reach (with every version of each), and the rules that
    fire on the way."""
    reached: set[str] = set()
    fired: set[str] = set()
    for zone in kb.knowledge.zones:
        matches = compiled.from_zone.get(zone, ())
        reached.update(m.exercise for m in matches)
        fired.update(m.rule.id for m in matches)
    queue = sorted(reached)
    while queue:  # rules that start at exercises, and the versions of every reached exercise
        ex = queue.pop()
        nxt = [m.exercise for m in compiled.from_exercise.get(ex, ())]
        fired.update(m.rule.id for m in compiled.from_exercise.get(ex, ()))
        # an easier or harder version stands in for a reached exercise (Edge(swaps=True))
        nxt.extend(other for _, other, t in kb.graph.out_edges(ex, keys=True) if t in _SWAPS)
        for other in nxt:
            if other not in reached:
                reached.add(other)
                queue.append(other)
    return reached, fired


def _muscles_referring_nowhere(kb: KnowledgeBase) -> list[KnowledgeProblem]:
    """Muscles no path can pass: no referral, and no imbalance that involves them (a muscle
    with no trigger-point pattern, like the deep neck flexors, still works in an imbalance)."""
    graph = kb.graph
    return [
        KnowledgeProblem(
            "muscles.yaml",
            muscle,
            "refers pain nowhere (no referral in referrals.yaml) and no imbalance involves it",
        )
        for muscle in kb.knowledge.muscles
        if not any(t == "refers_pain_to" for _, _, t in graph.out_edges(muscle, keys=True))
        and not any(t == "involves" for _, _, t in graph.in_edges(muscle, keys=True))
    ]


def _zones_unscreened(kb: KnowledgeBase) -> list[KnowledgeProblem]:
    k = kb.knowledge
    asked = {z for q in k.questions.values() for z in (k.zones if "all" in q.zones else q.zones)}
    return [
        KnowledgeProblem(
            "safety.yaml", zone, "no red-flag screening question is asked for this zone"
        )
        for zone in k.zones
        if zone not in asked
    ]


def _cited(kb: KnowledgeBase) -> set[str]:
    """Every source id the knowledge cites, read off the models' ``Ref("source")`` fields."""
    k = kb.knowledge
    ids: set[str] = set(k.notice_sources)
    items: list[Any] = [k.adaptation, k.lexicon, k.context, k.dosing]
    for entries in LISTS:
        table = getattr(k, entries.key)
        items.extend(table.values() if isinstance(table, Mapping) else table)
    for item in items:
        if item is not None:
            for found in references(item):
                if found.ref.kind == "source":
                    ids.update(found.ids)
    return ids


def guideline_contradictions(kb: KnowledgeBase, compiled: CompiledRules) -> list[KnowledgeProblem]:
    """Each zone's plan (one site, no side, no conditions, the knowledge's plan size) against
    the guideline recommendations that cover the zone: every requirement met, nothing avoided."""
    k = kb.knowledge
    out: list[KnowledgeProblem] = []
    for zone in k.zones:
        needs = compiled.required.get(zone, ())
        avoided = compiled.avoided.get(zone, {})
        if not needs and not avoided:
            continue
        planned = {
            item.exercise_id
            for item in plan([SiteZones((zone,), None, None)], compiled, k.scoring).items
        }
        out += [
            KnowledgeProblem(
                "guidelines.yaml",
                need.recommendation,
                f"the plan for {zone} holds no {need.what} (it must include one of "
                f"{', '.join(sorted(need.exercises))})",
            )
            for need in needs
            if not planned & need.exercises
        ]
        out += [
            KnowledgeProblem(
                "guidelines.yaml",
                why.recommendation,
                f"the plan for {zone} holds {exercise}, which it must not: {why.reason}",
            )
            for exercise, why in avoided.items()
            if exercise in planned
        ]
    return out
