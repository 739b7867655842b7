"""The upper quarter, tried as a new user would: neck, head, jaw, shoulder, arm, elbow, hand."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

import rehabgraph
from rehabgraph import Recommendation, Recommender, UnknownLocationError
from tests.support import answered_no, cli

UPPER_REGIONS = {
    "head",
    "face",
    "neck",
    "shoulder",
    "upper back",
    "chest",
    "upper arm",
    "elbow",
    "forearm",
    "wrist",
    "hand",
}


@pytest.fixture(scope="module")
def kb() -> rehabgraph.KnowledgeBase:
    return rehabgraph.load_knowledge()


@pytest.fixture(scope="module")
def safe() -> Recommender:
    return Recommender.default()


def _upper_zones(kb: rehabgraph.KnowledgeBase) -> list[str]:
    return [z.id for z in kb.knowledge.zones.values() if z.region in UPPER_REGIONS]


def _walked(rec: Recommendation) -> set[str]:
    """Every node on the explanation paths of the plan."""
    return {node for ex in rec.exercises for e in ex.explanations for node in e.path}


def _flags(safe: Recommender, report: dict[str, Any]) -> list[str]:
    rec = safe.recommend(answered_no(safe, report))
    return rec.referral.flags if rec.referral else []


def _plan(safe: Recommender, location: str) -> Recommendation:
    return safe.recommend(answered_no(safe, {"sites": [{"location": location}]}))


def test_the_upper_quarter_is_as_large_as_promised(kb: rehabgraph.KnowledgeBase) -> None:
    k = kb.knowledge
    upper = set(_upper_zones(kb))
    upper_muscles = {r.muscle for r in k.referrals if r.zone in upper}
    upper_families = {
        e.family_id
        for e in k.exercises.values()
        if any(t.muscle in upper_muscles for t in e.targets)
    }
    upper_exercises = {e.id for e in k.exercises.values() if e.family_id in upper_families}
    upper_imbalances = {
        i.id for i in k.imbalances.values() if any(v.muscle in upper_muscles for v in i.involves)
    }
    assert len(upper) >= 28
    assert len(upper_muscles) >= 28
    assert len(upper_imbalances) >= 8
    assert len(upper_exercises) >= 25


@pytest.mark.parametrize("word", ["neck pain", "my shoulder", "arm", "sore elbow", "my hand"])
def test_a_region_word_asks_which_part(safe: Recommender, word: str) -> None:
    with pytest.raises(UnknownLocationError) as info:
        safe.recommend({"sites": [{"location": word}]})
    assert "too broad" in str(info.value)
    assert len(info.value.suggestions) >= 2


def test_neck_pain_offers_the_parts_of_the_neck(safe: Recommender) -> None:
    with pytest.raises(UnknownLocationError) as info:
        safe.recommend({"sites": [{"location": "neck pain"}]})
    assert {"back of the neck", "side of the neck"} <= set(info.value.suggestions)


def test_neck_and_temple_pain_runs_through_the_upper_trapezius(safe: Recommender) -> None:
    rec = _plan(safe, "pain at the back of my neck and my right temple")
    assert rec.status == "exercise"
    assert {z.id for s in rec.sites for z in s.zones} == {"neck-back", "temple"}
    assert rec.sites[0].side == "right"
    assert "upper-trapezius" in _walked(rec)
    assert "upper trapezius" in rec.explain().lower()


def test_tennis_elbow_reaches_the_wrist_extensors_and_the_supinator(safe: Recommender) -> None:
    every = Recommender(safe.knowledge_base, require_screening=False, max_exercises=100)
    rec = _plan(every, "tennis elbow")
    assert rec.status == "exercise"
    walked = _walked(rec)
    assert "supinator" in walked
    assert walked & {"extensor-carpi-radialis-brevis", "extensor-carpi-radialis-longus"}


HEART = "pain in my left arm and jaw when I climb the stairs"


def test_heart_pain_refers_as_an_emergency_from_the_library(safe: Recommender) -> None:
    rec = safe.recommend({"sites": [{"location": HEART}]})
    assert rec.status == "refer"
    assert rec.referral is not None
    assert rec.referral.urgency == "emergency"
    assert rec.exercises == []


def test_heart_pain_refers_from_the_cli() -> None:
    done = cli("recommend", HEART, "--answers", "no")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "emergency" in done.stdout.lower()


def test_heart_pain_refers_over_http(safe: Recommender) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from rehabgraph.server import create_app

    client = TestClient(create_app(safe))
    response = client.post("/recommend", json={"sites": [{"location": HEART}]})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refer"
    assert body["referral"]["urgency"] == "emergency"


@pytest.mark.parametrize(
    "said",
    [
        "no chest pain, just a stiff neck",
        "I don't get pain in my arm when I climb the stairs",
    ],
)
def test_a_denied_heart_symptom_is_not_read_as_the_flag(safe: Recommender, said: str) -> None:
    neck = {"sites": [{"location": "back of my neck"}], "symptoms": [said]}
    assert "heart-pain-signs" not in _flags(safe, neck)


def _asked(safe: Recommender, zone: str) -> set[str]:
    return {q.id for q in safe.screening({"sites": [{"location": zone}]})}


def test_the_heart_question_is_asked_for_chest_arm_shoulder_jaw_and_neck(
    kb: rehabgraph.KnowledgeBase, safe: Recommender
) -> None:
    heart = ["heart-pain-signs"]
    assert kb.knowledge.questions["heart-pain-signs"].urgency == "emergency"
    for zone in ("chest", "arm-front", "shoulder-front", "jaw", "neck-side", "elbow-inner"):
        name = kb.knowledge.zones[zone].name
        assert set(heart) & _asked(safe, name), zone


def _every(zones: Iterable[str], kb: rehabgraph.KnowledgeBase) -> list[Any]:
    return [pytest.param(z, id=z) for z in zones]


@pytest.mark.parametrize("zone", _every(_upper_zones(rehabgraph.load_knowledge()), None))  # type: ignore[arg-type]
def test_every_upper_zone_gets_a_plan(
    safe: Recommender, kb: rehabgraph.KnowledgeBase, zone: str
) -> None:
    rec = _plan(safe, kb.knowledge.zones[zone].name)
    assert rec.status == "exercise", rec.explain()
    assert rec.exercises
    for ex in rec.exercises:
        assert ex.explanations


@pytest.mark.parametrize("place", ["heel", "front of my knee", "back of my neck", "jaw"])
def test_an_age_alone_never_refers(safe: Recommender, place: str) -> None:
    """The Ottawa knee and Canadian C-spine ages matter only after an injury: with every
    question for the place answered no, an older person gets a plan, whatever the place."""
    rec = safe.recommend(answered_no(safe, {"sites": [{"location": place}], "age": 80}))
    assert rec.status == "exercise", rec.referral


def test_an_age_refers_once_its_injury_gate_is_met(safe: Recommender) -> None:
    knee = {"sites": [{"location": "front of my knee"}], "age": 60}
    assert _flags(safe, {**knee, "answers": {"knee-injury": True}}) == ["ottawa-age"]
    assert "ottawa-age" in _flags(safe, {**knee, "symptoms": ["I went over on my knee"]})
    neck = {"sites": [{"location": "back of my neck"}], "age": 70}
    assert "c-spine-age" in _flags(safe, {**neck, "symptoms": ["I fell and hurt my neck"]})


def test_thoracic_pain_is_a_flag_only_with_low_back_pain(safe: Recommender) -> None:
    both = {"sites": [{"location": "low back"}, {"location": "between my shoulder blades"}]}
    assert "thoracic-pain" in _flags(safe, both)
    alone = {"sites": [{"location": "between my shoulder blades"}]}
    assert _flags(safe, alone) == []
    said = {"sites": [{"location": "low back"}], "symptoms": ["pain between my shoulder blades"]}
    assert "thoracic-pain" in _flags(safe, said)


@pytest.mark.parametrize(
    ("place", "said", "flag"),
    [
        ("back of my wrist", "my wrist is hot, red and swollen", "hot-swollen-joint"),
        ("front of my shoulder", "my shoulder is hot and swollen", "hot-swollen-joint"),
        ("back of my wrist", "I think I have broken my wrist", "suspected-broken-bone"),
        ("temple", "I'm 72, my jaw hurts when I eat and it goes away when I stop", None),
        ("temple", "new headache at my temples for the first time in my life", None),
    ],
)
def test_upper_limb_joints_and_bones_are_screened(
    safe: Recommender, place: str, said: str, flag: str | None
) -> None:
    flags = _flags(safe, {"sites": [{"location": place}], "symptoms": [said]})
    assert flags, said
    if flag is not None:
        assert flag in flags


@pytest.mark.parametrize(
    "said",
    [
        "I fell asleep on the sofa and woke with a stiff neck",
        "my neck has ached for years and is worse when I walk to work",
        "my neck is stiff when I look over my shoulder driving",
    ],
)
def test_everyday_neck_words_raise_no_spinal_cord_flag(safe: Recommender, said: str) -> None:
    neck = {"sites": [{"location": "back of my neck"}], "symptoms": [said]}
    assert "cervical-myelopathy-signs" not in _flags(safe, neck)
    read = safe.recommend(answered_no(safe, neck)).readings
    assert not [c for r in read for c in r.concepts if c.id == "poor-balance"]


@pytest.mark.parametrize("place", ["chest pain", "my left chest pain", "pain in my chest wall"])
def test_a_place_said_with_pain_words_is_the_place_not_a_flag(
    safe: Recommender, place: str
) -> None:
    """A flag's words that are only the place and words like "pain" name where it hurts; the
    chest's own questions (the heart, a clot) are then asked, not skipped."""
    asked = {q.id for q in safe.screening({"sites": [{"location": place}]})}
    assert {"heart-pain-signs", "clot-in-the-lung-signs"} <= asked
    rec = safe.recommend(answered_no(safe, {"sites": [{"location": place}]}))
    assert rec.status == "exercise"
    assert [z.id for s in rec.sites for z in s.zones] == ["chest"]


def test_the_report_age_rules_giant_cell_arteritis_out_under_50(safe: Recommender) -> None:
    """BSR 2020: giant cell arteritis is a disease of people over 50. The report's age field
    rules it out below that, whatever the words; an age in the words never does."""
    said = "my jaw hurts when I eat and it goes away when I stop"
    jaw = {"sites": [{"location": "jaw"}], "symptoms": [said]}
    assert "giant-cell-arteritis-signs" in _flags(safe, {**jaw, "age": 72})
    assert "giant-cell-arteritis-signs" not in _flags(safe, {**jaw, "age": 30})
    assert "giant-cell-arteritis-signs" in _flags(safe, jaw)  # no age: counted to be safe
    words = {**jaw, "symptoms": [f"I'm 30 and {said}"]}
    assert "giant-cell-arteritis-signs" in _flags(safe, words)


def test_a_flag_that_is_only_the_place_is_shown_as_not_counted(safe: Recommender) -> None:
    rec = safe.recommend(answered_no(safe, {"sites": [{"location": "between my shoulder blades"}]}))
    flags = [c for r in rec.readings for c in r.concepts if c.kind == "flag"]
    assert flags
    assert not any(c.counted for c in flags)
    assert "not counted as a warning sign on its own" in " ".join(rec.explain().split())
