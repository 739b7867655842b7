"""The card a CDS Hooks service shows a clinician: a summary under 140 characters, cut at a
word; Markdown detail with the chain of facts, the red flag and the sources as links; a
suggestion that creates the plan (a CarePlan) or the referral (a ServiceRequest); and a link to
the plan's explanation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rehabgraph.api.recommendation import Explanation, PlannedExercise, Recommendation, SourceRef
from rehabgraph.api.recommender import Recommender
from rehabgraph.engine.compile import grade_words
from rehabgraph.fhir.text import sentences
from rehabgraph.server.settings import ServeSettings

__all__ = ["CardContext", "card_for", "cut"]

_SUMMARY_MAX = 139  # CDS Hooks: a summary under 140 characters
_LABEL_MAX = 80  # a suggestion's or link's label, short enough for a button
_NAMED_IN_SUMMARY = 3  # the plan's first exercises are named in its summary, the rest counted


def cut(text: str, most: int) -> str:
    """``text`` in at most ``most`` characters, cut at a word and ending "..." when cut.

    >>> cut("Exercise plan: glute squeeze, VMO step-down", 30)
    'Exercise plan: glute...'
    """
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    room = text[: most - 3]
    head = room.rsplit(" ", 1)[0] if " " in room else room
    return head.rstrip(" ,;:") + "..."


@dataclass(frozen=True, slots=True)
class CardContext:
    """What a card needs beyond its plan: its id, the link to its explanation, the service's
    settings, the patient, and how many resources of another patient were left out."""

    card_id: str
    link: str
    settings: ServeSettings
    patient: str
    others: int


def card_for(plan: Recommendation, rec: Recommender, context: CardContext) -> dict[str, Any] | None:
    """The card for a plan, or None when it says nothing a clinician needs (no exercise)."""
    card_id, link, settings = context.card_id, context.link, context.settings
    patient, others = context.patient, context.others
    subject = f"Patient/{patient}" if patient else "Patient/unknown"
    version = rec.knowledge_base.knowledge.version
    left_out = (
        [f"_{others} resource{'s' if others != 1 else ''} of another patient left out._"]
        if others
        else []
    )
    if plan.referral is not None:
        r = plan.referral
        summary = f"Refer ({r.urgency}): {r.concern}"
        detail = [
            f"**Red flag: refer, {r.urgency}.** {r.reason}",
            "",
            f"Flags: {', '.join(plan.referral.flags)}.",
            "No exercise is recommended until a clinician has assessed the patient.",
        ]
        indicator = "critical"
        action = _create(plan, subject, settings, referral=True)
    elif plan.status == "needs_screening":
        summary = f"Screen for red flags before an exercise plan ({len(plan.screening)} questions)"
        if not plan.screening:
            summary = "Exercise plan held: part of the record could not be read"
        detail = ["**Before an exercise plan, ask:**", ""]
        detail += [f"- {q.question}" for q in plan.screening]
        detail += [f"- {w}" for w in plan.warnings if not plan.screening]
        indicator = "warning"
        action = None
    elif plan.exercises:
        names = ", ".join(e.name for e in plan.exercises[:_NAMED_IN_SUMMARY])
        more = len(plan.exercises) - _NAMED_IN_SUMMARY
        summary = f"Exercise guidance: {names}" + (f" and {more} more" if more > 0 else "")
        detail = [f"**Exercise guidance (not a diagnosis) for {_where(plan)}.**", ""]
        detail += [f"> {a.text} ({a.guideline}, {grade_words(a.grade)})" for a in plan.advice]
        for n, ex in enumerate(plan.exercises, 1):
            detail += _exercise_lines(n, ex)
        indicator = "info"
        action = _create(plan, subject, settings, referral=False)
    else:
        return None
    sources = _source_links(plan.sources)
    body = "\n".join([*detail, "", *left_out, "", sources, "", f"_{plan.notice}_"]).strip()
    card: dict[str, Any] = {
        "uuid": card_id,
        "summary": cut(summary, _SUMMARY_MAX),
        "indicator": indicator,
        "detail": body,
        "source": {"label": cut(f"rehabgraph, knowledge {version}", _LABEL_MAX)},
        "links": [
            {
                "label": "Why: the chain of facts and its sources",
                "url": link,
                "type": "absolute",
            }
        ],
    }
    if action is not None:
        card["suggestions"] = [
            {
                "label": cut(action["description"], _LABEL_MAX),
                "uuid": f"{card_id}-1",
                "actions": [action],
            }
        ]
        card["selectionBehavior"] = "at-most-one"
    return card


def _where(plan: Recommendation) -> str:
    return "; ".join(" and ".join(z.name for z in s.zones) for s in plan.sites) or "the record"


def _exercise_lines(n: int, ex: PlannedExercise) -> list[str]:
    side = f" ({ex.side})" if ex.side else ""
    lines = [f"{n}. **{ex.name}**{side}: " + sentences(ex.dosage, f"Stop if: {ex.stop_if}")]
    lines += [f"   - {_why(e)}" for e in ex.explanations]
    return lines


def _why(e: Explanation) -> str:
    chain = " → ".join(e.labels)
    if e.basis == "guideline":
        return f"Guideline, {grade_words(e.grade or '')}: {chain}"
    return f"Referral chain ({e.evidence.replace('-', ' ')}): {chain}"


def _source_links(sources: list[SourceRef]) -> str:
    def one(s: SourceRef) -> str:
        if s.url:
            return f"[{s.title}]({s.url})"
        if s.doi:
            return f"[{s.title}](https://doi.org/{s.doi})"
        return s.title

    return "Sources: " + "; ".join(one(s) for s in sources) if sources else ""


def _create(
    plan: Recommendation, subject: str, settings: ServeSettings, *, referral: bool
) -> dict[str, Any]:
    """A suggestion's action: create the plan as a CarePlan, or the referral as a
    ServiceRequest."""
    from rehabgraph.fhir import to_care_plan, to_service_request

    base = settings.fhir_base
    resource: Any
    if referral:
        resource = to_service_request(plan, subject)
        what = "Create the referral (ServiceRequest)"
    else:
        resource = to_care_plan(plan, subject, base=base)
        what = "Create the exercise plan (CarePlan)"
    return {
        "type": "create",
        "description": what,
        "resource": resource.model_dump(mode="json", exclude_none=True),
    }
