"""A clinician writes each fact once: held facts inherit their entry's citation, a `before` may
name a family, families come from the version links, and a broad word may take in zones of
several regions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import rehabgraph
from rehabgraph import KnowledgeError, Recommender, UnknownLocationError
from rehabgraph.knowledge.loader import read_knowledge
from rehabgraph.knowledge.models import Exercise, Muscle
from tests.conftest import Editor


def _exercise(d: Any, exercise_id: str) -> Any:
    return next(e for e in d["exercises"] if e["id"] == exercise_id)


def test_held_facts_inherit_the_entry_citation_unless_they_name_their_own() -> None:
    ex = Exercise.model_validate(
        {
            "id": "x",
            "name": "x",
            "summary": "s",
            "steps": ["a"],
            "dosage": {"reps_min": 1},
            "stop_if": "pain",
            "targets": [
                {"muscle": "m", "action": "loosen"},
                {"muscle": "n", "action": "loosen", "sources": ["own"], "evidence": "guideline"},
                {"muscle": "o", "action": "loosen", "evidence": "consensus"},
            ],
            "sources": ["entry"],
            "evidence": "textbook",
        }
    )
    assert [(t.sources, t.evidence) for t in ex.targets] == [
        (["entry"], "textbook"),
        (["own"], "guideline"),
        (["entry"], "consensus"),
    ]
    muscle = Muscle.model_validate(
        {
            "id": "m",
            "name": "m",
            "codes": [{"system": "FMA", "code": "FMA:1"}],
            "sources": ["s"],
            "evidence": "textbook",
        }
    )
    assert muscle.codes[0].sources == ["s"]  # a code takes the sources, not the evidence


def test_an_inherited_citation_loads_the_same_knowledge(edit: Editor, knowledge_copy: Path) -> None:
    before = read_knowledge(knowledge_copy)

    def drop_repeated(d: Any) -> None:
        for ex in d["exercises"]:
            for key in ("targets", "corrects", "before", "contraindications", "precautions"):
                for fact in ex.get(key, []):
                    if fact.get("sources") == ex["sources"]:
                        del fact["sources"]
                    if fact.get("evidence") == ex["evidence"]:
                        del fact["evidence"]

    edit("exercises.yaml", drop_repeated)
    after = read_knowledge(knowledge_copy)
    assert after.exercises == before.exercises


def test_a_fact_with_no_citation_anywhere_is_an_error_naming_it(
    edit: Editor, knowledge_copy: Path
) -> None:
    def strip(d: Any) -> None:
        ex = _exercise(d, "glute-squeeze")
        del ex["sources"]
        ex["targets"][0].pop("sources", None)

    edit("exercises.yaml", strip)
    with pytest.raises(KnowledgeError) as info:
        read_knowledge(knowledge_copy)
    found = [(p.entry, p.problem) for p in info.value.problems]
    assert any(e == "glute-squeeze" and "targets.0.sources" in p for e, p in found), found


def test_before_naming_a_family_stands_for_every_version(
    edit: Editor, knowledge_copy: Path
) -> None:
    written_out = read_knowledge(knowledge_copy).exercises["glute-squeeze"]

    def once(d: Any) -> None:
        ex = _exercise(d, "glute-squeeze")
        reason = ex["before"][0]["reason"]
        ex["before"] = [{"family": "vmo-step-down", "reason": reason}]

    edit("exercises.yaml", once)
    k = read_knowledge(knowledge_copy)
    family = [e.id for e in k.exercises.values() if e.family_id == "vmo-step-down"]
    got = k.exercises["glute-squeeze"].before
    assert [b.exercise for b in got] == family
    assert {b.exercise for b in written_out.before} <= {b.exercise for b in got}
    assert {b.reason for b in got} == {written_out.before[0].reason}
    plan = Recommender(
        rehabgraph.load_knowledge(knowledge_copy), require_screening=False
    ).recommend({"sites": [{"location": "outer knee"}]})
    ids = [e.exercise_id for e in plan.exercises]
    assert ids.index("glute-squeeze") < ids.index("vmo-step-down")


def test_before_naming_a_version_not_a_family_is_an_error(
    edit: Editor, knowledge_copy: Path
) -> None:
    edit(
        "exercises.yaml",
        lambda d: _exercise(d, "glute-squeeze").update(
            before=[{"family": "vmo-step-down-low", "reason": "level hips first"}]
        ),
    )
    with pytest.raises(KnowledgeError, match="is a version in family 'vmo-step-down'"):
        read_knowledge(knowledge_copy)


def test_before_names_exactly_one_of_exercise_and_family(
    edit: Editor, knowledge_copy: Path
) -> None:
    edit(
        "exercises.yaml",
        lambda d: _exercise(d, "glute-squeeze")["before"][0].update(family="vmo-step-down"),
    )
    with pytest.raises(KnowledgeError, match="either `exercise` or `family`"):
        read_knowledge(knowledge_copy)


def test_families_come_from_the_version_links(edit: Editor, knowledge_copy: Path) -> None:
    written = {e.id: e.family_id for e in read_knowledge(knowledge_copy).exercises.values()}

    def forget(d: Any) -> None:
        for ex in d["exercises"]:
            ex.pop("family", None)

    edit("exercises.yaml", forget)
    derived = {e.id: e.family_id for e in read_knowledge(knowledge_copy).exercises.values()}
    assert derived == written


def test_a_broad_word_asks_which_part_across_the_regions_it_takes_in(
    edit: Editor, knowledge_copy: Path
) -> None:
    def arm(d: Any) -> None:
        for zone in d["zones"]:
            if zone["region"] in ("knee", "thigh"):
                zone["part_of"] = ["leg"]

    edit("zones.yaml", arm)
    kb = rehabgraph.load_knowledge(knowledge_copy)
    with pytest.raises(UnknownLocationError) as info:
        Recommender(kb, require_screening=False).recommend({"sites": [{"location": "my leg"}]})
    assert "too broad" in str(info.value)
    assert "outer knee" in " ".join(info.value.suggestions).lower() or info.value.suggestions


def test_a_zone_id_read_as_words_may_not_be_a_region_word(
    edit: Editor, knowledge_copy: Path
) -> None:
    """The reader takes a zone's id as words too ("knee-front": "knee front"), so an id that is
    a region word of several zones would answer "upper back" with one of them."""
    edit(
        "zones.yaml",
        lambda d: d["zones"].append(
            {
                "id": "upper-back",
                "name": "thoracic area",
                "region": "upper back",
                "aliases": ["thoracic area"],
                "sources": ["travell-simons-1999-vol1"],
                "evidence": "textbook",
            }
        ),
    )
    with pytest.raises(KnowledgeError, match="'upper back' is as broad as a region"):
        read_knowledge(knowledge_copy)


def test_stats_say_how_many_codes_cite_their_source() -> None:
    from tests.support import cli

    done = cli("knowledge", "stats")
    assert done.returncode == 0
    line = next(x for x in done.stdout.splitlines() if x.startswith("codes:"))
    assert "UBERON" in line and "SNOMED-CT" in line
    cited, total = (int(n) for n in line.rsplit(";", 1)[1].split()[:3:2])
    assert cited == total > 0
