"""PainReport: what a person tells rehabgraph. The input contract, validated by pydantic."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from rehabgraph.knowledge.models import Side

__all__ = ["SCHEMA_VERSION", "ExerciseFeedback", "PainReport", "Side", "Site"]

SCHEMA_VERSION = "1"

Phrase = Annotated[str, StringConstraints(max_length=500)]


class Site(BaseModel):
    """One place that hurts: a zone id or a lay phrase, an optional side and intensity (0-10)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    location: Phrase = Field(description="A zone id or what the person says, e.g. 'outer knee'.")
    side: Side | None = Field(
        default=None, description="left, right or both; may also be named in the location phrase."
    )
    intensity: int | None = Field(default=None, ge=0, le=10, description="Pain 0-10.")


class ExerciseFeedback(BaseModel):
    """How an exercise went last time: pain during it (0-10) and reps done with good form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise_id: Annotated[str, StringConstraints(max_length=80)]
    pain_during: int = Field(ge=0, le=10)
    reps_with_good_form: int = Field(default=0, ge=0, le=1000)


class PainReport(BaseModel):
    """Where it hurts.

    >>> report = PainReport.model_validate({"sites": [{"location": "outer knee", "side": "right"}]})
    >>> report.sites[0]
    Site(location='outer knee', side='right', intensity=None)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal["1"] = "1"
    sites: list[Site] = Field(min_length=1, max_length=50)
    answers: dict[Annotated[str, StringConstraints(max_length=80)], bool] = Field(
        default_factory=dict,
        max_length=200,
        description="Screening question id -> yes (true) or no (false).",
    )
    symptoms: list[Phrase] = Field(
        default_factory=list,
        max_length=50,
        description="What else the person notices, in their words ('numb between my legs').",
    )
    conditions: list[Phrase] = Field(
        default_factory=list,
        max_length=50,
        description="Condition ids or lay phrases ('my knee gives way').",
    )
    feedback: list[ExerciseFeedback] = Field(default_factory=list, max_length=50)
