"""Pydantic models of the knowledge files: the contract a clinician's YAML must meet.

Every model forbids unknown fields, so a typo in a field name is an error that names the field,
not a fact that silently goes missing.
"""

import string
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    field_validator,
    model_validator,
)

from rehabgraph.knowledge.detail_models import (
    DIFFICULTY_ORDER,
    DifficultiesFile,
    Difficulty,
    DifficultyLevel,
    Equipment,
    EquipmentFile,
)
from rehabgraph.knowledge.fields import (
    EVIDENCE_ORDER,
    ID_PATTERN,
    Action,
    Cited,
    Code,
    Edge,
    Evidence,
    Id,
    Model,
    Phrase,
    Ref,
    Text,
    edge_specs,
)
from rehabgraph.knowledge.guideline_models import (
    Avoid,
    Guideline,
    GuidelineRecommendation,
    GuidelinesFile,
    Requirement,
    TargetsSpec,
)
from rehabgraph.knowledge.lexicon_models import (
    ContextCategory,
    ContextLexicon,
    ContextTerminator,
    ContextTrigger,
    Lexicon,
    Side,
)
from rehabgraph.knowledge.pose_models import Frame, Pose, PosesFile, Prop
from rehabgraph.knowledge.safety_models import (
    URGENCY_ORDER,
    Adaptation,
    AgeRule,
    Condition,
    Pattern,
    SafetyFile,
    ScreeningQuestion,
    Urgency,
)

__all__ = [
    "DIFFICULTY_ORDER",
    "EDGES",
    "EDGE_ATTRIBUTES",
    "EDGE_ENDS",
    "EDGE_TEXT",
    "EVIDENCE_ORDER",
    "ID_PATTERN",
    "URGENCY_ORDER",
    "Action",
    "Adaptation",
    "AgeRule",
    "Avoid",
    "Before",
    "Code",
    "Condition",
    "Contested",
    "ContextCategory",
    "ContextLexicon",
    "ContextTerminator",
    "ContextTrigger",
    "Contraindication",
    "Corrects",
    "DifficultiesFile",
    "Difficulty",
    "DifficultyLevel",
    "Dosage",
    "EdgeType",
    "Equipment",
    "EquipmentFile",
    "Evidence",
    "Exercise",
    "Frame",
    "Guideline",
    "GuidelineRecommendation",
    "GuidelinesFile",
    "Imbalance",
    "Involvement",
    "Lexicon",
    "Manifest",
    "Muscle",
    "NodeKind",
    "PackManifest",
    "PathStep",
    "Pattern",
    "Pose",
    "PosesFile",
    "Precaution",
    "Principle",
    "Prop",
    "Referral",
    "RegionReach",
    "RegionsFile",
    "Requirement",
    "Rule",
    "RulesFile",
    "SafetyFile",
    "Scoring",
    "ScreeningQuestion",
    "Side",
    "Source",
    "Target",
    "TargetsSpec",
    "Urgency",
    "Variant",
    "Zone",
]

NodeKind = Literal["zone", "muscle", "imbalance", "exercise", "condition", "recommendation"]
# The rules' edge list: the edge types a rule's path may walk. Each is declared, with its ends and
# attributes, by an ``Edge(...)`` on the model field that holds its facts (see EDGE_ENDS below).
EdgeType = Literal[
    "refers_pain_to",
    "involves",
    "corrected_by",
    "targets",
    "comes_before",
    "regresses_to",
    "progresses_to",
    "contraindicates",
    "covers",
    "recommends",
]
How = Literal["tight", "weak", "off-balance"]
SourceKind = Literal["guideline", "textbook", "review", "article", "clinical-pathway", "reference"]


class Source(Model):
    entry_kind: ClassVar[str | None] = "source"
    id: Id
    title: Text
    kind: SourceKind
    authors: list[Phrase] = Field(default_factory=list)
    publisher: Text | None = None
    year: int | None = Field(default=None, ge=1800, le=2100)
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    locator: Text | None = None

    @model_validator(mode="after")
    def _findable(self) -> "Source":
        if not (self.url or self.doi or self.locator):
            raise ValueError("a source needs a url, a doi or a locator (book, chapter, ISBN)")
        return self


class Zone(Cited):
    entry_kind: ClassVar[str | None] = "zone"
    id: Id
    name: Phrase
    region: Phrase
    part_of: list[Phrase] = Field(
        default_factory=list,
        description="Broader words that also take in this zone ('arm' for the elbow): said "
        "alone, each asks which part, as the region does.",
    )
    sided: bool = False
    aliases: list[Phrase] = Field(min_length=1)
    codes: list[Code] = Field(default_factory=list)

    @property
    def regions(self) -> tuple[str, ...]:
        """The region, then the broader words that take the zone in."""
        return (self.region, *self.part_of)


class Muscle(Cited):
    entry_kind: ClassVar[str | None] = "muscle"
    id: Id
    name: Phrase
    group: Phrase | None = None
    aliases: list[Phrase] = Field(default_factory=list)
    description: Text | None = None
    codes: list[Code] = Field(default_factory=list)


class Referral(Cited):
    muscle: Annotated[Id, Ref("muscle")]
    zone: Annotated[Id, Ref("zone")]
    note: Text | None = None


class Involvement(Cited):
    muscle: Annotated[Id, Ref("muscle")]
    how: list[How] = Field(min_length=1)


class Contested(Cited):
    """Why the model an imbalance comes from is contested, in words a person reads."""

    said: Text


class Imbalance(Cited):
    entry_kind: ClassVar[str | None] = "imbalance"
    id: Id
    name: Phrase
    description: Text
    involves: Annotated[list[Involvement], Edge("involves", head="muscle", where="how")] = Field(
        min_length=1
    )
    contested: Contested | None = Field(
        default=None,
        description="Said to the person wherever a plan relies on this imbalance, when the "
        "model it comes from is contested.",
    )


class Dosage(Model):
    """How much: reps, hold, how often. Every field is optional, but not all of them."""

    reps_min: int | None = Field(default=None, ge=1, le=1000)
    reps_max: int | None = Field(default=None, ge=1, le=1000)
    hold_seconds: int | None = Field(default=None, ge=1, le=3600)
    sets: int | None = Field(default=None, ge=1, le=100)
    times_per_day: int | None = Field(default=None, ge=1, le=24)
    until: Text | None = None
    note: Text | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _consistent(cls, data: Any, handler: "ModelWrapValidatorHandler[Dosage]") -> "Dosage":
        # pydantic would rerun an "after" check on every model that holds a Dosage: a Dosage
        # already made has been checked
        if isinstance(data, Dosage):
            return data
        self = handler(data)
        if all(getattr(self, name) is None for name in cls.model_fields):
            raise ValueError("a dosage needs at least one of its fields")
        if self.reps_min and self.reps_max and self.reps_min > self.reps_max:
            raise ValueError(f"reps_min {self.reps_min} is above reps_max {self.reps_max}")
        return self

    def describe(self) -> str:
        """The dosage as one line a person reads: '12-15 reps (or until ...), 3 times a day'."""
        parts: list[str] = []
        if self.reps_min or self.reps_max:
            lo, hi = self.reps_min or self.reps_max, self.reps_max or self.reps_min
            reps = f"{lo}-{hi} reps" if lo != hi else f"{lo} reps"
            if self.until:
                reps += f" (or until {self.until})"
            parts.append(reps)
        elif self.until:
            parts.append(f"until {self.until}")
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        if self.sets:
            parts.append(f"{self.sets} set{'s' if self.sets != 1 else ''}")
        if self.times_per_day:
            n = self.times_per_day
            parts.append({1: "once a day", 2: "twice a day"}.get(n, f"{n} times a day"))
        text = ", ".join(parts)
        if self.note:
            text = f"{text}. {self.note}" if text else self.note
        return text


class Target(Cited):
    muscle: Annotated[Id, Ref("muscle")]
    action: Action


class Corrects(Cited):
    imbalance: Annotated[Id, Ref("imbalance")]


class Before(Cited):
    """The exercise holding it comes before ``exercise`` in a plan, for ``reason``; or before
    every version in ``family`` (named by one of its exercises), written once."""

    exercise: Annotated[Id | None, Ref("exercise")] = None
    family: Annotated[Id | None, Ref("exercise")] = Field(
        default=None,
        description="Instead of `exercise`: comes before every exercise of this family.",
    )
    reason: Text

    @model_validator(mode="after")
    def _one_target(self) -> "Before":
        if (self.exercise is None) == (self.family is None):
            raise ValueError("name either `exercise` or `family` (one of them)")
        return self


class Variant(Cited):
    """An easier (regression) or harder (progression) version of an exercise."""

    exercise: Annotated[Id, Ref("exercise")]


class Contraindication(Cited):
    """Never recommend the exercise to a person with ``condition``; ``reason`` says why."""

    condition: Annotated[Id, Ref("condition")]
    reason: Text


class Precaution(Cited):
    """Keep the exercise for a person with ``condition``, with ``advice`` on how to do it safely."""

    condition: Annotated[Id, Ref("condition")]
    advice: Text


class Exercise(Cited):
    entry_kind: ClassVar[str | None] = "exercise"
    id: Id
    name: Phrase
    summary: Text
    sided: bool = False
    steps: list[Text] = Field(min_length=1)
    dosage: Dosage
    stop_if: Text
    works: list[Phrase] = Field(
        default_factory=list,
        description="The body regions it moves or loads (zone region words: knee, hip ...). "
        "A version works what the exercise it varies works.",
    )
    targets: Annotated[list[Target], Edge("targets", head="muscle", where="action")] = Field(
        default_factory=list
    )
    corrects: Annotated[list[Corrects], Edge("corrected_by", tail="imbalance")] = Field(
        default_factory=list
    )
    before: Annotated[list[Before], Edge("comes_before", head="exercise", text="reason")] = Field(
        default_factory=list
    )
    family: Annotated[Id | None, Ref("exercise")] = Field(
        default=None,
        description="The family of versions this exercise belongs to, named by one of its "
        "exercises. Usually left out: exercises joined by `regression`/`progression` links form "
        "a family, named by the first of them in the file.",
    )
    regression: Annotated[Variant | None, Edge("regresses_to", head="exercise", swaps=True)] = None
    progression: Annotated[Variant | None, Edge("progresses_to", head="exercise", swaps=True)] = (
        None
    )
    contraindications: Annotated[
        list[Contraindication], Edge("contraindicates", tail="condition")
    ] = Field(default_factory=list)
    precautions: list[Precaution] = Field(default_factory=list)
    equipment: Annotated[list[Id] | None, Ref("equipment")] = Field(
        default=None,
        description="What the exercise needs, by id from equipment.yaml, as its steps say; [] "
        "when it needs nothing (body only). Left out: not stated.",
    )
    difficulty: Annotated[DifficultyLevel | None, Ref("difficulty")] = Field(
        default=None,
        description="How hard it is (difficulties.yaml says what each level means and how it "
        "is assigned). Left out: not stated.",
    )

    @property
    def family_id(self) -> str:
        return self.family or self.id

    @field_validator("equipment")
    @classmethod
    def _each_once(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            twice = sorted({e for e in value if value.count(e) > 1})
            if twice:
                raise ValueError(f"named more than once: {', '.join(twice)}")
        return value


class RegionReach(Cited):
    """For pain in ``region``, the regions an exercise may work to belong in the plan."""

    region: Phrase
    reach: list[Phrase] = Field(min_length=1)


class Principle(Cited):
    entry_kind: ClassVar[str | None] = "principle"
    id: Id
    statement: Text


class PathStep(Model):
    edge: EdgeType
    reverse: bool = False
    where: dict[str, list[str]] = Field(default_factory=dict)


_PLACEHOLDERS = {
    "zone",
    "muscle",
    "imbalance",
    "exercise",
    "start",
    "how",
    "action",
    "reason",
    # a guideline rule's: the recommendation, its guideline, its grade and what it requires
    "recommendation",
    "guideline",
    "grade",
    "what",
}


class Rule(Model):
    id: Id
    description: Text
    family: Literal["referral", "guideline"] = Field(
        default="referral",
        description="What the rule rests on: a referral chain through the graph, or a "
        "guideline's recommendation (an explanation says which, with the grade).",
    )
    start: Literal["zone", "exercise"]
    path: list[PathStep] = Field(min_length=1, max_length=8)
    score: float = Field(gt=0, le=100)
    order: Literal["after"] | None = None
    because: Text
    principle: Annotated[Id | None, Ref("principle")] = None
    sources: Annotated[list[Id], Ref("source")] = Field(
        default_factory=list,
        description="What the rule itself rests on. A referral rule needs at least one; a "
        "guideline rule may leave it out, as each recommendation it walks cites its guideline.",
    )

    @model_validator(mode="after")
    def _cited(self) -> "Rule":
        if not self.sources and self.family == "referral":
            raise ValueError("sources: a referral rule needs at least one source")
        return self

    @field_validator("because")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        unknown = sorted(names - _PLACEHOLDERS)
        if unknown:
            raise ValueError(
                f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}; "
                f"use {', '.join('{' + n + '}' for n in sorted(_PLACEHOLDERS))}"
            )
        return value


class Scoring(Model):
    max_exercises: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="The most exercises a plan holds, each reported zone and guideline "
        "requirement served first; an exercise comes with what must come before it, or not at "
        "all; the rest are 'also possible'. None: no limit.",
    )
    base: float = Field(default=0.5, ge=0, le=10)
    per_intensity_point: float = Field(default=0.05, ge=0, le=10)
    default_intensity: int = Field(default=5, ge=0, le=10)
    contested_weight: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="A path that relies on a contested model (an imbalance with `contested`) "
        "has its score multiplied by this too.",
    )
    evidence_weight: dict[Evidence, float] = Field(
        default_factory=dict,
        description="A path's score is multiplied by the weight of its weakest evidence "
        "(missing levels weigh 1).",
    )


class RulesFile(Model):
    scoring: Scoring = Field(default_factory=Scoring)
    rules: list[Rule] = Field(min_length=1)


class PackManifest(Model):
    """pack.yaml: a knowledge pack layered over a base folder.

    Entries of a pack extend the base; an entry whose id the base already has replaces it only
    when the id is listed in ``overrides`` (a referral by "muscle -> zone"). Any other clash is
    an error, never a silent merge.
    """

    name: Phrase
    version: Phrase
    description: Text | None = None
    overrides: list[Phrase] = Field(default_factory=list)


class Manifest(Model):
    name: Phrase
    version: Phrase
    description: Text | None = None


# The list files: one top-level key holding the entries (what the JSON Schemas describe).
class SourcesFile(Model):
    sources: list[Source]


class ZonesFile(Model):
    zones: list[Zone]


class MusclesFile(Model):
    muscles: list[Muscle]


class ReferralsFile(Model):
    referrals: Annotated[list[Referral], Edge("refers_pain_to", tail="muscle", head="zone")]


class ImbalancesFile(Model):
    imbalances: list[Imbalance]


class ExercisesFile(Model):
    exercises: list[Exercise]


class RegionsFile(Model):
    regions: list[RegionReach]


class PrinciplesFile(Model):
    principles: list[Principle]


# Read off the Edge declarations above: the graph's schema, not a medical fact. Rules are
# type-checked against it when the knowledge loads.
EDGES = edge_specs()
if set(EDGES) != set(EdgeType.__args__):  # type: ignore[attr-defined]  # pragma: no cover
    raise TypeError(f"declared edges {sorted(EDGES)} are not the rules' EdgeType")
# Which node kinds each edge type joins, in graph direction, in EdgeType's order.
EDGE_ENDS: dict[str, tuple[str, str]] = {t: EDGES[t].ends for t in EdgeType.__args__}  # type: ignore[attr-defined]
# The edge attribute a rule's `where` may test, per edge type.
EDGE_ATTRIBUTES: dict[str, str] = {t: e.edge.where for t, e in EDGES.items() if e.edge.where}
# The edge attribute a rule's `because` may quote as text, per edge type.
EDGE_TEXT: dict[str, str] = {t: e.edge.text for t, e in EDGES.items() if e.edge.text}
