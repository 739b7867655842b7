"""Safety properties over reports drawn from the knowledge's own vocabulary, plus noise."""

from __future__ import annotations

from typing import Any

from hypothesis import given

from rehabgraph import (
    InvalidReportError,
    Recommendation,
    RehabgraphError,
)
from tests.strategies import flagged_report, noisy_report
from tests.support import unscreened

R = unscreened()
K = R.knowledge_base.knowledge


def attempt(report: dict[str, Any]) -> Recommendation | None:
    try:
        return R.recommend(report)
    except RehabgraphError:
        return None


@given(flagged_report)
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


@given(noisy_report)
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


@given(noisy_report)
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


@given(noisy_report)
def test_same_report_same_json(report: dict[str, Any]) -> None:
    first = attempt(report)
    if first is None:
        return
    again = R.recommend(report)
    assert again.model_dump_json() == first.model_dump_json()
    assert "not a diagnosis" in again.notice
