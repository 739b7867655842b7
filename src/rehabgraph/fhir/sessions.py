"""Sessions as FHIR R4B Observations, and back: an app stores each session it logs as an
Observation; ``history_from_observations`` reads them into a report's ``history``.

One Observation per session: its code says it is an exercise session (rehabgraph's own code
system: no standard code for one was found), ``effectiveDateTime`` is the day, and its
components hold the exercise (coded by its ActivityDefinition's canonical URL as system), sets,
reps, the pain during it and the next day (LOINC 72514-3, "Pain severity - 0-10 verbal numeric
rating [Score] - Reported", beside rehabgraph's code that says which) and whether form held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from rehabgraph.api.report import SessionRecord
from rehabgraph.errors import InvalidReportError
from rehabgraph.fhir.text import DEFAULT_BASE, canonical, narrative

if TYPE_CHECKING:
    from fhir.resources.R4B.observation import Observation

__all__ = ["SESSION_SYSTEM", "history_from_observations", "to_observations"]

# rehabgraph's own code systems (no standard code for an exercise session was found); their
# URLs stay the same whatever the canonical base, so stored sessions read back anywhere
SESSION_SYSTEM = canonical("CodeSystem", "session", DEFAULT_BASE)
EXERCISE_SYSTEM = canonical("CodeSystem", "exercise", DEFAULT_BASE)
LOINC = "http://loinc.org"
# LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported": confirmed in the
# eCQM Standardized Pain Assessment Tool value set and the HL7 Belgium pain scale value set
PAIN_SCORE = "72514-3"
_NOT_USED = {"entered-in-error", "cancelled"}


def _code(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": SESSION_SYSTEM, "code": code, "display": display}]}


def _pain_code(code: str, display: str) -> dict[str, Any]:
    return {
        "coding": [
            {
                "system": LOINC,
                "code": PAIN_SCORE,
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            },
            {"system": SESSION_SYSTEM, "code": code, "display": display},
        ],
        "text": display,
    }


def to_observations(
    history: Iterable[SessionRecord | Mapping[str, Any]], subject: str = "Patient/unknown"
) -> list[Observation]:
    """Each session as a final Observation.

    >>> obs = to_observations([{"date": "2026-11-02", "exercise_id": "vmo-step-down",
    ...                         "reps": 12, "pain_during": 0, "pain_next_day": 0}])
    >>> obs[0].effectiveDateTime.isoformat(), len(obs[0].component)
    ('2026-11-02', 5)
    """
    from rehabgraph.fhir.models import Observation

    out = []
    for raw in history:
        s = raw if isinstance(raw, SessionRecord) else SessionRecord.model_validate(raw)
        components: list[dict[str, Any]] = [
            {
                "code": _code("exercise", "exercise done"),
                "valueCodeableConcept": {
                    "coding": [{"system": EXERCISE_SYSTEM, "code": s.exercise_id}]
                },
            },
            {
                "code": _pain_code("pain-during", "pain during the session"),
                "valueInteger": s.pain_during,
            },
            {"code": _code("good-form", "good form held"), "valueBoolean": s.good_form},
        ]
        if s.sets is not None:
            components.append({"code": _code("sets", "sets done"), "valueInteger": s.sets})
        if s.reps is not None:
            components.append({"code": _code("reps", "reps done"), "valueInteger": s.reps})
        if s.pain_next_day is not None:
            components.append(
                {
                    "code": _pain_code("pain-next-day", "pain the next day"),
                    "valueInteger": s.pain_next_day,
                }
            )
        out.append(
            Observation.model_validate(
                {
                    "resourceType": "Observation",
                    "text": narrative(
                        f"Exercise session on {s.date.isoformat()}: {s.exercise_id}",
                        [
                            f"{s.sets} sets" if s.sets is not None else "",
                            f"{s.reps} reps" if s.reps is not None else "",
                            f"pain during it {s.pain_during}/10",
                            f"pain the next day {s.pain_next_day}/10"
                            if s.pain_next_day is not None
                            else "",
                            "good form held" if s.good_form else "form did not hold",
                        ],
                    ),
                    "status": "final",
                    "category": [{"text": "exercise session"}],
                    "code": {
                        **_code("exercise-session", "exercise session"),
                        "text": "exercise session",
                    },
                    "subject": {"reference": subject},
                    "effectiveDateTime": s.date.isoformat(),
                    "component": components,
                }
            )
        )
    return out


def history_from_observations(resources: Iterable[Any]) -> list[SessionRecord]:
    """The sessions in these Observations (fhir.resources models or dicts, or a Bundle of
    them), oldest first. Observations of anything else, and those entered in error or
    cancelled, are left out; a session Observation that misses what a session needs is an
    InvalidReportError that names it."""
    out: list[SessionRecord] = []
    for index, res in enumerate(_resources(resources)):
        if res.get("resourceType") != "Observation" or not _is_session(res):
            continue
        if res.get("status") in _NOT_USED:
            continue
        out.append(_session(res, index))
    return sorted(out, key=lambda s: s.date)


def _resources(resources: Iterable[Any]) -> list[dict[str, Any]]:
    items = [r.model_dump(mode="json") if hasattr(r, "model_dump") else r for r in resources]
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict) and item.get("resourceType") == "Bundle":
            out += [e.get("resource", {}) for e in item.get("entry") or ()]
        elif isinstance(item, dict):
            out.append(item)
    return out


def _codes(concept: Any) -> set[tuple[str, str]]:
    codings = (concept or {}).get("coding") or ()
    return {(c.get("system", ""), c.get("code", "")) for c in codings}


def _is_session(res: dict[str, Any]) -> bool:
    return (SESSION_SYSTEM, "exercise-session") in _codes(res.get("code"))


def _session(res: dict[str, Any], index: int) -> SessionRecord:
    values: dict[str, Any] = {}
    for comp in res.get("component") or ():
        codes = _codes(comp.get("code"))
        for name in ("sets", "reps", "pain-during", "pain-next-day", "good-form", "exercise"):
            if (SESSION_SYSTEM, name) in codes:
                values[name] = comp
    when = res.get("effectiveDateTime") or (res.get("effectivePeriod") or {}).get("start")
    exercise = next(
        (
            c.get("code")
            for c in (values.get("exercise", {}).get("valueCodeableConcept") or {}).get(
                "coding", ()
            )
            if c.get("system") == EXERCISE_SYSTEM
        ),
        None,
    )
    where = f"Observation {res.get('id') or f'#{index + 1}'}"
    if not when or not exercise or "pain-during" not in values:
        raise InvalidReportError(
            f"{where}: an exercise session needs a date, the exercise and the pain during it"
        )
    try:
        return SessionRecord(
            date=date.fromisoformat(str(when)[:10]),
            exercise_id=exercise,
            sets=values.get("sets", {}).get("valueInteger"),
            reps=values.get("reps", {}).get("valueInteger"),
            pain_during=values["pain-during"].get("valueInteger"),
            pain_next_day=values.get("pain-next-day", {}).get("valueInteger"),
            good_form=values.get("good-form", {}).get("valueBoolean", True),
        )
    except ValueError as exc:
        raise InvalidReportError(f"{where}: {exc}") from None
