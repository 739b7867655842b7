"""The FastAPI application: /recommend, /zones, /screening, /health and CDS Hooks."""

from __future__ import annotations

from typing import Any

from rehabgraph.api.recommendation import Recommendation
from rehabgraph.api.recommender import Recommender
from rehabgraph.api.report import PainReport
from rehabgraph.errors import MissingDependencyError, RehabgraphError
from rehabgraph.knowledge.text import one_line
from rehabgraph.server.limits import BodyLimit

try:
    from fastapi import FastAPI, Query, Request
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, Field
except ImportError:  # pragma: no cover - exercised without the extra installed
    raise MissingDependencyError("fastapi", "server") from None

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 64 * 1024


class ZoneOut(BaseModel):
    id: str
    name: str
    region: str
    sided: bool
    aliases: list[str]


class QuestionOut(BaseModel):
    id: str
    question: str
    urgency: str | None = None
    only_if: dict[str, bool] = Field(default_factory=dict)


class Health(BaseModel):
    status: str
    knowledge_version: str


class Problem(BaseModel):
    detail: str


def create_app(recommender: Recommender | None = None) -> Any:
    """The HTTP service over one shared, read-only recommender.

    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app())
    >>> client.get("/health").json()["status"]
    'ok'
    """
    from rehabgraph.server.cds import add_cds_hooks

    rec = recommender or Recommender.default()
    k = rec.knowledge_base.knowledge
    # built once: every question as the service shows it
    questions = {
        q.id: QuestionOut(
            id=q.id, question=one_line(q.question), urgency=q.urgency, only_if=dict(q.only_if)
        )
        for q in k.questions.values()
    }
    app = FastAPI(
        title="rehabgraph",
        description="From where it hurts to what exercise to do, and why. Exercise guidance, "
        "not a diagnosis.",
        version=k.version,
    )

    @app.exception_handler(RehabgraphError)
    async def _clear_error(_: Request, exc: RehabgraphError) -> JSONResponse:
        body: dict[str, Any] = {"detail": str(exc)}
        suggestions = getattr(exc, "suggestions", None)
        if suggestions:
            body["suggestions"] = list(suggestions)
        return JSONResponse(status_code=422, content=body)

    @app.post(
        "/recommend",
        response_model=Recommendation,
        responses={422: {"model": Problem}, 413: {"model": Problem}},
    )
    def recommend(report: PainReport) -> Recommendation:
        """The plan for a PainReport: exercises in order, each with the reasons why."""
        return rec.recommend(report)

    @app.get("/zones", response_model=list[ZoneOut])
    def zones() -> list[ZoneOut]:
        """The places rehabgraph knows and the words people use for them."""
        return [
            ZoneOut(id=z.id, name=z.name, region=z.region, sided=z.sided, aliases=list(z.aliases))
            for z in k.zones.values()
        ]

    @app.get("/screening", response_model=list[QuestionOut], responses={422: {"model": Problem}})
    def screening(
        zones: str = Query(..., max_length=2000, description="Comma-separated zone ids."),
    ) -> Any:
        """The red-flag screening questions asked for these zones (gated ones included)."""
        ids = [z.strip() for z in zones.split(",") if z.strip()]
        unknown = [z for z in ids if z not in k.zones]
        if unknown or not ids:
            return JSONResponse(
                status_code=422,
                content={"detail": f"unknown zone id(s): {', '.join(unknown) or '(none given)'}"},
            )
        return [questions[q] for q in rec.safety.questions_for(ids)]

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", knowledge_version=k.version)

    add_cds_hooks(app, rec)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    return app
