"""The page at ``/``: try rehabgraph in a browser and browse its knowledge.

Plain HTML, one script and one style sheet served from the package (``static/``): no build
step, nothing fetched from elsewhere, so it works offline. ``GET /body-map`` gives the page its
body map: the zones of the loaded knowledge, each placed where the pictures place it
(``rehabgraph/viz/body_layout.yaml``: drawing coordinates, not medical facts), so the page draws
the same map as ``rehabgraph.viz.body_map`` and a knowledge pack's zones show up in the list.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from rehabgraph.api.recommender import Recommender
from rehabgraph.knowledge.models import Side

__all__ = ["STATIC", "BodyMap", "add_page", "body_map_of"]

STATIC = Path(__file__).resolve().parent / "static"
# The page runs only what it is served: its own script and style sheet, pictures from the
# service or drawn in the page; no request leaves the service.
_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
ViewName = Literal["front", "back"]
_VIEWS: dict[ViewName, float] = {"front": -1.6, "back": 1.6}  # each midline's x, as viz draws it
_FRAME = (-3.2, 3.2, 0.2, 10.8)  # x from, x to, y from (feet), y to (head)
_SIZE = 0.45  # a zone's width and height when the layout gives none


class Spot(BaseModel):
    """Where one side of a zone is drawn: the centre and size of an ellipse, in the map's
    units (y up, 0 the feet, 10 the head)."""

    view: ViewName
    side: Side | None = Field(description="The person's side; None for a zone on the midline.")
    x: float
    y: float
    w: float
    h: float


class MapZone(BaseModel):
    id: str
    name: str
    region: str
    sided: bool
    aliases: list[str]
    spots: list[Spot] = Field(description="Empty when the layout does not place the zone.")


class View(BaseModel):
    name: ViewName
    x: float = Field(description="The x of the view's midline.")


class BodyMap(BaseModel):
    """The zones head to foot, region by region, each with where the map draws it."""

    frame: tuple[float, float, float, float] = Field(description="x from, x to, y from, y to.")
    views: list[View]
    zones: list[MapZone]


@cache
def _layout() -> dict[str, Any]:
    """The viz layer's zone places; an empty layout if it has none (the list still works)."""
    try:
        text = resources.files("rehabgraph.viz").joinpath("body_layout.yaml").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - viz reshaped
        return {}
    data = yaml.safe_load(text) or {}
    zones = data.get("zones") if isinstance(data, dict) else None
    return zones if isinstance(zones, dict) else {}


def _x(view: ViewName, side: str, lateral: float) -> float:
    """Screen x of a point on the person's ``side``: from the front you see the person's
    right on your left; from the back, on your right (as viz.body draws it)."""
    sign = -1.0 if side == "right" else 1.0
    return _VIEWS[view] + (-sign if view == "back" else sign) * lateral


def _spots(place: Any, *, sided: bool) -> list[Spot]:
    if not isinstance(place, dict) or place.get("view") not in _VIEWS:
        return []
    try:
        view, lateral, y = place["view"], float(place["lateral"]), float(place["y"])
        w, h = float(place.get("w", _SIZE)), float(place.get("h", _SIZE))
    except (KeyError, TypeError, ValueError):
        return []
    if lateral == 0:
        return [Spot(view=view, side=None, x=_VIEWS[view], y=y, w=w, h=h)]
    sides: list[Side | None] = ["right", "left"] if sided else [None, None]
    return [
        Spot(view=view, side=side, x=_x(view, s, lateral), y=y, w=w, h=h)
        for side, s in zip(sides, ("right", "left"), strict=True)
    ]


def body_map_of(rec: Recommender) -> BodyMap:
    """The body map of the recommender's knowledge: zones head to foot by region (a region at
    the height of its highest zone), each zone with its spots."""
    layout = _layout()
    zones = [
        MapZone(
            id=z.id,
            name=z.name,
            region=z.region,
            sided=z.sided,
            aliases=list(z.aliases),
            spots=_spots(layout.get(z.id), sided=z.sided),
        )
        for z in rec.knowledge_base.knowledge.zones.values()
    ]

    def height(zone: MapZone) -> float:
        return max((s.y for s in zone.spots), default=-1.0)

    top: dict[str, float] = {}
    for zone in zones:
        top[zone.region] = max(top.get(zone.region, -1.0), height(zone))
    zones.sort(key=lambda z: (-top[z.region], z.region, -height(z), z.name))
    return BodyMap(frame=_FRAME, views=[View(name=v, x=x) for v, x in _VIEWS.items()], zones=zones)


def add_page(app: FastAPI, rec: Recommender) -> None:
    """GET / (the page), /static/* (its script and style sheet) and /body-map."""
    index = (STATIC / "index.html").read_text("utf-8")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    body_map = body_map_of(rec)

    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(
            index,
            headers={
                "Content-Security-Policy": _POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    @app.get("/body-map", response_model=BodyMap)
    def zones_on_the_map() -> BodyMap:
        """The zones head to foot, region by region, with where the body map draws each side
        of each (front or back view, centre and size); the page's body map is drawn from it."""
        return body_map
