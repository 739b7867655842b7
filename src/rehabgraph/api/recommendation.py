"""Recommendation: what rehabgraph answers. The output contract, for people and for machines."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rehabgraph.api.report import PainReport, Side
from rehabgraph.knowledge.models import DifficultyLevel, Dosage

__all__ = [
    "Advice",
    "AlsoPossible",
    "ConceptRead",
    "CorrectionRead",
    "EquipmentRef",
    "ExcludedExercise",
    "Explanation",
    "NextSession",
    "PathEdge",
    "PlannedExercise",
    "Recommendation",
    "Referral",
    "ResolvedSite",
    "ScreeningItem",
    "SourceRef",
    "Status",
    "TextRead",
    "WhyNot",
    "ZoneRef",
]

Status = Literal["exercise", "refer", "no_match", "needs_screening"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class PathEdge(_Out):
    """One edge of the knowledge graph, in the graph's own direction, with what backs it.

    Immutable all the way down (tuples, not lists): the recommender writes each explanation
    once, when it is built, and shares it between the answers that use it.
    """

    source: str
    type: str
    target: str
    sources: tuple[str, ...] = Field(description="The sources of this fact.")
    evidence: str = Field(description="The evidence level of this fact.")


class Explanation(_Out):
    """Why one exercise is in the plan: one walk of one rule through the graph.

    Immutable all the way down, like :class:`PathEdge`, so answers can share it.
    """

    rule_id: str
    path: tuple[str, ...] = Field(description="Node ids in the order the rule walked them.")
    labels: tuple[str, ...] = Field(description="The names of the path's nodes, for people.")
    kinds: tuple[str, ...] = Field(
        description="The kind of each node on the path (zone, muscle...)."
    )
    edges: tuple[PathEdge, ...] = Field(description="The edges walked, one fewer than the nodes.")
    sources: tuple[str, ...]
    evidence: str = Field(description="The weakest evidence level among the path's facts.")
    principle: str | None = None
    sentence: str
    basis: Literal["referral", "guideline"] = Field(
        default="referral",
        description="What this reason rests on: a referral chain through the graph, or a "
        "clinical practice guideline's recommendation.",
    )
    guideline: str | None = Field(
        default=None, description="The guideline whose recommendation this is (basis guideline)."
    )
    grade: str | None = Field(
        default=None, description="The recommendation's grade in its guideline's own terms."
    )


class NextSession(_Out):
    """The dose for the next session of an exercise, worked out from the report's history."""

    exercise_id: str
    sets: int | None
    reps: int | None
    change: Literal["first", "same", "more", "less", "easier", "harder"]
    reason: str
    rule: str = Field(description="The rule that decided: a pain rule's id or 'progression'.")
    sources: tuple[str, ...]


class EquipmentRef(_Out):
    """One thing an exercise needs (equipment.yaml): its id and what it is, in words."""

    id: str
    name: str


class PlannedExercise(_Out):
    exercise_id: str
    name: str
    summary: str
    side: Side | None = Field(description="The leg or side to work, when the exercise is sided.")
    steps: list[str]
    dosage: str
    dosage_detail: Dosage
    stop_if: str
    score: float
    explanations: list[Explanation]
    adapted_from: str | None = Field(
        default=None,
        description="The exercise the rules reached, when this easier or harder version was "
        "swapped in for it (feedback or a contraindication); the explanations show the swap.",
    )
    warnings: list[str] = Field(default_factory=list)
    next_session: NextSession | None = Field(
        default=None, description="The next session's dose, when the report has a history."
    )
    equipment: tuple[EquipmentRef, ...] | None = Field(
        default=None,
        description="What the exercise needs, as its steps say; empty: nothing (body only); "
        "None: the knowledge does not say.",
    )
    difficulty: DifficultyLevel | None = Field(
        default=None,
        description="beginner, intermediate or advanced (the knowledge's difficulties.yaml says "
        "what each means); None: the knowledge does not say.",
    )


class Advice(_Out):
    """What a guideline says a plan for these places opens with (NICE NG59's advice for low
    back pain), with its grade and sources."""

    recommendation_id: str
    guideline: str = Field(description="The guideline, as a sentence names it.")
    grade: str = Field(description="The grade in the guideline's own terms.")
    grade_meaning: str = Field(description="What the guideline says the grade means.")
    text: str
    sources: tuple[str, ...]


class AlsoPossible(_Out):
    """An exercise the rules reached that a plan of its size left out, and why it fits."""

    exercise_id: str
    name: str
    score: float
    reason: str = Field(description="The first reason it fits, in words.")
    basis: Literal["referral", "guideline"]


class ExcludedExercise(_Out):
    """An exercise left out of the plan, and why."""

    exercise_id: str
    name: str
    reason: str
    condition: str | None = Field(description="The condition that rules it out, if one does.")
    sources: list[str]
    replaced_by: str | None = None


class ScreeningItem(_Out):
    """A screening question that applies to the reported zones and was not answered."""

    id: str
    question: str


class Referral(_Out):
    """See a clinician instead of exercising: how urgently, and why."""

    urgency: Literal["emergency", "urgent", "routine"]
    concern: str
    reason: str = Field(description="What to do, in plain words.")
    flags: list[str] = Field(description="Every red flag present, most urgent first.")
    sources: list[str]


class ZoneRef(_Out):
    id: str
    name: str


class ResolvedSite(_Out):
    """A reported site as rehabgraph understood it."""

    location: str
    zones: list[ZoneRef]
    side: Side | None
    intensity: int | None
    unmatched_words: list[str] = Field(
        default_factory=list, description="Words of the location that named no zone."
    )


class ConceptRead(_Out):
    """One thing read from a text: a zone, a red flag or a condition, with the words that named
    it, their place in the text and what surrounds them ("no ...", "my mum had ...")."""

    kind: Literal["zone", "flag", "condition"]
    id: str
    name: str = Field(description="What it is, in words.")
    said: str = Field(description="The words of the text that named it.")
    start: int = Field(description="Where those words start in the text (a character index).")
    end: int
    modifiers: tuple[str, ...] = Field(
        default=(),
        description="ConText modifiers: negated, historical, family, hypothetical, uncertain.",
    )
    counted: bool = Field(
        description="Whether it counted: a flag as present, a condition as applying, a zone as "
        "where it hurts."
    )
    when_days: tuple[float, float] | None = Field(
        default=None, description="When it happened, if the text says: days before the report."
    )


class CorrectionRead(_Out):
    said: str = Field(description="A word as typed.")
    read_as: str = Field(description="The word rehabgraph read it as.")


class TextRead(_Out):
    """What rehabgraph read from one free-text field of the report.

    Immutable all the way down (tuples), like :class:`Explanation`: answers share it.
    """

    field: str = Field(description="Where the text was: 'sites[0].location', 'symptoms[1]'...")
    text: str
    concepts: tuple[ConceptRead, ...] = ()
    corrections: tuple[CorrectionRead, ...] = ()
    unread: tuple[str, ...] = Field(
        default=(), description="Words rehabgraph could not read; never dropped."
    )


class SourceRef(_Out):
    id: str
    title: str
    kind: str
    url: str | None = None
    doi: str | None = None
    locator: str | None = None


class WhyNot(_Out):
    """Why an exercise is (or is not) in a person's plan."""

    exercise_id: str
    name: str
    reason: Literal[
        "recommended",
        "not_reachable",
        "excluded",
        "replaced",
        "outranked",
        "referred",
        "needs_screening",
        "another_version",
    ]
    message: str = Field(description="The answer in plain words.")
    replaced_by: str | None = None
    reached_from: list[str] = Field(
        default_factory=list, description="Zones that would reach the exercise (not_reachable)."
    )
    sources: list[str] = Field(default_factory=list)


class Recommendation(_Out):
    """The plan: exercises in the order to do them, each with the reasons why.

    ``status`` is "exercise" when there is a plan, "no_match" when the zones reached no exercise
    (or every one reached was ruled out), "refer" when a red flag means the person should see a
    clinician instead (``referral`` says how urgently; ``exercises`` is empty), and
    "needs_screening" when the recommender requires the ``screening`` questions answered first.
    """

    schema_version: Literal["1"] = "1"
    status: Status
    sites: list[ResolvedSite]
    advice: list[Advice] = Field(
        default_factory=list,
        description="What the plan opens with: guideline advice for the places that hurt.",
    )
    exercises: list[PlannedExercise]
    excluded: list[ExcludedExercise] = Field(default_factory=list)
    screening: list[ScreeningItem] = Field(default_factory=list)
    referral: Referral | None = None
    warnings: list[str] = Field(default_factory=list)
    notice: str
    sources: list[SourceRef] = Field(description="Every source cited anywhere in this answer.")
    knowledge_version: str
    report: PainReport | None = Field(
        description="The report this answers, as validated (None when it did not validate but "
        "a red flag in it refers all the same; see problems)."
    )
    readings: list[TextRead] = Field(
        default_factory=list, description="What was read from each free-text field."
    )
    problems: list[str] = Field(
        default_factory=list,
        description="Fields of the report that are wrong, when a red flag refers all the same.",
    )
    conditions: list[str] = Field(
        default_factory=list, description="The condition ids the report's conditions resolved to."
    )
    also_possible: list[AlsoPossible] = Field(
        default_factory=list,
        description="Exercises the rules reached that the plan left out to keep to its size "
        "(max_exercises), best first.",
    )

    def basis(self) -> dict[str, Any]:
        """Everything this recommendation rests on, for a clinician to review independently.

        Inputs as resolved, the rules that fired, every fact (graph edge) used with its sources
        and evidence, the sources themselves and the knowledge version.
        """
        facts: dict[tuple[str, str, str], dict[str, Any]] = {}
        rules: dict[str, None] = {}
        for ex in self.exercises:
            for e in ex.explanations:
                rules[e.rule_id] = None
                for edge in e.edges:
                    facts.setdefault((edge.source, edge.type, edge.target), edge.model_dump())
        return {
            "schema_version": self.schema_version,
            "knowledge_version": self.knowledge_version,
            "status": self.status,
            "inputs": {
                "sites": [s.model_dump() for s in self.sites],
                "answers": dict(self.report.answers) if self.report else {},
                "symptoms": list(self.report.symptoms) if self.report else [],
                "conditions": list(self.conditions),
                "feedback": [f.model_dump() for f in self.report.feedback] if self.report else [],
                "age": self.report.age if self.report else None,
                "read": [r.model_dump() for r in self.readings],
            },
            "referral": self.referral.model_dump() if self.referral else None,
            "rules_fired": list(rules),
            "facts": list(facts.values()),
            "excluded": [x.model_dump() for x in self.excluded],
            "screening_open": [q.id for q in self.screening],
            "sources": [s.model_dump() for s in self.sources],
            "notice": self.notice,
        }

    def explain(self) -> str:
        """The plan in words, for the person: what to do, in order, and why."""
        from rehabgraph.api.render import explain  # the renderer imports this module

        return explain(self)
