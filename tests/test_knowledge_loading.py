"""Loading knowledge: the bundled folder is valid, and every kind of breakage is named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import rehabgraph
from rehabgraph import KnowledgeError, Recommender
from tests import factories as make
from tests.conftest import Editor


def _rule(d: Any, rule_id: str) -> Any:
    return next(r for r in d["rules"] if r["id"] == rule_id)


def _zone(d: Any, zone_id: str) -> Any:
    return next(z for z in d["zones"] if z["id"] == zone_id)


def load_error(path: Path) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as info:
        Recommender(rehabgraph.load_knowledge(path))
    return info.value


Breaker = Callable[[str, Callable[[Any], None]], KnowledgeError]


@pytest.fixture
def broken(edit: Editor, knowledge_copy: Path) -> Breaker:
    """Change one file of a copy of the knowledge and return the error loading the copy raises."""

    def apply(file: str, change: Callable[[Any], None]) -> KnowledgeError:
        edit(file, change)
        return load_error(knowledge_copy)

    return apply


def test_bundled_knowledge_holds_the_article(kb: rehabgraph.KnowledgeBase) -> None:
    k = kb.knowledge
    assert {"vastus-medialis", "vastus-lateralis", "gluteus-medius", "gluteus-maximus"} <= set(
        k.muscles
    )
    assert {"knee-lateral", "knee-medial", "low-back"} <= set(k.zones)
    assert {"tight-lateral-quad", "uneven-hips"} <= set(k.imbalances)
    assert {"glute-squeeze", "vmo-step-down"} <= set(k.exercises)
    pairs = {(r.muscle, r.zone) for r in k.referrals}
    assert {
        ("vastus-lateralis", "knee-lateral"),
        ("vastus-medialis", "knee-medial"),
        ("gluteus-medius", "low-back"),
    } <= pairs
    assert "strengthen-after-loosening" in k.principles


def test_step_down_carries_the_articles_steps_dosage_and_stop_rule(
    kb: rehabgraph.KnowledgeBase,
) -> None:
    ex = kb.knowledge.exercises["vmo-step-down"]
    assert ex.steps[0].startswith("Find stairs")
    assert ex.steps[-1] == "Assess and reassess your form."
    assert len(ex.steps) == 8
    assert (ex.dosage.reps_min, ex.dosage.reps_max, ex.dosage.times_per_day) == (12, 15, 3)
    assert ex.dosage.describe() == (
        "12-15 reps (or until you can no longer hold proper form), 3 times a day"
    )
    assert "pain on the knee of the working leg" in ex.stop_if
    squeeze = kb.knowledge.exercises["glute-squeeze"]
    assert squeeze.before[0].exercise == "vmo-step-down"


def test_every_node_and_edge_names_a_known_source(kb: rehabgraph.KnowledgeBase) -> None:
    sources = set(kb.knowledge.sources)
    g = kb.graph
    for _, data in g.nodes(data=True):
        assert data["sources"] and set(data["sources"]) <= sources
    for *_, data in g.edges(keys=True, data=True):
        assert data["sources"] and set(data["sources"]) <= sources


def test_graph_is_read_only(kb: rehabgraph.KnowledgeBase) -> None:
    import networkx as nx

    with pytest.raises(nx.NetworkXError):
        kb.graph.add_node("x")


def test_missing_folder_is_a_knowledge_error(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nope")
    assert "is not a folder" in err.problem


@pytest.mark.parametrize(
    ("file", "change", "entry", "words"),
    [
        (
            "referrals.yaml",
            lambda d: d["referrals"][0].update(muscle="vastus-lateralus"),
            "vastus-lateralus -> knee-lateral",
            "unknown muscle 'vastus-lateralus'",
        ),
        (
            "referrals.yaml",
            lambda d: d["referrals"][0].update(zone="knee-outer"),
            "vastus-lateralis -> knee-outer",
            "unknown zone 'knee-outer'",
        ),
        (
            "imbalances.yaml",
            lambda d: d["imbalances"][0]["involves"][0].update(muscle="quad"),
            "tight-lateral-quad",
            "involves[0].muscle: unknown muscle 'quad'",
        ),
        (
            "exercises.yaml",
            lambda d: d["exercises"][1]["corrects"][0].update(imbalance="x"),
            "vmo-step-down",
            "corrects[0].imbalance: unknown imbalance 'x'",
        ),
        (
            "exercises.yaml",
            lambda d: d["exercises"][1]["targets"][0].update(muscle="vmo"),
            "vmo-step-down",
            "targets[0].muscle: unknown muscle 'vmo'",
        ),
        (
            "exercises.yaml",
            lambda d: d["exercises"][0]["before"][0].update(exercise="step-down"),
            "glute-squeeze",
            "before[0].exercise: unknown exercise 'step-down'",
        ),
        (
            "zones.yaml",
            lambda d: d["zones"][0].update(sources=["nice-2099"]),
            "low-back",
            "unknown source 'nice-2099'",
        ),
        (
            "rules.yaml",
            lambda d: d["rules"][0].update(sources=["nobody"]),
            "tight-muscle-refers-pain",
            "unknown source 'nobody'",
        ),
        (
            "rules.yaml",
            lambda d: _rule(d, "strengthen-after-loosening").update(principle="nothing"),
            "strengthen-after-loosening",
            "unknown principle 'nothing'",
        ),
    ],
)
def test_a_broken_reference_names_file_entry_and_problem(
    broken: Breaker, file: str, change: Any, entry: str, words: str
) -> None:
    err = broken(file, change)
    assert (err.file, err.entry) == (file, entry)
    assert words in err.problem


def test_duplicate_id(edit: Editor, knowledge_copy: Path) -> None:
    edit("muscles.yaml", lambda d: d["muscles"].append(dict(d["muscles"][0])))
    err = load_error(knowledge_copy)
    assert (err.file, err.entry) == ("muscles.yaml", "vastus-medialis")
    assert "duplicate id" in err.problem


def test_id_shared_by_two_kinds_of_node(edit: Editor, knowledge_copy: Path) -> None:
    def clash(d: Any) -> None:
        d["muscles"][0]["id"] = "low-back"

    edit("muscles.yaml", clash)
    err = load_error(knowledge_copy)
    assert any("already used in zones.yaml" in p.problem for p in err.problems)


def test_wrong_field_is_named(edit: Editor, knowledge_copy: Path) -> None:
    edit("exercises.yaml", lambda d: d["exercises"][1].update(stop_when="pain"))
    err = load_error(knowledge_copy)
    assert (err.file, err.entry) == ("exercises.yaml", "vmo-step-down")
    assert "stop_when" in err.problem and "Extra inputs" in err.problem


def test_wrong_type_is_named(edit: Editor, knowledge_copy: Path) -> None:
    edit("exercises.yaml", lambda d: d["exercises"][1]["dosage"].update(reps_min="many"))
    err = load_error(knowledge_copy)
    assert err.entry == "vmo-step-down"
    assert "dosage.reps_min" in err.problem


def test_cycle_in_comes_before(edit: Editor, knowledge_copy: Path) -> None:
    def loop(d: Any) -> None:
        d["exercises"][1]["before"] = [make.before("glute-squeeze", reason="x")]

    edit("exercises.yaml", loop)
    err = load_error(knowledge_copy)
    assert err.file == "exercises.yaml"
    assert "cycle" in err.problem
    assert "glute-squeeze" in err.problem and "vmo-step-down" in err.problem


def test_rule_path_must_fit_the_edge_types(edit: Editor, knowledge_copy: Path) -> None:
    edit("rules.yaml", lambda d: d["rules"][0]["path"][0].update(reverse=False))
    err = load_error(knowledge_copy)
    assert (err.file, err.entry) == ("rules.yaml", "tight-muscle-refers-pain")
    assert "path[0]" in err.problem and "refers_pain_to" in err.problem


def test_rule_must_end_at_an_exercise(edit: Editor, knowledge_copy: Path) -> None:
    edit("rules.yaml", lambda d: d["rules"][0]["path"].pop())
    err = load_error(knowledge_copy)
    assert "ends at a imbalance" in err.problem or "ends at an imbalance" in err.problem


def test_rule_with_unknown_placeholder(edit: Editor, knowledge_copy: Path) -> None:
    edit("rules.yaml", lambda d: d["rules"][0].update(because="Because {reasons}."))
    err = load_error(knowledge_copy)
    assert "{reasons}" in err.problem


def test_rule_condition_on_unknown_value(edit: Editor, knowledge_copy: Path) -> None:
    edit("rules.yaml", lambda d: d["rules"][0]["path"][1].update(where={"how": ["tite"]}))
    err = load_error(knowledge_copy)
    assert "unknown value" in err.problem and "tite" in err.problem


def test_alias_claimed_by_two_zones(edit: Editor, knowledge_copy: Path) -> None:
    edit("zones.yaml", lambda d: _zone(d, "knee-medial")["aliases"].append("outer knee"))
    err = load_error(knowledge_copy)
    assert (err.file, err.entry) == ("zones.yaml", "knee-medial")
    assert "also an alias of zone 'knee-lateral'" in err.problem


@pytest.mark.parametrize("alias", ["outer knees", "outter knee", "the outer knee pain"])
def test_alias_claimed_by_two_zones_as_the_reader_folds_it(
    edit: Editor, knowledge_copy: Path, alias: str
) -> None:
    # a word ending, a word form or filler words away from another zone's alias is the same
    # alias to the reader, so it is refused at load
    edit("zones.yaml", lambda d: _zone(d, "knee-medial")["aliases"].append(alias))
    err = load_error(knowledge_copy)
    assert "also an alias of zone 'knee-lateral'" in err.problem


def test_every_problem_is_listed_not_just_the_first(edit: Editor, knowledge_copy: Path) -> None:
    edit("referrals.yaml", lambda d: [r.update(muscle="ghost") for r in d["referrals"][:3]])
    err = load_error(knowledge_copy)
    assert len(err.problems) == 3
    assert "and 2 more problems" in str(err)


def test_missing_file(knowledge_copy: Path) -> None:
    (knowledge_copy / "rules.yaml").unlink()
    err = load_error(knowledge_copy)
    assert (err.file, err.problem) == ("rules.yaml", "missing")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("muscles:\n  - &m {id: a}\n  - *m\n", "anchors"),
        ("muscles: [" * 200 + "]" * 200, "nesting"),
        ("muscles: {{{", "invalid YAML"),
        ("muscles: !!python/object:os.system {}\n", "invalid YAML"),
        ("just a string\n", "exactly one top-level key"),
        ("muscles: 3\n", "exactly one top-level key"),
        ("\x00\x01", "invalid YAML"),
        ("muscles:\n  - !!str 3\n", "tags (tag:yaml.org,2002:str)"),
        ("muscles:\n  - {<<: {id: a}}\n", "merge keys"),
        ("muscles:\n  ? [a]\n  : b\n", "a key must be a plain value"),
        ("muscles: []\n---\nmuscles: []\n", "one YAML document"),
    ],
)
def test_hostile_or_malformed_file(knowledge_copy: Path, text: str, words: str) -> None:
    (knowledge_copy / "muscles.yaml").write_text(text)
    err = load_error(knowledge_copy)
    assert err.file == "muscles.yaml"
    assert words in err.problem


def test_alias_bomb_is_refused_quickly(knowledge_copy: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    (knowledge_copy / "sources.yaml").write_text("\n".join(lines))
    err = load_error(knowledge_copy)
    assert "anchors" in err.problem


def test_huge_file_is_refused(knowledge_copy: Path) -> None:
    (knowledge_copy / "zones.yaml").write_text("# " + "x" * (3 * 1024 * 1024))
    err = load_error(knowledge_copy)
    assert "above the limit" in err.problem
    assert "max_file_bytes" in err.problem


def test_the_size_limit_can_be_raised_for_trusted_knowledge(knowledge_copy: Path) -> None:
    zones = knowledge_copy / "zones.yaml"
    zones.write_text(zones.read_text() + "# " + "x" * (3 * 1024 * 1024) + "\n")
    kb = rehabgraph.load_knowledge(knowledge_copy, max_file_bytes=8 * 1024 * 1024)
    assert "knee-lateral" in kb.knowledge.zones
    with pytest.raises(KnowledgeError, match="above the limit of 1000"):
        rehabgraph.load_knowledge(knowledge_copy, max_file_bytes=1000)


def test_plan_order_cycle_through_a_rule_is_caught(edit: Editor, knowledge_copy: Path) -> None:
    # the step-down loosens the VMO and the glute squeeze strengthens it: the loosen-then-
    # strengthen rule would put the squeeze after the step-down, against `before`.
    def targets(d: Any) -> None:
        d["exercises"][1]["targets"].append(make.target("vastus-medialis", "loosen"))
        d["exercises"][0]["targets"].append(make.target("vastus-medialis", "strengthen"))

    edit("exercises.yaml", targets)
    err = load_error(knowledge_copy)
    assert err.file == "rules.yaml"
    assert "cycle" in err.problem


def _exercise(d: Any, exercise_id: str) -> Any:
    return next(e for e in d["exercises"] if e["id"] == exercise_id)


@pytest.mark.parametrize(
    ("file", "change", "entry", "words"),
    [
        (
            "exercises.yaml",
            lambda d: _exercise(d, "vmo-step-down")["contraindications"][0].update(
                condition="wobbly"
            ),
            "vmo-step-down",
            "contraindications[0].condition: unknown condition 'wobbly'",
        ),
        (
            "exercises.yaml",
            lambda d: _exercise(d, "vmo-step-down-low").update(family="glute-bridge"),
            "vmo-step-down-low",
            "family: 'glute-bridge' is not one of the versions linked to 'vmo-step-down-low'",
        ),
        (
            "exercises.yaml",
            lambda d: _exercise(d, "vmo-step-down")["progression"].update(exercise="nothing"),
            "vmo-step-down",
            "progression.exercise: unknown exercise 'nothing'",
        ),
        (
            "exercises.yaml",
            lambda d: _exercise(d, "quad-set")["progression"].update(exercise="vmo-step-down-high"),
            "quad-set",
            "names 'vmo-step-down' as its regression, not 'quad-set'",
        ),
        (
            "safety.yaml",
            lambda d: d["questions"][0].update(zones=["elbow"]),
            "saddle-numbness",
            "zones: unknown zone 'elbow'",
        ),
        (
            "safety.yaml",
            lambda d: d["questions"][0].update(only_if={"nothing": True}),
            "saddle-numbness",
            "only_if: unknown question 'nothing'",
        ),
        (
            "safety.yaml",
            lambda d: d["questions"][0].pop("tell"),
            "saddle-numbness",
            "needs `concern` and `tell`",
        ),
        (
            "safety.yaml",
            lambda d: d["questions"][0].update(urgency="soon"),
            "saddle-numbness",
            "urgency",
        ),
        (
            "safety.yaml",
            lambda d: d["conditions"][0].update(sources=["hearsay"]),
            "knee-gives-way",
            "unknown source 'hearsay'",
        ),
        (
            "safety.yaml",
            lambda d: d["adaptation"].update(regressed="Do the {easier}."),
            "adaptation",
            "unknown placeholder {easier}",
        ),
    ],
)
def test_broken_safety_knowledge_is_named(
    broken: Breaker, file: str, change: Any, entry: str, words: str
) -> None:
    err = broken(file, change)
    assert any(p.file == file and p.entry == entry and words in p.problem for p in err.problems), (
        err.problems
    )


def test_regressions_that_loop_are_refused(edit: Editor, knowledge_copy: Path) -> None:
    def loop(d: Any) -> None:
        _exercise(d, "quad-set")["regression"] = make.variant("vmo-step-down-high")
        _exercise(d, "vmo-step-down-high")["progression"] = make.variant("quad-set")

    edit("exercises.yaml", loop)
    err = load_error(knowledge_copy)
    assert any("form a loop" in p.problem for p in err.problems)


def test_safety_file_is_required(knowledge_copy: Path) -> None:
    (knowledge_copy / "safety.yaml").unlink()
    err = load_error(knowledge_copy)
    assert (err.file, err.problem) == ("safety.yaml", "missing")


def test_every_red_flag_rests_on_clinical_guidance(kb: rehabgraph.KnowledgeBase) -> None:
    for q in kb.knowledge.questions.values():
        assert q.sources
        assert q.evidence in ("guideline", "systematic-review", "consensus", "expert-opinion"), q.id
