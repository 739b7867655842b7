"""The benchmark suite still runs (how fast is its business, not the tests'), its peers do the
same work as the engine, so the comparisons are fair, and its synthetic knowledge is real
knowledge whose answers keep their size as it grows."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import rehabgraph
from rehabgraph import Recommender
from tests.support import unscreened

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
ZONES = sorted(unscreened().knowledge_base.knowledge.zones)


def _module(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def peers() -> ModuleType:
    return _module("peers")


@pytest.fixture(scope="module")
def synthetic() -> ModuleType:
    return _module("synthetic")


@pytest.fixture(scope="module")
def clips_peer(peers: ModuleType) -> Any:
    return peers.ClipsPeer(unscreened())


def _ours(report: dict[str, object]) -> set[str]:
    """Every exercise the plan reaches: those it holds and those it names as also possible."""
    rec = unscreened().recommend(report)
    return {e.exercise_id for e in rec.exercises} | {a.exercise_id for a in rec.also_possible}


@pytest.fixture(scope="module")
def compiled_clips(peers: ModuleType) -> Any:
    return peers.CompiledClipsPeer(unscreened())


@pytest.mark.parametrize("zone", ZONES)
def test_peers_find_the_engines_exercises(
    peers: ModuleType, clips_peer: Any, compiled_clips: Any, zone: str
) -> None:
    rec = unscreened()
    report = {"sites": [{"location": zone}]}
    zones = peers.report_zones(rec, report)
    assert peers.naive_networkx(rec, zones) == _ours(report)
    assert clips_peer.reach(zones) == _ours(report)
    assert compiled_clips.reach(zones) == _ours(report)


def test_the_strong_clips_peer_answers_several_sites_and_keeps_nothing(
    compiled_clips: Any,
) -> None:
    three = ["knee-lateral", "low-back", "heel"]
    assert compiled_clips.reach(three) == _ours({"sites": [{"location": z} for z in three]})
    facts = len(list(compiled_clips.env.facts()))
    compiled_clips.reach(["calf"])
    assert len(list(compiled_clips.env.facts())) == facts


def test_clips_keeps_no_query_facts_between_queries(clips_peer: Any) -> None:
    edges = unscreened().knowledge_base.graph.number_of_edges()
    clips_peer.reach(["knee-lateral"])
    assert clips_peer.reach(["heel"]) == _ours({"sites": [{"location": "heel"}]})
    assert clips_peer.reach([]) == set()
    assert clips_peer.facts == clips_peer.static_facts  # the graph and reach, nothing a query left
    assert clips_peer.static_facts > edges


def test_synthetic_knowledge_loads_and_keeps_its_answers(
    synthetic: ModuleType, tmp_path: Path
) -> None:
    answers = []
    for units in (3, 40):
        folder = synthetic.write_synthetic(tmp_path / str(units), units)
        kb = rehabgraph.load_knowledge(folder)
        nodes = kb.graph.number_of_nodes()
        bundled = unscreened().knowledge_base
        assert nodes == bundled.graph.number_of_nodes() + units * synthetic.NODES_PER_UNIT
        assert kb.graph.number_of_edges() == (
            bundled.graph.number_of_edges() + units * synthetic.EDGES_PER_UNIT
        )
        rec = Recommender(kb, require_screening=False)
        plan = rec.recommend(synthetic.synthetic_query(1))
        shape = [(len(e.explanations), e.explanations[0].rule_id) for e in plan.exercises]
        answers.append((shape, rec.recommend({"sites": [{"location": "outer knee"}]})))
    assert answers[0][0] == answers[1][0] and answers[0][0]
    assert answers[0][1].exercises == answers[1][1].exercises  # the bundled answer is untouched


def test_quick_run_writes_every_part(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    run = _module("run")
    out = tmp_path / "results.json"
    assert run.main(["--quick", "--out", str(out)]) == 0
    # every phase says what it is doing and when it is done, the scaling worker's included
    err = capfd.readouterr().err
    for phase in range(1, run.PHASES + 1):
        assert f"== {phase} of {run.PHASES}: " in err
        assert re.search(rf"   {phase} of {run.PHASES}: .*: done in \d", err)
    assert "== 1,000 nodes: load, compile" in err
    results = json.loads(out.read_text())
    assert set(results) >= {
        "per_query",
        "engine_share",
        "peers",
        "cold_start",
        "scaling",
        "batch",
        "dask_batch",
        "goals",
        "text_layer",
    }
    assert results["text_layer"]["ratio_sentence_new"] > 1  # reading costs something
    assert all(p["same_exercises"] for p in results["peers"].values())
    assert {"CLIPS, one site", "naive networkx, one site"} <= set(results["peers"])
    assert all(row["clips_same_exercises"] for row in results["scaling"])
    assert results["batch"]["errors"] == 0
    assert results["dask_batch"]["same_as_recommend_many"]
    judged = {g["goal"] for g in results["goals"]}
    assert "faster than the strong CLIPS peer, one site" in judged
    assert "Dask batch on a running cluster, 2 workers over 1 on 2 cores" in judged
    assert results["dask_batch"]["whole_run_ratio_median"] > 0  # with the start, beside it
    assert all(isinstance(g["met"], bool) for g in results["goals"])
    assert (tmp_path / "scaling.png").stat().st_size > 10_000
