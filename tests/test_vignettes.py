"""Clinical vignettes as data: tests/vignettes/*.yaml, each a report and what must happen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import rehabgraph
from rehabgraph import Recommendation, Recommender
from rehabgraph.api.recommendation import PlannedExercise

VIGNETTE_DIR = Path(__file__).parent / "vignettes"


class Expect(BaseModel):
    """What must happen; unknown keys are refused, so a misspelt key cannot pass silently."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["exercise", "refer", "no_match", "needs_screening", "error"]
    error: str | None = None
    urgency: Literal["emergency", "urgent", "routine"] | None = None
    flags: list[str] = Field(default_factory=list)
    must_include: list[str] = Field(default_factory=list)
    must_exclude: list[str] = Field(default_factory=list)
    order: list[str] = Field(default_factory=list)
    sides: dict[str, str] = Field(default_factory=dict)
    excluded: list[str] = Field(default_factory=list)
    adapted: dict[str, str] = Field(default_factory=dict)
    warned: list[str] = Field(default_factory=list)
    screening: list[str] = Field(default_factory=list)
    via: dict[str, list[str]] = Field(default_factory=dict)
    # guideline recommendations whose advice opens the plan, and exercise -> the grade of the
    # guideline recommendation among its reasons
    advice: list[str] = Field(default_factory=list)
    grades: dict[str, str] = Field(default_factory=dict)
    # exercise -> the change its next session makes (same, more, less, easier, harder)
    next_session: dict[str, str] = Field(default_factory=dict)


class Vignette(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    reason: str
    report: dict[str, Any]
    expect: Expect


class VignetteFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vignettes: list[Vignette]


def _load() -> list[Any]:
    cases = []
    for file in sorted(VIGNETTE_DIR.glob("*.yaml")):
        if file.stem.startswith("wording-"):  # the lay-wording corpus: tests/test_wording.py
            continue
        for case in VignetteFile.model_validate(yaml.safe_load(file.read_text())).vignettes:
            data = case.model_dump(exclude_defaults=True)
            data["expect"] = case.expect.model_dump(exclude_defaults=True)
            cases.append(pytest.param(data, id=f"{file.stem}:{case.id}"))
    return cases


def test_a_misspelt_expect_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="must_inclde"):
        Vignette.model_validate(
            {
                "id": "x",
                "reason": "r",
                "report": {},
                "expect": {"status": "exercise", "must_inclde": ["glute-squeeze"]},
            }
        )


CASES = _load()


def _by_id(rec: Recommendation) -> dict[str, PlannedExercise]:
    return {e.exercise_id: e for e in rec.exercises}


def _got(rec: Recommendation) -> list[str]:
    return [e.exercise_id for e in rec.exercises]


def _status(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    if rec.status != expect["status"]:
        return [f"status {rec.status!r}, expected {expect['status']!r}"]
    return []


def _must_include(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    got = _got(rec)
    return [f"{ex} missing from {got}" for ex in expect["must_include"] if ex not in got]


def _must_exclude(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    got = _got(rec)
    return [f"{ex} recommended but must not be" for ex in expect["must_exclude"] if ex in got]


def _order(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    got = _got(rec)
    differences = [f"{ex} missing from {got}" for ex in expect["order"] if ex not in got]
    order = [e for e in got if e in expect["order"]]
    if order != expect["order"]:
        differences.append(f"order {order}, expected {expect['order']}")
    return differences


def _sides(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    by_id = _by_id(rec)
    return [
        f"{ex} on side {by_id[ex].side!r}, expected {side!r}"
        for ex, side in expect["sides"].items()
        if ex in by_id and by_id[ex].side != side
    ]


def _urgency(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    got_urgency = rec.referral.urgency if rec.referral else None
    if got_urgency != expect["urgency"]:
        return [f"urgency {got_urgency!r}, expected {expect['urgency']!r}"]
    return []


def _flags(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    flags = rec.referral.flags if rec.referral else []
    return [
        f"red flag {flag} not in the referral's flags {flags}"
        for flag in expect["flags"]
        if flag not in flags
    ]


def _excluded(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    left_out = [x.exercise_id for x in rec.excluded]
    return [
        f"{ex} not in the left-out list {left_out}"
        for ex in expect["excluded"]
        if ex not in left_out
    ]


def _every_exclusion_has_a_reason(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    return [
        f"{x.exercise_id} left out without a reason or source"
        for x in rec.excluded
        if not (x.reason and x.sources)
    ]


def _adapted(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    by_id = _by_id(rec)
    return [
        f"{ex} adapted from {by_id[ex].adapted_from!r}, expected {origin!r}"
        for ex, origin in expect["adapted"].items()
        if ex in by_id and by_id[ex].adapted_from != origin
    ]


def _warned(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    by_id = _by_id(rec)
    return [
        f"{ex} carries no precaution warning"
        for ex in expect["warned"]
        if ex in by_id and not by_id[ex].warnings
    ]


def _screening(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    open_ids = [q.id for q in rec.screening]
    return [
        f"screening question {q} not open ({open_ids})"
        for q in expect["screening"]
        if q not in open_ids
    ]


def _notice(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    return [] if "not a diagnosis" in rec.notice else ["the notice is missing"]


def _via(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    by_id = _by_id(rec)
    differences = []
    for ex, nodes in expect["via"].items():
        if ex in by_id:
            walked = {n for e in by_id[ex].explanations for n in e.path}
            missing = [n for n in nodes if n not in walked]
            if missing:
                differences.append(f"{ex} is not explained through {missing}")
    return differences


def _advice(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    given = [a.recommendation_id for a in rec.advice]
    return [f"advice {a} not given ({given})" for a in expect["advice"] if a not in given]


def _grades(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    by_id = _by_id(rec)
    differences = []
    for ex, grade in expect["grades"].items():
        got = (
            {e.grade for e in by_id[ex].explanations if e.basis == "guideline"}
            if ex in by_id
            else set()
        )
        if grade not in got:
            differences.append(f"{ex} carries no guideline reason of grade {grade} ({got})")
    return differences


def _next_session(expect: dict[str, Any], rec: Recommendation) -> list[str]:
    by_id = _by_id(rec)
    differences = []
    for ex, change in expect["next_session"].items():
        step = by_id[ex].next_session if ex in by_id else None
        if step is None or step.change != change or not step.reason:
            got = step.change if step else None
            differences.append(f"{ex}: next session {got!r}, expected {change!r} with a reason")
    return differences


# each check, run when its expect key is present (None: on every vignette that got an answer)
CHECKS: tuple[tuple[str | None, Callable[[dict[str, Any], Recommendation], list[str]]], ...] = (
    (None, _status),
    ("must_include", _must_include),
    ("must_exclude", _must_exclude),
    ("order", _order),
    ("sides", _sides),
    ("urgency", _urgency),
    ("flags", _flags),
    ("excluded", _excluded),
    (None, _every_exclusion_has_a_reason),
    ("adapted", _adapted),
    ("warned", _warned),
    ("screening", _screening),
    (None, _notice),
    ("via", _via),
    ("advice", _advice),
    ("grades", _grades),
    ("next_session", _next_session),
)


def _check_error(expect: dict[str, Any], exc: rehabgraph.RehabgraphError) -> list[str]:
    if expect["status"] != "error":
        return [f"raised {type(exc).__name__}: {exc}"]
    if type(exc).__name__ != expect.get("error", type(exc).__name__):
        return [f"raised {type(exc).__name__}, expected {expect['error']}"]
    return []


def _check(case: dict[str, Any], recommender: Recommender) -> list[str]:
    expect = case["expect"]
    try:
        rec = recommender.recommend(case["report"])
    except rehabgraph.RehabgraphError as exc:
        return _check_error(expect, exc)
    if expect["status"] == "error":
        return [f"expected {expect.get('error')}, got status {rec.status}"]
    return [
        difference
        for key, check in CHECKS
        if key is None or key in expect
        for difference in check(expect, rec)
    ]


def test_there_are_enough_vignettes_and_half_are_safety_cases() -> None:
    assert len(CASES) >= 40
    safety = [c for c in CASES if str(c.id).startswith("safety:")]
    assert len(safety) * 2 >= len(CASES)


@pytest.mark.parametrize("case", CASES)
def test_vignette(case: dict[str, Any], recommender: Recommender) -> None:
    differences = _check(case, recommender)
    assert not differences, f"vignette {case['id']} ({case['reason'].strip()}): " + "; ".join(
        differences
    )
