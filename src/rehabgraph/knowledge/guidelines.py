"""Guideline recommendations at load time: each requirement's ``targets`` become the exercises
they match, so the graph holds one ``recommends`` edge per exercise family that meets it (to the
family's first exercise), and a recommendation's grade is one its guideline defines."""

from __future__ import annotations

from collections.abc import Mapping

from rehabgraph.knowledge.checks import Problems
from rehabgraph.knowledge.models import Exercise, Guideline, GuidelineRecommendation

__all__ = ["expand_requirements"]

_FILE = "guidelines.yaml"


def expand_requirements(
    recommendations: Mapping[str, GuidelineRecommendation],
    guidelines: Mapping[str, Guideline],
    exercises: Mapping[str, Exercise],
    problems: Problems,
) -> dict[str, GuidelineRecommendation]:
    """Every recommendation with its requirements' exercises listed in full."""
    out: dict[str, GuidelineRecommendation] = {}
    for rid, rec in recommendations.items():
        guideline = guidelines.get(rec.guideline)
        if guideline is not None and rec.grade not in guideline.grades:
            known = ", ".join(guideline.grades)
            problems.add(
                _FILE, rid, f"grade {rec.grade!r} is not one of {rec.guideline}'s grades ({known})"
            )
        include = []
        for index, need in enumerate(rec.include):
            named = list(need.exercises)
            if need.targets is not None:
                muscles = set(need.targets.muscles)
                named += [
                    e.id
                    for e in exercises.values()
                    if any(
                        t.muscle in muscles and t.action == need.targets.action for t in e.targets
                    )
                ]
            # an easier or harder version meets a requirement through its family's first
            # exercise, which the rules reach (the version then stands in for it)
            found = sorted({exercises[n].family_id for n in named if n in exercises})
            if not found:
                problems.add(_FILE, rid, f"include[{index}] ({need.what}): no exercise meets it")
            include.append(need.model_copy(update={"exercises": found}))
        out[rid] = rec.model_copy(update={"include": include})
    return out
