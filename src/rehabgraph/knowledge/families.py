"""Families of exercise versions, derived once at load from the version links.

Exercises joined by ``regression``/``progression`` links are versions of one exercise: a family,
named by the ``family`` one of them gives, else by the first of them in the file. A ``before``
that names a family is written once and stands for every version in it; it is expanded here so
the graph and the engine see one "comes before" edge per version, as if each were written out.
"""

from __future__ import annotations

from collections.abc import Mapping

from rehabgraph.knowledge.checks import Problems
from rehabgraph.knowledge.models import Before, Exercise

__all__ = ["derive_families", "expand_before"]

_FILE = "exercises.yaml"


def _linked(exercises: Mapping[str, Exercise]) -> list[list[str]]:
    """The groups of exercises joined by version links, each in file order."""
    root = {i: i for i in exercises}

    def find(i: str) -> str:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for ex in exercises.values():
        for variant in (ex.regression, ex.progression):
            if variant is not None and variant.exercise in exercises:
                a, b = find(ex.id), find(variant.exercise)
                if a != b:
                    root[b] = a
    members: dict[str, list[str]] = {}
    for i in exercises:
        members.setdefault(find(i), []).append(i)
    return list(members.values())


def derive_families(exercises: Mapping[str, Exercise], problems: Problems) -> dict[str, Exercise]:
    """Each exercise with its ``family`` filled in from its version links (file order kept).

    A ``family`` written out must name one of the versions linked to the exercise (or the
    exercise itself): a family is its versions, not a label shared across unlinked ones.
    """
    out = dict(exercises)
    for group in _linked(exercises):
        for i in group:
            family = exercises[i].family
            if family is not None and family in exercises and family not in group:
                problems.add(
                    _FILE,
                    i,
                    f"family: {family!r} is not one of the versions linked to {i!r} "
                    f"({', '.join(group)}); link it by regression or progression, or leave "
                    "`family` out",
                )
        if len(group) == 1:
            continue
        named = [exercises[i].family for i in group if exercises[i].family in group]
        name = named[0] if named else group[0]
        for i in group:
            if exercises[i].family is None:
                out[i] = exercises[i].model_copy(update={"family": name})
    return out


def expand_before(exercises: Mapping[str, Exercise], problems: Problems) -> dict[str, Exercise]:
    """Each ``before`` naming a family replaced by one for each of its versions."""
    versions: dict[str, list[str]] = {}
    for ex in exercises.values():
        versions.setdefault(ex.family_id, []).append(ex.id)
    out = dict(exercises)
    for ex in exercises.values():
        if all(b.family is None for b in ex.before):
            continue
        expanded: list[Before] = []
        for index, before in enumerate(ex.before):
            if before.family is None:
                expanded.append(before)
                continue
            named = exercises.get(before.family)
            if named is None:  # an unknown exercise: kept, so the reference check names it
                expanded.append(before)
                continue
            if named.family_id != before.family:
                problems.add(
                    _FILE,
                    ex.id,
                    f"before[{index}].family: {before.family!r} is a version in family "
                    f"{named.family_id!r}; name that family",
                )
                continue
            expanded += [
                before.model_copy(update={"exercise": member})
                for member in versions[before.family]
                if member != ex.id
            ]
        out[ex.id] = ex.model_copy(update={"before": expanded})
    return out
