"""Programme: a plan laid out over weeks, in phases, with the criteria to move on.

The phases are knowledge (``dosing.yaml``): which exercises each phase holds, at which version
(easier, as planned, harder) and for what share of the weeks. ``Recommender.programme`` builds
one; ``rehabgraph.fhir.to_care_plan`` writes it as a CarePlan whose activities carry their
periods.
"""

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from rehabgraph.api.pieces import equipment_of
from rehabgraph.api.recommendation import EquipmentRef, Recommendation, Status
from rehabgraph.api.report import Side
from rehabgraph.engine import Adapter, Doser
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.dosing_models import Phase
from rehabgraph.knowledge.models import DifficultyLevel
from rehabgraph.knowledge.text import one_line

__all__ = ["PhaseExercise", "Programme", "ProgrammePhase", "lay_out"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class PhaseExercise(_Out):
    """One exercise of a phase at the version and starting dose the phase gives it."""

    exercise_id: str
    name: str
    side: Side | None
    sets: int | None
    reps: int | None
    dosage: str = Field(description="The exercise's dosage, in words.")
    planned_as: str = Field(description="The exercise of the plan this is a version of.")
    equipment: tuple[EquipmentRef, ...] | None = Field(
        default=None, description="What this version needs; None: the knowledge does not say."
    )
    difficulty: DifficultyLevel | None = None


class ProgrammePhase(_Out):
    id: str
    name: str
    first_week: int = Field(description="The phase's first week, counting from 1.")
    last_week: int
    start: date
    end: date = Field(description="The phase's last day.")
    exercises: list[PhaseExercise]
    move_on: str = Field(description="When to move on to the next phase, in words.")
    sources: tuple[str, ...]


class Programme(_Out):
    """The plan over ``weeks`` weeks: its phases in order (none when the plan holds no
    exercises: see ``recommendation.status``)."""

    status: Status
    weeks: int
    start: date
    phases: list[ProgrammePhase]
    recommendation: Recommendation
    notice: str


def lay_out(
    rec: Recommendation, adapter: Adapter, doser: Doser, weeks: int, start: date
) -> Programme:
    """The programme for a recommendation: its exercises through the knowledge's phases."""
    knowledge = adapter.knowledge
    phases = _fitted(knowledge.dosing.phases, weeks) if rec.exercises else []
    lengths = _weeks(phases, weeks)
    out: list[ProgrammePhase] = []
    first = 1
    for phase, length in zip(phases, lengths, strict=True):
        begin = start + timedelta(weeks=first - 1)
        out.append(
            ProgrammePhase(
                id=phase.id,
                name=phase.name,
                first_week=first,
                last_week=first + length - 1,
                start=begin,
                end=begin + timedelta(weeks=length, days=-1),
                exercises=_exercises(rec, phase, knowledge, adapter, doser),
                move_on=one_line(phase.move_on),
                sources=tuple(phase.sources),
            )
        )
        first += length
    return Programme(
        status=rec.status,
        weeks=weeks,
        start=start,
        phases=out,
        recommendation=rec,
        notice=rec.notice,
    )


_PRIORITY = {"planned": 0, "easier": 1, "harder": 2}


def _fitted(phases: list[Phase], weeks: int) -> list[Phase]:
    """As many phases as there are weeks: the planned version first, then the easier, then the
    harder, kept in their own order."""
    if weeks >= len(phases):
        return list(phases)
    keep = sorted(phases, key=lambda p: _PRIORITY[p.version])[:weeks]
    return [p for p in phases if p in keep]


def _weeks(phases: list[Phase], weeks: int) -> list[int]:
    """Each phase's weeks: at least one each, the rest shared by weight (largest remainder)."""
    if not phases:
        return []
    spare = weeks - len(phases)
    total = sum(p.share for p in phases)
    exact = [spare * p.share / total for p in phases]
    lengths = [1 + int(x) for x in exact]
    left = weeks - sum(lengths)
    order = sorted(range(len(phases)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    for i in order[:left]:
        lengths[i] += 1
    return lengths


def _exercises(
    rec: Recommendation, phase: Phase, k: Knowledge, adapter: Adapter, doser: Doser
) -> list[PhaseExercise]:
    held = set(rec.conditions)
    out: list[PhaseExercise] = []
    for ex in rec.exercises:
        root = k.exercises[adapter.family(ex.exercise_id)]
        if not {t.action for t in root.targets} & set(phase.actions) and root.targets:
            continue
        version = ex.exercise_id
        other = {"easier": adapter.easier_of, "harder": adapter.harder_of}.get(phase.version)
        if other is not None and (v := other.get(version)) is not None:
            ruled_out = any(c.condition in held for c in k.exercises[v].contraindications)
            version = version if ruled_out else v
        sets, reps = doser.start(version)
        if ex.next_session is not None and version == ex.next_session.exercise_id:
            sets, reps = ex.next_session.sets, ex.next_session.reps
        chosen = k.exercises[version]
        out.append(
            PhaseExercise(
                exercise_id=version,
                name=chosen.name,
                side=ex.side,
                sets=sets,
                reps=reps,
                dosage=chosen.dosage.describe(),
                planned_as=ex.exercise_id,
                equipment=equipment_of(chosen, k),
                difficulty=chosen.difficulty,
            )
        )
    return out
