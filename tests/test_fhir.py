"""FHIR R4B: every output parses back with fhir.resources' own models; Conditions in."""

from __future__ import annotations

import json
from typing import Any

import pytest

import rehabgraph

pytest.importorskip("fhir.resources")

from fhir.resources.R4B.activitydefinition import ActivityDefinition
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.plandefinition import PlanDefinition

from rehabgraph import InvalidReportError, KnowledgeBase, Recommender
from rehabgraph.fhir import (
    activity_url,
    knowledge_bundle,
    report_from_conditions,
    to_care_plan,
    to_service_request,
)
from rehabgraph.fhir.definitions import rule_sources

SCT = "http://snomed.info/sct"
OUTER_KNEE = {"sites": [{"location": "outer knee", "side": "right"}]}


def _reparse(model: Any, cls: Any) -> Any:
    """Serialise to JSON text and parse it back with fhir.resources' model for that type."""
    return cls.model_validate_json(model.model_dump_json())


def _condition(text: str, *codings: dict[str, str], status: str = "active") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
        "subject": {"reference": "Patient/p1"},
        "bodySite": [{"text": text, "coding": list(codings)}],
    }


def test_care_plan_lists_the_exercises_in_order(recommender: Recommender) -> None:
    rec = recommender.recommend(OUTER_KNEE)
    plan = _reparse(to_care_plan(rec, subject="Patient/123"), CarePlan)
    assert plan.subject.reference == "Patient/123"
    assert plan.status == "active"
    assert plan.intent == "proposal"
    assert [a.detail.code.text for a in plan.activity] == [e.name for e in rec.exercises]
    assert [a.detail.instantiatesCanonical[0] for a in plan.activity] == [
        activity_url(e.exercise_id) for e in rec.exercises
    ]
    for activity, ex in zip(plan.activity, rec.exercises, strict=True):
        assert ex.stop_if in activity.detail.description  # instructions, not progress notes
        assert not activity.progress
        assert ".." not in activity.detail.description
        assert [r.text for r in activity.detail.reasonCode] == [e.sentence for e in ex.explanations]
        if ex.dosage_detail.times_per_day:
            repeat = activity.detail.scheduledTiming.repeat
            assert repeat.frequency == ex.dosage_detail.times_per_day
            assert repeat.periodUnit == "d"
    notes = " ".join(n.text for n in plan.note)
    assert rec.notice in notes
    for source in rec.sources:
        assert source.id in notes
    assert plan.description == rec.explain()


def test_a_referral_is_a_service_request_the_care_plan_points_at(
    recommender: Recommender,
) -> None:
    rec = recommender.recommend(
        {
            "sites": [{"location": "low back"}],
            "answers": {"saddle-numbness": True},
        }
    )
    assert rec.referral is not None
    plan = _reparse(to_care_plan(rec, "Patient/9"), CarePlan)
    (request,) = plan.contained
    assert request.get_resource_type() == "ServiceRequest"
    assert (request.priority, request.intent) == ("stat", "proposal")
    (activity,) = plan.activity
    assert activity.reference.reference == "#referral"
    assert plan.title.startswith("Referral")
    alone = to_service_request(rec, "Patient/9")
    assert alone.subject.reference == "Patient/9"
    assert [r.text for r in alone.reasonCode] == rec.referral.flags
    with pytest.raises(rehabgraph.InvalidReportError, match="does not refer"):
        to_service_request(recommender.recommend(OUTER_KNEE))


def test_care_plan_states_what_was_left_out(recommender: Recommender) -> None:
    rec = recommender.recommend({**OUTER_KNEE, "conditions": ["recent-knee-surgery"]})
    assert rec.excluded
    plan = to_care_plan(rec)
    notes = [n.text for n in plan.note]
    for x in rec.excluded:
        assert any(n.startswith(f"Left out: {x.name}") for n in notes)


def test_knowledge_bundle_has_an_activity_per_exercise_and_the_rules(kb: KnowledgeBase) -> None:
    bundle = _reparse(knowledge_bundle(kb), Bundle)
    assert bundle.type == "collection"
    resources = [e.resource for e in bundle.entry]
    activities = [r for r in resources if r.get_resource_type() == "ActivityDefinition"]
    plans = [r for r in resources if r.get_resource_type() == "PlanDefinition"]
    k = kb.knowledge
    assert [a.id for a in activities] == list(k.exercises)
    for a in activities:
        ActivityDefinition.model_validate_json(a.model_dump_json())
        ex = k.exercises[a.id]
        assert a.url == activity_url(ex.id)
        cited = [r for r in a.relatedArtifact if r.type == "citation"]
        assert [r.label for r in cited] == list(ex.sources)
        # the rest is the exercise's line drawing (tests/test_exercise_detail.py)
        assert [r.type for r in a.relatedArtifact[len(cited) :]] == ["documentation"]
    (rules,) = plans
    PlanDefinition.model_validate_json(rules.model_dump_json())
    assert [a.id for a in rules.action] == [r.id for r in k.rules]
    for action, rule in zip(rules.action, k.rules, strict=True):
        assert [d.label for d in action.documentation] == rule_sources(kb, rule)
        assert action.documentation


def test_report_from_conditions_reads_text_and_laterality(kb: KnowledgeBase) -> None:
    right = kb.knowledge.lexicon.side_codes["right"]
    report = report_from_conditions(
        _condition("outer knee", {"system": SCT, "code": right, "display": "Right"}), kb
    )
    (site,) = report.sites
    assert site.location == "outer knee"
    assert site.side == "right"


def test_report_from_a_bundle_skips_resolved_conditions(
    kb: KnowledgeBase, recommender: Recommender
) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"resource": _condition("outer knee")},
            {"resource": _condition("low back", status="resolved")},
            {"resource": {"resourceType": "Patient", "id": "p1"}},
        ],
    }
    report = report_from_conditions(Bundle.model_validate(bundle), kb)
    assert [s.location for s in report.sites] == ["outer knee"]
    assert recommender.recommend(report).exercises


def test_report_from_an_observation(kb: KnowledgeBase) -> None:
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "pain"},
        "bodySite": {"text": "front of the knee"},
    }
    # R4B Observation.bodySite is a single CodeableConcept, not a list as on a Condition.
    assert [s.location for s in report_from_conditions(obs, kb).sites] == ["front of the knee"]


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("not fhir", "expected a FHIR Bundle"),
        ({"resourceType": "Condition", "subject": {"reference": "Patient/1"}}, "no active"),
        ({"resourceType": "Condition", "bodySite": "knee"}, "invalid FHIR Condition"),
        (
            {"resourceType": "Condition", "subject": {"reference": "P/1"}, "bodySite": [{}]},
            "needs a SNOMED CT",
        ),
    ],
)
def test_bad_fhir_input_is_a_clear_error(kb: KnowledgeBase, source: Any, says: str) -> None:
    with pytest.raises(InvalidReportError, match=says):
        report_from_conditions(source, kb)


def test_care_plan_json_is_plain_fhir(recommender: Recommender) -> None:
    data = json.loads(to_care_plan(recommender.recommend(OUTER_KNEE)).model_dump_json())
    assert data["resourceType"] == "CarePlan"
    assert data["activity"][0]["detail"]["kind"] == "ServiceRequest"
