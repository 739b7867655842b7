"""Seeing why: explain(), why_not(), basis(), and the pictures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import rehabgraph
from rehabgraph import Recommender, UnknownExerciseError
from rehabgraph.viz import body_map, draw_explanation, draw_knowledge
from rehabgraph.viz.style import overlaps
from tests.support import unscreened

R = unscreened()
OUTER_RIGHT: dict[str, Any] = {"sites": [{"location": "pain on the outside of my right knee"}]}


def test_explain_reads_as_a_plan_with_the_chain() -> None:
    text = " ".join(R.recommend(OUTER_RIGHT).explain().split()).replace(" 1. ", "\n1. ")
    for words in (
        "Where it hurts: outer knee, right",
        "1. Glute squeeze",
        "Why:",
        "How:",
        "Dosage:",
        "Stop if:",
        "vastus lateralis",
        "tight lateral quad",
        "Sources:",
        "evidence:",
    ):
        assert words in text


def test_explain_puts_referral_and_exclusions_first() -> None:
    refer = R.recommend({"sites": [{"location": "low back"}], "answers": {"bladder-bowel": True}})
    assert refer.explain().index("SEE A CLINICIAN") < refer.explain().index("Sources:")
    excluded = R.recommend({**OUTER_RIGHT, "conditions": ["knee gives way"]}).explain()
    assert excluded.index("Left out for you:") < excluded.index("1. ")


def test_why_not_not_reachable_says_what_would_reach_it() -> None:
    answer = R.why_not(OUTER_RIGHT, "heel-raise")
    assert answer.reason == "not_reachable"
    assert "calf" in answer.reached_from
    assert "calf" in answer.message


def test_why_not_excluded_by_a_contraindication() -> None:
    answer = R.why_not({**OUTER_RIGHT, "conditions": ["knee gives way"]}, "vmo-step-down")
    assert answer.reason == "excluded"
    assert "buckle" in answer.message
    assert answer.replaced_by == "quad-set"
    assert answer.sources


def test_why_not_replaced_by_its_regression() -> None:
    report = {**OUTER_RIGHT, "feedback": [{"exercise_id": "vmo-step-down", "pain_during": 5}]}
    answer = R.why_not(report, "vmo-step-down")
    assert answer.reason == "replaced"
    assert answer.replaced_by == "vmo-step-down-low"
    assert "hurt (5/10)" in answer.message


def test_why_not_outranked_in_a_short_plan(kb: rehabgraph.KnowledgeBase) -> None:
    short = Recommender(kb, require_screening=False, max_exercises=2)
    rec = short.recommend({"sites": [{"location": "lower back"}]})
    assert len(rec.exercises) == 2
    left_out = rec.also_possible[0]
    assert left_out.reason and left_out.exercise_id not in {e.exercise_id for e in rec.exercises}
    assert "Also possible (left out to keep the plan to 2 exercises)" in rec.explain()
    answer = short.why_not({"sites": [{"location": "lower back"}]}, left_out.exercise_id)
    assert answer.reason == "outranked"
    assert "also possible" in answer.message


def test_why_not_other_answers() -> None:
    assert R.why_not(OUTER_RIGHT, "vmo-step-down").reason == "recommended"
    assert R.why_not(OUTER_RIGHT, "quad-set").reason == "another_version"
    red = {"sites": [{"location": "low back"}], "symptoms": ["numb between my legs"]}
    assert R.why_not(red, "glute-squeeze").reason == "referred"
    with pytest.raises(UnknownExerciseError, match="vmo-step-down"):
        R.why_not(OUTER_RIGHT, "vmo-stepdown")


def test_max_exercises_keeps_what_must_come_first(kb: rehabgraph.KnowledgeBase) -> None:
    rec = Recommender(kb, require_screening=False, max_exercises=1).recommend(OUTER_RIGHT)
    assert [e.exercise_id for e in rec.exercises] == ["glute-squeeze", "vmo-step-down"]


def test_basis_is_a_complete_machine_record() -> None:
    rec = R.recommend({**OUTER_RIGHT, "conditions": ["poor balance"]})
    basis = json.loads(json.dumps(rec.basis()))
    assert basis["knowledge_version"] == rec.knowledge_version
    assert basis["inputs"]["conditions"] == ["poor-balance"]
    assert basis["inputs"]["sites"][0]["side"] == "right"
    assert set(basis["rules_fired"]) == {"tight-muscle-refers-pain", "prepare-first"}
    facts = {(f["source"], f["type"], f["target"]) for f in basis["facts"]}
    assert ("vastus-lateralis", "refers_pain_to", "knee-lateral") in facts
    assert all(f["sources"] and f["evidence"] for f in basis["facts"])
    cited = {s for f in basis["facts"] for s in f["sources"]}
    assert cited <= {s["id"] for s in basis["sources"]}


def _all_texts(fig: Any) -> list[Any]:
    return [t for ax in fig.axes for t in ax.texts]


def test_explanation_picture_shows_the_chain() -> None:
    fig = draw_explanation(R.recommend(OUTER_RIGHT))
    labels = [t.get_text() for t in _all_texts(fig)]
    for words in (
        "outer knee (right)",
        "vastus lateralis",
        "tight lateral quad",
        "VMO step-down",
        "glute squeeze",
    ):
        assert words in labels
    assert "pain referred from" in labels
    assert not overlaps(fig, _all_texts(fig))


def test_largest_bundled_recommendation_has_no_overlapping_labels() -> None:
    sizes = []
    for zone in sorted(R.knowledge_base.knowledge.zones):
        rec = R.recommend({"sites": [{"location": zone}]})
        sizes.append((sum(len(e.explanations) for e in rec.exercises), zone))
    _, largest = max(sizes)
    fig = draw_explanation(R.recommend({"sites": [{"location": largest}]}))
    assert not overlaps(fig, [t for t in _all_texts(fig) if t.get_visible()])


def test_excluded_exercises_are_grey_with_the_reason() -> None:
    fig = draw_explanation(R.recommend({**OUTER_RIGHT, "conditions": ["knee gives way"]}))
    grey = [t for t in _all_texts(fig) if "left out" in " ".join(t.get_text().split())]
    assert grey
    assert all(t.get_color() == "#666666" for t in grey)  # grey, dark enough to read


def test_pictures_are_deterministic(tmp_path: Path) -> None:
    rec = R.recommend(OUTER_RIGHT)
    for draw in (draw_explanation, body_map):
        a, b = tmp_path / "a.png", tmp_path / "b.png"
        draw(rec).savefig(a)
        draw(rec).savefig(b)
        assert a.read_bytes() == b.read_bytes()


def test_body_map_marks_the_side_and_the_muscles() -> None:
    rec = R.recommend({"sites": [{"location": "lower back", "side": "left"}]})
    fig = body_map(rec)
    legend = "\n".join(t.get_text() for t in _all_texts(fig))
    assert "gluteus medius" in legend
    assert not overlaps(fig, _all_texts(fig)[:2])


def test_draw_knowledge_whole_and_around() -> None:
    whole = draw_knowledge(R.knowledge_base)
    assert "The knowledge" in whole._suptitle.get_text()
    around = draw_knowledge(R.knowledge_base, around="vastus-lateralis")
    labels = [t.get_text() for t in _all_texts(around)]
    assert "outer knee" in labels
    with pytest.raises(rehabgraph.RehabgraphError, match="did you mean"):
        draw_knowledge(R.knowledge_base, around="vastus-lateralus")


def test_cli_writes_pictures(tmp_path: Path) -> None:
    plan, body = tmp_path / "plan.png", tmp_path / "body.png"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rehabgraph",
            "recommend",
            "pain on the outside of my right knee",
            "--answers",
            "no",
            "--picture",
            str(plan),
            "--body-map",
            str(body),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert plan.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert body.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {plan}" in done.stderr


def test_cli_picture_to_an_unwritable_place() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rehabgraph",
            "recommend",
            "outer knee",
            "--answers",
            "no",
            "--picture",
            "/nonexistent/dir/plan.png",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "cannot write" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_whole_knowledge_picture_names_each_region_once_without_overlap() -> None:
    fig = draw_knowledge(R.knowledge_base)
    texts = _all_texts(fig)
    regions = {z.region for z in R.knowledge_base.knowledge.zones.values()}
    named = [t for t in texts if t.get_text() in regions]
    assert sorted(t.get_text() for t in named) == sorted(regions)
    assert not overlaps(fig, texts)


def test_the_busiest_neighbourhood_picture_has_no_overlapping_labels() -> None:
    graph = R.knowledge_base.graph
    busiest = max(graph.nodes, key=lambda n: (graph.degree(n), n))
    fig = draw_knowledge(R.knowledge_base, around=busiest)
    assert not overlaps(fig, _all_texts(fig))


def test_an_upper_body_plan_is_drawn_on_the_upper_body_larger() -> None:
    upper = body_map(R.recommend({"sites": [{"location": "back of my neck", "side": "left"}]}))
    whole = body_map(R.recommend({"sites": [{"location": "heel"}]}))
    low, high = upper.axes[0].get_ylim()
    assert high - low < whole.axes[0].get_ylim()[1] - whole.axes[0].get_ylim()[0]
    legend = "\n".join(t.get_text() for t in _all_texts(upper))
    assert "upper trapezius" in legend
    assert "not drawn" not in legend
