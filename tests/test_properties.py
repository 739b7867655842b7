"""Properties over the whole input space, not just the examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rehabgraph
from rehabgraph import (
    InvalidReportError,
    KnowledgeError,
    Recommendation,
    Recommender,
    UnknownLocationError,
)
from tests.strategies import noisy_report, scaled, sited_report
from tests.support import unscreened

_DEFAULT = unscreened()
# a second recommender built from scratch: answers must not depend on which instance gives them
_FRESH = Recommender(
    rehabgraph.load_knowledge(rehabgraph.bundled_knowledge_path()), require_screening=False
)
_K = _DEFAULT.knowledge_base.knowledge


def attempt(rep: dict[str, Any]) -> Recommendation | None:
    try:
        return _DEFAULT.recommend(rep)
    except (UnknownLocationError, InvalidReportError):
        return None


@given(noisy_report)
def test_every_explanation_edge_exists_in_the_graph(rep: dict[str, Any]) -> None:
    rec = attempt(rep)
    if rec is None:
        return
    graph = _DEFAULT.knowledge_base.graph
    for ex in rec.exercises:
        assert ex.explanations, f"{ex.exercise_id} has no explanation"
        for e in ex.explanations:
            assert e.path[-1] == ex.exercise_id
            assert len(e.edges) == len(e.path) - 1
            for (a, b), edge in zip(zip(e.path, e.path[1:], strict=False), e.edges, strict=True):
                assert {edge.source, edge.target} == {a, b}
                assert graph.has_edge(edge.source, edge.target, key=edge.type)
            assert e.sources and set(e.sources) <= set(_K.sources)


@given(sited_report)
def test_what_must_come_first_comes_first(rep: dict[str, Any]) -> None:
    rec = _DEFAULT.recommend(rep)
    order = [e.exercise_id for e in rec.exercises]
    for exercise in _K.exercises.values():
        for before in exercise.before:
            if exercise.id in order and before.exercise in order:
                assert order.index(exercise.id) < order.index(before.exercise)
    if rec.referral is not None:
        # places that together are a flag (the back high and low), or a flag the location's own
        # words name ("down both sides of the back of the leg": pain down both legs)
        read = {c.id for t in rec.readings for c in t.concepts if c.kind == "flag" and c.counted}
        assert all(
            _K.questions[f].counts_only_with_its_zones or f in read for f in rec.referral.flags
        )
    else:
        assert rec.status == "exercise"


@given(noisy_report)
def test_same_report_gives_byte_identical_json(rep: dict[str, Any]) -> None:
    first = attempt(rep)
    if first is None:
        return
    assert _FRESH.recommend(rep).model_dump_json() == first.model_dump_json()
    assert _DEFAULT.recommend(rep).model_dump_json() == first.model_dump_json()


@given(st.text(max_size=200))
def test_any_string_gives_a_result_or_unknown_location(location: str) -> None:
    try:
        rec = _DEFAULT.recommend({"sites": [{"location": location}]})
    except UnknownLocationError as exc:
        assert exc.suggestions
    else:
        if rec.status == "refer":  # a red flag in the words: it was read, and it is shown
            assert rec.referral is not None
            read = {c.id for r in rec.readings for c in r.concepts if c.counted}
            assert set(rec.referral.flags) <= read
        else:
            assert rec.status in ("exercise", "no_match", "needs_screening")


def _references(data: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """Every (file, path) in the bundled knowledge that holds a reference to another entry."""
    refs: list[tuple[str, tuple[Any, ...]]] = []
    for i, r in enumerate(data["referrals.yaml"]["referrals"]):
        refs += [
            ("referrals.yaml", ("referrals", i, "muscle")),
            ("referrals.yaml", ("referrals", i, "zone")),
        ]
        refs += [
            ("referrals.yaml", ("referrals", i, "sources", j)) for j in range(len(r["sources"]))
        ]
    for i, imb in enumerate(data["imbalances.yaml"]["imbalances"]):
        refs += [
            ("imbalances.yaml", ("imbalances", i, "involves", j, "muscle"))
            for j in range(len(imb["involves"]))
        ]
    for i, ex in enumerate(data["exercises.yaml"]["exercises"]):
        refs += [
            ("exercises.yaml", ("exercises", i, "targets", j, "muscle"))
            for j in range(len(ex.get("targets", [])))
        ]
        refs += [
            ("exercises.yaml", ("exercises", i, "corrects", j, "imbalance"))
            for j in range(len(ex.get("corrects", [])))
        ]
        refs += [
            (
                "exercises.yaml",
                ("exercises", i, "before", j, "family" if "family" in b else "exercise"),
            )
            for j, b in enumerate(ex.get("before", []))
        ]
        refs += [
            ("exercises.yaml", ("exercises", i, "sources", j)) for j in range(len(ex["sources"]))
        ]
    for i, rule in enumerate(data["rules.yaml"]["rules"]):
        refs += [
            ("rules.yaml", ("rules", i, "sources", j)) for j in range(len(rule.get("sources", [])))
        ]
        if "principle" in rule:
            refs.append(("rules.yaml", ("rules", i, "principle")))
    return refs


_BUNDLED = rehabgraph.bundled_knowledge_path()
_FILES = ("referrals.yaml", "imbalances.yaml", "exercises.yaml", "rules.yaml")
_DATA = {f: yaml.safe_load((_BUNDLED / f).read_text()) for f in _FILES}
_REFS = _references(_DATA)


@given(
    st.sampled_from(_REFS), st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20)
)
# each example loads the whole knowledge again (about 0.1 s): a fifth of the profile's count;
# the fixture's copy is restored after every example, so sharing it between examples is safe
@settings(max_examples=scaled(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_one_broken_reference_fails_with_knowledge_error(
    knowledge_copy: Path, ref: tuple[str, tuple[Any, ...]], junk: str
) -> None:
    file, path = ref
    data = yaml.safe_load((_BUNDLED / file).read_text())
    holder = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = f"zz-{junk}-missing"
    (knowledge_copy / file).write_text(yaml.safe_dump(data, sort_keys=False))
    try:
        with pytest.raises(KnowledgeError) as info:
            Recommender(rehabgraph.load_knowledge(knowledge_copy), require_screening=False)
        assert any(
            p.file == file and f"zz-{junk}-missing" in p.problem + p.entry
            for p in info.value.problems
        )
    finally:
        (knowledge_copy / file).write_text((_BUNDLED / file).read_text())
