"""to_care_plan: a Recommendation, or a Programme over weeks, as a FHIR R4B CarePlan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rehabgraph.api.programme import Programme
from rehabgraph.api.recommendation import PlannedExercise, Recommendation
from rehabgraph.fhir.definitions import activity_url, timing

if TYPE_CHECKING:
    from fhir.resources.R4B.careplan import CarePlan

__all__ = ["to_care_plan"]


def to_care_plan(plan: Recommendation | Programme, subject: str = "Patient/unknown") -> CarePlan:
    """The plan as a CarePlan: one activity per exercise, in order, with the dosage as timing,
    the steps and stop rule in the description, the reasons as reasonCode, and the explanation,
    notice and sources as notes. A referral gives a CarePlan on hold with no activities.

    A Programme gives one activity per exercise of each phase, in order, each with the phase's
    weeks as its ``scheduledPeriod``, the CarePlan's ``period`` spanning them all, and each
    phase's criteria to move on as a note.

    >>> from rehabgraph import Recommender
    >>> recommender = Recommender.default()
    >>> report = {"sites": [{"location": "outer knee", "side": "right"}]}
    >>> report["answers"] = {q.id: False for q in recommender.screening(report)}
    >>> plan = to_care_plan(recommender.recommend(report), "Patient/123")
    >>> [a.detail.code.text for a in plan.activity]
    ['glute squeeze', 'VMO step-down']
    """
    from rehabgraph.fhir.models import CarePlan

    if isinstance(plan, Programme):
        return _programme_plan(plan, subject)
    rec = plan
    activities = []
    for ex in rec.exercises:
        side = f" ({ex.side})" if ex.side else ""
        detail: dict[str, Any] = {
            "kind": "ServiceRequest",
            "instantiatesCanonical": [activity_url(ex.exercise_id)],
            "code": {"text": ex.name},
            "status": "not-started",
            "description": (
                f"{ex.name}{side}. "
                + " ".join(f"{i}. {s}" for i, s in enumerate(ex.steps, 1))
                + f" Dosage: {ex.dosage}. Stop if: {ex.stop_if}"
            ),
            "reasonCode": [{"text": e.sentence} for e in ex.explanations],
        }
        when = timing(ex.dosage_detail)
        if when:
            detail["scheduledTiming"] = when
        activity: dict[str, Any] = {"detail": detail}
        cautions = [f"Stop if: {ex.stop_if}", *(f"Take care: {w}" for w in ex.warnings)]
        activity["progress"] = [{"text": n} for n in cautions]
        activities.append(activity)
    notes: list[dict[str, str]] = [{"text": rec.notice}]
    if rec.referral is not None:
        notes.insert(0, {"text": f"Referral ({rec.referral.urgency}): {rec.referral.reason}"})
    notes.extend(
        {"text": f"Left out: {x.name}: {x.reason} [{', '.join(x.sources)}]"} for x in rec.excluded
    )
    notes.append(
        {
            "text": "Sources: "
            + "; ".join(f"[{s.id}] {s.title}" + (f" {s.url}" if s.url else "") for s in rec.sources)
        }
    )
    status = "active" if rec.exercises else "on-hold"
    where = "; ".join(" and ".join(z.name for z in s.zones) for s in rec.sites)
    return CarePlan.model_validate(
        {
            "resourceType": "CarePlan",
            "status": status,
            "intent": "proposal",
            "title": f"Exercise plan: {where}" if where else "Exercise plan",
            "description": rec.explain(),
            "subject": {"reference": subject},
            "activity": activities or None,
            "note": notes,
        }
    )


def _activity(ex: PlannedExercise, description: str) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "kind": "ServiceRequest",
        "instantiatesCanonical": [activity_url(ex.exercise_id)],
        "code": {"text": ex.name},
        "status": "not-started",
        "description": description,
        "reasonCode": [{"text": e.sentence} for e in ex.explanations],
    }
    when = timing(ex.dosage_detail)
    if when:
        detail["scheduledTiming"] = when
    return {"detail": detail}


def _programme_plan(programme: Programme, subject: str) -> CarePlan:
    from rehabgraph.fhir.models import CarePlan

    rec = programme.recommendation
    if not programme.phases:
        return to_care_plan(rec, subject)
    planned = {ex.exercise_id: ex for ex in rec.exercises}
    activities = []
    for phase in programme.phases:
        for pe in phase.exercises:
            ex = planned[pe.planned_as]
            side = f" ({pe.side})" if pe.side else ""
            dose = f"{pe.sets} sets of " if pe.sets else ""
            dose += f"{pe.reps} reps" if pe.reps else pe.dosage
            description = (
                f"Weeks {phase.first_week}-{phase.last_week}, {phase.name}: {pe.name}{side}, "
                f"{dose}. Stop if: {ex.stop_if}"
            )
            activity = _activity(ex, description)
            detail = activity["detail"]
            detail["instantiatesCanonical"] = [activity_url(pe.exercise_id)]
            detail["code"] = {"text": pe.name}
            detail.pop("scheduledTiming", None)
            detail["scheduledPeriod"] = {
                "start": phase.start.isoformat(),
                "end": phase.end.isoformat(),
            }
            activities.append(activity)
    notes = [
        {"text": f"Weeks {p.first_week}-{p.last_week}, {p.name}: move on when: {p.move_on}"}
        for p in programme.phases
    ]
    notes.append({"text": programme.notice})
    notes.append(
        {
            "text": "Sources: "
            + "; ".join(f"[{s.id}] {s.title}" + (f" {s.url}" if s.url else "") for s in rec.sources)
        }
    )
    where = "; ".join(" and ".join(z.name for z in s.zones) for s in rec.sites)
    return CarePlan.model_validate(
        {
            "resourceType": "CarePlan",
            "status": "active",
            "intent": "proposal",
            "title": f"Exercise programme, {programme.weeks} weeks: {where}",
            "description": rec.explain(),
            "subject": {"reference": subject},
            "period": {
                "start": programme.phases[0].start.isoformat(),
                "end": programme.phases[-1].end.isoformat(),
            },
            "activity": activities,
            "note": notes,
        }
    )
