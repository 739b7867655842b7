"""CDS Hooks on data shaped like a hospital's, and the server as shipped (issue 15)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from rehabgraph import Recommender
from rehabgraph.server import ServeSettings, create_app

SERVICE = "/cds-services/rehabgraph-exercise-plan"
SCT = "http://snomed.info/sct"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
SANDBOX = "https://sandbox.cds-hooks.org"


@pytest.fixture(scope="module")
def client(recommender: Recommender) -> TestClient:
    return TestClient(create_app(recommender), raise_server_exceptions=False)


def _condition(
    *codings: dict[str, str], patient: str = "p1", text: str | None = None, **more: Any
) -> dict[str, Any]:
    code: dict[str, Any] = {"coding": list(codings)}
    if text:
        code["text"] = text
    return {
        "resourceType": "Condition",
        "subject": {"reference": f"Patient/{patient}"},
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "code": code,
        **more,
    }


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def _hook(conditions: Any, **more: Any) -> dict[str, Any]:
    """A request as the public CDS Hooks sandbox sends it."""
    return {
        "hookInstance": "23f1a303-991f-4118-86c5-11d99a39222e",
        "fhirServer": "https://launch.smarthealthit.org/v/r4/fhir",
        "hook": "patient-view",
        "fhirAuthorization": None,
        "context": {"userId": "Practitioner/COREPRACTITIONER1", "patientId": "p1"},
        "prefetch": {
            "patient": {"resourceType": "Patient", "id": "p1"},
            "conditions": conditions,
        },
        **more,
    }


def _cards(client: TestClient, conditions: Any) -> list[dict[str, Any]]:
    response = client.post(SERVICE, json=_hook(conditions))
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


LOW_BACK = {"system": SCT, "code": "279039007", "display": "Low back pain"}
RIGHT_KNEE = {"system": ICD, "code": "M25.561", "display": "Pain in right knee"}


def test_a_problem_coded_only_with_snomed_or_icd10_gives_a_card(client: TestClient) -> None:
    """The test recommender screens elsewhere (require_screening=False): plan cards."""
    (back,) = _cards(client, _bundle(_condition(LOW_BACK)))
    assert back["indicator"] == "info"
    assert back["summary"].startswith("Exercise guidance:")
    assert "the NICE low back pain guideline" in back["detail"]
    (knee,) = _cards(client, _bundle(_condition(RIGHT_KNEE)))
    assert knee["indicator"] == "info"
    assert "(right)" in knee["detail"]
    from rehabgraph.fhir import report_from_conditions

    report = report_from_conditions(_bundle(_condition(RIGHT_KNEE)))
    assert {s.location for s in report.sites} == {
        "knee-front",
        "knee-back",
        "knee-lateral",
        "knee-medial",
    }
    assert {s.side for s in report.sites} == {"right"}


def test_a_service_that_requires_screening_asks_first(recommender: Recommender) -> None:
    safe = TestClient(create_app(Recommender(recommender.knowledge_base)))
    (card,) = _cards(safe, _bundle(_condition(LOW_BACK)))
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Screen for red flags before an exercise plan")
    assert "- Do you have numbness" in card["detail"]


def _flag(verification: str | None = None, clinical: str = "active") -> dict[str, Any]:
    resource = _condition(text="numbness between my legs")
    resource["clinicalStatus"] = {
        "coding": [
            {"system": "http://example.org/local", "code": "x"},
            {"system": CLINICAL, "code": clinical},
        ]
    }
    if verification:
        resource["verificationStatus"] = {
            "coding": [
                {"system": "http://example.org/local", "code": "y"},  # not the first coding
                {"system": VERIFICATION, "code": verification},
            ]
        }
    return resource


def test_a_red_flag_in_error_or_refuted_gives_no_card(client: TestClient) -> None:
    (card,) = _cards(client, _bundle(_condition(LOW_BACK), _flag()))
    assert card["indicator"] == "critical"
    for status in ("entered-in-error", "refuted"):
        cards = _cards(client, _bundle(_condition(LOW_BACK), _flag(status)))
        assert all(c["indicator"] != "critical" for c in cards), status
    # resolved (in any coding) is history: cauda equina's history does not refer
    cards = _cards(client, _bundle(_condition(LOW_BACK), _flag(clinical="resolved")))
    assert all(c["indicator"] != "critical" for c in cards)


def test_nothing_musculoskeletal_gives_no_cards(client: TestClient) -> None:
    diabetes = _condition(
        {"system": SCT, "code": "44054006", "display": "Diabetes mellitus type 2"}
    )
    assert _cards(client, _bundle(diabetes)) == []
    assert _cards(client, _bundle()) == []
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "information", "code": "informational"}],
    }
    assert _cards(client, _bundle(outcome)) == []


def test_a_broad_body_site_reads_as_the_whole_region(client: TestClient) -> None:
    knee = _condition(text="Knee pain", bodySite=[{"text": "Knee"}])
    (card,) = _cards(client, _bundle(knee))
    assert card["indicator"] == "info"
    right_knee = _condition(
        text="Knee pain",
        bodySite=[
            {"coding": [{"system": SCT, "code": "6757004", "display": "Right knee structure"}]}
        ],
    )
    assert len(_cards(client, _bundle(right_knee))) == 1


def test_one_patient_per_request_and_the_others_said(recommender: Recommender) -> None:
    client = TestClient(
        create_app(Recommender(recommender.knowledge_base, require_screening=False))
    )
    other = _condition(text="numbness between my legs", patient="someone-else")
    (card,) = _cards(client, _bundle(_condition(LOW_BACK), other))
    assert card["indicator"] == "info"  # the other patient's red flag is not this patient's
    assert "1 resource of another patient left out" in card["detail"]


def test_the_sandbox_calls_with_a_cors_preflight(client: TestClient) -> None:
    preflight = client.options(
        SERVICE,
        headers={
            "Origin": SANDBOX,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", SANDBOX)
    discovery = client.get("/cds-services", headers={"Origin": SANDBOX})
    assert discovery.headers["access-control-allow-origin"] in ("*", SANDBOX)
    response = client.post(
        SERVICE, json=_hook(_bundle(_condition(LOW_BACK))), headers={"Origin": SANDBOX}
    )
    assert response.status_code == 200
    assert response.json()["cards"][0]["uuid"]


def test_feedback_is_taken(client: TestClient) -> None:
    body = {
        "feedback": [
            {"card": "abc", "outcome": "accepted", "outcomeTimestamp": "2026-11-29T10:00:00Z"}
        ]
    }
    response = client.post(f"{SERVICE}/feedback", json=body)
    assert (response.status_code, response.json()) == (200, {})


def test_labels_are_cut_at_a_word() -> None:
    from rehabgraph.server.cds_cards import cut

    label = cut("rehabgraph " + "word " * 60, 80)
    assert len(label) <= 80 and label.endswith("word...")


def _keys(tmp_path: Path) -> tuple[Any, Path]:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP384R1())
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    public.update(kid="ehr-1", alg="ES384", use="sig")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [public]}))
    return key, path


def test_the_jwt_check_of_the_specification(recommender: Recommender, tmp_path: Path) -> None:
    key, path = _keys(tmp_path)
    settings = ServeSettings(jwt_issuers={"https://ehr.example.org": str(path)})
    client = TestClient(create_app(recommender, settings))
    body = _hook(_bundle(_condition(LOW_BACK)))
    assert client.post(SERVICE, json=body).status_code == 401
    now = int(time.time())

    def token(**claims: Any) -> str:
        payload = {
            "iss": "https://ehr.example.org",
            "sub": "client-1",
            "aud": f"http://testserver{SERVICE}",
            "exp": now + 300,
            "iat": now,
            "jti": "a-unique-id",
            **claims,
        }
        return str(jwt.encode(payload, key, algorithm="ES384", headers={"kid": "ehr-1"}))

    ok = client.post(SERVICE, json=body, headers={"Authorization": f"Bearer {token()}"})
    assert ok.status_code == 200
    for bad in (
        token(aud="https://elsewhere.example.org/cds-services/x"),
        token(exp=now - 10),
        token(iss="https://stranger.example.org"),
    ):
        refused = client.post(SERVICE, json=body, headers={"Authorization": f"Bearer {bad}"})
        assert refused.status_code == 401, refused.text
    assert client.get("/cds-services").status_code == 200  # discovery stays open


# --- the server as shipped ----------------------------------------------------------------------


def test_docs_are_served_from_the_package_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn.jsdelivr.net" not in page.text and "unpkg.com" not in page.text
    scripts = [part.split('"')[0] for part in page.text.split('src="')[1:]]
    assert scripts
    for script in scripts:
        assert client.get(script).status_code == 200
    assert client.get("/redoc").status_code == 200


def test_head_health_gzip_and_one_422_shape(client: TestClient) -> None:
    assert client.head("/health").status_code == 200
    zones = client.get("/zones", headers={"Accept-Encoding": "gzip"})
    assert zones.headers["content-encoding"] == "gzip"
    missing = client.get("/screening")
    assert missing.status_code == 422
    assert set(missing.json()) == {"detail", "problems"}
    unknown = client.post("/recommend", json={"sites": [{"location": "elbw of the moon"}]})
    assert unknown.status_code == 422 and "detail" in unknown.json()
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "Problem" in schemas and "HTTPValidationError" not in schemas


def test_one_log_line_per_request_never_the_body(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="rehabgraph.server"):
        client.post("/recommend", json={"sites": [{"location": "numb between my legs"}]})
    lines = [r.getMessage() for r in caplog.records if r.name == "rehabgraph.server"]
    assert any(line.startswith("POST /recommend 200 ") and line.endswith(" ms") for line in lines)
    assert not any("numb" in line for line in lines)


def test_serve_with_two_workers_serves_docs_offline() -> None:
    """`rehabgraph serve --workers 2`, as shipped: each worker builds the app from the settings
    in the environment; /docs and its assets come from the package."""
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rehabgraph",
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    assert json.loads(r.read())["status"] == "ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the service did not come up"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/docs", timeout=5) as r:
            page = r.read().decode()
        assert "cdn.jsdelivr.net" not in page
        script = page.split('src="')[1].split('"')[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{script}", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_library_keeps_a_report_to_one_patient() -> None:
    from rehabgraph import InvalidReportError
    from rehabgraph.fhir import report_from_conditions

    two = _bundle(_condition(LOW_BACK), _condition(RIGHT_KNEE, patient="p2"))
    with pytest.raises(InvalidReportError, match="2 patients"):
        report_from_conditions(two)
    mine = report_from_conditions(two, patient="Patient/p2")
    assert {s.side for s in mine.sites} == {"right"}


@pytest.mark.parametrize(
    ("site", "side", "region"),
    [
        ("Knee region structure", None, "knee"),  # SNOMED CT 72696002, as value sets display it
        ("Structure of left knee region", "left", "knee"),
        ("Entire right knee", "right", "knee"),
        ("knee joint, left", "left", "knee"),
        ("Shoulder region structure", None, "shoulder"),
        ("Pain in joints of right hand", "right", "hand"),  # ICD-10-CM M25.541's display
        ("RIGHT KNEE STRUCTURE", "right", "knee"),
    ],
)
def test_a_recorded_broad_site_reads_as_every_zone_of_its_region(
    recommender: Recommender, site: str, side: str | None, region: str
) -> None:
    from rehabgraph.fhir import report_from_conditions

    kb = recommender.knowledge_base
    report = report_from_conditions(
        _bundle(_condition(text="Pain", bodySite=[{"text": site}])), kb=kb
    )
    zones = {s.location for s in report.sites}
    expected = {z.id for z in kb.knowledge.zones.values() if region in z.regions}
    assert expected and zones == expected, site
    assert {s.side for s in report.sites} == {side}
