"""The models of an exercise's detail vocabularies: what you need (``equipment.yaml``) and how
hard it is (``difficulties.yaml``).

Both are words, not medical facts: each entry says what it means and, where another exercise
database has the same term (free-exercise-db's ``equipment`` and ``level``, wger's equipment
ids), which one, with the source that lists it. An exercise names its equipment and its
difficulty by these ids; an unknown id is a load error naming the file, the exercise and the id.
"""

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from rehabgraph.knowledge.fields import Id, Model, Phrase, Ref, Text

__all__ = [
    "DIFFICULTY_ORDER",
    "DifficultiesFile",
    "Difficulty",
    "DifficultyLevel",
    "Equipment",
    "EquipmentFile",
    "FreeExerciseDbEquipment",
    "FreeExerciseDbLevel",
]

DifficultyLevel = Literal["beginner", "intermediate", "advanced"]
# Easiest first: a harder version of an exercise is never at an easier level than it.
DIFFICULTY_ORDER: tuple[str, ...] = DifficultyLevel.__args__  # type: ignore[attr-defined]

# free-exercise-db's own terms (its schema.json: `equipment` and `level`)
FreeExerciseDbEquipment = Literal[
    "medicine ball",
    "dumbbell",
    "body only",
    "bands",
    "kettlebells",
    "foam roll",
    "cable",
    "machine",
    "barbell",
    "exercise ball",
    "e-z curl bar",
    "other",
]
FreeExerciseDbLevel = Literal["beginner", "intermediate", "expert"]


class _Mapped(Model):
    """An entry that may name the same term in another exercise database, citing where."""

    sources: Annotated[list[Id], Ref("source")] = Field(
        default_factory=list,
        description="Where the other databases' terms it maps to are listed; needed when it "
        "maps to one.",
    )

    def _maps(self) -> bool:
        return False

    @model_validator(mode="after")
    def _cited_mapping(self) -> "_Mapped":
        if self._maps() and not self.sources:
            raise ValueError("sources: a mapping to another database's term needs its source")
        return self


class Equipment(_Mapped):
    """One thing an exercise needs: a step, a band, a wall, a chair."""

    entry_kind: ClassVar[str | None] = "equipment"
    id: Id
    name: Phrase = Field(description="As a list of what you need reads it: 'a step or stair'.")
    description: Text | None = None
    free_exercise_db: FreeExerciseDbEquipment | None = Field(
        default=None,
        description="free-exercise-db's `equipment` term for the same thing, where it has one "
        "(left out: its catch-all 'other').",
    )
    wger: int | None = Field(
        default=None, ge=1, description="wger's equipment id for the same thing, where it has one."
    )

    def _maps(self) -> bool:
        return self.free_exercise_db is not None or self.wger is not None


class Difficulty(_Mapped):
    """One level of the difficulty scale, with what it means."""

    entry_kind: ClassVar[str | None] = "difficulty"
    id: DifficultyLevel
    name: Phrase
    means: Text = Field(description="What the level means, for the person and the clinician.")
    free_exercise_db: FreeExerciseDbLevel | None = Field(
        default=None, description="free-exercise-db's `level` for the same level."
    )

    def _maps(self) -> bool:
        return self.free_exercise_db is not None


class EquipmentFile(Model):
    equipment: list[Equipment]


class DifficultiesFile(Model):
    difficulties: list[Difficulty]
