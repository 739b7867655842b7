"""CDS Hooks 2.0: discovery, one patient-view service that turns prefetched Conditions into
cards for clinicians, and the feedback endpoint.

As the specification asks: 200 with no cards when nothing applies (no musculoskeletal problem,
an OperationOutcome in the prefetch); 412 when the prefetch the service needs is missing (it
does not fetch); one patient per request (resources of another patient are left out, and the
card says so); a ``uuid`` on every card; a suggestion that creates the plan as a CarePlan (or
the referral as a ServiceRequest) and a link to the plan's explanation. When JWT issuers are
configured, a request needs a bearer JWT signed by one of them, for this service's URL.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from rehabgraph._log import get_logger
from rehabgraph.api.recommendation import Recommendation
from rehabgraph.api.recommender import Recommender
from rehabgraph.errors import RehabgraphError
from rehabgraph.server.cds_cards import CardContext, card_for
from rehabgraph.server.cds_jwt import JwtCheck
from rehabgraph.server.settings import ServeSettings

__all__ = ["SERVICE_ID", "add_cds_hooks"]

log = get_logger("rehabgraph.server")  # one logger for the service, as documented

SERVICE_ID = "rehabgraph-exercise-plan"
_EXPLANATIONS_KEPT = 1024  # the latest cards' explanations, for their links


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    hook: str = Field(max_length=100)
    hookInstance: str = Field(max_length=200)  # noqa: N815 - the CDS Hooks field name
    fhirServer: str | None = Field(default=None, max_length=2000)  # noqa: N815
    context: dict[str, Any] = Field(default_factory=dict)
    prefetch: dict[str, Any] | None = None


class Feedback(BaseModel):
    model_config = ConfigDict(extra="allow")

    feedback: list[dict[str, Any]] = Field(default_factory=list, max_length=100)


def add_cds_hooks(app: FastAPI, rec: Recommender, settings: ServeSettings | None = None) -> None:
    cds = _Service(rec, settings or ServeSettings())
    app.get("/cds-services")(cds.discovery)
    app.post(f"/cds-services/{SERVICE_ID}")(cds.service)
    app.get(f"/cds-services/{SERVICE_ID}/explanations/{{card_id}}")(cds.explanation)
    app.post(f"/cds-services/{SERVICE_ID}/feedback")(cds.feedback)


class _Service:
    """The CDS service's endpoints over one recommender, its settings and its JWT check."""

    def __init__(self, rec: Recommender, settings: ServeSettings) -> None:
        self.rec = rec
        self.settings = settings
        self.check = JwtCheck.from_settings(settings)
        self.explanations: OrderedDict[str, str] = OrderedDict()

    def discovery(self) -> dict[str, Any]:
        """CDS Hooks discovery."""
        return {
            "services": [
                {
                    "hook": "patient-view",
                    "id": SERVICE_ID,
                    "title": "rehabgraph exercise plan",
                    "description": "Exercise guidance for musculoskeletal pain from the patient's "
                    "Conditions, with the reasons and sources; refers on red flags.",
                    "prefetch": {"conditions": "Condition?patient={{context.patientId}}"},
                }
            ]
        }

    def service(self, hook: HookRequest, request: Request) -> Any:
        """Cards for the prefetched Conditions: critical for a red-flag referral, info for a
        plan, warning when it is held; none when nothing applies."""
        refused = self.check.refuse(request.headers.get("authorization"), str(request.url))
        if refused:
            return JSONResponse(status_code=401, content={"detail": refused})
        prefetched = (hook.prefetch or {}).get("conditions")
        if prefetched is None:
            return JSONResponse(
                status_code=412,
                content={
                    "detail": "the 'conditions' prefetch is missing; this service does not "
                    "fetch from the FHIR server"
                },
            )
        patient = str(hook.context.get("patientId") or "")
        resources, others = _own(prefetched, patient)
        plan = _plan(self.rec, resources)
        if plan is None:
            return {"cards": []}
        card_id = str(uuid.uuid4())
        self.explanations[card_id] = plan.explain()
        while len(self.explanations) > _EXPLANATIONS_KEPT:
            self.explanations.popitem(last=False)
        root = str(request.base_url).rstrip("/")
        link = f"{root}/cds-services/{SERVICE_ID}/explanations/{card_id}"
        card = card_for(plan, self.rec, CardContext(card_id, link, self.settings, patient, others))
        return {"cards": [card] if card else []}

    def explanation(self, card_id: str) -> Any:
        """The plan behind a card, in words (kept for the latest cards)."""
        text = self.explanations.get(card_id)
        if text is None:
            return JSONResponse(status_code=404, content={"detail": "no such card (or too old)"})
        return PlainTextResponse(text)

    def feedback(self, body: Feedback, request: Request) -> Any:
        """CDS Hooks feedback: what the clinician did with a card (logged, never the patient)."""
        refused = self.check.refuse(request.headers.get("authorization"), str(request.url))
        if refused:
            return JSONResponse(status_code=401, content={"detail": refused})
        for item in body.feedback:
            log.info("cds feedback: card %s %s", item.get("card"), item.get("outcome"))
        return {}


def _own(prefetched: Any, patient: str) -> tuple[list[dict[str, Any]], int]:
    """The prefetched resources of this patient (a Bundle's entries, a list or one resource),
    and how many of another patient were left out. OperationOutcomes are left out too."""
    if isinstance(prefetched, Mapping) and prefetched.get("resourceType") == "Bundle":
        items = [e.get("resource") for e in prefetched.get("entry") or () if isinstance(e, Mapping)]
    elif isinstance(prefetched, list):
        items = prefetched
    else:
        items = [prefetched]
    own: list[dict[str, Any]] = []
    others = 0
    for item in items:
        if not isinstance(item, Mapping) or item.get("resourceType") == "OperationOutcome":
            continue
        subject = str((item.get("subject") or {}).get("reference") or "")
        if patient and subject and subject.rsplit("/", maxsplit=1)[-1] != patient:
            others += 1
            continue
        own.append(dict(item))
    return own, others


def _plan(rec: Recommender, resources: list[dict[str, Any]]) -> Recommendation | None:
    """The recommendation for these resources, or None when nothing in them applies."""
    from rehabgraph.fhir import report_from_conditions

    if not resources:
        return None
    try:
        report = report_from_conditions(resources, rec.knowledge_base, patient=None)
        return rec.recommend(report)
    except RehabgraphError as exc:  # nothing musculoskeletal to read: no card
        log.info("cds: no card: %s", exc)
        return None
