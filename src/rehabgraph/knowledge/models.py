"""Pydantic models of the knowledge files: the contract a clinician's YAML must meet.

Every model forbids unknown fields, so a typo in a field name is an error that names the field,
not a fact that silently goes missing.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    field_validator,
    model_validator,
)

__all__ = [
    "EVIDENCE_ORDER",
    "ID_PATTERN",
    "URGENCY_ORDER",
    "Action",
    "Adaptation",
    "AgeRule",
    "Before",
    "Code",
    "Condition",
    "ContextCategory",
    "ContextLexicon",
    "ContextTerminator",
    "ContextTrigger",
    "Contraindication",
    "Corrects",
    "Dosage",
    "EdgeType",
    "Evidence",
    "Exercise",
    "Imbalance",
    "Involvement",
    "Lexicon",
    "Manifest",
    "Muscle",
    "NodeKind",
    "PackManifest",
    "PathStep",
    "Pattern",
    "Precaution",
    "Principle",
    "Referral",
    "Rule",
    "RulesFile",
    "SafetyFile",
    "Scoring",
    "ScreeningQuestion",
    "Side",
    "Source",
    "Target",
    "Urgency",
    "Variant",
    "Zone",
]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]

NodeKind = Literal["zone", "muscle", "imbalance", "exercise", "condition"]
Side = Literal["left", "right", "both"]
EdgeType = Literal[
    "refers_pain_to",
    "involves",
    "corrected_by",
    "targets",
    "comes_before",
    "regresses_to",
    "progresses_to",
    "contraindicates",
]
Urgency = Literal["emergency", "urgent", "routine"]
# Most urgent first: a referral names the most urgent red flag present.
URGENCY_ORDER: tuple[str, ...] = ("emergency", "urgent", "routine")
How = Literal["tight", "weak", "off-balance"]
Action = Literal["activate", "strengthen", "loosen"]
SourceKind = Literal["guideline", "textbook", "review", "article", "clinical-pathway", "reference"]
Evidence = Literal[
    "guideline", "systematic-review", "consensus", "textbook", "expert-opinion", "article"
]
# Strongest first: an explanation reports the weakest level on its path.
EVIDENCE_ORDER: tuple[str, ...] = Evidence.__args__  # type: ignore[attr-defined]

# Which node kinds each edge type joins, in graph direction. This is the graph's schema, not a
# medical fact: rules are type-checked against it when the knowledge loads.
EDGE_ENDS: dict[str, tuple[str, str]] = {
    "refers_pain_to": ("muscle", "zone"),
    "involves": ("imbalance", "muscle"),
    "corrected_by": ("imbalance", "exercise"),
    "targets": ("exercise", "muscle"),
    "comes_before": ("exercise", "exercise"),
    "regresses_to": ("exercise", "exercise"),
    "progresses_to": ("exercise", "exercise"),
    "contraindicates": ("condition", "exercise"),
}
# The edge attribute a rule's `where` may test, per edge type.
EDGE_ATTRIBUTES: dict[str, str] = {"involves": "how", "targets": "action"}
# The edge attribute a rule's `because` may quote as text, per edge type.
EDGE_TEXT: dict[str, str] = {"comes_before": "reason"}


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class Cited(Model):
    """A fact: it names the sources it comes from and how strong the evidence is."""

    sources: list[Id] = Field(min_length=1)
    evidence: Evidence = Field(
        description="How strong the evidence for this fact is: guideline, systematic-review, "
        "consensus, textbook, expert-opinion or article."
    )


class Source(Model):
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
    def _findable(self) -> Source:
        if not (self.url or self.doi or self.locator):
            raise ValueError("a source needs a url, a doi or a locator (book, chapter, ISBN)")
        return self


_CODE_PATTERNS = {
    "UBERON": r"^UBERON:\d{7}$",
    "FMA": r"^FMA:\d{1,7}$",
    "SNOMED-CT": r"^\d{6,18}$",
}


class Code(Model):
    """An identifier from a public vocabulary, with the source that confirms it."""

    sources: list[Id] = Field(min_length=1)
    system: Literal["UBERON", "FMA", "SNOMED-CT"]
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]

    @model_validator(mode="after")
    def _well_formed(self) -> Code:
        if not re.match(_CODE_PATTERNS[self.system], self.code):
            raise ValueError(f"{self.code!r} is not a well-formed {self.system} code")
        return self


class Zone(Cited):
    id: Id
    name: Phrase
    region: Phrase
    sided: bool = False
    aliases: list[Phrase] = Field(min_length=1)
    codes: list[Code] = Field(default_factory=list)


class Muscle(Cited):
    id: Id
    name: Phrase
    group: Phrase | None = None
    aliases: list[Phrase] = Field(default_factory=list)
    description: Text | None = None
    codes: list[Code] = Field(default_factory=list)


class Referral(Cited):
    muscle: Id
    zone: Id
    note: Text | None = None


class Involvement(Cited):
    muscle: Id
    how: list[How] = Field(min_length=1)


class Imbalance(Cited):
    id: Id
    name: Phrase
    description: Text
    involves: list[Involvement] = Field(min_length=1)


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
    def _consistent(cls, data: Any, handler: ModelWrapValidatorHandler[Dosage]) -> Dosage:
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
    muscle: Id
    action: Action


class Corrects(Cited):
    imbalance: Id


class Before(Cited):
    """This exercise comes before ``exercise`` in a plan, for ``reason``."""

    exercise: Id
    reason: Text


class Variant(Cited):
    """An easier (regression) or harder (progression) version of an exercise."""

    exercise: Id


class Contraindication(Cited):
    """Never recommend the exercise to a person with ``condition``; ``reason`` says why."""

    condition: Id
    reason: Text


class Precaution(Cited):
    """Keep the exercise for a person with ``condition``, with ``advice`` on how to do it safely."""

    condition: Id
    advice: Text


class Exercise(Cited):
    id: Id
    name: Phrase
    summary: Text
    sided: bool = False
    steps: list[Text] = Field(min_length=1)
    dosage: Dosage
    stop_if: Text
    targets: list[Target] = Field(default_factory=list)
    corrects: list[Corrects] = Field(default_factory=list)
    before: list[Before] = Field(default_factory=list)
    family: Id | None = Field(
        default=None,
        description="Exercises that are versions of one another share a family (default: the "
        "exercise's own id). Regressions and progressions must stay in the family.",
    )
    regression: Variant | None = None
    progression: Variant | None = None
    contraindications: list[Contraindication] = Field(default_factory=list)
    precautions: list[Precaution] = Field(default_factory=list)

    @property
    def family_id(self) -> str:
        return self.family or self.id


class Principle(Cited):
    id: Id
    statement: Text


class PathStep(Model):
    edge: EdgeType
    reverse: bool = False
    where: dict[str, list[str]] = Field(default_factory=dict)


_PLACEHOLDERS = {"zone", "muscle", "imbalance", "exercise", "start", "how", "action", "reason"}


class Rule(Model):
    id: Id
    description: Text
    start: Literal["zone", "exercise"]
    path: list[PathStep] = Field(min_length=1, max_length=8)
    score: float = Field(gt=0, le=100)
    order: Literal["after"] | None = None
    because: Text
    principle: Id | None = None
    sources: list[Id] = Field(min_length=1)

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
        return re.sub(r"\s+", " ", value).strip()


class Scoring(Model):
    max_exercises: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="The most exercises a plan shows (what must come first is always kept); "
        "None: no limit.",
    )
    base: float = Field(default=0.5, ge=0, le=10)
    per_intensity_point: float = Field(default=0.05, ge=0, le=10)
    default_intensity: int = Field(default=5, ge=0, le=10)
    evidence_weight: dict[Evidence, float] = Field(
        default_factory=dict,
        description="A path's score is multiplied by the weight of its weakest evidence "
        "(missing levels weigh 1).",
    )


class RulesFile(Model):
    scoring: Scoring = Field(default_factory=Scoring)
    rules: list[Rule] = Field(min_length=1)


ContextCategory = Literal["negated", "historical", "family", "hypothetical", "uncertain"]


class ContextTrigger(Model):
    """A ConText trigger term: the words, what they say of a mention, and which way they reach."""

    phrase: Phrase
    category: ContextCategory
    direction: Literal["forward", "backward", "both"]


class ContextTerminator(Model):
    """Words that end a trigger's reach ("but"), for every category or for the ones listed."""

    phrase: Phrase
    categories: list[ContextCategory] = Field(default_factory=list)


class ContextLexicon(Cited):
    """The ConText lexicon (Harkema et al. 2009): how a mention is negated, in the past, about
    someone else, hypothetical or uncertain."""

    triggers: list[ContextTrigger] = Field(min_length=1)
    pseudo: list[Phrase] = Field(
        default_factory=list, description="Phrases holding a trigger that do not trigger."
    )
    terminators: list[ContextTerminator] = Field(default_factory=list)
    max_scope: int = Field(default=8, ge=1, le=50, description="Words a trigger reaches at most.")


class Lexicon(Model):
    sides: dict[Side, list[Phrase]] = Field(default_factory=dict)
    filler: list[Phrase] = Field(default_factory=list)
    glue: list[Phrase] = Field(
        default_factory=list,
        description="Words dropped from symptoms and conditions before matching (a, the, my).",
    )
    side_codes: dict[Side, Annotated[str, StringConstraints(pattern=r"^\d{6,18}$")]] = Field(
        default_factory=dict, description="SNOMED CT laterality qualifier value per side."
    )
    side_codes_sources: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes_cited(self) -> Lexicon:
        if self.side_codes and not self.side_codes_sources:
            raise ValueError("side_codes need side_codes_sources")
        return self

    word_forms: dict[str, Phrase] = Field(default_factory=dict)
    spellings: dict[str, Phrase] = Field(
        default_factory=dict,
        description="Spelling variants folded to one form (anaesthesia: anesthesia).",
    )
    contractions: dict[str, Phrase] = Field(
        default_factory=dict,
        description="Contractions, with and without the apostrophe (cant: can not).",
    )
    number_words: dict[str, int] = Field(
        default_factory=dict, description="Numbers in words (a: 1, couple: 2, ten: 10)."
    )
    plain_words: list[Phrase] = Field(
        default_factory=list,
        description="Everyday words that say nothing on their own (did, still, quite): read, "
        "so a sentence of them is not held back as unread; unlike glue, never skipped inside "
        "a phrase.",
    )
    body_regions: list[Phrase] = Field(
        default_factory=list,
        description="Words for body parts, so a part the zones do not cover is named as such.",
    )


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

    @model_validator(mode="after")
    def _a_range(self) -> AgeRule:
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
    zones: list[Id] = Field(min_length=1, description="Zone ids, or [all].")
    urgency: Urgency | None = None
    only_if: dict[Id, bool] = Field(default_factory=dict)
    concern: Phrase | None = None
    tell: Text | None = None
    counts_when_historical: bool = Field(
        default=False,
        description="A past mention still counts (a history of cancer, a previous clot).",
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
    def _flag_has_words(self) -> ScreeningQuestion:
        if self.urgency is not None and not (self.concern and self.tell):
            raise ValueError("a red flag (a question with an urgency) needs `concern` and `tell`")
        return self


class Condition(Cited):
    """Something a person has (a knee that gives way) that an exercise may not suit."""

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
    notice_sources: list[Id] = Field(min_length=1)
    questions: list[ScreeningQuestion] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    adaptation: Adaptation


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
