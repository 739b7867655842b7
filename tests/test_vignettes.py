"""Clinical vignettes as data: tests/vignettes/*.yaml, each a report and what must happen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import rehabgraph
from rehabgraph import Recommender

VIGNETTE_DIR = Path(__file__).parent / "vignettes"


def _load() -> list[Any]:
    cases = []
    for file in sorted(VIGNETTE_DIR.glob("*.yaml")):
        for case in yaml.safe_load(file.read_text())["vignettes"]:
            cases.append(pytest.param(case, id=f"{file.stem}:{case['id']}"))
    return cases


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
    by_id = {e.exercise_id: e for e in rec.exercises}
    for ex, side in expect.get("sides", {}).items():
        if ex in by_id and by_id[ex].side != side:
            differences.append(f"{ex} on side {by_id[ex].side!r}, expected {side!r}")
    for ex, nodes in expect.get("via", {}).items():
        if ex in by_id:
            walked = {n for e in by_id[ex].explanations for n in e.path}
            missing = [n for n in nodes if n not in walked]
            if missing:
                differences.append(f"{ex} is not explained through {missing}")
    return differences


def test_there_are_vignettes() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES)
def test_vignette(case: dict[str, Any], recommender: Recommender) -> None:
    differences = _check(case, recommender)
    assert not differences, f"vignette {case['id']} ({case['reason'].strip()}): " + "; ".join(
        differences
    )
