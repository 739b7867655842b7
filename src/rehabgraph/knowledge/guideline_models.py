"""Models of guidelines.yaml: clinical-practice-guideline recommendations as a second family of
rules. A recommendation covers zones; for them it says what a plan must include (exercises it
names or every exercise that works given muscles a given way), what the plan opens by saying,
and what the plan must not hold."""

from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from rehabgraph.knowledge.fields import Action, Cited, Edge, Id, Model, Phrase, Ref, Text

__all__ = [
    "Avoid",
    "Guideline",
    "GuidelineRecommendation",
    "GuidelinesFile",
    "Requirement",
    "TargetsSpec",
]


class TargetsSpec(Model):
    """Every exercise whose own ``targets`` work one of ``muscles`` with ``action``."""

    muscles: Annotated[list[Id], Ref("muscle")] = Field(min_length=1)
    action: Action


class Requirement(Cited):
    """One thing a plan for the recommendation's zones must include: ``what`` it is in words
    ("hip abductor strengthening"), met by any of ``exercises`` or of the exercises ``targets``
    matches (the loader adds those to ``exercises``)."""

    what: Phrase
    exercises: Annotated[list[Id], Ref("exercise")] = Field(default_factory=list)
    targets: TargetsSpec | None = None

    @model_validator(mode="after")
    def _names_something(self) -> "Requirement":
        if not self.exercises and self.targets is None:
            raise ValueError("name `exercises`, `targets` or both")
        return self


class Avoid(Cited):
    """Exercises a plan for the recommendation's zones must not hold, and why."""

    exercises: Annotated[list[Id], Ref("exercise")] = Field(min_length=1)
    reason: Text


class Guideline(Cited):
    """A clinical practice guideline: how sentences name it and what its grades mean."""

    entry_kind: ClassVar[str | None] = "guideline"
    id: Id
    name: Text
    said_as: Phrase = Field(description="How a sentence names it: 'the JOSPT ... guideline'.")
    grades: dict[Phrase, Text] = Field(
        min_length=1, description="The guideline's own grades and what each means."
    )


class GuidelineRecommendation(Cited):
    """One recommendation of a guideline, for the zones whose pain it is about."""

    entry_kind: ClassVar[str | None] = "recommendation"
    id: Id
    guideline: Annotated[Id, Ref("guideline")]
    grade: Phrase
    name: Phrase | None = Field(
        default=None, description="A short name for pictures and lists (default: from the id)."
    )
    statement: Text
    zones: Annotated[list[Id], Ref("zone"), Edge("covers")] = Field(min_length=1)
    include: Annotated[list[Requirement], Edge("recommends", head="exercises", text="what")] = (
        Field(default_factory=list)
    )
    say: Text | None = Field(
        default=None, description="Advice a plan for these zones opens with, said to the person."
    )
    avoid: list[Avoid] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or self.id.replace("-", " ")


class GuidelinesFile(Model):
    guidelines: list[Guideline] = Field(default_factory=list)
    recommendations: list[GuidelineRecommendation] = Field(default_factory=list)
