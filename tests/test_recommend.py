"""Recommending: the plans the article describes, explained by the graph."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import rehabgraph
from rehabgraph import (
    InvalidReportError,
    PainReport,
    Recommendation,
    Recommender,
    UnknownLocationError,
)
from tests import factories as make

TODAY = date(2026, 11, 29)


def ids(rec: Recommendation) -> list[str]:
    return [e.exercise_id for e in rec.exercises]


def test_outer_right_knee_gives_squeeze_then_step_down(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {"sites": [{"location": "outer knee", "side": "right", "intensity": 4}]}
    )
    assert rec.status == "exercise"
    assert ids(rec) == ["glute-squeeze", "vmo-step-down"]
    step_down = rec.exercises[1]
    assert step_down.side == "right"
    chains = [e for e in step_down.explanations if e.rule_id == "tight-muscle-refers-pain"]
    assert len(chains) == 1
    chain = chains[0]
    assert chain.path == ("knee-lateral", "vastus-lateralis", "tight-lateral-quad", "vmo-step-down")
    assert [(e.source, e.type, e.target) for e in chain.edges] == [
        ("vastus-lateralis", "refers_pain_to", "knee-lateral"),
        ("tight-lateral-quad", "involves", "vastus-lateralis"),
        ("tight-lateral-quad", "corrected_by", "vmo-step-down"),
    ]
    assert "vastus lateralis" in chain.sentence and "tight lateral quad" in chain.sentence
    assert "vmo-article" in chain.sources and "travell-simons-1992" in chain.sources
    squeeze = rec.exercises[0]
    assert squeeze.explanations[0].rule_id == "prepare-first"
    assert squeeze.explanations[0].path == ("vmo-step-down", "glute-squeeze")


def test_explanations_are_written_once_and_shared_immutably(recommender: Recommender) -> None:
    report = {"sites": [{"location": "outer knee", "side": "right"}]}
    first, second = recommender.recommend(report), recommender.recommend(report)
    a, b = first.exercises[1].explanations[0], second.exercises[1].explanations[0]
    assert a is b  # written when the recommender was built, not per query
    assert isinstance(a.path, tuple) and isinstance(a.edges, tuple)
    assert isinstance(a.edges[0].sources, tuple)
    with pytest.raises(ValidationError):
        a.path = ()
    assert first == second


def test_phrase_with_side_in_it(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [{"location": "pain on the outside of my right knee"}]})
    assert ids(rec) == ["glute-squeeze", "vmo-step-down"]
    assert rec.sites[0].side == "right"
    assert rec.exercises[1].side == "right"
    assert rec.exercises[0].side is None  # the squeeze is done with both glutes


def test_low_back_reaches_squeeze_through_gluteus_medius(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [{"location": "lower back"}]})
    assert "glute-squeeze" in ids(rec)
    assert "vmo-step-down" not in ids(rec)  # nothing in the low back calls for knee loading
    squeeze = rec.exercises[ids(rec).index("glute-squeeze")]
    chain = squeeze.explanations[0]
    assert chain.path == ("low-back", "gluteus-medius", "uneven-hips", "glute-squeeze")
    assert "gluteus medius" in chain.sentence and "uneven hips" in chain.sentence


def test_inner_knee_reaches_step_down_through_vastus_medialis(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [{"location": "inner knee", "side": "left"}]})
    order = ids(rec)
    assert order.index("glute-squeeze") < order.index("vmo-step-down")
    step_down = rec.exercises[order.index("vmo-step-down")]
    rules = {e.rule_id for e in step_down.explanations}
    assert rules == {"unbalanced-muscle-refers-pain", "strengthen-referring-muscle"}
    assert all("vastus-medialis" in e.path for e in step_down.explanations)
    assert step_down.side == "left"


def test_step_down_carries_steps_dosage_and_stop_rule(recommender: Recommender) -> None:
    step_down = recommender.recommend({"sites": [{"location": "outer knee"}]}).exercises[1]
    assert step_down.steps[0] == "Find stairs or a step and somewhere to hold on for balance."
    assert step_down.dosage.startswith("12-15 reps")
    assert step_down.dosage_detail.times_per_day == 3
    assert "working leg" in step_down.stop_if


def test_intensity_raises_the_score(recommender: Recommender) -> None:
    def score(intensity: int) -> float:
        rec = recommender.recommend({"sites": [{"location": "outer knee", "intensity": intensity}]})
        return rec.exercises[1].score

    assert score(2) < score(5) < score(9)


def test_two_sites_on_two_sides(recommender: Recommender) -> None:
    rec = recommender.recommend(
        {
            "sites": [
                {"location": "outer knee", "side": "left"},
                {"location": "inner knee", "side": "right"},
            ]
        }
    )
    order = ids(rec)
    assert order.index("glute-squeeze") < order.index("vmo-step-down")
    assert rec.exercises[order.index("vmo-step-down")].side == "both"
    assert {s.zones[0].id for s in rec.sites} == {"knee-lateral", "knee-medial"}


def test_every_answer_carries_the_notice_and_its_sources(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [{"location": "outer knee"}]})
    assert "not a diagnosis" in rec.notice
    cited = {s for e in rec.exercises for x in e.explanations for s in x.sources}
    assert cited <= {s.id for s in rec.sources}
    assert rec.knowledge_version.startswith("rehabgraph-bundled@")


def test_explain_reads_as_a_plan(recommender: Recommender) -> None:
    text = recommender.recommend({"sites": [{"location": "outer knee", "side": "right"}]}).explain()
    assert text.index("Glute squeeze") < text.index("VMO step-down (right side)")
    for words in (
        "Why:",
        "How:",
        "Dosage: 12-15 reps",
        "Stop if:",
        "Sources:",
        "vastus lateralis",
        "not a diagnosis",
    ):
        assert words in text


def test_json_round_trip(recommender: Recommender) -> None:
    rec = recommender.recommend({"sites": [{"location": "outer knee", "side": "right"}]})
    again = Recommendation.model_validate_json(rec.model_dump_json())
    assert again == rec
    assert json.loads(rec.model_dump_json())["exercises"][1]["exercise_id"] == "vmo-step-down"


def test_pain_report_object_and_dict_agree(recommender: Recommender) -> None:
    as_dict = {"sites": [{"location": "low back", "intensity": 7}]}
    assert recommender.recommend(PainReport.model_validate(as_dict)) == recommender.recommend(
        as_dict
    )


@pytest.mark.parametrize(
    ("report", "words"),
    [
        ({"sites": []}, "sites"),
        ({}, "sites"),
        ({"sites": [{"location": "outer knee", "intensity": 11}]}, "intensity"),
        ({"sites": [{"location": "outer knee", "side": "up"}]}, "side"),
        ({"sites": [{"location": 3}]}, "location"),
        ({"sites": [{"location": "outer knee"}], "colour": "red"}, "colour"),
        ({"sites": [{"location": "left outer knee", "side": "right"}]}, "contradicts"),
    ],
)
def test_invalid_report_is_a_clear_error(
    recommender: Recommender, report: dict[str, object], words: str
) -> None:
    with pytest.raises(InvalidReportError) as info:
        recommender.recommend(report)
    assert words in str(info.value)


def test_unknown_location_from_recommend(recommender: Recommender) -> None:
    with pytest.raises(UnknownLocationError) as info:
        recommender.recommend({"sites": [{"location": "elbow"}]})
    assert info.value.suggestions


def test_zone_without_exercises_is_no_match(edit: object, knowledge_copy: object) -> None:
    from pathlib import Path

    import rehabgraph

    assert isinstance(knowledge_copy, Path)
    edit(
        "zones.yaml",
        lambda d: d["zones"].append(make.zone("armpit", region="shoulder")),  # type: ignore[operator]
    )
    rec = Recommender(rehabgraph.load_knowledge(knowledge_copy), require_screening=False).recommend(
        {"sites": [{"location": "armpit"}]}
    )
    assert rec.status == "no_match"
    assert rec.exercises == []
    assert "no exercise" in rec.explain()


def test_loosening_is_followed_by_strengthening(edit: object, knowledge_copy: object) -> None:
    """The article's principle, carried out by the strengthen-after-loosening rule."""
    from pathlib import Path

    import rehabgraph

    assert isinstance(knowledge_copy, Path)

    def add_release(d: dict[str, list[dict[str, object]]]) -> None:
        d["exercises"].append(
            make.exercise(
                "quad-release",
                name="inner quad release",
                summary="Loosen the VMO.",
                steps=["Roll the inner thigh."],
                works=["thigh", "knee"],
                targets=[make.target("vastus-medialis", "loosen")],
                corrects=[make.corrects("tight-lateral-quad")],
            )
        )

    edit("exercises.yaml", add_release)  # type: ignore[operator]
    rec = Recommender(rehabgraph.load_knowledge(knowledge_copy), require_screening=False).recommend(
        {"sites": [{"location": "inner knee"}]}
    )
    order = ids(rec)
    assert order.index("quad-release") < order.index("vmo-step-down")
    follow = [
        e
        for e in rec.exercises[order.index("vmo-step-down")].explanations
        if e.rule_id == "strengthen-after-loosening"
    ]
    assert follow and follow[0].principle == "strengthen-after-loosening"
    assert follow[0].path == ("quad-release", "vastus-medialis", "vmo-step-down")


def test_phrases_are_remembered_within_a_bound(
    recommender: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rehabgraph.text import Reader

    knowledge = recommender.knowledge_base.knowledge
    reader = Reader.from_knowledge(knowledge)
    monkeypatch.setattr(Reader, "MEMO_SIZE", 3)
    phrases = ["outer knee", "heel", "ache in my lower back", "shin", "outer knee", "calf"]
    first = [reader.read(p, TODAY) for p in phrases]
    assert len(reader._read) == 3
    assert [reader.read(p, TODAY) for p in phrases] == first
    fresh = Reader.from_knowledge(knowledge)
    assert [fresh._read_text(p, TODAY) for p in phrases] == first  # remembering changes nothing


def test_a_zero_weight_still_plans_what_must_come_first(edit: Any, knowledge_copy: Path) -> None:
    # base 0 and intensity 0 give the site a weight of 0: the exercise-start rules still run
    edit("rules.yaml", lambda d: d["scoring"].update(base=0, per_intensity_point=0.05))
    rec = Recommender(rehabgraph.load_knowledge(knowledge_copy), require_screening=False).recommend(
        {"sites": [{"location": "outer knee", "side": "right", "intensity": 0}]}
    )
    assert ids(rec) == ["glute-squeeze", "vmo-step-down"]
    assert all(e.score == 0 for e in rec.exercises)


@pytest.mark.parametrize(
    "report",
    [
        {"sites": [{"location": "outer knee", "side": "right"}]},
        {"sites": [{"location": "low back"}, {"location": "heel", "side": "left"}]},
        {"sites": [{"location": "outer knee"}], "symptoms": ["numbness in the groin"]},
        {"sites": [{"location": "front of knee"}], "conditions": ["knee replacement"]},
        {"sites": [{"location": "outer knee", "side": "left"}], "symptoms": ["no numbness"]},
    ],
)
def test_an_assembled_answer_is_the_validated_model(report: dict[str, Any]) -> None:
    """Answers are put together from validated parts without validating them again: the result
    is the model validation gives, field for field, in JSON, and in the fields it was given."""
    answer = rehabgraph.Recommender.default().recommend(report)
    values = {name: getattr(answer, name) for name in answer.model_fields_set}
    validated = Recommendation(**values)
    assert answer == validated
    assert answer.model_dump_json() == validated.model_dump_json()
    assert answer.model_fields_set == validated.model_fields_set
    assert list(answer.__dict__) == list(validated.__dict__)
    assert Recommendation.model_validate_json(answer.model_dump_json()) == answer
