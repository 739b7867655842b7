"""Knowledge packs: a user's folder layered over the bundled one, clashes reported."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import rehabgraph
from rehabgraph import KnowledgeError, Recommender
from rehabgraph.cli import main
from tests import factories as make

PACK = Path(__file__).parent / "packs" / "knee-extra"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    target = tmp_path / "knee-extra"
    shutil.copytree(PACK, target)
    return target


# the facts a pack adds cite the pack's own source
PACK_CITE = make.cited(sources=["pack-source"], evidence="textbook")


def _muscles(vmo_name: str) -> dict[str, Any]:
    """A pack's muscles.yaml: the bundled VMO again under a new name, and the plantaris."""
    return {
        "muscles": [
            make.muscle("vastus-medialis", name=vmo_name, **PACK_CITE),
            make.muscle("plantaris", name="rectus femoris", **PACK_CITE),
        ]
    }


def write(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_a_pack_extends_the_bundled_knowledge(pack: Path) -> None:
    kb = rehabgraph.load_knowledge(extra=[pack])
    assert kb.version == "rehabgraph-bundled@2026.11.0+knee-extra@0.1"
    assert "knee-tendon" in kb.knowledge.zones
    assert "vmo-step-down" in kb.knowledge.exercises
    rec = Recommender(kb, require_screening=False).recommend(
        {"sites": [{"location": "under my left kneecap"}]}
    )
    assert [e.exercise_id for e in rec.exercises] == ["plantaris-release"]
    assert rec.exercises[0].side == "left"
    assert rec.exercises[0].explanations[0].path == (
        "knee-tendon",
        "plantaris",
        "plantaris-release",
    )


def test_the_bundled_knowledge_is_untouched(pack: Path) -> None:
    rehabgraph.load_knowledge(extra=[pack])
    assert "knee-tendon" not in rehabgraph.load_knowledge().knowledge.zones


def test_an_id_clash_is_reported_with_the_pack_file(pack: Path) -> None:
    write(pack / "muscles.yaml", _muscles("VMO again"))
    with pytest.raises(KnowledgeError) as info:
        rehabgraph.load_knowledge(extra=[pack])
    problem = info.value.problems[0]
    assert (problem.file, problem.entry) == ("knee-extra/muscles.yaml", "vastus-medialis")
    assert "already defined in muscles.yaml" in problem.problem
    assert "overrides" in problem.problem


def test_an_override_replaces_the_base_entry(pack: Path) -> None:
    manifest = yaml.safe_load((pack / "pack.yaml").read_text())
    manifest["overrides"] = ["vastus-medialis"]
    write(pack / "pack.yaml", manifest)
    write(pack / "muscles.yaml", _muscles("inner quad (VMO)"))
    kb = rehabgraph.load_knowledge(extra=[pack])
    assert kb.knowledge.muscles["vastus-medialis"].name == "inner quad (VMO)"


def test_a_broken_reference_in_a_pack_names_the_pack_file(pack: Path) -> None:
    write(
        pack / "referrals.yaml",
        {"referrals": [make.referral("plantaris", "knee-tendn", **PACK_CITE)]},
    )
    with pytest.raises(KnowledgeError) as info:
        rehabgraph.load_knowledge(extra=[pack])
    problem = next(p for p in info.value.problems if "unknown zone" in p.problem)
    assert problem.file == "knee-extra/referrals.yaml"
    assert "did you mean 'knee-tendon'" in problem.problem


def test_a_pack_needs_its_manifest(pack: Path) -> None:
    (pack / "pack.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"pack\.yaml"):
        rehabgraph.load_knowledge(extra=[pack])


def test_a_pack_cannot_quietly_change_the_notice(pack: Path) -> None:
    write(pack / "safety.yaml", {"notice": "All fine."})
    with pytest.raises(KnowledgeError) as info:
        rehabgraph.load_knowledge(extra=[pack])
    assert info.value.problems[0].entry == "notice"


def test_a_pack_can_add_a_red_flag_for_its_zone(pack: Path) -> None:
    write(
        pack / "safety.yaml",
        {
            "questions": [
                make.question(
                    "kneecap-dislocated",
                    question="Did your kneecap pop out of place?",
                    phrases=["kneecap popped out"],
                    zones=["knee-tendon"],
                    urgency="urgent",
                    concern="possible kneecap dislocation",
                    tell="See a clinician today.",
                    **PACK_CITE,
                )
            ]
        },
    )
    rec = Recommender(rehabgraph.load_knowledge(extra=[pack]), require_screening=False).recommend(
        {"sites": [{"location": "patellar tendon"}], "symptoms": ["my kneecap popped out"]}
    )
    assert rec.status == "refer"


def test_cli_layers_a_pack(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "recommend",
                "below the kneecap",
                "--knowledge",
                str(pack),
                "--answers",
                "no",
                "--json",
            ]
        )
        == 0
    )
    assert "plantaris-release" in capsys.readouterr().out
    assert main(["knowledge", "check", str(pack)]) == 0
    assert "a pack over the bundled knowledge" in capsys.readouterr().out


def test_the_held_back_exercises_load_as_a_pack_and_say_why_they_are_held() -> None:
    """examples/packs/range-of-movement holds cited exercises no rule can reach yet: the pack
    loads over the bundled knowledge, and the lint says exactly that of each."""
    from rehabgraph.engine import compile_rules
    from rehabgraph.engine.lint import lint

    held = Path(__file__).resolve().parents[1] / "examples" / "packs" / "range-of-movement"
    kb = rehabgraph.load_knowledge(extra=[held])
    ids = {e["id"] for e in yaml.safe_load((held / "exercises.yaml").read_text())["exercises"]}
    assert ids <= set(kb.knowledge.exercises)
    warnings = {(w.entry, w.problem) for w in lint(kb, compile_rules(kb))}
    assert warnings == {(i, "no rule can reach it from any zone") for i in ids}
