"""The engine's pieces, one at a time, on a knowledge base small enough to read in full.

The tiny knowledge (written by :func:`tiny_knowledge`):

    outer knee <-refers- outer-quad <-involves (tight)- tight-outer-quad -corrected_by-> step-down
    low back   <-refers- glute      <-involves (weak)-  tight-outer-quad
                         glute      <-targets (strengthen)- squeeze
    squeeze -comes_before-> step-down -regresses_to-> step-down-low

A red flag (``locked-knee``) behind a gate (``knee-injury``), and a condition (``wobbly-knee``)
that rules the step-down and the squeeze out. The integration tests run the same engine over the
bundled knowledge; these say what each piece does, by itself, where the answer is known by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import rehabgraph
from rehabgraph import KnowledgeBase, Recommender, UnknownLocationError
from rehabgraph.engine import (
    Adapter,
    CompiledRules,
    EdgeRef,
    Feedback,
    LocationResolver,
    SafetyIndex,
    SiteZones,
    compile_rules,
    plan,
)
from rehabgraph.text import Reader
from tests import factories as make

BOOK = "trigger-book"  # the referrals' source; every other fact cites make.SOURCE


def _files() -> dict[str, Any]:
    book = make.cited(sources=[BOOK], evidence="textbook")
    return {
        "manifest.yaml": {"name": "tiny", "version": "0.1"},
        "sources.yaml": {
            "sources": [
                make.source(make.SOURCE, title="The seed article"),
                make.source(BOOK, title="A trigger point textbook", kind="textbook"),
            ]
        },
        "zones.yaml": {
            "zones": [
                make.zone(
                    "knee-outer",
                    name="outer knee",
                    region="knee",
                    sided=True,
                    aliases=["outer knee", "side of the knee"],
                ),
                make.zone("low-back", name="low back", region="back", aliases=["lower back"]),
            ]
        },
        "muscles.yaml": {"muscles": [make.muscle("outer-quad"), make.muscle("glute")]},
        "referrals.yaml": {
            "referrals": [
                make.referral("outer-quad", "knee-outer", **book),
                make.referral("glute", "low-back", **book),
            ]
        },
        "imbalances.yaml": {
            "imbalances": [
                make.imbalance(
                    "tight-outer-quad",
                    make.involves("outer-quad", "tight"),
                    make.involves("glute", "weak"),
                )
            ]
        },
        "exercises.yaml": {
            "exercises": [
                make.exercise(
                    "squeeze",
                    targets=[make.target("glute", "strengthen")],
                    before=[make.before("step-down", reason="level hips first")],
                    contraindications=[make.contraindication("wobbly-knee")],
                ),
                make.exercise(
                    "step-down",
                    sided=True,
                    dosage={"reps_min": 10, "reps_max": 12},
                    corrects=[make.corrects("tight-outer-quad")],
                    regression=make.variant("step-down-low"),
                    contraindications=[make.contraindication("wobbly-knee")],
                ),
                make.exercise("step-down-low", family="step-down", sided=True),
            ]
        },
        "principles.yaml": {"principles": [make.principle("prepare-first")]},
        "rules.yaml": {
            "scoring": {"evidence_weight": {"textbook": 0.8, "article": 0.6}},
            "rules": [
                make.rule(
                    "tight-muscle",
                    make.step("refers_pain_to", reverse=True),
                    make.step("involves", reverse=True, how=["tight"]),
                    make.step("corrected_by"),
                    score=3,
                    because="Pain in {zone} comes from the {how} {muscle}; the {exercise} helps.",
                ),
                make.rule(
                    "strengthen-referring",
                    make.step("refers_pain_to", reverse=True),
                    make.step("targets", reverse=True, action=["strengthen"]),
                    score=2,
                ),
                make.rule(
                    "prepare",
                    make.step("comes_before", reverse=True),
                    start="exercise",
                    because="Do the {exercise} before the {start}: {reason}.",
                    principle="prepare-first",
                ),
            ],
        },
        "safety.yaml": {
            "notice": "This is not a diagnosis.",
            "notice_sources": [make.SOURCE],
            "questions": [
                make.question("knee-injury", zones=["knee-outer"], urgency=None, concern=None),
                make.question("locked-knee", zones=["knee-outer"], only_if={"knee-injury": True}),
            ],
            "conditions": [make.condition("wobbly-knee")],
            "adaptation": {
                "regress_when_pain_above": 0,
                "progress_when_pain_at_most": 0,
                "regressed": "The {from} hurt ({pain}/10): do the {to}.",
                "progressed": "{reps} reps of the {from}: do the {to}.",
                "contraindicated": "The {from} does not suit {condition}: do the {to}.",
                "no_easier_version": "The {from} hurt ({pain}/10): stop it.",
                "kept": "Keep the {from} until {reps} reps.",
                **make.cited(),
            },
        },
        "lexicon.yaml": {
            "sides": {"left": ["left"], "right": ["right"], "both": ["both"]},
            "filler": ["my", "the", "in", "pain"],
        },
        "context.yaml": {
            "triggers": [{"phrase": "no", "category": "negated", "direction": "forward"}],
            **make.cited(),
        },
    }


@pytest.fixture(scope="module")
def tiny_knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-knowledge")
    for name, data in _files().items():
        (folder / name).write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


@pytest.fixture(scope="module")
def tiny(tiny_knowledge: Path) -> KnowledgeBase:
    return rehabgraph.load_knowledge(tiny_knowledge)


@pytest.fixture(scope="module")
def compiled(tiny: KnowledgeBase) -> CompiledRules:
    return compile_rules(tiny)


def _walks(matches: tuple[Any, ...]) -> set[tuple[str, tuple[str, ...]]]:
    return {(m.rule.id, m.nodes) for m in matches}


# -- compiling -----------------------------------------------------------------------------------


def test_compiling_finds_every_walk_and_no_other(compiled: CompiledRules) -> None:
    assert _walks(compiled.from_zone["knee-outer"]) == {
        ("tight-muscle", ("knee-outer", "outer-quad", "tight-outer-quad", "step-down"))
    }
    # the glute is weak in the imbalance, not tight: the tight-muscle rule does not walk it
    assert _walks(compiled.from_zone["low-back"]) == {
        ("strengthen-referring", ("low-back", "glute", "squeeze"))
    }
    assert _walks(compiled.from_exercise["step-down"]) == {("prepare", ("step-down", "squeeze"))}
    assert set(compiled.from_exercise) == {"step-down"}
    assert len(compiled.matches) == 3
    assert [m.index for m in compiled.matches] == [0, 1, 2]


def _cited_as_in_the_graph(edges: tuple[EdgeRef, ...], kb: KnowledgeBase) -> bool:
    """Each edge carries its fact's sources and evidence, as the graph has them (explanations
    are written from the edges, without the graph)."""
    data = kb.graph.edges
    return all(
        (e.sources, e.evidence)
        == (
            data[e.source, e.target, e.type]["sources"],
            data[e.source, e.target, e.type]["evidence"],
        )
        for e in edges
    )


def test_a_compiled_walk_carries_its_edges_sentence_and_sources(
    compiled: CompiledRules, tiny: KnowledgeBase
) -> None:
    (match,) = compiled.from_zone["knee-outer"]
    assert [(e.source, e.type, e.target) for e in match.edges] == [
        ("outer-quad", "refers_pain_to", "knee-outer"),
        ("tight-outer-quad", "involves", "outer-quad"),
        ("tight-outer-quad", "corrected_by", "step-down"),
    ]
    assert _cited_as_in_the_graph(match.edges, tiny)
    assert match.edges[0].sources == (BOOK,) and match.edges[2].sources == (make.SOURCE,)
    assert match.sentence == (
        "Pain in your outer knee comes from the tight outer quad; the step down helps."
    )
    assert match.sources == (BOOK, make.SOURCE)
    assert match.weight == 0.6  # the weakest evidence on the path: the article's
    (prepare,) = compiled.from_exercise["step-down"]
    assert prepare.sentence == "Do the squeeze before the step down: level hips first."


def test_what_must_come_first_is_compiled_once(compiled: CompiledRules) -> None:
    assert compiled.must_follow["step-down"] == {"squeeze"}
    assert compiled.must_follow["squeeze"] == frozenset()
    assert compiled.must_follow["step-down-low"] == frozenset()


# -- planning ------------------------------------------------------------------------------------


def test_what_must_come_first_comes_first_though_it_scores_less(
    tiny: KnowledgeBase, compiled: CompiledRules
) -> None:
    scoring = tiny.knowledge.scoring
    result = plan([SiteZones(("knee-outer",), "left", 10)], compiled, scoring)
    order = [item.exercise_id for item in result.items]
    assert order == ["squeeze", "step-down"]
    score = {item.exercise_id: item.score for item in result.items}
    weight = scoring.base + scoring.per_intensity_point * 10
    # rule score x the weakest evidence on the path (the article's: 0.6) x the site's weight
    assert score == {"step-down": round(3 * 0.6 * weight, 3), "squeeze": round(0.6 * weight, 3)}
    assert score["squeeze"] < score["step-down"]
    assert all(item.sides == {"left"} for item in result.items)


def test_each_rule_adds_to_the_score_with_the_weight_of_its_site(
    tiny: KnowledgeBase, compiled: CompiledRules
) -> None:
    scoring = tiny.knowledge.scoring
    sites = [SiteZones(("low-back",), None, None), SiteZones(("knee-outer",), None, 0)]
    result = plan(sites, compiled, scoring)
    back = scoring.base + scoring.per_intensity_point * scoring.default_intensity
    knee = scoring.base
    assert {item.exercise_id: item.score for item in result.items} == {
        # strengthen-referring from the back, and prepare from the step-down (the knee's)
        "squeeze": round(2 * 0.6 * back + 1 * 0.6 * knee, 3),
        "step-down": round(3 * 0.6 * knee, 3),
    }
    assert [item.exercise_id for item in result.items] == ["squeeze", "step-down"]
    assert all(item.sides == set() for item in result.items)
    only_back = plan([SiteZones(("low-back",), None, None)], compiled, scoring)
    assert [item.exercise_id for item in only_back.items] == ["squeeze"]


# -- adapting ------------------------------------------------------------------------------------


def test_pain_gives_the_regression_along_a_real_edge(tiny: KnowledgeBase) -> None:
    adapter = Adapter(tiny.knowledge)
    swap = adapter.adapt("step-down", frozenset(), {"step-down": Feedback("step-down", 4, 0)})
    assert swap.target == "step-down-low"
    assert swap.chain == ("step-down", "step-down-low")
    assert [(e.source, e.type, e.target) for e in swap.edges] == [
        ("step-down", "regresses_to", "step-down-low")
    ]
    assert _cited_as_in_the_graph(swap.edges, tiny)
    assert swap.sentences == ("The step down hurt (4/10): do the step down low.",)
    assert swap.exclusions == ()


def test_no_pain_keeps_the_version(tiny: KnowledgeBase) -> None:
    adapter = Adapter(tiny.knowledge)
    swap = adapter.adapt("step-down", frozenset(), {"step-down": Feedback("step-down", 0, 5)})
    assert swap.target == "step-down"
    assert swap.sentences == ("Keep the step down until 12 reps.",)


def test_a_contraindication_swaps_in_the_easier_version(tiny: KnowledgeBase) -> None:
    swap = Adapter(tiny.knowledge).adapt("step-down", frozenset({"wobbly-knee"}), {})
    assert swap.target == "step-down-low"
    (excluded,) = swap.exclusions
    assert (excluded.exercise_id, excluded.condition, excluded.replaced_by) == (
        "step-down",
        "wobbly-knee",
        "step-down-low",
    )
    assert excluded.sources == (make.SOURCE,)
    assert swap.sentences == ("The step down does not suit wobbly knee: do the step down low.",)


def test_a_contraindication_with_no_easier_version_excludes(tiny: KnowledgeBase) -> None:
    swap = Adapter(tiny.knowledge).adapt("squeeze", frozenset({"wobbly-knee"}), {})
    assert swap.target is None
    (excluded,) = swap.exclusions
    assert (excluded.exercise_id, excluded.condition, excluded.replaced_by) == (
        "squeeze",
        "wobbly-knee",
        None,
    )
    assert excluded.reason == "it is not safe"


def test_a_plan_follows_the_adapter(tiny: KnowledgeBase, compiled: CompiledRules) -> None:
    adapter = Adapter(tiny.knowledge)
    held = frozenset({"wobbly-knee"})
    result = plan(
        [SiteZones(("knee-outer",), "right", 5)],
        compiled,
        tiny.knowledge.scoring,
        lambda e: adapter.adapt(e, held, {}),
    )
    assert [item.exercise_id for item in result.items] == ["step-down-low"]
    (item,) = result.items
    assert item.adapted_from == ["step-down"]
    assert item.matches[0].nodes[-2:] == ("step-down", "step-down-low")
    assert result.swaps["step-down"].target == "step-down-low"


# -- screening -----------------------------------------------------------------------------------


def test_questions_are_asked_for_their_zones_and_gated_ones_wait(tiny: KnowledgeBase) -> None:
    safety = SafetyIndex.from_knowledge(tiny.knowledge)
    assert safety.questions_for(["knee-outer"]) == ("knee-injury", "locked-knee")
    assert safety.questions_for(["low-back"]) == ()
    assert safety.flags == {"locked-knee"}
    assert safety.screen(["knee-outer"], {}).unanswered == ("knee-injury",)
    opened = safety.screen(["knee-outer"], {"knee-injury": True})
    assert (opened.present, opened.unanswered) == ((), ("locked-knee",))
    closed = safety.screen(["knee-outer"], {"knee-injury": False})
    assert (closed.present, closed.unanswered) == ((), ())


def test_a_flag_answered_yes_is_present_unless_its_gate_says_no(tiny: KnowledgeBase) -> None:
    safety = SafetyIndex.from_knowledge(tiny.knowledge)
    assert safety.screen(["knee-outer"], {"locked-knee": True}).present == ("locked-knee",)
    # for whatever zone
    assert safety.screen(["low-back"], {"locked-knee": True}).present == ("locked-knee",)
    yes = safety.screen(["knee-outer"], {"knee-injury": True, "locked-knee": True})
    assert yes.present == ("locked-knee",)
    ruled_out = safety.screen(["knee-outer"], {"knee-injury": False, "locked-knee": True})
    assert ruled_out.present == ()
    assert safety.screen(["knee-outer"], {"nothing": True}).unknown_answers == ("nothing",)


def test_a_flag_in_words_refers_through_the_whole_engine(tiny: KnowledgeBase) -> None:
    recommender = Recommender(tiny, require_screening=False)
    plain = recommender.recommend({"sites": [{"location": "outer knee"}]})
    assert plain.status == "exercise"
    assert [e.exercise_id for e in plain.exercises] == ["squeeze", "step-down"]
    flagged = recommender.recommend(
        {"sites": [{"location": "outer knee"}], "symptoms": ["locked knee"]}
    )
    assert flagged.status == "refer"
    assert flagged.exercises == []
    assert flagged.referral is not None and flagged.referral.flags == ["locked-knee"]


# -- resolving -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def resolver(tiny: KnowledgeBase) -> LocationResolver:
    return LocationResolver.from_knowledge(tiny.knowledge, Reader.from_knowledge(tiny.knowledge))


@pytest.mark.parametrize(
    ("said", "zones", "sides"),
    [
        ("outer knee", ("knee-outer",), set()),
        ("pain in my left outer knee", ("knee-outer",), {"left"}),
        ("the side of the knee", ("knee-outer",), set()),
        ("lower back", ("low-back",), set()),
        ("right outer knee and low back", ("knee-outer", "low-back"), {"right"}),
    ],
)
def test_a_location_resolves_to_its_zones_and_sides(
    resolver: LocationResolver, said: str, zones: tuple[str, ...], sides: set[str]
) -> None:
    resolution = resolver.resolve(said)
    assert resolution.zones == zones
    assert resolution.sides == sides


def test_a_region_alone_or_an_unknown_place_is_refused_with_suggestions(
    resolver: LocationResolver,
) -> None:
    with pytest.raises(UnknownLocationError, match="too broad") as broad:
        resolver.resolve("knee")
    assert "outer knee" in broad.value.suggestions
    with pytest.raises(UnknownLocationError):
        resolver.resolve("elbow")
