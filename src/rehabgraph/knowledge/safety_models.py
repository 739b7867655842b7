"""Models of safety.yaml: red-flag screening questions, conditions, the feedback adaptation."""

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from rehabgraph.knowledge.fields import Cited, Code, Id, Model, Phrase, Ref, Text

__all__ = [
    "URGENCY_ORDER",
    "Adaptation",
    "AgeRule",
    "Condition",
    "Pattern",
    "SafetyFile",
    "ScreeningQuestion",
    "Urgency",
]

Urgency = Literal["emergency", "urgent", "routine"]
# Most urgent first: a referral names the most urgent red flag present.
URGENCY_ORDER: tuple[str, ...] = ("emergency", "urgent", "routine")
Pattern = Annotated[
    list[Annotated[list[Phrase], Field(min_length=1)]],
    Field(min_length=2, description="Groups of alternative phrases; one of each must appear."),
]


class AgeRule(Model):
    """How an age in years answers a question: outside the range it is "no"; inside it is
    "yes" when ``decides``, else the question is still asked."""

    at_least: int | None = Field(default=None, ge=0, le=130)
    below: int | None = Field(default=None, ge=1, le=131)
    decides: bool = False
    rules_out: bool = Field(
        default=False,
        description="A stated age outside the range answers no even when words affirm it: the "
        "condition does not occur at that age (giant cell arteritis under 50). Only the "
        "report's own age field does this; an age in words never rules a flag out.",
    )

    @model_validator(mode="after")
    def _a_range(self) -> "AgeRule":
        if self.at_least is None and self.below is None:
            raise ValueError("an age rule needs at_least, below or both")
        if self.at_least is not None and self.below is not None and self.below <= self.at_least:
            raise ValueError("below must be greater than at_least")
        return self

    def applies(self, age: int) -> bool:
        return (self.at_least is None or age >= self.at_least) and (
            self.below is None or age < self.below
        )


class ScreeningQuestion(Cited):
    """A screening question; answered yes (or named in a person's symptoms) it is a red flag.

    A question with no ``urgency`` is a gate: it raises no flag itself, but the questions whose
    ``only_if`` names it are asked only when it is answered yes.
    """

    entry_kind: ClassVar[str | None] = "question"
    id: Id
    question: Text
    phrases: list[Phrase] = Field(
        default_factory=list,
        description="Lay and clinical phrasings that mean 'yes'. Case, spelling, word endings, "
        "small typos and glue words are folded; up to two other words may stand between two "
        "words of a phrase.",
    )
    patterns: list[Pattern] = Field(
        default_factory=list,
        description="Word groups that must all appear in one clause, in any order.",
    )
    zones: Annotated[list[Id], Ref("zone", allow=("all",))] = Field(
        min_length=1, description="Zone ids, or [all]."
    )
    urgency: Urgency | None = None
    only_if: Annotated[dict[Id, bool], Ref("question")] = Field(default_factory=dict)
    concern: Phrase | None = None
    tell: Text | None = None
    counts_when_historical: bool = Field(
        default=False,
        description="A past mention still counts (a history of cancer, a previous clot).",
    )
    counts_only_with_its_zones: bool = Field(
        default=False,
        description="Words affirm it only in a report that names one of its zones: a flag "
        "defined by its company (pain between the shoulder blades *with* low back pain), where "
        "the same words alone are an ordinary complaint of another zone.",
    )
    age: AgeRule | None = Field(
        default=None, description="How the report's age answers this question."
    )
    temperature_at_least: float | None = Field(
        default=None,
        ge=30,
        le=45,
        description="A stated body temperature at or above this (degrees Celsius) affirms it.",
    )
    codes: list[Code] = Field(
        default_factory=list,
        description="Codes of the condition this flag stands for (a FHIR Condition with one "
        "of them affirms it).",
    )

    @model_validator(mode="after")
    def _flag_has_words(self) -> "ScreeningQuestion":
        if self.urgency is not None and not (self.concern and self.tell):
            raise ValueError("a red flag (a question with an urgency) needs `concern` and `tell`")
        return self


class Condition(Cited):
    """Something a person has (a knee that gives way) that an exercise may not suit."""

    entry_kind: ClassVar[str | None] = "condition"
    id: Id
    name: Phrase
    phrases: list[Phrase] = Field(default_factory=list)
    patterns: list[Pattern] = Field(default_factory=list)
    within_days: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        description="When the person's words date it ('6 weeks ago'), it applies only within "
        "this many days.",
    )
    codes: list[Code] = Field(default_factory=list)


class Adaptation(Cited):
    """How feedback changes an exercise: the article's stop rule, as numbers and sentences."""

    regress_when_pain_above: int = Field(ge=0, le=10)
    progress_when_pain_at_most: int = Field(ge=0, le=10)
    regressed: Text
    progressed: Text
    contraindicated: Text
    no_easier_version: Text
    kept: Text


class SafetyFile(Model):
    notice: Text
    notice_sources: Annotated[list[Id], Ref("source", entry="notice")] = Field(min_length=1)
    questions: list[ScreeningQuestion] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    adaptation: Adaptation
