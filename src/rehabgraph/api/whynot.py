"""Why an exercise is, or is not, in a person's plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rehabgraph.api.recommendation import Recommendation, WhyNot
from rehabgraph.errors import UnknownExerciseError
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.suggest import close_matches

__all__ = ["why_not"]


def why_not(
    knowledge: Knowledge,
    rec: Recommendation,
    exercise_id: str,
    reached_from: Mapping[str, tuple[str, ...]],
    max_exercises: int | None,
) -> WhyNot:
    """The reason ``exercise_id`` is or is not in ``rec``: recommended, referred,
    needs_screening, excluded, replaced, outranked, another_version or not_reachable."""
    k = knowledge
    if exercise_id not in k.exercises:
        raise UnknownExerciseError(exercise_id, close_matches(exercise_id, k.exercises))
    asked = _Asked(exercise_id, k.exercises[exercise_id].name)
    found = _in_plan_or_no_plan(asked, rec)
    if found is None:
        found = _left_out(asked, k, rec, max_exercises)
    return found if found is not None else _not_planned(asked, k, rec, reached_from)


@dataclass(frozen=True, slots=True)
class _Asked:
    """The exercise asked about, and the answer about it."""

    exercise_id: str
    name: str

    def answer(self, reason: Any, message: str, **more: Any) -> WhyNot:
        return WhyNot(
            exercise_id=self.exercise_id, name=self.name, reason=reason, message=message, **more
        )


def _in_plan_or_no_plan(asked: _Asked, rec: Recommendation) -> WhyNot | None:
    """Recommended, or no exercise at all (referred, or held for screening)."""
    name = asked.name
    planned = {e.exercise_id: e for e in rec.exercises}
    if asked.exercise_id in planned:
        return asked.answer(
            "recommended",
            f"The {name} is in your plan.",
            sources=sorted({s for x in planned[asked.exercise_id].explanations for s in x.sources}),
        )
    if rec.status == "refer" and rec.referral is not None:
        return asked.answer(
            "referred",
            f"No exercise is recommended: {rec.referral.reason}",
            sources=rec.referral.sources,
        )
    if rec.status == "needs_screening":
        return asked.answer(
            "needs_screening",
            "No exercise is recommended until the screening questions are answered.",
        )
    return None


def _left_out(
    asked: _Asked, k: Knowledge, rec: Recommendation, max_exercises: int | None
) -> WhyNot | None:
    """Reached, but left out: excluded for the person, replaced by a version, or outranked."""
    name, exercise_id = asked.name, asked.exercise_id
    swapped = next((e for e in rec.exercises if e.adapted_from == exercise_id), None)
    excluded = next((x for x in rec.excluded if x.exercise_id == exercise_id), None)
    if excluded is not None:
        final = (
            swapped.name
            if swapped is not None
            else (k.exercises[excluded.replaced_by].name if excluded.replaced_by else None)
        )
        instead = f" The plan uses the {final} instead." if final else ""
        return asked.answer(
            "excluded",
            f"The {name} is left out for you: {excluded.reason}.{instead}",
            replaced_by=swapped.exercise_id if swapped is not None else excluded.replaced_by,
            sources=excluded.sources,
        )
    if swapped is not None:
        why = swapped.explanations[0].sentence if swapped.explanations else ""
        return asked.answer(
            "replaced",
            f"The {name} was replaced by the {swapped.name}. {why}",
            replaced_by=swapped.exercise_id,
            sources=swapped.explanations[0].sources if swapped.explanations else [],
        )
    if any(a.exercise_id == exercise_id for a in rec.also_possible):
        return asked.answer(
            "outranked",
            f"The {name} fits and is named as also possible: the plan is kept to "
            f"{max_exercises} exercises, chosen to cover each place that hurts and each "
            "guideline recommendation first, then by score.",
        )
    return None


def _not_planned(
    asked: _Asked, k: Knowledge, rec: Recommendation, reached_from: Mapping[str, tuple[str, ...]]
) -> WhyNot:
    """Not reached: another version of it is planned, or nothing in the report leads to it."""
    name, exercise_id = asked.name, asked.exercise_id
    family = k.exercises[exercise_id].family_id
    sibling = next(
        (
            e
            for e in rec.exercises
            if e.exercise_id != exercise_id and k.exercises[e.exercise_id].family_id == family
        ),
        None,
    )
    if sibling is not None:
        return asked.answer(
            "another_version",
            f"The {name} is another version of the {sibling.name}, which is in your plan; it "
            "comes in when that version hurts, is too easy, or is not advised for you.",
            replaced_by=sibling.exercise_id,
        )
    zones = reached_from.get(exercise_id, ())
    if not zones:  # a version reached only from the exercise it varies
        zones = reached_from.get(family, ())
    names = ", ".join(k.zones[z].name for z in zones)
    where = (
        f" It is reached from: {names}."
        if zones
        else " No zone reaches it directly; it comes in as part of another exercise's plan."
    )
    beyond = _beyond_reach(k, rec, exercise_id)
    return asked.answer(
        "not_reachable",
        (beyond or f"Nothing in your report leads to the {name}.") + where,
        reached_from=list(zones),
        sources=_reach_sources(k, rec) if beyond else [],
    )


def _beyond_reach(k: Knowledge, rec: Recommendation, exercise_id: str) -> str:
    """Why a plan for these places cannot hold the exercise, when the reach says so."""
    reach = {r.region: set(r.reach) for r in k.regions}
    works = set(k.exercises[exercise_id].works)
    regions = [z.id for site in rec.sites for z in site.zones]
    if not reach or not regions or not works:
        return ""
    if any(works & reach.get(k.zones[z].region, set()) for z in regions):
        return ""
    places = " and ".join(dict.fromkeys(k.zones[z].name for z in regions))
    return (
        f"The {k.exercises[exercise_id].name} works the {' and '.join(sorted(works))}, which a "
        f"plan for pain in the {places} does not reach (regions.yaml), however the knowledge "
        "joins them."
    )


def _reach_sources(k: Knowledge, rec: Recommendation) -> list[str]:
    regions = {k.zones[z.id].region for site in rec.sites for z in site.zones}
    return list(dict.fromkeys(s for r in k.regions if r.region in regions for s in r.sources))
