"""The examples of the text-understanding issue, as a new user would try them: from the library,
the command line and HTTP. Lay wordings of the published red-flag lists refer; denials are shown
and never read as the flag; every channel is read; conditions come in ordinary words."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

import rehabgraph
from rehabgraph import InvalidReportError, PainReport, Recommender
from rehabgraph.cli import main
from tests.support import answered_no, cli, fhir_condition

TODAY = date(2026, 11, 29)
LOW_BACK = {"location": "low back pain"}
KNEE = {"location": "outer knee", "side": "left"}

# (symptom, the site it is given with, the flag that must refer) -- the misses the issue lists
FLAGS_IN_ORDINARY_WORDS = [
    ("pins and needles in my groin", LOW_BACK, "saddle-numbness"),
    ("I can't feel the toilet paper when I wipe", LOW_BACK, "saddle-numbness"),
    ("wet myself", LOW_BACK, "bladder-bowel"),
    ("cant pee", LOW_BACK, "bladder-bowel"),
    ("sciatica down both legs", LOW_BACK, "bilateral-sciatica"),
    ("my foot slaps the floor when I walk", LOW_BACK, "progressive-leg-weakness"),
    ("fell off a ladder", LOW_BACK, "major-trauma"),
    (
        "I've taken prednisolone for years and my back went lifting a box",
        LOW_BACK,
        "minor-trauma-fragile-bone",
    ),
    ("lost a stone without dieting", LOW_BACK, "unexplained-weight-loss"),
    ("I've been running a temperature", LOW_BACK, "fever-or-unwell"),
    ("I inject heroin", LOW_BACK, "infection-risk"),
    ("shortness of breath", KNEE, "clot-in-the-lung-signs"),
    ("my left calf is red and puffy", KNEE, "dvt-signs"),
]
DENIALS = [
    ("no numbness between my legs", "saddle-numbness"),
    ("I don't have a fever", "fever-or-unwell"),
    ("no chest pain", "clot-in-the-lung-signs"),
]


def _no(recommender: Recommender, report: dict[str, Any]) -> dict[str, Any]:
    """The report, on TODAY, with every screening question answered no."""
    return answered_no(recommender, {**report, "reported_on": str(TODAY)})


@pytest.mark.parametrize(("symptom", "site", "flag"), FLAGS_IN_ORDINARY_WORDS)
def test_flags_in_ordinary_words_refer_even_when_every_question_was_answered_no(
    safe_recommender: Recommender, symptom: str, site: dict[str, Any], flag: str
) -> None:
    report = _no(safe_recommender, {"sites": [site]})  # answered no before the words were read
    rec = safe_recommender.recommend({**report, "symptoms": [symptom]})
    assert rec.status == "refer", rec.readings
    assert rec.referral is not None and flag in rec.referral.flags
    assert rec.exercises == []


@pytest.mark.parametrize(("denial", "flag"), DENIALS)
def test_a_denial_is_shown_and_never_refers(
    safe_recommender: Recommender, denial: str, flag: str
) -> None:
    rec = safe_recommender.recommend(
        _no(safe_recommender, {"sites": [LOW_BACK], "symptoms": [denial]})
    )
    assert rec.status == "exercise"
    read = [c for r in rec.readings for c in r.concepts if c.id == flag]
    assert read and all(c.modifiers == ("negated",) and not c.counted for c in read)
    assert "you said no" in rec.explain()


def test_a_plain_denial_counts_as_that_questions_no(safe_recommender: Recommender) -> None:
    open_before = {q.id for q in safe_recommender.screening({"sites": [LOW_BACK]})}
    denied = {
        q.id
        for q in safe_recommender.screening(
            {"sites": [LOW_BACK], "symptoms": ["no numbness between my legs"]}
        )
    }
    assert "saddle-numbness" in open_before - denied


def test_a_denial_next_to_a_present_flag_never_hides_it(safe_recommender: Recommender) -> None:
    rec = safe_recommender.recommend(
        _no(safe_recommender, {"sites": [LOW_BACK], "symptoms": ["no fever but I did wet myself"]})
    )
    assert rec.referral is not None
    assert rec.referral.flags == ["bladder-bowel"]
    assert rec.referral.urgency == "emergency"


def test_someone_elses_past_or_feared_flag_does_not_refer_but_stays_asked(
    safe_recommender: Recommender,
) -> None:
    for words, modifier in [
        ("my mum had a DVT", "family"),
        ("what if I lose control of my bladder", "hypothetical"),
    ]:
        rec = safe_recommender.recommend({"sites": [KNEE], "symptoms": [words]})
        assert rec.status == "needs_screening", words
        read = [c for r in rec.readings for c in r.concepts if c.kind == "flag"]
        assert read and all(modifier in c.modifiers and not c.counted for c in read), words


@pytest.mark.parametrize(
    "report",
    [
        {"sites": [LOW_BACK], "conditions": ["cauda equina syndrome"]},
        {"sites": [{"location": "low back pain and numbness between my legs"}]},
        {"sites": [LOW_BACK, {"location": "numbness between my legs"}]},
        {"sites": [{**LOW_BACK, "intensity": 11}], "symptoms": ["numbness between my legs"]},
        {"sites": [LOW_BACK], "symptoms": ["numbness between my legs", "x" * 600]},
        {"sites": [{"location": "elbow"}], "symptoms": ["numb between my legs"]},
        {"sites": [LOW_BACK], "answers": {"saddle-numbness": False}, "symptoms": ["numb bum"]},
    ],
    ids=[
        "condition",
        "inside-the-location",
        "second-site",
        "beside-intensity-11",
        "beside-600-characters",
        "beside-an-unknown-place",
        "after-answering-no",
    ],
)
def test_a_flag_refers_from_every_channel_and_beside_any_bad_field(
    safe_recommender: Recommender, report: dict[str, Any]
) -> None:
    rec = safe_recommender.recommend(report)
    assert rec.status == "refer"
    assert rec.referral is not None and rec.referral.urgency == "emergency"
    bad = report["sites"][0].get("intensity") == 11 or any(
        len(s) > 500 for s in report.get("symptoms", [])
    )
    if bad:
        assert rec.report is None and rec.problems


def test_fhir_conditions_with_a_body_site_and_in_remission_are_read(kb: Any) -> None:
    from rehabgraph.fhir import report_from_conditions

    condition = fhir_condition
    recommender = Recommender(kb)
    with_site = report_from_conditions([condition("numbness between my legs", "low back")], kb)
    assert recommender.recommend(with_site).status == "refer"
    cancer = report_from_conditions(
        [condition("low back pain", "low back"), condition("breast cancer", status="remission")],
        kb,
    )
    rec = recommender.recommend(cancer)
    assert rec.referral is not None and "history-of-cancer" in rec.referral.flags
    past_fever = report_from_conditions(
        [condition("low back pain", "low back"), condition("fever", status="resolved")], kb
    )
    assert recommender.recommend(past_fever).status != "refer"  # a past fever is not now
    refuted = condition("numbness between my legs", "low back")
    refuted["verificationStatus"] = {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": "refuted",
            }
        ]
    }
    assert (
        recommender.recommend(
            report_from_conditions([condition("low back pain", "low back"), refuted], kb)
        ).status
        != "refer"
    )
    fever = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "Body temperature"},
        "valueQuantity": {"value": 38.6, "unit": "Cel", "code": "Cel"},
    }
    observed = report_from_conditions([condition("low back pain", "low back"), fever], kb)
    rec = recommender.recommend(observed)
    assert rec.referral is not None and "fever-or-unwell" in rec.referral.flags


@pytest.mark.parametrize(
    ("words", "condition", "on", "applies"),
    [
        ("my knee keeps giving way when I go downstairs", "knee-gives-way", TODAY, True),
        ("ACL repair 6 weeks ago", "recent-knee-surgery", TODAY, True),
        ("ACL repair 3 years ago", "recent-knee-surgery", TODAY, False),
        ("knee op in March", "recent-knee-surgery", date(2026, 5, 1), True),
        ("knee op in March", "recent-knee-surgery", TODAY, False),
        ("THR 8 weeks ago", "recent-hip-surgery", TODAY, True),
        ("had my hip replaced six weeks ago", "recent-hip-surgery", TODAY, True),
        ("water on the knee", "acute-knee-swelling", TODAY, True),
        ("I've fallen twice this year", "poor-balance", TODAY, True),
        ("I'm a bit wobbly on my feet", "poor-balance", TODAY, True),
    ],
)
def test_conditions_in_ordinary_words_with_their_window(
    recommender: Recommender, words: str, condition: str, on: date, applies: bool
) -> None:
    rec = recommender.recommend(
        {"sites": [KNEE], "conditions": [words], "reported_on": on.isoformat()}
    )
    assert (condition in rec.conditions) == applies, rec.readings
    read = [c for r in rec.readings for c in r.concepts if c.id == condition]
    assert read and read[0].counted == applies
    assert rec.status != "needs_screening" or rec.screening  # read, so not held for the words


def test_the_age_field_answers_the_ottawa_age_question(safe_recommender: Recommender) -> None:
    injured = {"sites": [KNEE], "answers": {"knee-injury": True}}
    older = safe_recommender.recommend({**injured, "age": 60})
    assert older.referral is not None and "ottawa-age" in older.referral.flags
    younger = safe_recommender.screening({**injured, "age": 30})
    assert "ottawa-age" not in {q.id for q in younger}
    said = safe_recommender.recommend({**injured, "symptoms": ["I'm 82 and slipped on the ice"]})
    assert said.referral is not None and "ottawa-age" in said.referral.flags


def test_a_gate_answered_yes_holds_the_plan_until_its_follow_ups_are_answered(
    safe_recommender: Recommender,
) -> None:
    report = _no(safe_recommender, {"sites": [KNEE]})
    report["answers"]["knee-injury"] = True
    held = safe_recommender.recommend(report)
    assert held.status == "needs_screening"
    assert "ottawa-cannot-walk" in {q.id for q in held.screening}


def test_bad_json_is_an_invalid_report_error() -> None:
    with pytest.raises(InvalidReportError) as info:
        PainReport.model_validate_json('{"sites": [')
    assert info.value.problems


def test_every_zone_reads_right_in_a_sentence(recommender: Recommender) -> None:
    k = recommender.knowledge_base.knowledge
    for zone in k.zones.values():
        rec = recommender.recommend({"sites": [{"location": zone.id}]})
        for ex in rec.exercises:
            for e in ex.explanations:
                assert not re.search(
                    r"\byour (front|back|top|sole|ball|inner edge|outer edge) of", e.sentence
                ), e.sentence


def test_a_low_back_report_is_not_asked_about_the_leg_pain(
    safe_recommender: Recommender,
) -> None:
    for q in safe_recommender.screening({"sites": [LOW_BACK]}):
        assert "the leg pain" not in q.question, q.id


def test_urls_are_never_split_when_text_is_wrapped(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [{"location": "heel"}]})
    text = rec.explain()
    for source in rec.sources:
        if source.url:
            assert source.url in text


@pytest.mark.parametrize("place", ["stomach pain", "pain in my armpit", "my throat hurts"])
def test_a_part_rehabgraph_does_not_cover_says_what_it_covers(
    recommender: Recommender, place: str
) -> None:
    with pytest.raises(rehabgraph.UnknownLocationError) as info:
        recommender.recommend({"sites": [{"location": place}]})
    message = str(info.value)
    assert "does not cover" in message and "knee" in message
    assert not any("knee" in s and "back" in s for s in info.value.suggestions[:1])


def test_the_command_line_gives_the_plan_and_says_what_it_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "recommend",
            "low back pain",
            "--symptom",
            "no numbness between my legs",
            "--answers",
            "no",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "What rehabgraph read from your words" in out
    assert '"numbness between my legs"' in out and "you said no" in out


@pytest.mark.parametrize(("symptom", "site", "flag"), FLAGS_IN_ORDINARY_WORDS)
def test_the_command_line_refers_every_example(
    capsys: pytest.CaptureFixture[str], symptom: str, site: dict[str, Any], flag: str
) -> None:
    side = ["--side", site["side"]] if "side" in site else []
    code = main(["recommend", site["location"], *side, "--answers", "no", "--symptom", symptom])
    assert code == 3, capsys.readouterr().out  # a referral
    assert "SEE A CLINICIAN" in capsys.readouterr().out


@pytest.mark.parametrize(("denial", "flag"), DENIALS)
def test_the_command_line_gives_a_plan_for_every_denial(
    capsys: pytest.CaptureFixture[str], denial: str, flag: str
) -> None:
    code = main(["recommend", "low back pain", "--answers", "no", "--symptom", denial])
    assert code == 0
    assert "you said no" in capsys.readouterr().out


def test_the_command_line_refers_beside_a_bad_field() -> None:
    done = cli(
        "recommend",
        "low back pain",
        "--intensity",
        "11",
        "--symptom",
        "I can't feel the toilet paper when I wipe",
    )
    assert done.returncode == 3, done.stderr
    assert "SEE A CLINICIAN (EMERGENCY)" in done.stdout
    assert "intensity" in done.stdout  # the field's error is listed
    assert "Traceback" not in done.stderr


def test_http_refers_beside_a_bad_field_and_says_what_is_wrong(
    safe_recommender: Recommender,
) -> None:
    from fastapi.testclient import TestClient

    from rehabgraph.server import create_app

    client = TestClient(create_app(safe_recommender))
    flagged = client.post(
        "/recommend",
        json={"sites": [{"location": "low back", "intensity": 11}], "symptoms": ["cant pee"]},
    )
    assert flagged.status_code == 200
    body = flagged.json()
    assert body["status"] == "refer" and body["problems"]
    plain = client.post("/recommend", json={"sites": [{"location": "low back", "intensity": 11}]})
    assert plain.status_code == 422 and "intensity" in plain.json()["detail"]
    broken = client.post(
        "/recommend", content=b'{"sites": [', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    for symptom, site, flag in FLAGS_IN_ORDINARY_WORDS:
        answer = client.post("/recommend", json={"sites": [site], "symptoms": [symptom]})
        assert answer.status_code == 200 and flag in answer.json()["referral"]["flags"], symptom
    for denial, flag in DENIALS:
        report = _no(safe_recommender, {"sites": [LOW_BACK], "symptoms": [denial]})
        answer = client.post("/recommend", json=report).json()
        assert answer["status"] == "exercise", denial
        assert any(
            c["id"] == flag and c["modifiers"] == ["negated"]
            for r in answer["readings"]
            for c in r["concepts"]
        )
