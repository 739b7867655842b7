"""Safety properties over reports drawn from the knowledge's own vocabulary, plus noise."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rehabgraph import (
    InvalidReportError,
    Recommendation,
    RehabgraphError,
)
from tests.support import unscreened

R = unscreened()
K = R.knowledge_base.knowledge
LOCATIONS = sorted({a for z in K.zones.values() for a in (z.id, z.name, *z.aliases)})
QUESTIONS = sorted(K.questions)
FLAGS = sorted(q for q, v in K.questions.items() if v.urgency is not None)
FLAG_PHRASES = sorted({(p, q.id) for q in K.questions.values() if q.urgency for p in q.phrases})
CONDITION_WORDS = sorted({t for c in K.conditions.values() for t in (c.id, c.name, *c.phrases)})
EXERCISES = sorted(K.exercises)

noise = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N", "Zs", "P"]), max_size=15
)
site = st.fixed_dictionaries(
    {"location": st.one_of(st.sampled_from(LOCATIONS), noise)},
    optional={"side": st.sampled_from(["left", "right", "both"]), "intensity": st.integers(0, 10)},
)
feedback = st.builds(
    lambda e, p, r: {"exercise_id": e, "pain_during": p, "reps_with_good_form": r},
    st.sampled_from(EXERCISES),
    st.integers(0, 10),
    st.integers(0, 20),
)
base_report = st.fixed_dictionaries(
    {"sites": st.lists(site, min_size=1, max_size=3)},
    optional={
        "answers": st.dictionaries(
            st.one_of(st.sampled_from(QUESTIONS), noise), st.booleans(), max_size=6
        ),
        "symptoms": st.lists(
            st.one_of(st.sampled_from([p for p, _ in FLAG_PHRASES]), noise), max_size=3
        ),
        "conditions": st.lists(st.one_of(st.sampled_from(CONDITION_WORDS), noise), max_size=3),
        "feedback": st.lists(feedback, max_size=2, unique_by=lambda f: f["exercise_id"]),
    },
)


def attempt(report: dict[str, Any]) -> Recommendation | None:
    try:
        return R.recommend(report)
    except RehabgraphError:
        return None


@st.composite
def report_with_flag(draw: st.DrawFn) -> dict[str, Any]:
    report = draw(base_report)
    if draw(st.booleans()):
        answers = dict(report.get("answers", {}))
        flag = draw(st.sampled_from(FLAGS))
        answers[flag] = True
        for gate, value in K.questions[flag].only_if.items():  # a gate said the other way
            answers.pop(gate, None)  # would rule the flag out: leave it unsaid
            if draw(st.booleans()):
                answers[gate] = value
        report["answers"] = answers
    else:
        phrase, flag = draw(st.sampled_from(FLAG_PHRASES))
        pad = draw(st.sampled_from(["", "I have ", "also ", "and some "]))
        report["symptoms"] = [*report.get("symptoms", []), pad + phrase]
        answers = dict(report.get("answers", {}))
        for gate in K.questions[flag].only_if:
            answers.pop(gate, None)
        answers.pop(flag, None)
        report["answers"] = answers
    return report


@given(report_with_flag())
@settings(max_examples=400, deadline=None)
def test_any_red_flag_present_refers_with_no_exercises(report: dict[str, Any]) -> None:
    try:
        rec = R.recommend(report)
    except InvalidReportError as exc:  # only a report that does not validate at all
        assert "invalid pain report" in str(exc)
        return
    assert rec.status == "refer"
    assert rec.exercises == []
    assert rec.referral is not None
    assert rec.referral.flags
    urgencies = [K.questions[f].urgency for f in rec.referral.flags]
    assert rec.referral.urgency == urgencies[0]
    order = ["emergency", "urgent", "routine"]
    assert order.index(rec.referral.urgency) == min(order.index(u or "routine") for u in urgencies)


@given(base_report)
@settings(max_examples=400, deadline=None)
def test_no_contraindicated_exercise_is_ever_recommended(report: dict[str, Any]) -> None:
    rec = attempt(report)
    if rec is None or rec.status == "refer":
        return
    given = {c for c in report.get("conditions", []) if c in K.conditions}
    assert given <= set(rec.conditions)  # a condition named by its id always applies
    conditions = set(rec.conditions)
    for ex in rec.exercises:
        ruled_out = {c.condition for c in K.exercises[ex.exercise_id].contraindications}
        assert not ruled_out & set(conditions), ex.exercise_id
    for x in rec.excluded:
        assert x.reason.strip()
        assert x.sources
        assert x.exercise_id not in {e.exercise_id for e in rec.exercises}


@given(base_report)
@settings(max_examples=300, deadline=None)
def test_swaps_stay_in_the_family_and_are_explained_by_real_edges(
    report: dict[str, Any],
) -> None:
    rec = attempt(report)
    if rec is None:
        return
    graph = R.knowledge_base.graph
    for ex in rec.exercises:
        if ex.adapted_from is not None:
            assert K.exercises[ex.adapted_from].family_id == K.exercises[ex.exercise_id].family_id
        for e in ex.explanations:
            assert e.path[-1] == ex.exercise_id
            for edge in e.edges:
                assert graph.has_edge(edge.source, edge.target, key=edge.type)
    for x in rec.excluded:
        if x.replaced_by is not None:
            assert K.exercises[x.replaced_by].family_id == K.exercises[x.exercise_id].family_id


@given(base_report)
@settings(max_examples=200, deadline=None)
def test_same_report_same_json(report: dict[str, Any]) -> None:
    first = attempt(report)
    if first is None:
        return
    again = R.recommend(report)
    assert again.model_dump_json() == first.model_dump_json()
    assert "not a diagnosis" in again.notice
