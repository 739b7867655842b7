"""What the page at / reads: the page itself, its static files, GET /body-map, the knowledge
browser's JSON and the pictures as SVG, tried with FastAPI's TestClient."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("fhir.resources")

from fastapi.testclient import TestClient

import rehabgraph
from rehabgraph import KnowledgeBase, Recommender
from rehabgraph.server import create_app
from rehabgraph.server.page import STATIC

OUTER_KNEE = {"sites": [{"location": "knee-lateral", "side": "right"}]}
PACK = Path(__file__).parent / "packs" / "knee-extra"


@pytest.fixture(scope="module")
def client(recommender: Recommender) -> TestClient:
    return TestClient(create_app(recommender), raise_server_exceptions=False)


def test_the_page_is_served_from_the_package_and_fetches_nothing_else(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert 'src="static/page.js"' in page.text and 'href="static/page.css"' in page.text
    assert '<html lang="en">' in page.text
    for name, kind in [("page.js", "javascript"), ("page.css", "text/css")]:
        served = client.get(f"/static/{name}")
        assert served.status_code == 200 and kind in served.headers["content-type"]
    # no address outside the service: the SVG namespace and doi.org (a link a person may
    # follow, never fetched by the page) are the only ones written
    for path in STATIC.iterdir():
        text = path.read_text("utf-8")
        addresses = set(re.findall(r"(?:https?:)?//[\w.-]+\.\w+", text))
        assert addresses <= {"http://www.w3.org", "https://doi.org"}, (path.name, addresses)
        assert "@import" not in text and "@font-face" not in text


def test_the_page_holds_no_medical_fact(kb: KnowledgeBase) -> None:
    """Names of zones, muscles, exercises and questions come from the service, never the page."""
    k = kb.knowledge
    text = "\n".join(p.read_text("utf-8") for p in STATIC.iterdir()).lower()
    names = [z.name for z in k.zones.values()] + [m.name for m in k.muscles.values()]
    names += [e.name for e in k.exercises.values()] + [i.name for i in k.imbalances.values()]
    written = [n for n in names if len(n) > 6 and n.lower() in text]
    assert written == []
    assert not [q for q in k.questions if q in text]


def test_the_static_files_ship_in_the_package() -> None:
    from importlib import resources

    static = resources.files("rehabgraph.server").joinpath("static")
    assert {"index.html", "page.js", "page.css"} <= {p.name for p in static.iterdir()}


def test_the_body_map_places_every_zone_where_the_pictures_do(
    client: TestClient, kb: KnowledgeBase
) -> None:
    from rehabgraph.viz.body import zone_height

    body = client.get("/body-map").json()
    zones = {z["id"]: z for z in body["zones"]}
    assert list(zones) != sorted(zones)  # head to foot, not alphabetical
    assert set(zones) == set(kb.knowledge.zones)
    midline = {v["name"]: v["x"] for v in body["views"]}
    for zone in body["zones"]:
        known = kb.knowledge.zones[zone["id"]]
        assert (zone["name"], zone["region"], zone["sided"]) == (
            known.name,
            known.region,
            known.sided,
        )
        assert zone["spots"], f"{zone['id']} is not on the map"
        assert {s["y"] for s in zone["spots"]} == {zone_height(zone["id"])}
        sides = sorted(str(s["side"]) for s in zone["spots"])
        assert sides == (["left", "right"] if known.sided else ["None"])
    # from the front the person's right is on the viewer's left; from the back, on the right
    knee = {s["side"]: s for s in zones["knee-lateral"]["spots"]}
    assert knee["right"]["view"] == "front"
    assert knee["right"]["x"] < midline["front"] < knee["left"]["x"]
    calf = {s["side"]: s for s in zones["calf"]["spots"]}
    assert calf["left"]["x"] < midline["back"] < calf["right"]["x"]
    # regions come together, head first, feet last
    regions = [z["region"] for z in body["zones"]]
    assert regions[0] == "head" and regions[-1] == "foot"
    assert len(list(dict.fromkeys(regions))) == len(set(regions))


def test_a_packs_zone_is_listed_though_not_placed() -> None:
    rec = Recommender(rehabgraph.load_knowledge(None, [PACK]))
    client = TestClient(create_app(rec))
    zones = {z["id"]: z for z in client.get("/body-map").json()["zones"]}
    assert zones["knee-tendon"]["spots"] == []
    assert zones["knee-tendon"]["name"] == "below the kneecap"
    entry = client.get("/knowledge/referral/plantaris--knee-tendon").json()
    assert entry["name"] == "plantaris → below the kneecap"
    assert [s["id"] for s in entry["sources"]] == ["pack-source"]


def test_the_index_lists_every_entry_of_every_kind(client: TestClient, kb: KnowledgeBase) -> None:
    index = client.get("/knowledge").json()
    k = kb.knowledge
    counts = {kind["kind"]: len(kind["entries"]) for kind in index["kinds"]}
    assert counts == {
        "zone": len(k.zones),
        "muscle": len(k.muscles),
        "referral": len(k.referrals),
        "imbalance": len(k.imbalances),
        "exercise": len(k.exercises),
        "rule": len(k.rules),
        "guideline": len(k.guidelines),
        "recommendation": len(k.recommendations),
        "question": len(k.questions),
        "condition": len(k.conditions),
        "principle": len(k.principles),
        "source": len(k.sources),
    }
    assert index["version"] == k.version and index["notice"] == k.notice
    for kind in index["kinds"]:
        names = [e["name"].casefold() for e in kind["entries"]]
        assert names == sorted(names)
        for entry in kind["entries"]:  # every entry listed opens
            opened = client.get(f"/knowledge/{kind['kind']}/{entry['id']}")
            assert opened.status_code == 200, (kind["kind"], entry["id"])
            assert opened.json()["name"] == entry["name"]


def test_vastus_lateralis_shows_its_referrals_with_sources_and_evidence(
    client: TestClient, kb: KnowledgeBase
) -> None:
    entry = client.get("/knowledge/muscle/vastus-lateralis").json()
    assert entry["name"] == "vastus lateralis"
    assert entry["evidence"] == kb.graph.nodes["vastus-lateralis"]["evidence"]
    assert entry["summary"] == kb.knowledge.muscles["vastus-lateralis"].description
    assert "description" not in entry["facts"] and "name" not in entry["facts"]
    assert entry["facts"]["group"] == "quadriceps"
    referrals = {
        c["other"]["id"]: c
        for c in entry["connections"]
        if c["type"] == "refers_pain_to" and c["direction"] == "out"
    }
    assert set(referrals) == {
        r.zone for r in kb.knowledge.referrals if r.muscle == "vastus-lateralis"
    }
    knee = referrals["knee-lateral"]
    fact = next(
        r
        for r in kb.knowledge.referrals
        if (r.muscle, r.zone) == ("vastus-lateralis", "knee-lateral")
    )
    assert knee["words"] == "refers pain to"
    assert knee["other"] == {"kind": "zone", "id": "knee-lateral", "name": "outer knee"}
    assert knee["details"] == {"note": fact.note}
    assert knee["sources"] == fact.sources and knee["evidence"] == fact.evidence
    imbalance = next(c for c in entry["connections"] if c["direction"] == "in")
    assert imbalance["words"] == "in imbalance" and imbalance["details"] == {"how": ["tight"]}
    assert [s["id"] for s in entry["sources"]] == kb.knowledge.muscles["vastus-lateralis"].sources
    assert entry["sources"][0]["title"]
    assert entry["picture"] == "pictures/knowledge/vastus-lateralis.svg"
    assert client.get("/" + entry["picture"]).status_code == 200


def test_a_referral_and_a_source_name_each_other(client: TestClient, kb: KnowledgeBase) -> None:
    referral = client.get("/knowledge/referral/vastus-lateralis--knee-lateral").json()
    assert referral["name"] == "vastus lateralis → outer knee"
    assert referral["evidence"] == "textbook" and referral["picture"] is None
    named = {(m["field"], e["id"]) for m in referral["mentions"] for e in m["entries"]}
    assert named == {("muscle", "vastus-lateralis"), ("zone", "knee-lateral")}
    source = client.get("/knowledge/source/travell-simons-1992").json()
    assert source["name"] == kb.knowledge.sources["travell-simons-1992"].title
    citing = {(e["kind"], e["id"]) for e in source["cited_by"]}
    assert ("referral", "vastus-lateralis--knee-lateral") in citing
    assert source["sources"] == [] and source["connections"] == []
    rule = client.get("/knowledge/rule/tight-muscle-refers-pain").json()
    assert rule["facts"]["because"] and rule["sources"]


def test_an_unknown_entry_answers_404_with_close_matches(client: TestClient) -> None:
    typo = client.get("/knowledge/muscle/vastus-lateralys")
    assert typo.status_code == 404
    assert typo.json()["suggestions"][0] == "vastus-lateralis"
    kind = client.get("/knowledge/musle/vastus-lateralis")
    assert kind.status_code == 404 and "muscle" in kind.json()["suggestions"]
    assert client.get("/pictures/knowledge/nowhere.svg").status_code == 404


def _svg(response: Any) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314 - the service's own matplotlib output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def test_the_plan_pictures_are_svg_and_stable(client: TestClient) -> None:
    first = client.post("/pictures/plan.svg", json=OUTER_KNEE)
    _svg(first)
    assert client.post("/pictures/plan.svg", json=OUTER_KNEE).content == first.content
    _svg(client.post("/pictures/body-map.svg", json=OUTER_KNEE))
    _svg(client.get("/pictures/knowledge/vastus-lateralis.svg"))
    bad = client.post("/pictures/plan.svg", content=b"{", headers={"content-type": "text/plain"})
    assert bad.status_code == 422
    unknown = client.post("/pictures/plan.svg", json={"sites": [{"location": "outer kne"}]})
    assert unknown.status_code == 422 and unknown.json()["suggestions"]


def test_an_exercise_picture_is_its_drawing_kept_once_drawn(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rehabgraph.viz

    response = client.get("/pictures/exercise/vmo-step-down.svg")
    _svg(response)
    assert "VMO step-down" in response.text  # its title, kept as text
    drawn: list[str] = []
    real = rehabgraph.viz.draw_exercise

    def counted(exercise: Any, kb: Any = None) -> Any:
        drawn.append(exercise)
        return real(exercise, kb)

    monkeypatch.setattr(rehabgraph.viz, "draw_exercise", counted)
    _svg(client.get("/pictures/exercise/glute-squeeze.svg"))
    _svg(client.get("/pictures/exercise/glute-squeeze.svg"))
    assert drawn == ["glute-squeeze"]  # drawn once, then kept
    missing = client.get("/pictures/exercise/no-such-thing.svg")
    assert missing.status_code == 404


def test_without_matplotlib_a_picture_answers_503(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rehabgraph.errors import MissingDependencyError
    from rehabgraph.server import pictures

    def no_matplotlib(_draw: Any) -> bytes:
        raise MissingDependencyError("matplotlib", "viz")

    monkeypatch.setattr(pictures, "_draw", no_matplotlib)
    response = client.post("/pictures/body-map.svg", json=OUTER_KNEE)
    assert response.status_code == 503 and "matplotlib" in response.json()["detail"]
    assert client.get("/pictures/knowledge/gluteus-minimus.svg").status_code == 503


def test_the_new_endpoints_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in [
        "/body-map",
        "/knowledge",
        "/knowledge/{kind}/{entry_id}",
        "/pictures/plan.svg",
        "/pictures/body-map.svg",
        "/pictures/knowledge/{node}.svg",
        "/pictures/exercise/{exercise}.svg",
    ]:
        assert path in paths, path
    assert "/" not in paths  # the page is not part of the API
