"""Exercise detail: what each exercise needs, how hard it is, and its line drawing, in the
knowledge, the JSON, the text, FHIR and the pictures."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

import rehabgraph
from rehabgraph import KnowledgeBase, KnowledgeError, Recommendation, UnknownExerciseError
from rehabgraph.knowledge.models import DIFFICULTY_ORDER, Pose
from rehabgraph.knowledge.pose_models import JOINTS, PropKind
from rehabgraph.viz import draw_exercise, exercise_svg
from rehabgraph.viz._props import _DRAWERS
from rehabgraph.viz.exercise import figure_svg
from rehabgraph.viz.style import overlaps
from tests.conftest import Editor
from tests.support import answered_no, cli, unscreened

EXAMPLE_PACK = Path(__file__).resolve().parents[1] / "examples" / "packs" / "range-of-movement"
OUTER_KNEE = {"sites": [{"location": "outer knee", "side": "right"}]}
BASE = "https://fhir.example.com/rehab"

# Bundled exercises whose equipment or difficulty the knowledge leaves unstated, with why. Empty:
# every bundled exercise states both (its steps, or its cited source, say what it needs).
UNSTATED: dict[str, str] = {}

# The exercises whose difficulty a staging source decides (difficulties.yaml, rule 1), with the
# source and the stage it gives; every other harder version is one level above the version it
# progresses from (rule 2).
STAGED = {
    "quad-set": ("cuh-knee-exercises", "beginner"),
    "vmo-step-down-low": ("lanecc-knee-interventions", "intermediate"),
    "standing-quad-stretch": ("coxa-hip-level1", "beginner"),
    "glute-bridge": ("coxa-hip-level1", "beginner"),
    "clamshell": ("coxa-hip-level1", "beginner"),
    "ankle-dorsiflexion-band": ("docsbay-ankle", "beginner"),
    "ankle-eversion-band": ("docsbay-ankle", "beginner"),
    "isometric-ankle-eversion": ("docsbay-ankle", "beginner"),
    "terminal-knee-extension": ("cuh-knee-exercises", "beginner"),
    "straight-leg-raise": ("cuh-knee-exercises", "beginner"),
    "isometric-shoulder-abduction": ("provide-weak-painful-shoulder-stage-1", "beginner"),
    "shoulder-abduction-band": ("provide-weak-painful-shoulder-stage-2", "intermediate"),
    "triceps-extension-band": ("wyclef-triceps-strengthening", "intermediate"),
    "biceps-curl": ("pure-physio-tennis-elbow", "advanced"),
}


def load_error(path: Path) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as info:
        rehabgraph.load_knowledge(path)
    return info.value


def _entry(data: Any, key: str, entry_id: str) -> Any:
    return next(e for e in data[key] if e["id"] == entry_id)


def _problem(error: KnowledgeError, file: str, entry: str) -> str:
    """The problem the error names for this file and entry (it must name one)."""
    found = [p.problem for p in error.problems if p.file == file and p.entry == entry]
    assert found, [str(p) for p in error.problems]
    return found[0]


# --- the knowledge --------------------------------------------------------------------------


def test_every_bundled_exercise_says_what_it_needs_and_how_hard_it_is(kb: KnowledgeBase) -> None:
    k = kb.knowledge
    for ex in k.exercises.values():
        if ex.id in UNSTATED:
            continue
        assert ex.equipment is not None, ex.id
        assert ex.difficulty in DIFFICULTY_ORDER, ex.id
        assert ex.id in k.poses, f"{ex.id}: no stick figure in poses.yaml"
    assert set(UNSTATED) <= set(k.exercises)


def test_the_vocabulary_is_used_and_mapped_with_its_source(kb: KnowledgeBase) -> None:
    k = kb.knowledge
    used = {e for ex in k.exercises.values() for e in ex.equipment or ()}
    assert used == set(k.equipment), "every equipment entry is needed by some exercise"
    assert k.equipment["band"].free_exercise_db == "bands"
    assert k.equipment["dumbbell"].free_exercise_db == "dumbbell"
    assert k.equipment["dumbbell"].wger == 3
    for item in (*k.equipment.values(), *k.difficulties.values()):
        mapped = getattr(item, "free_exercise_db", None) or getattr(item, "wger", None)
        assert not mapped or item.sources, item.id
    assert list(k.difficulties) == list(DIFFICULTY_ORDER)
    assert k.difficulties["advanced"].free_exercise_db == "expert"


def test_difficulty_follows_the_rules_written_in_the_knowledge(kb: KnowledgeBase) -> None:
    """difficulties.yaml: a staging source decides; else a harder version is one level above
    the version it progresses from; else beginner or intermediate by what the steps ask."""
    k = kb.knowledge
    rank = {level: i for i, level in enumerate(DIFFICULTY_ORDER)}
    easier = {ex.progression.exercise: ex for ex in k.exercises.values() if ex.progression}
    for ex in k.exercises.values():
        assert ex.difficulty is not None
        if ex.id in STAGED:
            source, level = STAGED[ex.id]
            assert source in ex.sources, ex.id
            assert ex.difficulty == level, ex.id
        elif ex.id in easier:
            below = easier[ex.id].difficulty
            assert below is not None
            want = DIFFICULTY_ORDER[min(rank[below] + 1, len(DIFFICULTY_ORDER) - 1)]
            assert ex.difficulty == want, ex.id
        else:
            assert ex.difficulty in ("beginner", "intermediate"), ex.id


def test_unknown_equipment_names_the_file_the_exercise_and_the_id(
    edit: Editor, knowledge_copy: Path
) -> None:
    edit(
        "exercises.yaml",
        lambda d: _entry(d, "exercises", "vmo-step-down").update(equipment=["step", "bnad"]),
    )
    error = load_error(knowledge_copy)
    problem = _problem(error, "exercises.yaml", "vmo-step-down")
    assert "equipment" in problem
    assert "unknown equipment 'bnad'" in problem
    assert "did you mean 'band'" in problem


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"difficulty": "expert"}, "difficulty: Input should be 'beginner', 'intermediate' or"),
        ({"equipment": ["step", "step"]}, "named more than once: step"),
        ({"equipment": "step"}, "equipment: Input should be a valid list"),
    ],
)
def test_a_malformed_detail_is_an_error_naming_the_exercise(
    edit: Editor, knowledge_copy: Path, change: dict[str, Any], says: str
) -> None:
    edit("exercises.yaml", lambda d: _entry(d, "exercises", "vmo-step-down").update(change))
    assert says in _problem(load_error(knowledge_copy), "exercises.yaml", "vmo-step-down")


def test_a_harder_version_at_an_easier_level_is_an_error(
    edit: Editor, knowledge_copy: Path
) -> None:
    edit(
        "exercises.yaml",
        lambda d: (
            _entry(d, "exercises", "single-leg-bridge").update(difficulty="beginner")
            or _entry(d, "exercises", "glute-bridge").update(difficulty="intermediate")
        ),
    )
    problem = _problem(load_error(knowledge_copy), "exercises.yaml", "single-leg-bridge")
    assert "'beginner' is easier than 'intermediate'" in problem
    assert "glute-bridge" in problem


def test_a_mapping_to_another_database_needs_its_source(edit: Editor, knowledge_copy: Path) -> None:
    edit("equipment.yaml", lambda d: _entry(d, "equipment", "band").update(sources=[]))
    problem = _problem(load_error(knowledge_copy), "equipment.yaml", "band")
    assert "needs its source" in problem


def test_knowledge_written_without_the_detail_still_loads(tmp_path: Path) -> None:
    """A pack (or a base folder) whose exercises say nothing of equipment, difficulty or a
    figure loads; its exercises carry None, and draw as their name and a note."""
    kb = rehabgraph.load_knowledge(extra=[EXAMPLE_PACK])
    pack_ids = [i for i in kb.knowledge.exercises if i.endswith("-rom")]
    assert pack_ids
    for exercise_id in pack_ids:
        ex = kb.knowledge.exercises[exercise_id]
        assert ex.equipment is None
        assert ex.difficulty is None
        assert exercise_id not in kb.knowledge.poses
    fig = draw_exercise(pack_ids[0], kb)
    assert "No drawing of this exercise" in " ".join(t.get_text() for t in fig.texts)
    # a base folder with no equipment.yaml, difficulties.yaml or poses.yaml loads too
    base = tmp_path / "knowledge"
    shutil.copytree(rehabgraph.bundled_knowledge_path(), base)
    for name in ("equipment.yaml", "difficulties.yaml", "poses.yaml"):
        (base / name).unlink()
    data = (base / "exercises.yaml").read_text()
    (base / "exercises.yaml").write_text(
        "\n".join(
            line
            for line in data.splitlines()
            if not line.startswith(("    equipment:", "    difficulty:"))
        )
    )
    plain = rehabgraph.load_knowledge(base)
    assert not plain.knowledge.poses
    assert all(e.equipment is None for e in plain.knowledge.exercises.values())


# --- the poses ------------------------------------------------------------------------------


def _pose(**changes: Any) -> dict[str, Any]:
    pose: dict[str, Any] = {
        "id": "glute-bridge",
        "frames": [{"label": "start", "joints": {"left_knee": 270}}],
    }
    pose.update(changes)
    return pose


@pytest.mark.parametrize(
    ("pose", "says"),
    [
        (
            _pose(frames=[{"label": "a", "joints": {"left_kne": 270}}]),
            "unknown joint 'left_kne' (did you mean 'left_knee'",
        ),
        (
            _pose(frames=[{"label": "a", "joints": {"left_knee": [270, 1.6]}}]),
            "left_knee: a bone is shown at 0.2 to 1 times its length, not 1.6",
        ),
        (
            _pose(frames=[{"label": "a", "joints": {"neck": 400}}]),
            "neck: 400.0 is not an angle from -360 to 360",
        ),
        (
            _pose(
                frames=[
                    {
                        "label": "a",
                        "anchor": {"joint": "left_ankle", "at": [0, 0]},
                        "joints": {"left_foot": 270},
                    }
                ]
            ),
            "left_foot is 14 below the floor",
        ),
        (
            _pose(frames=[{"label": "a"}, {"label": "b"}, {"label": "c"}]),
            "frames: List should have at most 2 items",
        ),
        (_pose(props=[{"kind": "band", "points": ["left_hand"]}]), "a band needs `points`"),
        (_pose(props=[{"kind": "step", "at": [0, 0]}]), "a step needs `size`"),
        (_pose(props=[{"kind": "sofa", "at": [0, 0]}]), "props.0.kind: Input should be"),
        (_pose(props=[{"kind": "ball", "at": "left_palm"}]), "unknown joint 'left_palm'"),
    ],
)
def test_a_pose_that_cannot_be_drawn_is_an_error_saying_why(
    edit: Editor, knowledge_copy: Path, pose: dict[str, Any], says: str
) -> None:
    def replace(data: Any) -> None:
        data["poses"] = [p for p in data["poses"] if p["id"] != pose["id"]] + [pose]

    edit("poses.yaml", replace)
    assert says in _problem(load_error(knowledge_copy), "poses.yaml", pose["id"])


def test_a_pose_of_no_exercise_is_an_error(edit: Editor, knowledge_copy: Path) -> None:
    edit("poses.yaml", lambda d: d["poses"].append(_pose(id="glute-brdge")))
    problem = _problem(load_error(knowledge_copy), "poses.yaml", "glute-brdge")
    assert "unknown exercise 'glute-brdge'" in problem


def test_every_prop_kind_has_a_drawer_and_every_joint_is_placed(kb: KnowledgeBase) -> None:
    assert set(PropKind.__args__) - {"band", "bar"} == set(_DRAWERS)  # type: ignore[attr-defined]
    placed = kb.knowledge.poses["glute-bridge"].placed()
    assert set(JOINTS) < set(placed[0].points)


def test_a_pose_keeps_its_bones_lengths(kb: KnowledgeBase) -> None:
    """Whatever the angles, a bone drawn at full length is as long as the skeleton says."""
    pose = Pose.model_validate(_pose(frames=[{"label": "a", "joints": {"left_knee": 33}}]))
    (placed,) = pose.placed()
    (hx, hy), (kx, ky) = placed.points["left_hip"], placed.points["left_knee"]
    assert round(((kx - hx) ** 2 + (ky - hy) ** 2) ** 0.5, 6) == 43.0
    assert kb.knowledge.poses["vmo-step-down"].frames[0].label


# --- the drawings ---------------------------------------------------------------------------


def test_every_exercise_draws_clearly_and_the_same_every_time(kb: KnowledgeBase) -> None:
    """Every bundled exercise draws: its name as the title, a caption per frame, no text
    outside the figure or over another, and the same SVG bytes twice."""
    for exercise_id, ex in kb.knowledge.exercises.items():
        fig = draw_exercise(exercise_id, kb)
        assert fig.texts[0].get_text().replace("\n", " ") == ex.name[:1].upper() + ex.name[1:]
        frames = kb.knowledge.poses[exercise_id].frames
        assert len(fig.axes) == len(frames)
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        page = fig.bbox
        for text in fig.texts:
            box = text.get_window_extent(renderer)
            inside = box.x0 >= page.x0 and box.x1 <= page.x1
            assert inside and box.y0 >= page.y0 and box.y1 <= page.y1, (exercise_id, text)
        assert overlaps(fig, list(fig.texts)) == [], exercise_id
        first = figure_svg(fig)
        assert first.startswith(b"<?xml") and len(first) < 40_000, exercise_id
        assert exercise_svg(exercise_id, kb) == first, exercise_id


def test_draw_exercise_takes_an_id_an_exercise_or_a_planned_exercise(kb: KnowledgeBase) -> None:
    rec = unscreened().recommend(answered_no(unscreened(), OUTER_KNEE))
    planned = rec.exercises[-1]
    by_id = exercise_svg(planned.exercise_id, kb)
    assert exercise_svg(planned, kb) == by_id
    assert exercise_svg(kb.knowledge.exercises[planned.exercise_id], kb) == by_id
    assert exercise_svg(planned.exercise_id) == by_id  # the bundled knowledge by default
    with pytest.raises(UnknownExerciseError, match="vmo-step-down"):
        draw_exercise("vmo-stepdown", kb)


def test_the_moving_bones_are_drawn_in_colour(kb: KnowledgeBase) -> None:
    fig = draw_exercise("glute-bridge", kb)
    colours = {line.get_color() for ax in fig.axes for line in ax.get_lines() if line.get_color()}
    assert "#d1495b" in colours  # the hips and legs that lift


# --- the answers ----------------------------------------------------------------------------


def test_a_planned_exercise_carries_its_equipment_and_difficulty(kb: KnowledgeBase) -> None:
    rec = unscreened().recommend(answered_no(unscreened(), OUTER_KNEE))
    step_down = next(e for e in rec.exercises if e.exercise_id == "vmo-step-down")
    assert [e.id for e in step_down.equipment or ()] == ["step", "handhold"]
    assert step_down.equipment is not None
    assert step_down.equipment[0].name == kb.knowledge.equipment["step"].name
    assert step_down.difficulty == "advanced"
    squeeze = next(e for e in rec.exercises if e.exercise_id == "glute-squeeze")
    assert squeeze.equipment == ()
    data = json.loads(rec.model_dump_json())
    planned = {e["exercise_id"]: e for e in data["exercises"]}
    assert planned["vmo-step-down"]["equipment"][0] == {"id": "step", "name": "a step or stair"}
    assert planned["vmo-step-down"]["difficulty"] == "advanced"
    assert Recommendation.model_validate_json(rec.model_dump_json()) == rec
    schema = Recommendation.model_json_schema()
    assert schema["$defs"]["PlannedExercise"]["properties"]["difficulty"]
    text = rec.explain()
    assert "You need: nothing (body only). Difficulty: beginner." in text
    assert "You need: a step or stair, something sturdy to hold on to." in text


def test_a_programme_carries_each_versions_equipment() -> None:
    programme = unscreened().programme(answered_no(unscreened(), OUTER_KNEE), weeks=4)
    versions = {e.exercise_id: e for p in programme.phases for e in p.exercises}
    assert {"vmo-step-down-low", "vmo-step-down"} <= set(versions)  # easier first
    assert [e.id for e in versions["vmo-step-down-low"].equipment or ()] == ["step", "handhold"]
    assert versions["vmo-step-down-low"].difficulty == "intermediate"
    assert versions["glute-squeeze"].equipment == ()


def test_the_command_line_shows_them() -> None:
    done = cli("recommend", "outer knee", "--side", "right", "--answers", "no")
    assert done.returncode == 0, done.stderr
    assert "You need: a step or stair, something sturdy to hold on to. Difficulty: advanced." in (
        " ".join(done.stdout.split())
    )
    done = cli("recommend", "outer knee", "--side", "right", "--answers", "no", "--json")
    data = json.loads(done.stdout)
    assert {e["difficulty"] for e in data["exercises"]} == {"beginner", "advanced"}


# --- FHIR -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fhir() -> Any:
    pytest.importorskip("fhir.resources")
    from rehabgraph import fhir as module

    return module


def _activity(bundle: Any, exercise_id: str) -> dict[str, Any]:
    data = bundle.model_dump(mode="json", exclude_none=True)
    return next(e["resource"] for e in data["entry"] if e["resource"].get("id") == exercise_id)


def test_activity_definitions_carry_equipment_difficulty_and_the_drawing(
    fhir: Any, kb: KnowledgeBase
) -> None:
    bundle = fhir.knowledge_bundle(kb, base=BASE)
    step_down = _activity(bundle, "vmo-step-down")
    devices = step_down["participant"]
    assert [d["type"] for d in devices] == ["device", "device"]
    codes = [d["role"]["coding"][0] for d in devices]
    assert [c["code"] for c in codes] == ["step", "handhold"]
    assert {c["system"] for c in codes} == {f"{BASE}/CodeSystem/rehabgraph-equipment"}
    assert step_down["usage"].startswith("Difficulty: advanced. A later step")
    assert "You need: a step or stair" in step_down["text"]["div"]
    (drawing,) = [r for r in step_down["relatedArtifact"] if r["type"] == "documentation"]
    assert drawing["document"] == {
        "contentType": "image/svg+xml",
        "url": f"{BASE}/Binary/vmo-step-down-drawing",
        "title": "Line drawing of the VMO step-down: start and end",
    }
    assert "participant" not in _activity(bundle, "glute-squeeze")  # it needs nothing
    system = _activity(bundle, "rehabgraph-equipment")
    assert system["resourceType"] == "CodeSystem"
    assert {c["code"] for c in system["concept"]} == set(kb.knowledge.equipment)


def test_the_drawing_can_travel_inline(fhir: Any, kb: KnowledgeBase, hl7: Any) -> None:
    drawn: dict[str, bytes] = {}

    def svg(exercise_id: str) -> bytes:
        drawn[exercise_id] = exercise_svg(exercise_id, kb)
        return drawn[exercise_id]

    small = _small_kb(kb, ["glute-bridge", "wall-slide"])
    bundle = fhir.knowledge_bundle(small, base=BASE, illustration=svg)
    for exercise_id in ("glute-bridge", "wall-slide"):
        (drawing,) = [
            r
            for r in _activity(bundle, exercise_id)["relatedArtifact"]
            if r["type"] == "documentation"
        ]
        data = base64.b64decode(drawing["document"]["data"])
        assert data == drawn[exercise_id]
        assert drawing["document"]["size"] == len(data)
        sha1 = hashlib.sha1(data, usedforsecurity=False).digest()
        assert drawing["document"]["hash"] == base64.b64encode(sha1).decode()
    report = hl7.check(bundle.model_dump(mode="json", exclude_none=True))
    assert report.errors == [], report.errors[:5]
    assert report.warnings == [], report.warnings[:5]


def test_care_plan_activities_say_what_they_need(fhir: Any) -> None:
    recommender = unscreened()
    report = answered_no(recommender, OUTER_KNEE)
    plan = fhir.to_care_plan(recommender.recommend(report), "Patient/1", base=BASE)
    described = {a.detail.code.text: a.detail.description for a in plan.activity}
    assert (
        "You need: a step or stair, something sturdy to hold on to." in (described["VMO step-down"])
    )
    assert "Difficulty: advanced." in described["VMO step-down"]
    programme = fhir.to_care_plan(recommender.programme(report, weeks=4), "Patient/1", base=BASE)
    assert any(
        "Difficulty: intermediate." in a.detail.description
        for a in programme.activity
        if a.detail.code.text == "VMO step-down from a low step"
    )


def _small_kb(kb: KnowledgeBase, keep: list[str]) -> KnowledgeBase:
    """The knowledge with only these exercises, to keep an inline bundle small."""
    from dataclasses import replace
    from types import MappingProxyType

    k = kb.knowledge
    exercises = {i: k.exercises[i] for i in keep}
    return KnowledgeBase(knowledge=replace(k, exercises=MappingProxyType(exercises)))
