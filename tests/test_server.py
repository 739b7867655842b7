"""The HTTP and CDS Hooks service, tried with httpx (FastAPI's TestClient) and schemathesis."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("fhir.resources")

from fastapi.testclient import TestClient

from rehabgraph import Recommendation, Recommender
from rehabgraph.server import MAX_BODY_BYTES, create_app

OUTER_KNEE = {"sites": [{"location": "outer knee", "side": "right"}]}
SERVICE = "/cds-services/rehabgraph-exercise-plan"


@pytest.fixture(scope="module")
def app(recommender: Recommender) -> Any:
    return create_app(recommender)


@pytest.fixture(scope="module")
def client(app: Any) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def _conditions(*sites: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {
                "resource": {
                    "resourceType": "Condition",
                    "subject": {"reference": "Patient/p1"},
                    "bodySite": [site],
                }
            }
            for site in sites
        ],
    }


def _hook(prefetch: dict[str, Any]) -> dict[str, Any]:
    return {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/1", "patientId": "p1"},
        "prefetch": prefetch,
    }


def test_recommend_answers_the_same_plan_as_the_library(
    client: TestClient, recommender: Recommender
) -> None:
    response = client.post("/recommend", json=OUTER_KNEE)
    assert response.status_code == 200
    served = Recommendation.model_validate_json(response.text)
    assert served == recommender.recommend(OUTER_KNEE)
    assert served.exercises[0].exercise_id == "glute-squeeze"
    assert response.json()["schema_version"] == "1"


def test_unknown_location_is_a_422_with_close_matches(client: TestClient) -> None:
    response = client.post("/recommend", json={"sites": [{"location": "outer kne"}]})
    assert response.status_code == 422
    body = response.json()
    assert "outer kne" in body["detail"]
    assert "outer knee" in body["suggestions"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"sites": []},
        {"sites": [{"location": "knee", "intensity": 11}]},
        {"sites": [{"location": "knee", "side": "middle"}]},
        {"sites": [{"location": "knee"}], "colour": "blue"},
        {"sites": "knee"},
    ],
)
def test_bad_reports_are_422_saying_what_is_wrong(client: TestClient, body: Any) -> None:
    response = client.post("/recommend", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_not_json_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/recommend", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_a_body_over_the_cap_is_refused(client: TestClient) -> None:
    big = {"sites": [{"location": "knee"}], "symptoms": ["x" * (MAX_BODY_BYTES + 10)]}
    response = client.post("/recommend", json=big)
    assert response.status_code == 413
    assert str(MAX_BODY_BYTES) in response.json()["detail"]


def test_a_streamed_body_over_the_cap_is_refused(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(10):
            yield b" " * (MAX_BODY_BYTES // 4)

    response = client.post(
        "/recommend", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_zones_lists_every_zone(client: TestClient, recommender: Recommender) -> None:
    response = client.get("/zones")
    assert response.status_code == 200
    ids = [z["id"] for z in response.json()]
    assert ids == list(recommender.knowledge_base.knowledge.zones)


def test_screening_lists_the_questions_for_a_zone(client: TestClient) -> None:
    response = client.get("/screening", params={"zones": "low-back"})
    assert response.status_code == 200
    ids = {q["id"] for q in response.json()}
    assert "saddle-numbness" in ids
    knee = {q["id"] for q in client.get("/screening", params={"zones": "knee-lateral"}).json()}
    assert "saddle-numbness" not in knee


@pytest.mark.parametrize("zones", ["", "nowhere", "low-back,nowhere"])
def test_screening_of_unknown_zones_is_a_422(client: TestClient, zones: str) -> None:
    response = client.get("/screening", params={"zones": zones})
    assert response.status_code == 422
    assert "unknown zone" in response.json()["detail"]


def test_health_and_openapi(client: TestClient, recommender: Recommender) -> None:
    health = client.get("/health").json()
    assert health == {
        "status": "ok",
        "knowledge_version": recommender.knowledge_base.knowledge.version,
    }
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/recommend", "/zones", "/screening", "/health", "/cds-services"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_cds_discovery(client: TestClient) -> None:
    (service,) = client.get("/cds-services").json()["services"]
    assert service["hook"] == "patient-view"
    assert SERVICE.endswith(service["id"])
    assert "conditions" in service["prefetch"]


def test_cds_service_gives_an_info_card_with_the_plan(client: TestClient) -> None:
    response = client.post(SERVICE, json=_hook({"conditions": _conditions({"text": "outer knee"})}))
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    assert card["indicator"] == "info"
    assert len(card["summary"]) < 140
    assert "VMO step-down" in card["summary"]
    assert card["source"]["label"].startswith("rehabgraph")
    assert card["uuid"]
    # Markdown for a clinician: the chain of facts and the sources as links, no code block
    detail = card["detail"]
    assert not detail.startswith("```")
    assert "**VMO step-down**" in detail
    assert "outer knee → vastus lateralis → tight lateral quad → VMO step-down" in detail
    assert "](https://" in detail
    # a suggestion that creates the plan, and a link to its explanation
    (suggestion,) = card["suggestions"]
    (action,) = suggestion["actions"]
    assert action["type"] == "create"
    assert action["resource"]["resourceType"] == "CarePlan"
    (link,) = card["links"]
    assert link["type"] == "absolute"
    explained = client.get(link["url"].replace("http://testserver", ""))
    assert explained.status_code == 200
    assert "VMO step-down" in explained.text


def test_cds_service_gives_a_critical_card_for_a_red_flag(client: TestClient) -> None:
    conditions = _conditions({"text": "low back"})
    conditions["entry"].append(
        {
            "resource": {
                "resourceType": "Condition",
                "subject": {"reference": "Patient/p1"},
                "code": {"text": "numbness between my legs"},
            }
        }
    )
    response = client.post(SERVICE, json=_hook({"conditions": conditions}))
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Refer (emergency)")
    assert len(card["summary"]) < 140
    assert "**Red flag: refer, emergency.**" in card["detail"]
    (action,) = card["suggestions"][0]["actions"]
    assert action["resource"]["resourceType"] == "ServiceRequest"
    assert action["resource"]["priority"] == "stat"


def test_cds_service_without_the_prefetch_is_a_412(client: TestClient) -> None:
    """The service does not fetch: with no prefetch, it cannot answer (CDS Hooks: 412)."""
    response = client.post(SERVICE, json=_hook({}))
    assert response.status_code == 412
    assert "prefetch" in response.json()["detail"]
    assert client.post(SERVICE, json=_hook({"conditions": None})).status_code == 412


def test_cds_service_with_nothing_musculoskeletal_gives_no_cards(client: TestClient) -> None:
    bad = {"resourceType": "Condition", "bodySite": "knee"}
    assert client.post(SERVICE, json=_hook({"conditions": bad})).json() == {"cards": []}
    unknown = _conditions({"text": "elbow of the moon"})
    assert client.post(SERVICE, json=_hook({"conditions": unknown})).json() == {"cards": []}
    empty = {"resourceType": "Bundle", "type": "searchset", "entry": []}
    assert client.post(SERVICE, json=_hook({"conditions": empty})).json() == {"cards": []}


def test_schemathesis_finds_no_server_error(app: Any) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error

    from tests.strategies import scaled

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy()

        @given(case=strategy)
        @settings(  # one strategy per operation, built by schemathesis: its own health checks
            max_examples=scaled(40),
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        run()


def test_served_plans_equal_library_plans_for_any_known_report(
    client: TestClient, recommender: Recommender
) -> None:
    from hypothesis import given, settings

    from tests.strategies import quiet_report, scaled

    @given(quiet_report)
    @settings(max_examples=scaled(60), database=None)  # each example is an HTTP round trip
    def check(report: dict[str, Any]) -> None:
        response = client.post("/recommend", json=report)
        assert response.status_code == 200
        assert response.text == recommender.recommend(report).model_dump_json()

    check()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_rehabgraph_serve_answers_like_the_library(safe_recommender: Recommender) -> None:
    """What a new user does: `rehabgraph serve`, then POST /recommend with outer knee pain."""
    import subprocess
    import sys
    import time

    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rehabgraph", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("rehabgraph serve did not start")
        response = httpx.post(f"{url}/recommend", json=OUTER_KNEE, timeout=10)
        assert response.status_code == 200
        assert Recommendation.model_validate_json(response.text) == safe_recommender.recommend(
            OUTER_KNEE
        )
        assert httpx.get(f"{url}/cds-services", timeout=5).json()["services"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
