"""The benchmark suite still runs (how fast is its business, not the tests'), and its naive
networkx peer does the same work as the engine, so the comparison is fair."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from rehabgraph import Recommender

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rehabgraph_benchmarks", RUN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("zone", sorted(Recommender.default().knowledge_base.knowledge.zones))
def test_naive_peer_finds_the_engines_exercises(bench: ModuleType, zone: str) -> None:
    rec = Recommender.default()
    report = {"sites": [{"location": zone}]}
    ours = {e.exercise_id for e in rec.recommend(report).exercises}
    excluded = {x.exercise_id for x in rec.recommend(report).excluded}
    assert bench.naive_networkx(rec, report) - excluded == ours


def test_quick_run_writes_every_part(bench: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    assert bench.main(["--quick", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert set(results) >= {"per_query", "engine_share", "peers", "cold_start", "batch"}
    assert all(p["same_exercises"] for p in results["peers"].values())
    assert results["batch"]["errors"] == 0
