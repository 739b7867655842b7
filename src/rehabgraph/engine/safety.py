"""Red-flag screening and the conditions that rule exercises out, compiled at load time."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import URGENCY_ORDER, ScreeningQuestion
from rehabgraph.knowledge.text import PhraseIndex, PhraseNormalizer

__all__ = ["SafetyIndex", "Screening"]


@dataclass(frozen=True, slots=True)
class Screening:
    """What a report's answers and symptoms say about red flags."""

    present: tuple[str, ...]
    unanswered: tuple[str, ...]
    unknown_answers: tuple[str, ...]
    unrecognised_symptoms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SafetyIndex:
    questions: Mapping[str, ScreeningQuestion]
    order: Mapping[str, int]  # question id -> its place in safety.yaml
    by_zone: Mapping[str, tuple[str, ...]]
    symptoms: PhraseIndex
    conditions: PhraseIndex
    normalizer: PhraseNormalizer
    condition_phrases: tuple[str, ...] = ()  # what a close match to an unknown condition may be

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge) -> SafetyIndex:
        normalizer = PhraseNormalizer.from_lexicon(knowledge.lexicon)
        questions = knowledge.questions
        by_zone: dict[str, list[str]] = {zone: [] for zone in knowledge.zones}
        for q in questions.values():
            for zone in knowledge.zones if "all" in q.zones else q.zones:
                if q.id not in by_zone[zone]:  # once per zone, in file order
                    by_zone[zone].append(q.id)
        symptom_pairs = [
            (normalizer.symptom_key(phrase), q.id)
            for q in questions.values()
            for phrase in q.phrases
        ]
        condition_pairs = [
            (normalizer.symptom_key(text), c.id)
            for c in knowledge.conditions.values()
            for text in (c.id, c.name, *c.phrases)
        ]
        return cls(
            questions=questions,
            order=MappingProxyType({q: i for i, q in enumerate(questions)}),
            by_zone=MappingProxyType({z: tuple(v) for z, v in by_zone.items()}),
            symptoms=PhraseIndex.build(symptom_pairs),
            conditions=PhraseIndex.build(condition_pairs),
            normalizer=normalizer,
            condition_phrases=tuple(sorted({" ".join(key) for key, _ in condition_pairs})),
        )

    def questions_for(self, zones: Iterable[str]) -> tuple[str, ...]:
        """The screening questions asked for these zones, in the order of safety.yaml."""
        zones = tuple(zones)
        if len(zones) == 1:  # by_zone is already in file order
            return self.by_zone.get(zones[0], ())
        ids = {q for zone in zones for q in self.by_zone.get(zone, ())}
        return tuple(sorted(ids, key=self.order.__getitem__))

    def screen(
        self, zones: Iterable[str], answers: Mapping[str, bool], symptoms: Sequence[str]
    ) -> Screening:
        """Which red flags are present, which questions are still open.

        A flag is present when answered yes or named in the symptoms, for whatever zone; its
        gate (``only_if``) can only rule it out when the gate was answered the other way.
        """
        in_order = self.questions_for(zones)
        if not answers and not symptoms:  # nothing said: every ungated question is open
            return Screening(
                (), tuple(q for q in in_order if not self.questions[q].only_if), (), ()
            )
        asked = set(in_order)
        unknown = tuple(sorted(a for a in answers if a not in self.questions))
        said: dict[str, bool] = {q: v for q, v in answers.items() if q in self.questions}
        unrecognised: list[str] = []
        for text in symptoms:
            found, _ = self.symptoms.scan(self.normalizer.symptom_key(text))
            if not found:
                unrecognised.append(text)
            for ids in found:  # a phrase that fits several questions: prefer the zones' own
                mine = [q for q in ids if q in asked]
                for q in mine or ids:
                    said[q] = True
        present = tuple(
            q
            for q in sorted(said, key=self.order.__getitem__)
            if said[q] and self.questions[q].urgency is not None and self._gates_allow(q, said)
        )
        open_questions = tuple(
            q
            for q in in_order
            if q not in said and all(said.get(g) == v for g, v in self.questions[q].only_if.items())
        )
        return Screening(present, open_questions, unknown, tuple(unrecognised))

    def _gates_allow(self, question: str, said: Mapping[str, bool]) -> bool:
        return all(said.get(g, v) == v for g, v in self.questions[question].only_if.items())

    def most_urgent(self, present: Iterable[str]) -> list[str]:
        """The flags, most urgent first (file order among equals)."""
        return sorted(
            present,
            key=lambda q: (
                URGENCY_ORDER.index(self.questions[q].urgency or "routine"),
                self.order[q],
            ),
        )

    def resolve_conditions(
        self, texts: Iterable[str]
    ) -> tuple[list[str], list[tuple[str, list[str]]]]:
        """Condition ids named by ids or lay phrases, and the texts that named none (with
        close matches)."""
        ids: list[str] = []
        unknown: list[tuple[str, list[str]]] = []
        candidates = list(self.condition_phrases)
        for text in texts:
            found, _ = self.conditions.scan(self.normalizer.symptom_key(text))
            if found:
                ids.extend(c for group in found for c in group if c not in ids)
            else:
                key = " ".join(self.normalizer.symptom_key(text))
                unknown.append((text, difflib.get_close_matches(key, candidates, n=3, cutoff=0.6)))
        return ids, unknown
