"""The load cache: a fresh process takes loaded knowledge from it, never stale, never required."""

from __future__ import annotations

import pickle
from pathlib import Path

import networkx as nx
import pytest

import rehabgraph
from rehabgraph import Recommender
from rehabgraph.graph import cache

REPORT = {"sites": [{"location": "outer knee", "side": "right"}]}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("REHABGRAPH_CACHE_DIR", str(where))
    return where


def entries(where: Path) -> list[Path]:
    return sorted(where.glob("knowledge-*.pickle"))


def test_a_second_load_comes_from_the_cache(folder: Path, knowledge_copy: Path) -> None:
    first = rehabgraph.load_knowledge(knowledge_copy)
    assert len(entries(folder)) == 1
    second = rehabgraph.load_knowledge(knowledge_copy)
    assert second is not first
    assert nx.is_frozen(second.graph)
    assert folder.stat().st_mode & 0o077 == 0  # only its owner can write (or read) it
    assert second.knowledge.zones == first.knowledge.zones
    assert second.knowledge.path == first.knowledge.path
    assert sorted(second.graph.edges(keys=True)) == sorted(first.graph.edges(keys=True))
    assert Recommender(second, require_screening=False).recommend(REPORT) == Recommender(
        first, require_screening=False
    ).recommend(REPORT)


def test_an_edited_file_is_never_served_stale(folder: Path, knowledge_copy: Path) -> None:
    rehabgraph.load_knowledge(knowledge_copy)
    zones = knowledge_copy / "zones.yaml"
    zones.write_text(zones.read_text().replace("name: low back", "name: small of my back", 1))
    kb = rehabgraph.load_knowledge(knowledge_copy)
    assert kb.knowledge.zones["low-back"].name == "small of my back"
    assert len(entries(folder)) == 2


def test_changed_code_never_reads_an_old_entry(
    folder: Path, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rehabgraph.load_knowledge(knowledge_copy)
    code = cache._code()
    monkeypatch.setattr(cache, "_code", lambda: code + b"# a new field")
    rehabgraph.load_knowledge(knowledge_copy)
    assert len(entries(folder)) == 2


def test_a_broken_entry_is_rebuilt(folder: Path, knowledge_copy: Path) -> None:
    rehabgraph.load_knowledge(knowledge_copy)
    [entry] = entries(folder)
    entry.write_bytes(b"not a pickle")
    kb = rehabgraph.load_knowledge(knowledge_copy)
    assert "knee-lateral" in kb.knowledge.zones
    # the entry this test's own load just wrote, in a temporary cache folder: trusted
    with entry.open("rb") as f:
        assert pickle.load(f).knowledge.zones.keys() == kb.knowledge.zones.keys()  # noqa: S301


def test_errors_are_not_cached(folder: Path, knowledge_copy: Path) -> None:
    (knowledge_copy / "zones.yaml").write_text("zones: [1]")
    for _ in range(2):
        with pytest.raises(rehabgraph.KnowledgeError, match=r"zones\.yaml"):
            rehabgraph.load_knowledge(knowledge_copy)
    assert entries(folder) == []


def test_it_can_be_turned_off(
    folder: Path, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REHABGRAPH_CACHE", "off")
    rehabgraph.load_knowledge(knowledge_copy)
    assert cache.cache_folder() is None
    assert not folder.exists()


def test_an_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("REHABGRAPH_CACHE_DIR", str(blocker / "cache"))  # cannot be made
    kb = rehabgraph.load_knowledge(rehabgraph.bundled_knowledge_path(), [])
    assert "knee-lateral" in kb.knowledge.zones


def test_old_entries_are_removed(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "KEEP", 2)
    for i in range(4):
        cache.cached([tmp_path], f"salt {i}", lambda i=i: i)  # type: ignore[misc]
    assert len(entries(folder)) == 2
    assert cache.cached([tmp_path], "salt 3", lambda: -1)[0] == 3


def test_a_recommender_s_tables_are_kept_with_the_knowledge(
    folder: Path, knowledge_copy: Path
) -> None:
    first = rehabgraph.load_knowledge(knowledge_copy)
    assert first.entry is not None
    assert first.prepared == {}
    plan = Recommender(first, require_screening=False).recommend(REPORT)
    assert set(first.prepared) == {"recommender"}
    # a fresh process: the knowledge and the compiled tables come back from the one entry
    again = rehabgraph.load_knowledge(knowledge_copy)
    assert again is not first
    assert set(again.prepared) == {"recommender"}
    parts = again.prepared["recommender"]
    assert parts.compiled.matches[0].rule in again.knowledge.rules  # one object graph
    assert Recommender(again, require_screening=False).recommend(REPORT) == plan
    assert again.prepared["recommender"] is parts  # taken as it was, not compiled again
    assert len(entries(folder)) == 1


def test_the_tables_read_back_read_as_the_ones_compiled(folder: Path, knowledge_copy: Path) -> None:
    Recommender(rehabgraph.load_knowledge(knowledge_copy))
    kept = Recommender(rehabgraph.load_knowledge(knowledge_copy), require_screening=False)
    fresh = Recommender(rehabgraph.load_knowledge(knowledge_copy), require_screening=False)
    fresh_kb = fresh.knowledge_base
    object.__setattr__(fresh_kb, "prepared", {})  # compiled again, in this process
    fresh = Recommender(fresh_kb, require_screening=False)
    for report in (
        REPORT,
        {"sites": [{"location": "pain at the front of my kneee"}], "symptoms": ["no fever"]},
        {"sites": [{"location": "low back"}], "symptoms": ["numb between my legs"]},
        {"sites": [{"location": "back of the neck"}], "conditions": ["osteoporosis"]},
    ):
        assert kept.recommend(report) == fresh.recommend(report)
    assert (
        kept.reader.read("numbnes in my leggs").mentions
        == fresh.reader.read("numbnes in my leggs").mentions
    )


def test_without_the_cache_tables_are_still_compiled_once_per_knowledge(
    monkeypatch: pytest.MonkeyPatch, knowledge_copy: Path
) -> None:
    monkeypatch.setenv("REHABGRAPH_CACHE", "off")
    kb = rehabgraph.load_knowledge(knowledge_copy)
    assert kb.entry is None
    one, two = Recommender(kb), Recommender(kb, max_exercises=2)
    assert one.compiled is two.compiled
