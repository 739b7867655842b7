"""Writing answers: a Recommendation from the decisions made, with what was read and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from rehabgraph.api.pieces import AnswerPieces
from rehabgraph.api.recommendation import (
    Advice,
    AlsoPossible,
    ConceptRead,
    CorrectionRead,
    ExcludedExercise,
    NextSession,
    PlannedExercise,
    Recommendation,
    Referral,
    ResolvedSite,
    ScreeningItem,
    SourceRef,
    Status,
    TextRead,
)
from rehabgraph.api.report import PainReport
from rehabgraph.engine import PlannedItem, SafetyIndex, Step, Swap, combine_sides
from rehabgraph.engine.safety import affirmed, condition_applies, in_its_company
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.text import one_line
from rehabgraph.text.reader import Mention, Reading

__all__ = ["AnswerParts", "AnswerWriter"]

# how many texts' readings are remembered; past this, a text's reading is written afresh each time
_WRITTEN_MAX = 4096


class AnswerParts(TypedDict, total=False):
    """What an answer may carry besides its status, sites and report (each part left out is
    empty)."""

    exercises: Sequence[PlannedExercise]
    excluded: Sequence[ExcludedExercise]
    screening: Sequence[ScreeningItem]
    referral: Referral | None
    warnings: Sequence[str]
    conditions: Iterable[str]
    also_possible: Sequence[AlsoPossible]
    advice: Sequence[Advice]
    readings: Sequence[TextRead]
    problems: Sequence[str]
    sources: Sequence[SourceRef]  # when already gathered: else gathered from the parts


@dataclass(frozen=True, slots=True)
class AnswerWriter:
    knowledge: Knowledge
    pieces: AnswerPieces
    safety: SafetyIndex
    # (field, reading, zones used) -> (the reading, what was written for it); the reading is
    # kept so its id cannot be reused while the entry lives
    written: dict[tuple[str, int, frozenset[str], frozenset[int]], tuple[Reading, TextRead]] = (
        field(default_factory=dict, compare=False, repr=False)
    )

    def answer(
        self,
        status: Status,
        sites: list[ResolvedSite],
        report: PainReport | None,
        **parts: Unpack[AnswerParts],
    ) -> Recommendation:
        k = self.knowledge
        exercises = parts.get("exercises", ())
        excluded = parts.get("excluded", ())
        referral = parts.get("referral")
        sources = parts.get("sources")
        if sources is None:
            sources = self.sources(exercises, excluded, referral)
        return _assembled(
            status=status,
            sites=sites,
            exercises=list(exercises),
            excluded=list(excluded),
            screening=list(parts.get("screening", ())),
            referral=referral,
            warnings=list(parts.get("warnings", ())),
            notice=k.notice,
            sources=list(sources),
            knowledge_version=self.pieces.knowledge_version,
            report=report,
            conditions=list(parts.get("conditions", ())),
            also_possible=list(parts.get("also_possible", ())),
            advice=list(parts.get("advice", ())),
            readings=list(parts.get("readings", ())),
            problems=list(parts.get("problems", ())),
        )

    def sources(
        self,
        exercises: Sequence[PlannedExercise],
        excluded: Sequence[ExcludedExercise],
        referral: Referral | None,
    ) -> list[SourceRef]:
        """Every source the answer cites, once each, in the order they are first cited."""
        k = self.knowledge
        ids: dict[str, None] = {}
        for ex in exercises:
            ids.update(dict.fromkeys(k.exercises[ex.exercise_id].sources))
            for e in ex.explanations:
                ids.update(dict.fromkeys(e.sources))
        for x in excluded:
            ids.update(dict.fromkeys(x.sources))
        if referral is not None:
            ids.update(dict.fromkeys(referral.sources))
        ids.update(dict.fromkeys(self.pieces.notice_sources))
        return [self.pieces.sources[i] for i in ids]

    def referral(self, present: Iterable[str]) -> Referral:
        """The referral for the flags present, led by the most urgent."""
        questions = self.knowledge.questions
        flags = self.safety.most_urgent(present)
        top = questions[flags[0]]
        return Referral(
            urgency=top.urgency or "routine",
            concern=top.concern or top.question,
            reason=one_line(top.tell or ""),
            flags=flags,
            sources=list(dict.fromkeys(s for q in flags for s in questions[q].sources)),
        )

    def readings(
        self,
        texts: Iterable[tuple[str, Reading]],
        zones: Iterable[str] = (),
        place_only: Iterable[Mention] = (),
    ) -> list[TextRead]:
        """What was read from each text, and whether each thing read counted (remembered for
        the texts people send again and again, like the reader's own readings).
        ``place_only``: the flag mentions that were only a place's words (not counted)."""
        used = frozenset(zones)
        skipped = frozenset(id(m) for m in place_only)
        out: list[TextRead] = []
        for where, reading in texts:
            key = (where, id(reading), used, skipped)
            known = self.written.get(key)
            if known is None or known[0] is not reading:
                known = (reading, self._text_read(where, reading, used, skipped))
                if len(self.written) < _WRITTEN_MAX:
                    self.written[key] = known
            out.append(known[1])
        return out

    def _text_read(
        self, where: str, reading: Reading, used: frozenset[str], skipped: frozenset[int]
    ) -> TextRead:
        k = self.knowledge
        concepts: list[ConceptRead] = []
        for m in reading.mentions:
            if m.kind == "zone":
                name = k.zones[m.id].name
                counted = m.id in used and "negated" not in m.modifiers
            elif m.kind == "flag":
                q = k.questions[m.id]
                name = q.concern or one_line(q.question)
                counted = (
                    affirmed(m, counts_when_historical=q.counts_when_historical)
                    and id(m) not in skipped
                    and in_its_company(q, used)
                )
            else:
                name = k.conditions[m.id].name
                counted = condition_applies(k.conditions[m.id], m)
            concepts.append(
                ConceptRead(
                    kind=m.kind,
                    id=m.id,
                    name=name,
                    said=m.said,
                    start=m.start,
                    end=m.end,
                    modifiers=tuple(sorted(m.modifiers)),
                    counted=counted,
                    when_days=m.when,
                )
            )
        return TextRead(
            field=where,
            text=reading.text,
            concepts=tuple(concepts),
            corrections=tuple(
                CorrectionRead(said=c.said, read_as=c.read_as) for c in reading.corrections
            ),
            unread=reading.unread,
        )

    def screening_items(self, ids: Iterable[str]) -> list[ScreeningItem]:
        return [self.pieces.questions[q] for q in ids]

    def excluded(self, swaps: Mapping[str, Swap]) -> list[ExcludedExercise]:
        exercises = self.knowledge.exercises
        seen: dict[str, ExcludedExercise] = {}
        for swap in swaps.values():
            for x in swap.exclusions:
                seen.setdefault(
                    x.exercise_id,
                    ExcludedExercise(
                        exercise_id=x.exercise_id,
                        name=exercises[x.exercise_id].name,
                        reason=x.reason,
                        condition=x.condition,
                        sources=list(x.sources),
                        replaced_by=x.replaced_by,
                    ),
                )
        return list(seen.values())

    def also_possible(self, item: PlannedItem) -> AlsoPossible:
        """An exercise a plan of its size left out: its name, score and first reason."""
        first = item.matches[0]
        return AlsoPossible(
            exercise_id=item.exercise_id,
            name=self.pieces.exercises[item.exercise_id]["name"],
            score=item.score,
            reason=self.pieces.explanation(first).sentence,  # written once, then shared
            basis=first.rule.family,
        )

    def planned(
        self, item: PlannedItem, conditions: Sequence[str], step: Step | None = None
    ) -> PlannedExercise:
        exercise_id = item.exercise_id
        warnings = []
        if conditions:
            k = self.knowledge
            warnings = [
                f"With {k.conditions[p.condition].name}: {one_line(p.advice)}"
                for p in k.exercises[exercise_id].precautions
                if p.condition in conditions
            ]
        explanation = self.pieces.explanation
        return PlannedExercise(
            **self.pieces.exercises[exercise_id],
            side=combine_sides(item.sides) if exercise_id in self.pieces.sided else None,
            score=item.score,
            explanations=[explanation(m) for m in item.matches],
            adapted_from=item.adapted_from[0] if item.adapted_from else None,
            warnings=warnings,
            next_session=None
            if step is None
            else NextSession(
                exercise_id=step.exercise_id,
                sets=step.sets,
                reps=step.reps,
                change=step.change,
                reason=step.sentence,
                rule=step.rule,
                sources=step.sources,
            ),
        )


_ORDER = tuple(Recommendation.model_fields)  # the declared order, as validation keeps it
_FIELDS_SET = frozenset(_ORDER) - {"schema_version"}  # what a writer gives: all but the version


def _assembled(**values: Any) -> Recommendation:
    """A Recommendation of parts rehabgraph validated or wrote itself, put together as
    pydantic's ``model_construct`` leaves one (its ``__dict__``, the fields given, no extra or
    private values) without validating the parts again or looping over the fields to find
    defaults: the one default, ``schema_version``, is the only field not given. Equal, field
    for field and in JSON, to the validated model (tests/test_recommend.py)."""
    answer = Recommendation.__new__(Recommendation)
    values["schema_version"] = "1"
    object.__setattr__(answer, "__dict__", {name: values[name] for name in _ORDER})
    object.__setattr__(answer, "__pydantic_fields_set__", set(_FIELDS_SET))
    object.__setattr__(answer, "__pydantic_extra__", None)
    object.__setattr__(answer, "__pydantic_private__", None)
    return answer
