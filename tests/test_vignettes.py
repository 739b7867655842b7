"""Clinical vignettes as data: tests/vignettes/*.yaml, each a report and what must happen."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import rehabgraph
from rehabgraph import Recommender

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


def _check(case: dict[str, Any], recommender: Recommender) -> list[str]:
    expect = case["expect"]
    differences: list[str] = []
    try:
        rec = recommender.recommend(case["report"])
    except rehabgraph.RehabgraphError as exc:
        if expect["status"] != "error":
            return [f"raised {type(exc).__name__}: {exc}"]
        if type(exc).__name__ != expect.get("error", type(exc).__name__):
            differences.append(f"raised {type(exc).__name__}, expected {expect['error']}")
        return differences
    if expect["status"] == "error":
        return [f"expected {expect.get('error')}, got status {rec.status}"]
    got = [e.exercise_id for e in rec.exercises]
    by_id = {e.exercise_id: e for e in rec.exercises}
    if rec.status != expect["status"]:
        differences.append(f"status {rec.status!r}, expected {expect['status']!r}")
    for ex in expect.get("must_include", []) + expect.get("order", []):
        if ex not in got:
            differences.append(f"{ex} missing from {got}")
    for ex in expect.get("must_exclude", []):
        if ex in got:
            differences.append(f"{ex} recommended but must not be")
    order = [e for e in got if e in expect.get("order", [])]
    if expect.get("order") and order != expect["order"]:
        differences.append(f"order {order}, expected {expect['order']}")
    for ex, side in expect.get("sides", {}).items():
        if ex in by_id and by_id[ex].side != side:
            differences.append(f"{ex} on side {by_id[ex].side!r}, expected {side!r}")
    if "urgency" in expect:
        got_urgency = rec.referral.urgency if rec.referral else None
        if got_urgency != expect["urgency"]:
            differences.append(f"urgency {got_urgency!r}, expected {expect['urgency']!r}")
    flags = rec.referral.flags if rec.referral else []
    for flag in expect.get("flags", []):
        if flag not in flags:
            differences.append(f"red flag {flag} not in the referral's flags {flags}")
    left_out = [x.exercise_id for x in rec.excluded]
    for ex in expect.get("excluded", []):
        if ex not in left_out:
            differences.append(f"{ex} not in the left-out list {left_out}")
    for x in rec.excluded:
        if not (x.reason and x.sources):
            differences.append(f"{x.exercise_id} left out without a reason or source")
    for ex, origin in expect.get("adapted", {}).items():
        if ex in by_id and by_id[ex].adapted_from != origin:
            differences.append(f"{ex} adapted from {by_id[ex].adapted_from!r}, expected {origin!r}")
    for ex in expect.get("warned", []):
        if ex in by_id and not by_id[ex].warnings:
            differences.append(f"{ex} carries no precaution warning")
    open_ids = [q.id for q in rec.screening]
    for q in expect.get("screening", []):
        if q not in open_ids:
            differences.append(f"screening question {q} not open ({open_ids})")
    if "not a diagnosis" not in rec.notice:
        differences.append("the notice is missing")
    for ex, nodes in expect.get("via", {}).items():
        if ex in by_id:
            walked = {n for e in by_id[ex].explanations for n in e.path}
            missing = [n for n in nodes if n not in walked]
            if missing:
                differences.append(f"{ex} is not explained through {missing}")
    return differences


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
