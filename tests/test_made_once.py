"""Plans made once and reused give the answers made afresh: for every zone, side and condition,
and for any sequence of reports (the plans a recommender remembers never leak between reports).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import rehabgraph
from rehabgraph import KnowledgeBase, Recommendation, Recommender, RehabgraphError
from tests.strategies import noisy_report, valid_report


def _afresh(recommender: Recommender, report: dict[str, Any]) -> Recommendation:
    """The answer with nothing remembered: every site read and every plan made anew."""
    recommender._forget()
    return recommender.recommend(report)


def _dump(rec: Recommendation | RehabgraphError) -> Any:
    return rec.model_dump(mode="json") if isinstance(rec, Recommendation) else repr(rec)


def _reports(kb: KnowledgeBase) -> list[dict[str, Any]]:
    k = kb.knowledge
    conditions = [None, *(c.name for c in k.conditions.values())]
    out = []
    for zone in k.zones.values():
        for side in (None, "left", "right", "both") if zone.sided else (None,):
            for condition in conditions:
                site: dict[str, Any] = {"location": zone.id}
                if side:
                    site["side"] = side
                report: dict[str, Any] = {"sites": [site]}
                if condition:
                    report["conditions"] = [condition]
                out.append(report)
                # the same report with its questions answered no, as a screening app sends it
                questions = [q for q in k.questions.values() if zone.id in q.zones]
                out.append({**report, "answers": {q.id: False for q in questions}})
    return out


def test_every_zone_side_and_condition_answers_as_made_afresh(kb: KnowledgeBase) -> None:
    warm = Recommender(kb, require_screening=False)
    cold = _new()
    reports = _reports(kb)
    assert len(reports) > 500
    for report in reports:
        warm.recommend(report)  # made and remembered ...
    for report in reports:
        again = warm.recommend(report)  # ... then answered from what was remembered
        assert again.model_dump(mode="json") == _afresh(cold, report).model_dump(mode="json"), (
            report
        )
    assert warm._made, "plans with no condition are remembered"


def test_an_answer_shares_no_list_with_the_next(recommender: Recommender) -> None:
    report = {"sites": [{"location": "outer knee", "side": "right"}]}
    first = recommender.recommend(report)
    second = recommender.recommend(report)
    assert first == second
    for name in ("exercises", "warnings", "sources", "advice", "also_possible", "excluded"):
        assert getattr(first, name) is not getattr(second, name)


def test_a_plan_with_history_or_feedback_is_never_remembered(recommender: Recommender) -> None:
    report = {
        "sites": [{"location": "outer knee", "side": "right"}],
        "feedback": [{"exercise_id": "vmo-step-down", "pain_during": 6}],
    }
    recommender._forget()
    rec = recommender.recommend(report)
    assert "vmo-step-down-low" in [e.exercise_id for e in rec.exercises]
    assert not recommender._made
    plain = recommender.recommend({"sites": report["sites"]})
    assert "vmo-step-down" in [e.exercise_id for e in plain.exercises]


@given(st.lists(st.one_of(valid_report, noisy_report), min_size=1, max_size=6))
def test_any_sequence_of_reports_answers_as_made_afresh(reports: list[dict[str, Any]]) -> None:
    warm = _WARM
    for report in reports:
        warm.recommend_many([report])
    cold = _COLD
    for report in reports:
        (again,) = warm.recommend_many([report])
        cold._forget()
        (fresh,) = cold.recommend_many([report])
        assert _dump(again) == _dump(fresh)


def _new() -> Recommender:
    """A recommender of its own: its knowledge loaded again, so no table is shared."""
    kb = rehabgraph.load_knowledge(rehabgraph.bundled_knowledge_path())
    return Recommender(kb, require_screening=False)


_WARM = _new()
_COLD = _new()
