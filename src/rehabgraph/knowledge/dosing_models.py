"""Models of dosing.yaml: how a dose moves from session to session (the progression rule and
the pain rules that hold it back), and the phases of a programme over weeks."""

from typing import Annotated, Literal

from pydantic import Field

from rehabgraph.knowledge.fields import Action, Cited, Id, Model, Phrase, Ref, Text

__all__ = ["DosingFile", "PainLimits", "PainRule", "Phase", "Progression"]


class Progression(Cited):
    """When and how a dose goes up: after ``sessions`` sessions in a row at the full dose, with
    good form and pain within the pain rule's limits, one change at a time, in ``order``."""

    sessions: int = Field(ge=1, le=20)
    order: list[Literal["reps", "sets", "harder"]] = Field(min_length=1)
    reps_step: int = Field(ge=1, le=50, description="Reps added (or taken off) in one change.")
    sets_max: int = Field(ge=1, le=20, description="The most sets a dose goes up to.")


class PainLimits(Model):
    """Pain on 0-10 during a session and the next day (``None``: not limited)."""

    during: int | None = Field(default=None, ge=0, le=10)
    next_day: int | None = Field(default=None, ge=0, le=10)


class PainRule(Cited):
    """How much pain a session may bring: at most ``progress_at_most`` lets the dose go up,
    above ``back_off_above`` it comes down (``back_off``: fewer reps, or the easier version).
    Every exercise follows the ``default`` rule unless a rule names its family."""

    id: Id
    name: Phrase
    default: bool = False
    families: Annotated[list[Id], Ref("exercise")] = Field(
        default_factory=list, description="The exercise families (by any version) it rules."
    )
    progress_at_most: PainLimits
    back_off_above: PainLimits
    back_off: Literal["less", "easier"]
    said: Text = Field(description="The rule in words, as the reason of a change names it.")


class Phase(Cited):
    """One phase of a programme: which exercises it holds (by what they do to their muscles),
    at which version, for what share of the weeks, and when to move on."""

    id: Id
    name: Phrase
    actions: list[Action] = Field(
        min_length=1, description="Exercises whose targets do one of these join the phase."
    )
    version: Literal["easier", "planned", "harder"] = Field(
        default="planned",
        description="Strengthening exercises at their easier version, as planned, or harder.",
    )
    share: int = Field(ge=1, le=10, description="Its share of the weeks (a weight).")
    move_on: Text = Field(description="When to move on to the next phase, in words.")


class DosingFile(Model):
    progression: Progression | None = None
    pain_rules: list[PainRule] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    sentences: dict[Literal["same", "more", "less", "easier", "harder", "form", "first"], Text] = (
        Field(default_factory=dict, description="The reason of each change, with placeholders.")
    )
