"""CDS Hooks: discovery and one service that turns prefetched Conditions into cards."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from rehabgraph.api.recommender import Recommender
from rehabgraph.errors import RehabgraphError

__all__ = ["SERVICE_ID", "add_cds_hooks"]

SERVICE_ID = "rehabgraph-exercise-plan"

# CDS Hooks wants a card's summary under 140 characters: a longer one is cut, ending in "..."
_SUMMARY_MAX = 139
# the plan's first exercises are named in its card's summary; the others are only counted
_NAMED_IN_SUMMARY = 3


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    hook: str = Field(max_length=100)
    hookInstance: str = Field(max_length=200)  # noqa: N815 - the CDS Hooks field name
    context: dict[str, Any] = Field(default_factory=dict)
    prefetch: dict[str, Any] = Field(default_factory=dict)


def _card(summary: str, indicator: str, detail: str, source: dict[str, Any]) -> dict[str, Any]:
    if len(summary) > _SUMMARY_MAX:
        summary = summary[: _SUMMARY_MAX - len("...")].rstrip() + "..."
    return {"summary": summary, "indicator": indicator, "detail": detail, "source": source}


def add_cds_hooks(app: FastAPI, rec: Recommender) -> None:
    k = rec.knowledge_base.knowledge

    @app.get("/cds-services")
    def discovery() -> dict[str, Any]:
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

    @app.post(f"/cds-services/{SERVICE_ID}")
    def service(request: HookRequest) -> Any:
        """Cards for the prefetched Conditions: critical for a red-flag referral, info else."""
        from rehabgraph.fhir import report_from_conditions

        conditions = request.prefetch.get("conditions")
        if not conditions:
            return {"cards": []}
        try:
            report = report_from_conditions(conditions, rec.knowledge_base)
            plan = rec.recommend(report)
        except RehabgraphError as exc:
            return JSONResponse(status_code=422, content={"detail": str(exc)})
        source = {"label": f"rehabgraph ({k.version})"}
        for cited in plan.sources:  # link the first source behind this plan that has an address
            if cited.url:
                source["label"] = f"rehabgraph ({k.version}): {cited.title}"[:200]
                source["url"] = cited.url
                break
        detail = "```\n" + plan.explain() + "```"
        if plan.referral is not None:
            summary = f"See a clinician ({plan.referral.urgency}): {plan.referral.concern}"
            return {"cards": [_card(summary, "critical", detail, source)]}
        if plan.status == "needs_screening":
            held = len(plan.screening)
            summary = (
                f"Screen for red flags before an exercise plan ({held} questions)"
                if held
                else "Exercise plan held: part of the record could not be read"
            )
            return {"cards": [_card(summary, "warning", detail, source)]}
        if not plan.exercises:
            return {
                "cards": [
                    _card("No exercise to recommend for these conditions", "info", detail, source)
                ]
            }
        names = ", ".join(e.name for e in plan.exercises[:_NAMED_IN_SUMMARY])
        more = (
            f" and {len(plan.exercises) - _NAMED_IN_SUMMARY} more"
            if len(plan.exercises) > _NAMED_IN_SUMMARY
            else ""
        )
        return {"cards": [_card(f"Exercise plan: {names}{more}", "info", detail, source)]}
