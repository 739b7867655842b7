"""The FastAPI application: /recommend, /zones, /screening, /health, CDS Hooks, and the page at
/ with what it reads (/body-map, /knowledge, /pictures).

Bad input answers 422 with one shape, ``Problem`` (what is wrong, and close matches or every
field's error where there are some); anything else is a bug: it is logged and answers 500. A
report that does not validate is still read for red flags first: a red flag beside a bad field
answers 200 with the referral and the field's error in ``problems``.

Served as shipped: the page at / and the API docs (Swagger UI at /docs, ReDoc at /redoc) come
from the package (fastapi-offline for the docs), so they work offline; responses are gzipped;
browser clients are allowed by CORS; one log line per request (method, path, status, time; never
the body) goes to the ``rehabgraph.server`` logger; and the garbage collector's view of the loaded
knowledge is frozen, so a collection never walks it during a request.
"""

from __future__ import annotations

import gc
import json
from typing import Annotated, Any

from rehabgraph._log import get_logger
from rehabgraph.api.recommendation import Recommendation
from rehabgraph.api.recommender import Recommender
from rehabgraph.api.report import PainReport
from rehabgraph.errors import MissingDependencyError, RehabgraphError, ReportError
from rehabgraph.knowledge.text import one_line
from rehabgraph.server.limits import BodyLimit, RequestLog
from rehabgraph.server.settings import ServeSettings

try:
    from fastapi import FastAPI, Query, Request, Response
    from fastapi.exceptions import RequestValidationError
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.middleware.gzip import GZipMiddleware
    from fastapi.responses import JSONResponse
    from fastapi_offline import FastAPIOffline
    from pydantic import BaseModel, Field
except ImportError:  # pragma: no cover - exercised without the extra installed
    raise MissingDependencyError("fastapi", "server") from None

__all__ = ["MAX_BODY_BYTES", "Problem", "app_from_env", "create_app"]

log = get_logger("rehabgraph.server")  # one logger for the service, as documented

#: Request bodies larger than this (64 KiB) are refused with 413.
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
    """Every 422: what is wrong, in words, with close matches or each field's error if any."""

    detail: str
    suggestions: list[str] | None = Field(default=None, description="Close matches.")
    problems: list[str] | None = Field(default=None, description="Each field that is wrong.")


_GZIP_FROM_BYTES = 1024  # smaller answers go as they are


def create_app(
    recommender: Recommender | None = None, settings: ServeSettings | None = None
) -> FastAPI:
    """The HTTP service over one shared, read-only recommender.

    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app())
    >>> client.get("/health").json()["status"]
    'ok'
    """
    from rehabgraph.server.browse import add_browser
    from rehabgraph.server.cds import add_cds_hooks
    from rehabgraph.server.page import add_page
    from rehabgraph.server.pictures import add_pictures

    settings = settings or ServeSettings()
    rec = recommender or Recommender.default()
    app = FastAPIOffline(
        title="rehabgraph",
        description="From where it hurts to what exercise to do, and why. Exercise guidance, "
        "not a diagnosis.",
        version=rec.knowledge_base.knowledge.version,
        responses={422: {"model": Problem, "description": "What is wrong with the request."}},
    )
    app.exception_handler(RehabgraphError)(_clear_error)
    app.exception_handler(RequestValidationError)(_invalid_request)
    report_parts = _add_recommend(app, rec)
    _add_lookups(app, rec)
    add_browser(app, rec)
    add_pictures(app, rec)
    add_page(app, rec)
    openapi = app.openapi

    def openapi_with_report() -> dict[str, Any]:
        """The OpenAPI document, with the PainReport's parts among its schemas."""
        document: dict[str, Any] = openapi()
        document.setdefault("components", {}).setdefault("schemas", {}).update(report_parts)
        return document

    app.openapi = openapi_with_report  # type: ignore[method-assign]
    add_cds_hooks(app, rec, settings)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(GZipMiddleware, minimum_size=_GZIP_FROM_BYTES)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type"],
    )
    app.add_middleware(RequestLog, logger=log)
    gc.collect()
    gc.freeze()  # the loaded knowledge lives as long as the app: no collection walks it again
    return app


def app_from_env() -> FastAPI:
    """The app a worker process builds from the ``REHABGRAPH_SERVE_*`` environment (how
    ``rehabgraph serve --workers N`` starts each worker; ``uvicorn --factory`` can too)."""
    from rehabgraph.api.loading import load_knowledge

    settings = ServeSettings.from_env()
    if settings.base is None and not settings.packs:
        return create_app(Recommender.default(), settings)
    return create_app(Recommender(load_knowledge(settings.base, settings.packs)), settings)


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    """A request FastAPI itself refuses (a missing query parameter) answers the one shape."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    problems = [
        f"{'.'.join(str(p) for p in e.get('loc', ())) or 'request'}: {e.get('msg', 'invalid')}"
        for e in errors
    ]
    return JSONResponse(
        status_code=422,
        content={"detail": "invalid request: " + "; ".join(problems), "problems": problems},
    )


async def _clear_error(request: Request, exc: RehabgraphError) -> JSONResponse:
    if not isinstance(exc, ReportError):  # not the caller's fault: log it, say little
        log.error("error answering %s", request.url.path, exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": "internal error"})
    body: dict[str, Any] = {"detail": str(exc)}
    suggestions = getattr(exc, "suggestions", None)
    if suggestions:
        body["suggestions"] = list(suggestions)
    problems = getattr(exc, "problems", None)
    if problems:
        body["problems"] = list(problems)
    return JSONResponse(status_code=422, content=body)


def _add_recommend(app: FastAPI, rec: Recommender) -> dict[str, Any]:
    """POST /recommend; returns the PainReport's parts, for the OpenAPI document's schemas."""
    report_schema = PainReport.model_json_schema(ref_template="#/components/schemas/{model}")
    report_parts: dict[str, Any] = report_schema.pop("$defs", {})

    @app.post(
        "/recommend",
        response_model=Recommendation,
        responses={422: {"model": Problem}, 413: {"model": Problem}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": report_schema}},
            }
        },
    )
    async def recommend(request: Request) -> Any:
        """The plan for a PainReport: exercises in order, each with the reasons why.

        The body is read as the library reads a dict: every field is read for red flags before
        it is validated, so a red flag beside a bad field still refers (200, ``problems``).
        """
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError) as exc:
            return JSONResponse(status_code=422, content={"detail": f"invalid JSON: {exc}"})
        # the Recommendation was validated as it was built: serialized once, not checked again
        return Response(rec.recommend(body).model_dump_json(), media_type="application/json")

    return report_parts


def _add_lookups(app: FastAPI, rec: Recommender) -> None:
    """GET /zones, /screening and /health: what the knowledge holds."""
    k = rec.knowledge_base.knowledge
    # built once: every question as the service shows it
    questions = {
        q.id: QuestionOut(
            id=q.id, question=one_line(q.question), urgency=q.urgency, only_if=dict(q.only_if)
        )
        for q in k.questions.values()
    }

    @app.get("/zones", response_model=list[ZoneOut])
    def zones() -> list[ZoneOut]:
        """The places rehabgraph knows and the words people use for them."""
        return [
            ZoneOut(id=z.id, name=z.name, region=z.region, sided=z.sided, aliases=list(z.aliases))
            for z in k.zones.values()
        ]

    @app.get("/screening", response_model=list[QuestionOut], responses={422: {"model": Problem}})
    def screening(
        zones: Annotated[str, Query(max_length=2000, description="Comma-separated zone ids.")],
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

    @app.head("/health", include_in_schema=False)
    @app.get("/health", response_model=Health)
    def health() -> Health:
        """Whether the service is up, and the knowledge it serves."""
        return Health(status="ok", knowledge_version=k.version)
