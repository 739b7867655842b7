"""The finished pieces of answers, written once and shared by every answer that uses them.

An answer is mostly knowledge that does not change between queries: the explanation of each
compiled rule walk, an exercise's name, steps and dosage, a source's reference. The small pieces
are written when a Recommender is built; an explanation is written the first time an answer
needs it and kept (there is one per compiled walk, many more than any answer uses). A query is
left only the pieces that are its own (scores, sides, the plan's order), so its cost grows with
the size of its answer, not with the size of the knowledge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rehabgraph.api.recommendation import (
    Advice,
    EquipmentRef,
    Explanation,
    PathEdge,
    ScreeningItem,
    SourceRef,
    ZoneRef,
)
from rehabgraph.engine import CompiledRules, Match
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.graph.build import node_of
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import EVIDENCE_ORDER, Exercise
from rehabgraph.knowledge.text import one_line

__all__ = ["AnswerPieces", "equipment_of"]


def equipment_of(exercise: Exercise, knowledge: Knowledge) -> tuple[EquipmentRef, ...] | None:
    """What an exercise needs, each with its name; None when the knowledge does not say."""
    if exercise.equipment is None:
        return None
    return tuple(EquipmentRef(id=e, name=knowledge.equipment[e].name) for e in exercise.equipment)


@dataclass(frozen=True, slots=True)
class AnswerPieces:
    explanations: list[Explanation | None]  # by compiled match index, written on first use
    exercises: Mapping[str, Mapping[str, Any]]  # exercise id -> its PlannedExercise fields
    sided: frozenset[str]  # the exercises done on one side at a time
    sources: Mapping[str, SourceRef]
    zones: Mapping[str, ZoneRef]
    questions: Mapping[str, ScreeningItem]
    notice_sources: tuple[str, ...]
    kb: KnowledgeBase
    advice: Mapping[str, tuple[Advice, ...]]  # zone -> the guideline advice a plan opens with
    knowledge_version: str

    @classmethod
    def build(cls, kb: KnowledgeBase, compiled: CompiledRules) -> AnswerPieces:
        k = kb.knowledge
        return cls(
            explanations=[None] * len(compiled.matches),
            exercises={
                e.id: {
                    "exercise_id": e.id,
                    "name": e.name,
                    "summary": one_line(e.summary),
                    "steps": tuple(one_line(step) for step in e.steps),
                    "dosage": e.dosage.describe(),
                    "dosage_detail": e.dosage,
                    "stop_if": one_line(e.stop_if),
                    "equipment": equipment_of(e, k),
                    "difficulty": e.difficulty,
                }
                for e in k.exercises.values()
            },
            sided=frozenset(e.id for e in k.exercises.values() if e.sided),
            sources={
                s.id: SourceRef(
                    id=s.id, title=s.title, kind=s.kind, url=s.url, doi=s.doi, locator=s.locator
                )
                for s in k.sources.values()
            },
            zones={z.id: ZoneRef(id=z.id, name=z.name) for z in k.zones.values()},
            questions={
                q.id: ScreeningItem(id=q.id, question=one_line(q.question))
                for q in k.questions.values()
            },
            notice_sources=tuple(k.notice_sources),
            kb=kb,
            knowledge_version=k.version,
            advice=_advice(kb),
        )

    def advice_for(self, zones: Iterable[str]) -> list[Advice]:
        """The advice for these zones, each once, in the order of the zones."""
        out: dict[str, Advice] = {}
        for zone in zones:
            for advice in self.advice.get(zone, ()):
                out.setdefault(advice.recommendation_id, advice)
        return list(out.values())

    def explanation(self, match: Match) -> Explanation:
        """The compiled walk's explanation, or a new one for a walk a swap extended."""
        if match.index < 0:
            return write_explanation(self.kb, match)
        written = self.explanations[match.index]
        if written is None:  # two threads may both write it: the same immutable value
            written = self.explanations[match.index] = write_explanation(self.kb, match)
        return written


def write_explanation(kb: KnowledgeBase, match: Match) -> Explanation:
    """One walk, in words and with every edge's sources and evidence."""
    edges = [
        PathEdge(
            source=e.source, type=e.type, target=e.target, sources=e.sources, evidence=e.evidence
        )
        for e in match.edges
    ]
    nodes = [node_of(kb.knowledge, n) for n in match.nodes]
    recommendation = next(
        (kb.knowledge.recommendations[n] for n in match.nodes if n in kb.knowledge.recommendations),
        None,
    )
    return Explanation(
        basis=match.rule.family,
        guideline=recommendation.guideline if recommendation else None,
        grade=recommendation.grade if recommendation else None,
        rule_id=match.rule.id,
        path=match.nodes,
        labels=tuple(name for _, name in nodes),
        kinds=tuple(kind for kind, _ in nodes),
        edges=tuple(edges),
        sources=match.sources,
        evidence=weakest(e.evidence for e in edges),
        principle=match.rule.principle,
        sentence=match.sentence,
    )


def weakest(levels: Iterable[str]) -> str:
    """The weakest of these evidence levels (the weakest of all when none is known)."""
    ranked = [lv for lv in levels if lv in EVIDENCE_ORDER]
    return max(ranked, key=EVIDENCE_ORDER.index) if ranked else EVIDENCE_ORDER[-1]


def _advice(kb: KnowledgeBase) -> Mapping[str, tuple[Advice, ...]]:
    k = kb.knowledge
    out: dict[str, list[Advice]] = {}
    for rec in k.recommendations.values():
        if rec.say is None:
            continue
        guideline = k.guidelines[rec.guideline]
        advice = Advice(
            recommendation_id=rec.id,
            guideline=guideline.said_as,
            grade=rec.grade,
            grade_meaning=one_line(guideline.grades[rec.grade]),
            text=one_line(rec.say),
            sources=tuple(rec.sources),
        )
        for zone in rec.zones:
            out.setdefault(zone, []).append(advice)
    return {z: tuple(a) for z, a in out.items()}
