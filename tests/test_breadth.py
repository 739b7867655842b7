"""The lower quarter: breadth, codes, provenance, and the properties the knowledge must keep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rehabgraph
from rehabgraph import KnowledgeError, Recommender
from rehabgraph.engine.compile import compile_rules
from rehabgraph.engine.lint import lint
from tests.strategies import scaled
from tests.support import unscreened

R = unscreened()
KB = R.knowledge_base
K = KB.knowledge
CHECKED = yaml.safe_load((Path(__file__).parent / "data" / "checked_referrals.yaml").read_text())


def test_breadth_of_the_lower_quarter() -> None:
    assert len(K.muscles) >= 25
    required = {
        "rectus-femoris",
        "vastus-lateralis",
        "vastus-medialis",
        "vastus-intermedius",
        "gluteus-maximus",
        "gluteus-medius",
        "gluteus-minimus",
        "tensor-fasciae-latae",
        "piriformis",
        "quadratus-lumborum",
        "iliopsoas",
        "adductor-longus",
        "adductor-magnus",
        "biceps-femoris",
        "semitendinosus",
        "semimembranosus",
        "gastrocnemius",
        "soleus",
        "tibialis-anterior",
        "fibularis-longus",
    }
    assert required <= set(K.muscles)
    assert len(K.zones) >= 30
    assert {z.region for z in K.zones.values()} >= {
        "back",
        "hip",
        "thigh",
        "knee",
        "lower leg",
        "ankle",
        "foot",
    }
    for zone in K.zones.values():
        assert len(zone.aliases) >= 3, zone.id
    assert len(K.imbalances) >= 10
    assert len(K.exercises) >= 30
    for ex in K.exercises.values():
        assert ex.steps and ex.stop_if and ex.dosage.describe() and ex.sources


def test_every_muscle_refers_somewhere_and_every_zone_reaches_an_exercise() -> None:
    warnings = lint(KB, compile_rules(KB))
    assert warnings == []


def test_loosen_then_strengthen_pairs() -> None:
    loosened = {t.muscle for e in K.exercises.values() for t in e.targets if t.action == "loosen"}
    strengthened = {
        t.muscle for e in K.exercises.values() for t in e.targets if t.action == "strengthen"
    }
    assert len(loosened & strengthened) >= 4
    rec = R.recommend({"sites": [{"location": "calf", "side": "left"}]})
    order = [e.exercise_id for e in rec.exercises]
    assert order.index("calf-stretch-straight-knee") < order.index("heel-raise")
    follow = [
        x
        for x in rec.exercises[order.index("heel-raise")].explanations
        if x.rule_id == "strengthen-after-loosening"
    ]
    assert follow
    assert follow[0].principle == "strengthen-after-loosening"


@pytest.mark.parametrize(
    ("phrase", "zone"),
    [
        ("pain behind my knee", "knee-back"),
        ("sore front of my knee", "knee-front"),
        ("my heel hurts", "heel"),
        ("ache in my buttock", "buttock"),
        ("pain in the groin", "groin"),
        ("my left outer hip", "hip-outer"),
        ("pain down my shin", "shin"),
    ],
)
def test_lay_phrase_leads_to_exercises_through_referring_muscles(phrase: str, zone: str) -> None:
    rec = R.recommend({"sites": [{"location": phrase}]})
    assert rec.sites[0].zones[0].id == zone
    assert rec.status == "exercise"
    referring = {r.muscle for r in K.referrals if r.zone == zone}
    for ex in rec.exercises:
        for e in ex.explanations:
            if e.path[0] != zone or e.basis == "guideline":
                continue  # an exercise-start rule (what comes first, what follows), a guideline
            muscle = e.path[1]
            assert muscle in referring
            assert K.muscles[muscle].name in e.sentence
            assert e.sources
            referral = e.edges[0]
            assert (referral.type, referral.target) == ("refers_pain_to", zone)
            assert referral.sources and referral.evidence


def test_side_carries_through_the_chain() -> None:
    rec = R.recommend({"sites": [{"location": "my left outer hip"}]})
    assert rec.sites[0].side == "left"
    for ex in rec.exercises:
        if K.exercises[ex.exercise_id].sided:
            assert ex.side == "left"
    knee = R.recommend({"sites": [{"location": "right lateral knee"}]})
    step_down = next(e for e in knee.exercises if e.exercise_id == "vmo-step-down")
    assert step_down.side == "right"
    assert "vastus-lateralis" in step_down.explanations[0].path


def test_explanations_carry_sources_and_evidence_levels() -> None:
    rec = R.recommend({"sites": [{"location": "heel"}]})
    for ex in rec.exercises:
        for e in ex.explanations:
            assert e.evidence in (
                "guideline",
                "systematic-review",
                "consensus",
                "textbook",
                "expert-opinion",
                "article",
            )
            for edge in e.edges:
                assert edge.sources
                assert edge.evidence


def test_ranking_uses_the_evidence(edit: Any, knowledge_copy: Path) -> None:
    def flatten(d: Any) -> None:
        d["scoring"]["evidence_weight"] = {}

    before = R.recommend({"sites": [{"location": "outer knee"}]})
    edit("rules.yaml", flatten)
    after = Recommender(
        rehabgraph.load_knowledge(knowledge_copy), require_screening=False
    ).recommend({"sites": [{"location": "outer knee"}]})
    score = {e.exercise_id: e.score for e in before.exercises}
    flat = {e.exercise_id: e.score for e in after.exercises}
    assert score["vmo-step-down"] < flat["vmo-step-down"]  # the article's facts weigh 0.6


def test_codes_are_confirmed_and_well_formed() -> None:
    vl = K.muscles["vastus-lateralis"]
    assert {(c.system, c.code) for c in vl.codes} == {
        ("UBERON", "UBERON:0001379"),
        ("FMA", "FMA:22431"),
    }
    coded = [m for m in K.muscles.values() if m.codes]
    assert len(coded) >= 10
    for muscle in coded:
        for code in muscle.codes:
            assert code.sources == ["uberon-bridge-fma"]


@pytest.mark.parametrize("check", CHECKED["checked"], ids=lambda c: f"{c['muscle']}->{c['zone']}")
def test_sampled_referral_cites_the_source_it_was_checked_against(check: dict[str, str]) -> None:
    match = [r for r in K.referrals if (r.muscle, r.zone) == (check["muscle"], check["zone"])]
    assert match, f"{check['muscle']} -> {check['zone']} is not in the knowledge"
    assert check["source"] in match[0].sources
    assert K.sources[check["source"]].url


ALIASES = sorted((alias, z.id) for z in K.zones.values() for alias in (z.name, *z.aliases))


@given(st.sampled_from(ALIASES))
def test_every_alias_resolves_to_exactly_its_zone(pair: tuple[str, str]) -> None:
    alias, zone = pair
    assert R.resolver.resolve(alias).zones == (zone,)


_LINTED = {w.entry for w in lint(KB, R.compiled)}


@given(st.sampled_from(sorted(K.zones)))
def test_every_zone_reaches_an_exercise_or_is_linted(zone: str) -> None:
    reached = R.compiled.from_zone.get(zone, ())
    linted = _LINTED
    assert reached or zone in linted


def _referenced_entries() -> list[tuple[str, str, str]]:
    """(file, list key, id) of entries that something else refers to."""
    out = []
    referenced_muscles = {r.muscle for r in K.referrals}
    referenced_zones = {r.zone for r in K.referrals}
    out += [("muscles.yaml", "muscles", m) for m in sorted(referenced_muscles)]
    out += [("zones.yaml", "zones", z) for z in sorted(referenced_zones)]
    out += [("imbalances.yaml", "imbalances", i) for i in sorted(K.imbalances)]
    out += [
        ("exercises.yaml", "exercises", e)
        for e in sorted(K.exercises)
        if any(b.exercise == e for x in K.exercises.values() for b in x.before)
        or any(
            v and v.exercise == e
            for x in K.exercises.values()
            for v in (x.regression, x.progression)
        )
    ]
    cited = {s for r in K.referrals for s in r.sources}
    out += [("sources.yaml", "sources", s) for s in sorted(cited)]
    return out


REFERENCED = _referenced_entries()


@given(st.sampled_from(REFERENCED))
# each example loads the whole knowledge again (about 0.1 s): a fraction of the profile's count;
# the fixture's copy is restored after every example, so sharing it between examples is safe
@settings(max_examples=scaled(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_removing_any_referenced_entry_fails_naming_it(
    knowledge_copy: Path, entry: tuple[str, str, str]
) -> None:
    file, key, entry_id = entry
    original = (knowledge_copy / file).read_text()
    data = yaml.safe_load(original)
    data[key] = [item for item in data[key] if item.get("id") != entry_id]
    (knowledge_copy / file).write_text(yaml.safe_dump(data, sort_keys=False))
    try:
        with pytest.raises(KnowledgeError) as info:
            Recommender(rehabgraph.load_knowledge(knowledge_copy), require_screening=False)
        assert any(repr(entry_id) in p.problem for p in info.value.problems), entry_id
    finally:
        (knowledge_copy / file).write_text(original)
