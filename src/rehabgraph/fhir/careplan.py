"""to_care_plan: a Recommendation, or a Programme over weeks, as a FHIR R4B CarePlan; and
to_service_request: a red-flag referral as the request for the care it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rehabgraph.api.programme import Programme
from rehabgraph.api.recommendation import PlannedExercise, Recommendation
from rehabgraph.api.render import needs
from rehabgraph.errors import InvalidReportError
from rehabgraph.fhir.definitions import activity_url, timing
from rehabgraph.fhir.text import narrative, sentences

if TYPE_CHECKING:
    from fhir.resources.R4B.careplan import CarePlan
    from fhir.resources.R4B.servicerequest import ServiceRequest

__all__ = ["to_care_plan", "to_service_request"]

# how urgently, in ServiceRequest.priority's words
_PRIORITY = {"emergency": "stat", "urgent": "urgent", "routine": "routine"}


def to_care_plan(
    plan: Recommendation | Programme, subject: str = "Patient/unknown", base: str | None = None
) -> CarePlan:
    """The plan as a CarePlan: one activity per exercise, in order, with the dosage as timing,
    the steps, dosage and stop rule in the description (FHIR's place for instructions), the
    reasons as reasonCode, and the notice and sources as notes; a narrative says it in words.

    A red-flag referral gives a CarePlan whose one activity is the referral, a ServiceRequest
    with its urgency (contained; see ``to_service_request``). A Programme gives one activity per
    exercise of each phase, each with the phase's weeks as its ``scheduledPeriod``, the
    CarePlan's ``period`` spanning them all, and each phase's criteria to move on as a note.

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
        return _programme_plan(plan, subject, base)
    rec = plan
    where = _where(rec)
    notes = [{"text": rec.notice}, *_source_notes(rec)]
    notes[1:1] = [
        {"text": f"Left out: {x.name}: {x.reason} [{', '.join(x.sources)}]"} for x in rec.excluded
    ]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "intent": "proposal",
        "title": f"Exercise plan: {where}" if where else "Exercise plan",
        "description": rec.explain(),
        "subject": {"reference": subject},
        "note": notes,
    }
    if rec.referral is not None:
        request = _service_request(rec, subject)
        request["id"] = "referral"
        resource.update(
            status="active",
            title=f"Referral: {rec.referral.concern}",
            contained=[request],
            activity=[{"reference": {"reference": "#referral"}}],
            text=narrative(
                f"Referral ({rec.referral.urgency}): {rec.referral.concern}",
                [rec.referral.reason, "No exercises until a clinician has seen the patient."],
            ),
        )
        return CarePlan.model_validate(resource)
    activities = [_activity(ex, base, _instructions(ex)) for ex in rec.exercises]
    resource.update(
        status="active" if activities else "on-hold",
        activity=activities or None,
        text=narrative(
            resource["title"],
            [f"{ex.name}: {sentences(ex.dosage)}" for ex in rec.exercises] or [rec.status],
        ),
    )
    return CarePlan.model_validate(resource)


def to_service_request(rec: Recommendation, subject: str = "Patient/unknown") -> ServiceRequest:
    """A red-flag referral as a ServiceRequest: a proposal to see a clinician, with the
    referral's urgency as its priority (emergency: stat), the flags as its reasons and what to
    do as its patient instruction.

    Raises InvalidReportError for a recommendation that does not refer.
    """
    from rehabgraph.fhir.models import ServiceRequest

    if rec.referral is None:
        raise InvalidReportError("this recommendation does not refer: there is no referral")
    return ServiceRequest.model_validate(_service_request(rec, subject))


def _service_request(rec: Recommendation, subject: str) -> dict[str, Any]:
    r = rec.referral
    assert r is not None  # noqa: S101 - callers check
    return {
        "resourceType": "ServiceRequest",
        "text": narrative(f"Refer ({r.urgency}): {r.concern}", [r.reason, *r.flags]),
        "status": "active",
        "intent": "proposal",
        "priority": _PRIORITY[r.urgency],
        "code": {"text": f"Clinical assessment ({r.urgency}): {r.concern}"},
        "subject": {"reference": subject},
        "reasonCode": [{"text": flag} for flag in r.flags],
        "patientInstruction": sentences(r.reason),
        "note": [{"text": sentences(f"Red flag: {r.concern}", f"Sources: {', '.join(r.sources)}")}],
    }


def _where(rec: Recommendation) -> str:
    return "; ".join(" and ".join(z.name for z in s.zones) for s in rec.sites)


def _source_notes(rec: Recommendation) -> list[dict[str, str]]:
    if not rec.sources:
        return []
    cited = "; ".join(
        f"[{s.id}] {s.title}" + (f" {s.url}" if s.url else f" doi:{s.doi}" if s.doi else "")
        for s in rec.sources
    )
    return [{"text": f"Sources: {cited}"}]


def _instructions(ex: PlannedExercise) -> str:
    side = f" ({ex.side})" if ex.side else ""
    return sentences(
        f"{ex.name}{side}",
        needs(ex),
        *(f"{i}. {s}" for i, s in enumerate(ex.steps, 1)),
        f"Dosage: {ex.dosage}",
        f"Stop if: {ex.stop_if}",
        *(f"Take care: {w}" for w in ex.warnings),
    )


def _activity(ex: PlannedExercise, base: str | None, description: str) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "kind": "ServiceRequest",
        "instantiatesCanonical": [activity_url(ex.exercise_id, base)],
        "code": {"text": ex.name},
        "status": "not-started",
        "description": description,
        "reasonCode": [{"text": e.sentence} for e in ex.explanations],
    }
    when = timing(ex.dosage_detail)
    if when:
        detail["scheduledTiming"] = when
    return {"detail": detail}


def _programme_plan(programme: Programme, subject: str, base: str | None) -> CarePlan:
    from rehabgraph.fhir.models import CarePlan

    rec = programme.recommendation
    if not programme.phases:
        return to_care_plan(rec, subject, base)
    planned = {ex.exercise_id: ex for ex in rec.exercises}
    activities = []
    lines = []
    for phase in programme.phases:
        weeks = f"Weeks {phase.first_week}-{phase.last_week}, {phase.name}"
        lines.append(f"{weeks}: " + ", ".join(e.name for e in phase.exercises))
        for pe in phase.exercises:
            ex = planned[pe.planned_as]
            side = f" ({pe.side})" if pe.side else ""
            dose = f"{pe.sets} sets of " if pe.sets else ""
            dose += f"{pe.reps} reps" if pe.reps else pe.dosage
            description = sentences(
                f"{weeks}: {pe.name}{side}, {dose}", needs(pe), f"Stop if: {ex.stop_if}"
            )
            activity = _activity(ex, base, description)
            detail = activity["detail"]
            detail["instantiatesCanonical"] = [activity_url(pe.exercise_id, base)]
            detail["code"] = {"text": pe.name}
            detail.pop("scheduledTiming", None)
            detail["scheduledPeriod"] = {
                "start": phase.start.isoformat(),
                "end": phase.end.isoformat(),
            }
            activities.append(activity)
    notes = [
        {
            "text": sentences(
                f"Weeks {p.first_week}-{p.last_week}, {p.name}: move on when: {p.move_on}"
            )
        }
        for p in programme.phases
    ]
    notes.append({"text": programme.notice})
    notes.extend(_source_notes(rec))
    title = f"Exercise programme, {programme.weeks} weeks: {_where(rec)}"
    return CarePlan.model_validate(
        {
            "resourceType": "CarePlan",
            "text": narrative(title, lines),
            "status": "active",
            "intent": "proposal",
            "title": title,
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
