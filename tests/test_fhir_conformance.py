"""Every FHIR resource rehabgraph writes reads right: a narrative on each, no doubled
punctuation or unfilled placeholders, real citations, canonical URLs under the base asked for
(issue 15)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fhir.resources")

from rehabgraph import Recommender
from rehabgraph.fhir import (
    knowledge_bundle,
    to_care_plan,
    to_observations,
    to_service_request,
)
from tests.support import answered_no

BASE = "https://fhir.example.com/rehab"
OUTER_KNEE = {"sites": [{"location": "outer knee", "side": "right"}]}
RED = {"sites": [{"location": "low back"}], "answers": {"saddle-numbness": True}}
DOMAIN_RESOURCES = {
    "CarePlan",
    "ActivityDefinition",
    "PlanDefinition",
    "Observation",
    "ServiceRequest",
}


def resources(recommender: Recommender) -> list[dict[str, Any]]:
    """One of each resource rehabgraph writes, as JSON."""
    plan = recommender.recommend(answered_no(recommender, OUTER_KNEE))
    red = recommender.recommend(RED)
    programme = recommender.programme(
        answered_no(recommender, OUTER_KNEE), weeks=4, start=dt.date(2026, 12, 7)
    )
    session = {
        "date": "2026-12-07",
        "exercise_id": "vmo-step-down",
        "reps": 12,
        "pain_during": 0,
        "pain_next_day": 0,
    }
    made = [
        to_care_plan(plan, "Patient/1", base=BASE),
        to_care_plan(red, "Patient/1", base=BASE),
        to_care_plan(programme, "Patient/1", base=BASE),
        to_service_request(red, "Patient/1"),
        *to_observations([session], "Patient/1"),
        knowledge_bundle(recommender.knowledge_base, base=BASE),
    ]
    return [r.model_dump(mode="json", exclude_none=True) for r in made]


def _every(resource: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The resource, its contained resources and a Bundle's entries."""
    yield resource
    for inner in resource.get("contained", []):
        yield from _every(inner)
    for entry in resource.get("entry", []):
        yield from _every(entry["resource"])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.fixture(scope="module")
def written(recommender: Recommender) -> list[dict[str, Any]]:
    return [r for top in resources(recommender) for r in _every(top)]


def test_every_resource_has_a_narrative(written: list[dict[str, Any]]) -> None:
    kinds = {r["resourceType"] for r in written}
    assert kinds >= DOMAIN_RESOURCES
    for r in written:
        if r["resourceType"] in DOMAIN_RESOURCES:
            text = r["text"]
            assert text["status"] == "generated"
            assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')


def test_no_doubled_punctuation_or_unfilled_placeholder(written: list[dict[str, Any]]) -> None:
    for r in written:
        for s in _strings(r):
            assert not re.search(r"(?<!\.)\.\.(?!\.)", s), s[:200]  # ".." but not "..."
            assert not re.search(r"\{[a-z_]+\}", s), s[:200]


def test_citations_are_real_and_urls_sit_under_the_base(written: list[dict[str, Any]]) -> None:
    for r in written:
        for s in _strings(r):
            assert "urn:rehabgraph" not in s
            assert "shared/seeds" not in s and "beside the repository" not in s
        if "url" in r and r["resourceType"] in ("ActivityDefinition", "PlanDefinition"):
            assert r["url"].startswith(BASE + "/")
    plans = [r for r in written if r["resourceType"] == "CarePlan" and r.get("activity")]
    for plan in plans:
        for activity in plan["activity"]:
            for url in activity.get("detail", {}).get("instantiatesCanonical", []):
                assert url.startswith(BASE + "/ActivityDefinition/")


def test_stop_rules_are_instructions_not_progress_notes(written: list[dict[str, Any]]) -> None:
    for r in written:
        for activity in r.get("activity", []):
            assert "progress" not in activity
            if "detail" in activity:
                assert "Stop if:" in activity["detail"]["description"]
        if r["resourceType"] == "ActivityDefinition":
            assert "Stop if:" in r["dosage"][0]["patientInstruction"]


# --- against HL7's own definitions, with a validator that is not fhir.resources -------------------


def test_every_resource_passes_hl7s_schema_and_invariants(
    hl7: Any, recommender: Recommender
) -> None:
    for resource in resources(recommender):
        report = hl7.check(resource)
        assert report.errors == [], (resource["resourceType"], report.errors[:5])
        assert report.warnings == [], (resource["resourceType"], report.warnings[:5])


def test_every_zones_plan_and_programme_passes(hl7: Any, recommender: Recommender) -> None:
    for zone in recommender.knowledge_base.knowledge.zones:
        report = answered_no(recommender, {"sites": [{"location": zone}]})
        plan = recommender.recommend(report)
        for written in (
            to_care_plan(plan, "Patient/1", base=BASE),
            to_care_plan(recommender.programme(report, weeks=4), "Patient/1", base=BASE),
        ):
            assert hl7.errors(written.model_dump(mode="json", exclude_none=True)) == [], zone


def test_the_validator_catches_what_fhir_resources_lets_through(
    hl7: Any, recommender: Recommender
) -> None:
    plan = to_care_plan(recommender.recommend(RED), "Patient/1").model_dump(
        mode="json", exclude_none=True
    )
    bogus = {**plan, "status": "bogus"}
    assert any("status" in e for e in hl7.errors(bogus))
    both = dict(plan)
    both["activity"] = [
        {
            "reference": {"reference": "#referral"},
            "detail": {"kind": "ServiceRequest", "status": "not-started"},
        }
    ]
    assert any("cpl-3" in e for e in hl7.errors(both))
