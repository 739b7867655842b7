"""The pictures as SVG: a plan's explanation and body map, a node's neighbourhood in the
knowledge graph and, where the viz layer draws them, an exercise.

matplotlib is imported only when a picture is asked for, so the service runs without it (a
picture then answers 503, and the page says so). Drawing is CPU work: it runs in a worker thread,
one picture at a time (matplotlib's text layout is not known to be thread-safe), and the
knowledge pictures, the same for every caller, are kept once drawn.
"""

from __future__ import annotations

import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from rehabgraph.api.recommender import Recommender
from rehabgraph.api.report import PainReport
from rehabgraph.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["SVG", "add_pictures", "svg_of"]

SVG = "image/svg+xml"
_KEPT = 256  # knowledge and exercise pictures kept, drawn once each
_DRAWING = threading.Lock()
_SVG_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {SVG: {}}}}


def svg_of(fig: Figure) -> bytes:
    """The figure as SVG, with no date and fixed ids in it (the same plan gives the same
    bytes, so a cache or a test can compare them)."""
    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context({"svg.hashsalt": "rehabgraph"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _draw(draw: Callable[[], Figure]) -> bytes:
    with _DRAWING:
        return svg_of(draw())


async def _svg_response(draw: Callable[[], Figure]) -> Response:
    """The picture drawn in a worker thread, or 503 when matplotlib is missing."""
    try:
        return Response(await run_in_threadpool(_draw, draw), media_type=SVG)
    except MissingDependencyError as exc:
        return _no_picture(f"pictures need matplotlib: {exc}", 503)


def _no_picture(detail: str, status: int = 404) -> Response:
    return JSONResponse(status_code=status, content={"detail": detail})


class _Kept:
    """The latest pictures drawn, by key (a bounded, thread-safe cache)."""

    def __init__(self) -> None:
        self._pictures: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    async def get(self, key: str, draw: Callable[[], Figure]) -> Response:
        """The picture kept under ``key``, or drawn now and kept if it could be drawn."""
        with self._lock:
            kept = self._pictures.get(key)
        if kept is not None:
            return Response(kept, media_type=SVG)
        response = await _svg_response(draw)
        if response.media_type == SVG:
            with self._lock:
                self._pictures[key] = bytes(response.body)
                while len(self._pictures) > _KEPT:
                    self._pictures.popitem(last=False)
        return response


class _Pictures:
    """The picture endpoints over one recommender; their docstrings are the API docs'."""

    def __init__(self, rec: Recommender) -> None:
        self.rec = rec
        self.kb = rec.knowledge_base
        self.kept = _Kept()

    async def _of_report(self, request: Request, which: str) -> Response:
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError) as exc:
            return JSONResponse(status_code=422, content={"detail": f"invalid JSON: {exc}"})
        plan = self.rec.recommend(body)  # a bad report raises ReportError: 422, as /recommend
        from rehabgraph.viz import body_map, draw_explanation

        draw = draw_explanation if which == "plan" else body_map
        return await _svg_response(lambda: draw(plan))

    async def plan(self, request: Request) -> Response:
        """Why this plan, as a picture: the places, muscles, imbalances and exercises the plan
        rests on (``rehabgraph.viz.draw_explanation``). The body is a report, as POST
        /recommend takes it."""
        return await self._of_report(request, "plan")

    async def body_map(self, request: Request) -> Response:
        """Where it hurts and the muscles that can refer pain there, front and back
        (``rehabgraph.viz.body_map``). The body is a report, as POST /recommend takes it."""
        return await self._of_report(request, "body-map")

    async def knowledge(self, node: str) -> Response:
        """A node and its direct neighbours in the knowledge graph
        (``rehabgraph.viz.draw_knowledge(kb, around=node)``)."""
        if node not in self.kb.graph:
            return _no_picture(f"no node {node!r} in the knowledge")
        from rehabgraph.viz import draw_knowledge

        return await self.kept.get(
            f"knowledge:{node}", lambda: draw_knowledge(self.kb, around=node)
        )

    async def exercise(self, exercise: str) -> Response:
        """How to do an exercise, drawn from its pose in the knowledge: the start and end
        frames, what it needs and how hard it is (``rehabgraph.viz.draw_exercise``)."""
        if exercise not in self.kb.knowledge.exercises:
            return _no_picture(f"no exercise {exercise!r} in the knowledge")
        from rehabgraph.viz import draw_exercise

        kb = self.kb
        return await self.kept.get(f"exercise:{exercise}", lambda: draw_exercise(exercise, kb))


def add_pictures(app: FastAPI, rec: Recommender) -> None:
    """POST /pictures/plan.svg and /pictures/body-map.svg (a report in, as POST /recommend
    takes it), GET /pictures/knowledge/{node}.svg and /pictures/exercise/{exercise}.svg."""
    from rehabgraph.server.app import Problem

    pictures = _Pictures(rec)
    missing: dict[int | str, dict[str, Any]] = {
        503: {"model": Problem, "description": "matplotlib is not installed."}
    }
    schema = PainReport.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)  # the report's parts are among the OpenAPI schemas already
    body = {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}
    from_report = {**_SVG_RESPONSE, 422: {"model": Problem}, **missing}
    for path, endpoint in [("plan", pictures.plan), ("body-map", pictures.body_map)]:
        app.post(
            f"/pictures/{path}.svg",
            response_class=Response,
            responses=from_report,
            openapi_extra=body,
        )(endpoint)
    from_id = {**_SVG_RESPONSE, 404: {"model": Problem}, **missing}
    app.get("/pictures/knowledge/{node}.svg", response_class=Response, responses=from_id)(
        pictures.knowledge
    )
    app.get("/pictures/exercise/{exercise}.svg", response_class=Response, responses=from_id)(
        pictures.exercise
    )
