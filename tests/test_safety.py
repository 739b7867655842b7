"""Safety: red flags refer, contraindications exclude, feedback regresses or progresses."""

from __future__ import annotations

from typing import Any

import pytest

import rehabgraph
from rehabgraph import (
    InvalidReportError,
    Recommendation,
    Recommender,
    UnknownExerciseError,
    UnknownLocationError,
)
from rehabgraph.cli import main
from tests.support import cli

KNEE = {"location": "outer knee", "side": "right"}
KNEE_QUESTIONS = [
    "knee-injury",
    "hot-swollen-joint",
    "locked-knee",
    "suspected-broken-bone",
    "clot-in-the-lung-signs",
    "acute-limb-ischaemia",
    "compartment-syndrome",
    "child-limp",
]
NO_KNEE_FLAGS = dict.fromkeys(KNEE_QUESTIONS, False)


def ids(rec: Recommendation) -> list[str]:
    return [e.exercise_id for e in rec.exercises]


# --- red flags -------------------------------------------------------------------------------


def test_saddle_numbness_in_symptoms_is_an_emergency(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {"sites": [{"location": "low back pain"}], "symptoms": ["numbness between my legs"]}
    )
    assert rec.status == "refer"
    assert rec.exercises == []
    assert rec.referral is not None
    assert rec.referral.urgency == "emergency"
    assert rec.referral.flags == ["saddle-numbness"]
    assert "cauda equina" in rec.referral.concern
    assert "ahcpr-1994-low-back" in rec.referral.sources
    text = rec.explain()
    assert text.index("SEE A CLINICIAN (EMERGENCY)") < text.index("Sources:")
    assert "1. " not in text


def test_red_flag_from_the_command_line() -> None:
    done = cli("recommend", "low back pain", "--symptom", "numbness between my legs")
    assert done.returncode == 3  # a referral: scripts can tell it from a plan
    assert "!! SEE A CLINICIAN (EMERGENCY) !!" in done.stdout
    assert "Glute squeeze" not in done.stdout


def test_red_flag_answered_yes(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [KNEE], "answers": {"locked-knee": True}})
    assert rec.status == "refer"
    assert rec.referral is not None
    assert rec.referral.urgency == "urgent"


def test_the_most_urgent_flag_names_the_referral(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {
            "sites": [{"location": "low back"}],
            "answers": {
                "history-of-cancer": True,
                "night-or-constant-pain": True,
                "bladder-bowel": True,
            },
        }
    )
    assert rec.referral is not None
    assert rec.referral.urgency == "emergency"
    assert rec.referral.flags[0] == "bladder-bowel"
    assert set(rec.referral.flags) == {
        "bladder-bowel",
        "history-of-cancer",
        "night-or-constant-pain",
    }


@pytest.mark.parametrize(
    "extra",
    [
        {"sites": [{"location": "elbow"}]},
        {"conditions": ["a wooden leg"]},
        {"answers": {"saddle-numbness": True, "no-such-question": True}},
        {"feedback": [{"exercise_id": "moonwalk", "pain_during": 3}]},
        {
            "conditions": ["knee gives way"],
            "feedback": [{"exercise_id": "vmo-step-down", "pain_during": 0}],
        },
    ],
)
def test_nothing_else_in_the_report_overrides_a_red_flag(
    recommender: Recommender, extra: dict[str, Any]
) -> None:
    report: dict[str, Any] = {
        "sites": [{"location": "low back"}],
        "answers": {"saddle-numbness": True},
    }
    report.update({k: v for k, v in extra.items() if k != "answers"})
    report["answers"] = {**report["answers"], **extra.get("answers", {})}
    rec = recommender.recommend(report)
    assert rec.status == "refer"
    assert rec.exercises == []
    odd = {"elbow", "a wooden leg", "no-such-question"}
    assert bool(rec.problems) == any(word in str(extra) for word in odd)
    assert all(any(p in w for w in rec.warnings) for p in rec.problems)


def test_red_flag_overrides_require_screening(kb: rehabgraph.KnowledgeBase) -> None:
    strict = Recommender(kb, require_screening=True)
    rec = strict.recommend({"sites": [KNEE], "symptoms": ["my knee is hot and red, fever"]})
    assert rec.status == "refer"


def test_a_fever_refers_whatever_the_zone_and_a_hot_swollen_joint_is_an_emergency(
    recommender: Recommender,
) -> None:
    back = recommender.recommend({"sites": [{"location": "low back"}], "symptoms": ["fever"]})
    knee = recommender.recommend({"sites": [KNEE], "symptoms": ["fever"]})
    hot = recommender.recommend(
        {"sites": [KNEE], "symptoms": ["my knee is hot and swollen and I have a fever"]}
    )
    assert back.referral is not None and knee.referral is not None and hot.referral is not None
    assert back.referral.flags == knee.referral.flags == ["fever-or-unwell"]
    assert "hot-swollen-joint" in hot.referral.flags
    assert hot.referral.urgency == "emergency"


def test_ottawa_questions_follow_the_injury_gate(recommender: Recommender) -> None:
    first = recommender.screening({"sites": [KNEE]})
    assert [q.id for q in first] == KNEE_QUESTIONS
    after = recommender.screening({"sites": [KNEE], "answers": {"knee-injury": True}})
    assert {"ottawa-age", "ottawa-cannot-walk", "knee-swelled-after-injury"} <= {
        q.id for q in after
    }
    none = recommender.screening({"sites": [KNEE], "answers": {"knee-injury": False}})
    assert not any(q.id.startswith("ottawa") for q in none)


def test_ottawa_flag_counts_unless_the_injury_was_denied(recommender: Recommender) -> None:
    said = recommender.recommend({"sites": [KNEE], "answers": {"ottawa-age": True}})
    assert said.status == "refer"
    denied = recommender.recommend(
        {"sites": [KNEE], "answers": {"ottawa-age": True, **NO_KNEE_FLAGS}}
    )
    assert denied.status == "exercise"


def test_injury_named_in_symptoms_opens_the_ottawa_questions(recommender: Recommender) -> None:
    open_questions = recommender.screening({"sites": [KNEE], "symptoms": ["I twisted my knee"]})
    assert "ottawa-age" in {q.id for q in open_questions}


# --- screening -------------------------------------------------------------------------------


def test_unanswered_questions_come_with_the_plan(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [KNEE]})
    assert rec.status == "exercise"
    assert [q.id for q in rec.screening] == KNEE_QUESTIONS
    assert any("screening question" in w for w in rec.warnings)


def test_require_screening_holds_the_plan_back(kb: rehabgraph.KnowledgeBase) -> None:
    strict = Recommender(kb, require_screening=True)
    held = strict.recommend({"sites": [KNEE]})
    assert held.status == "needs_screening"
    assert held.exercises == []
    assert held.screening
    answered = strict.recommend({"sites": [KNEE], "answers": NO_KNEE_FLAGS})
    assert answered.status == "exercise"
    assert answered.screening == []


def test_unknown_answer_id_is_a_clear_error(recommender: Recommender) -> None:
    with pytest.raises(InvalidReportError, match="locked-knee"):
        recommender.recommend({"sites": [KNEE], "answers": {"locked-knees": False}})


def test_unrecognised_symptom_is_not_dropped(
    kb: rehabgraph.KnowledgeBase, recommender: Recommender
) -> None:
    # even for an app that screens elsewhere, unread words hold the plan until the questions
    # are answered explicitly
    held = recommender.recommend({"sites": [KNEE], "symptoms": ["purple toes"]})
    assert held.status == "needs_screening"
    assert held.exercises == []
    assert any("purple toes" in w for w in held.warnings)
    assert "purple" in held.readings[-1].unread
    answered = Recommender(kb).recommend(
        {"sites": [KNEE], "answers": NO_KNEE_FLAGS, "symptoms": ["purple toes"]}
    )
    assert answered.status == "exercise"
    assert any("purple toes" in w for w in answered.warnings)


def test_every_answer_carries_the_notice(recommender: Recommender) -> None:
    reports: list[dict[str, Any]] = [
        {"sites": [KNEE]},
        {"sites": [KNEE], "answers": {"locked-knee": True}},
        {"sites": [KNEE], "conditions": ["recent-knee-surgery"]},
    ]
    for report in reports:
        rec = recommender.recommend(report)
        assert "not a diagnosis" in rec.notice
        assert "not a diagnosis" in rec.explain()


# --- contraindications -------------------------------------------------------------------------


def test_knee_that_gives_way_never_gets_the_step_down(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [KNEE], "conditions": ["my knee gives way"]})
    assert "vmo-step-down" not in ids(rec)
    assert "vmo-step-down-low" not in ids(rec)
    excluded = {x.exercise_id: x for x in rec.excluded}
    assert excluded["vmo-step-down"].condition == "knee-gives-way"
    assert "buckle" in excluded["vmo-step-down"].reason
    assert excluded["vmo-step-down"].sources
    assert ids(rec) == ["quad-set"]  # re-planned: the squeeze only prepared the step-down
    quad = rec.exercises[0]
    assert quad.adapted_from == "vmo-step-down"
    chain = quad.explanations[0]
    assert chain.path[-3:] == ("vmo-step-down", "vmo-step-down-low", "quad-set")
    assert [e.type for e in chain.edges[-2:]] == ["regresses_to", "regresses_to"]
    assert "knee that gives way" in chain.sentence
    assert "Left out for you:" in rec.explain()


def test_condition_by_id(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [KNEE], "conditions": ["acute-knee-swelling"]})
    assert ids(rec) == ["quad-set"]


def test_everything_excluded_is_said(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [KNEE], "conditions": ["I had knee surgery"]})
    assert rec.status == "no_match"
    assert rec.exercises == []
    assert {x.exercise_id for x in rec.excluded} == {
        "vmo-step-down",
        "vmo-step-down-low",
        "quad-set",
    }
    assert all(x.reason and x.sources for x in rec.excluded)
    assert any("left out" in w for w in rec.warnings)


def test_low_back_is_unaffected_by_a_knee_condition(recommender: Recommender) -> None:
    every = Recommender(recommender.knowledge_base, require_screening=False, max_exercises=100)
    rec = every.recommend({"sites": [{"location": "low back"}], "conditions": ["knee gives way"]})
    assert "glute-squeeze" in ids(rec)
    assert rec.excluded == []
    stretch = rec.exercises[ids(rec).index("bottom-to-heels-stretch")]
    assert "right back onto your heels" in stretch.warnings[0]  # a precaution, not an exclusion


def test_precaution_keeps_the_exercise_with_a_warning(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [KNEE], "conditions": ["poor balance"]})
    step_down = rec.exercises[ids(rec).index("vmo-step-down")]
    assert step_down.warnings
    assert "both hands" in step_down.warnings[0]
    assert "Take care:" in rec.explain()


def test_an_unread_condition_holds_the_plan_and_is_named(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {"sites": [KNEE], "answers": NO_KNEE_FLAGS, "conditions": ["a wooden leg"]}
    )
    assert rec.status == "needs_screening"
    assert rec.exercises == []
    assert any("a wooden leg" in w for w in rec.warnings)


# --- feedback --------------------------------------------------------------------------------


def test_step_down_pain_5_gives_its_regression(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {"sites": [KNEE], "feedback": [{"exercise_id": "vmo-step-down", "pain_during": 5}]}
    )
    assert ids(rec) == ["glute-squeeze", "vmo-step-down-low"]
    low = rec.exercises[1]
    assert low.adapted_from == "vmo-step-down"
    assert low.side == "right"
    sentence = low.explanations[0].sentence
    assert "hurt (5/10)" in sentence
    assert "easier VMO step-down from a low step" in sentence
    assert low.explanations[0].edges[-1].type == "regresses_to"


def test_all_reps_without_pain_gives_the_progression(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {
            "sites": [KNEE],
            "feedback": [
                {"exercise_id": "vmo-step-down", "pain_during": 0, "reps_with_good_form": 15}
            ],
        }
    )
    assert ids(rec) == ["glute-squeeze", "vmo-step-down-high"]
    assert "move on to the harder" in rec.exercises[1].explanations[0].sentence


def test_some_reps_without_pain_keeps_the_version(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {
            "sites": [KNEE],
            "feedback": [
                {"exercise_id": "vmo-step-down-low", "pain_during": 0, "reps_with_good_form": 8}
            ],
        }
    )
    assert "vmo-step-down-low" in ids(rec)
    low = rec.exercises[ids(rec).index("vmo-step-down-low")]
    assert "Keep doing" in low.explanations[0].sentence
    assert low.explanations[0].edges[-1].type in ("regresses_to", "progresses_to")


def test_pain_on_the_regression_goes_one_further_down(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {"sites": [KNEE], "feedback": [{"exercise_id": "vmo-step-down-low", "pain_during": 3}]}
    )
    assert ids(rec) == ["quad-set"]
    assert rec.exercises[0].explanations[0].path[-3:] == (
        "vmo-step-down",
        "vmo-step-down-low",
        "quad-set",
    )


def test_pain_with_no_easier_version_excludes_with_reason(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {
            "sites": [{"location": "low back"}],
            "feedback": [{"exercise_id": "glute-squeeze", "pain_during": 4}],
        }
    )
    assert "glute-squeeze" not in ids(rec)
    assert rec.excluded[0].exercise_id == "glute-squeeze"
    assert "no easier version" in rec.excluded[0].reason


def test_feedback_then_contraindication(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {
            "sites": [KNEE],
            "conditions": ["knee gives way"],
            "feedback": [
                {"exercise_id": "vmo-step-down", "pain_during": 0, "reps_with_good_form": 15}
            ],
        }
    )
    assert ids(rec) == ["quad-set"]
    assert "vmo-step-down-high" in {x.exercise_id for x in rec.excluded}


def test_feedback_on_an_exercise_outside_the_plan_is_said(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {
            "sites": [{"location": "low back"}],
            "feedback": [{"exercise_id": "vmo-step-down", "pain_during": 5}],
        }
    )
    assert any("not part of this plan" in w for w in rec.warnings)


def test_feedback_on_an_unknown_exercise(recommender: Recommender) -> None:
    with pytest.raises(UnknownExerciseError, match="vmo-step-down"):
        recommender.recommend(
            {"sites": [KNEE], "feedback": [{"exercise_id": "vmo-stepdown", "pain_during": 2}]}
        )


def test_two_feedbacks_for_one_family(recommender: Recommender) -> None:
    with pytest.raises(InvalidReportError, match="same exercise"):
        recommender.recommend(
            {
                "sites": [KNEE],
                "feedback": [
                    {"exercise_id": "vmo-step-down", "pain_during": 2},
                    {"exercise_id": "quad-set", "pain_during": 0},
                ],
            }
        )


# --- command line ----------------------------------------------------------------------------


def test_cli_answers_conditions_and_feedback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["recommend", "outer knee", "--answers", "no", "--condition", "knee gives way", "--json"]
    )
    assert code == 0
    out = capsys.readouterr().out
    rec = Recommendation.model_validate_json(out)
    assert rec.screening == []
    assert ids(rec) == ["quad-set"]
    assert main(["recommend", "outer knee", "--answer", "locked-knee=yes"]) == 3  # refer
    assert "SEE A CLINICIAN (URGENT)" in capsys.readouterr().out
    assert (
        main(
            [
                "recommend",
                "outer knee",
                "--answers",
                "no",
                "--feedback",
                "vmo-step-down:5",
                "--json",
            ]
        )
        == 0
    )
    rec = Recommendation.model_validate_json(capsys.readouterr().out)
    assert "vmo-step-down-low" in ids(rec)


@pytest.mark.parametrize(
    "args",
    [
        ["--answer", "locked-knee=maybe"],
        ["--feedback", "vmo-step-down"],
        ["--feedback", "vmo-step-down:lots"],
        ["--answer", "no-such=yes"],
        ["--feedback", "moonwalk:3"],
    ],
)
def test_cli_bad_safety_options_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "outer knee", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rehabgraph: error:")
    assert "Traceback" not in err


def test_cli_holds_the_plan_until_screened_and_says_so_in_its_exit_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["recommend", "outer knee", "--json"]) == 4  # not at a terminal, not answered
    rec = Recommendation.model_validate_json(capsys.readouterr().out)
    assert rec.status == "needs_screening"
    assert main(["recommend", "outer knee", "--condition", "a wooden leg", "--answers", "no"]) == 4
    assert "a wooden leg" in capsys.readouterr().out


def test_unknown_location_without_red_flag_still_raises(recommender: Recommender) -> None:
    with pytest.raises(UnknownLocationError):
        recommender.recommend({"sites": [{"location": "elbow"}], "symptoms": ["purple toes"]})
