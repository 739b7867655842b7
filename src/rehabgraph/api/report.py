"""PainReport: what a person tells rehabgraph. The input contract, validated by pydantic."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from rehabgraph.errors import InvalidReportError
from rehabgraph.knowledge.models import Side

__all__ = [
    "SCHEMA_VERSION",
    "SNOMED_CT",
    "Coding",
    "ExerciseFeedback",
    "PainReport",
    "SessionRecord",
    "Side",
    "Site",
    "invalid_report",
]

SCHEMA_VERSION = "1"

Phrase = Annotated[str, StringConstraints(max_length=500)]


SNOMED_CT = "http://snomed.info/sct"


class Coding(BaseModel):
    """A code from a terminology, as FHIR writes it (system, code, display)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    system: Annotated[str, StringConstraints(max_length=200)] = SNOMED_CT
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    display: Phrase | None = None


class Site(BaseModel):
    """One place that hurts: a zone id or a lay phrase (or a body-structure code), an optional
    side (or SNOMED CT laterality code) and intensity (0-10)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    location: Phrase | None = Field(
        default=None, description="A zone id or what the person says, e.g. 'outer knee'."
    )
    code: Coding | None = Field(
        default=None,
        description="A body-structure code (SNOMED CT); its display is read as words when no "
        "zone carries the code.",
    )
    laterality: Coding | None = Field(
        default=None, description="A SNOMED CT laterality qualifier (left, right, both)."
    )
    side: Side | None = Field(
        default=None, description="left, right or both; may also be named in the location phrase."
    )
    intensity: int | None = Field(default=None, ge=0, le=10, description="Pain 0-10.")

    @model_validator(mode="after")
    def _somewhere(self) -> "Site":
        if self.location is None and self.code is None:
            raise ValueError("a site needs a location (words or a zone id) or a code")
        return self


class ExerciseFeedback(BaseModel):
    """How an exercise went last time: pain during it (0-10) and reps done with good form."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    exercise_id: Annotated[str, StringConstraints(max_length=80)]
    pain_during: int = Field(ge=0, le=10)
    reps_with_good_form: int = Field(default=0, ge=0, le=1000)


class SessionRecord(BaseModel):
    """One session of an exercise as done: the day, how many sets and reps, the pain during it
    and the next day (0-10), and whether good form held throughout."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    date: date
    exercise_id: Annotated[str, StringConstraints(max_length=80)]
    sets: int | None = Field(default=None, ge=0, le=100)
    reps: int | None = Field(default=None, ge=0, le=1000)
    pain_during: int = Field(ge=0, le=10)
    pain_next_day: int | None = Field(default=None, ge=0, le=10)
    good_form: bool = True


class PainReport(BaseModel):
    """Where it hurts.

    >>> report = PainReport.model_validate({"sites": [{"location": "outer knee", "side": "right"}]})
    >>> report.sites[0].location, report.sites[0].side
    ('outer knee', 'right')
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    history: list[SessionRecord] = Field(
        default_factory=list,
        max_length=2000,
        description="Sessions done so far; the plan gives each exercise's next session from "
        "them (the same dose, more, less, the easier or the harder version, and why).",
    )
    age: int | None = Field(
        default=None,
        ge=0,
        le=130,
        description="Age in years; some screening questions depend on it (the Ottawa knee rule "
        "asks 55 or older; a child with a limp is seen the same day).",
    )
    reported_on: date | None = Field(
        default=None,
        description="The day the report was made; '6 weeks ago' is counted from it (default: "
        "today).",
    )

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> "PainReport":
        """Validate a dict (or a PainReport); a bad one is an InvalidReportError naming every
        field that is wrong, never a pydantic ValidationError."""
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise invalid_report(exc) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> "PainReport":
        """Validate JSON text; bad JSON or a bad report is an InvalidReportError."""
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as exc:
            raise invalid_report(exc) from None


def invalid_report(exc: ValidationError) -> InvalidReportError:
    """The InvalidReportError for a pydantic ValidationError: every field, and what is wrong."""
    problems = [
        f"{'.'.join(str(p) for p in e['loc']) or 'report'}: {e['msg']}" for e in exc.errors()
    ]
    return InvalidReportError(f"invalid pain report: {'; '.join(problems)}", problems)
