"""The red-flag decision and the conditions that rule exercises out, compiled at load time.

Free text can only add caution. A flag affirmed in any text refers, whatever the answers say;
a flag the person denies ("no numbness between my legs") never refers by itself, and counts as
that question's "no" only when nothing else in the report is unread and the denial is plain
(negated, and nothing else: not also uncertain). A mention about someone else, in the past or
hypothetical leaves the question open, so it is asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from types import MappingProxyType

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import URGENCY_ORDER, AgeRule, Condition, ScreeningQuestion
from rehabgraph.text.reader import Mention

__all__ = [
    "NOTHING_SAID",
    "SafetyIndex",
    "Screening",
    "TextSaid",
    "affirmed",
    "condition_applies",
]

_NOT_THEIRS_NOW = frozenset({"negated", "family", "hypothetical"})


def affirmed(mention: Mention, *, counts_when_historical: bool = False) -> bool:
    """A mention the person says of themselves, now (or in the past, where the past counts).
    An uncertain mention ("I think I might have wet myself") is affirmed: caution."""
    if mention.modifiers & _NOT_THEIRS_NOW:
        return False
    return counts_when_historical or "historical" not in mention.modifiers


def in_its_company(question: ScreeningQuestion, asked: AbstractSet[str]) -> bool:
    """Whether words may affirm ``question`` in a report whose zones ask ``asked`` (zone ids or
    question ids): a flag defined by its company needs one of its zones there."""
    return (
        not question.counts_only_with_its_zones
        or question.id in asked
        or bool(asked & set(question.zones))
    )


def condition_applies(condition: Condition, mention: Mention) -> bool:
    """Whether a condition named in text applies: said of the person, and, when the text dates
    it, within the condition's window (the nearest end of the date counts: caution)."""
    if mention.modifiers & _NOT_THEIRS_NOW:
        return False
    if condition.within_days is not None and mention.when is not None:
        return mention.when[0] <= condition.within_days
    return True


@dataclass(frozen=True, slots=True)
class Screening:
    """What a report's answers, age and words say about red flags.

    ``present`` refer; ``unanswered`` are still open for the reported zones; ``denied`` were
    denied in words (and ``answered_by_text`` of them counted as "no"); ``not_affirmed`` were
    mentioned of someone else, in the past or as a worry, and stay open.
    """

    present: tuple[str, ...]
    unanswered: tuple[str, ...]
    unknown_answers: tuple[str, ...]
    denied: tuple[str, ...] = ()
    answered_by_text: tuple[str, ...] = ()
    answered_by_age: tuple[str, ...] = ()
    not_affirmed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextSaid:
    """What a report's free text said about red flags: the flag mentions, the ages it names,
    and whether some of its words could not be read (then its denials answer nothing)."""

    mentions: Sequence[Mention] = ()
    ages: tuple[int, ...] = ()
    unread: bool = False


NOTHING_SAID = TextSaid()
# how many screenings of answers alone are remembered (an app asks the same questions of many)
_SCREENED_MAX = 8192


@dataclass(frozen=True, slots=True)
class SafetyIndex:
    questions: Mapping[str, ScreeningQuestion]
    order: Mapping[str, int]  # question id -> its place in safety.yaml
    by_zone: Mapping[str, tuple[str, ...]]
    by_code: Mapping[tuple[str, str], tuple[str, ...]]  # (system, code) -> flag ids
    aged: tuple[tuple[str, AgeRule], ...]  # questions with an age rule, and the rule
    gates: Mapping[str, tuple[tuple[str, bool], ...]]  # question -> its only_if, as pairs
    flags: frozenset[str]  # the questions with an urgency (a gate has none)
    # zone -> its questions open when nothing is said (the ungated ones), for the common report
    ungated: Mapping[str, tuple[str, ...]]
    # (zones, answers, unread) -> how reports that say only answers screen, once each
    screened: dict[tuple[tuple[str, ...], frozenset[tuple[str, bool]], bool], Screening] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge) -> SafetyIndex:
        questions = knowledge.questions
        by_zone: dict[str, list[str]] = {zone: [] for zone in knowledge.zones}
        for q in questions.values():
            for zone in knowledge.zones if "all" in q.zones else q.zones:
                if q.id not in by_zone[zone]:  # once per zone, in file order
                    by_zone[zone].append(q.id)
        by_code: dict[tuple[str, str], list[str]] = {}
        for q in questions.values():
            for code in q.codes:
                by_code.setdefault((code.system, code.code), []).append(q.id)
        return cls(
            questions=questions,
            order=MappingProxyType({q: i for i, q in enumerate(questions)}),
            by_zone=MappingProxyType({z: tuple(v) for z, v in by_zone.items()}),
            by_code=MappingProxyType({k: tuple(v) for k, v in by_code.items()}),
            aged=tuple((q.id, q.age) for q in questions.values() if q.age is not None),
            gates=MappingProxyType({q.id: tuple(q.only_if.items()) for q in questions.values()}),
            flags=frozenset(q.id for q in questions.values() if q.urgency is not None),
            ungated=MappingProxyType(
                {z: tuple(q for q in v if not questions[q].only_if) for z, v in by_zone.items()}
            ),
        )

    def questions_for(self, zones: Iterable[str]) -> tuple[str, ...]:
        """The screening questions asked for these zones, in the order of safety.yaml."""
        zones = tuple(zones)
        if len(zones) == 1:  # by_zone is already in file order
            return self.by_zone.get(zones[0], ())
        ids = {q for zone in zones for q in self.by_zone.get(zone, ())}
        return tuple(sorted(ids, key=self.order.__getitem__))

    def screen(
        self,
        zones: Iterable[str],
        answers: Mapping[str, bool],
        text: TextSaid = NOTHING_SAID,
        *,
        age: int | None = None,
    ) -> Screening:
        """Which red flags are present, which questions are still open.

        A flag is present when answered yes, affirmed in any text, or decided by age, for
        whatever zone; its gate (``only_if``) rules it out only when the gate was answered the
        other way. ``age`` is the report's own field (it can answer no); ages read from text
        can only answer yes. When some words could not be read (``text.unread``), denials in
        text do not answer anything.
        """
        zones = tuple(zones)
        if text.mentions or text.ages or age is not None:
            return self._screen(zones, answers, text, age)
        if not answers and len(zones) == 1:  # the common report: its ungated questions open
            return Screening((), self.ungated.get(zones[0], ()), ())
        # only answers: the same answers for the same places screen the same way every time
        key = (zones, frozenset(answers.items()), text.unread)
        known = self.screened.get(key)
        if known is None:
            known = self._screen(zones, answers, text, age)
            if len(self.screened) < _SCREENED_MAX:
                self.screened[key] = known
        return known

    def _screen(
        self,
        zones: tuple[str, ...],
        answers: Mapping[str, bool],
        text: TextSaid,
        age: int | None,
    ) -> Screening:
        in_order = self.questions_for(zones)
        questions = self.questions
        gates = self.gates
        unknown = tuple(sorted(a for a in answers if a not in questions))
        said: dict[str, bool] = {q: v for q, v in answers.items() if q in questions}
        if not text.mentions and age is None and not said:  # nothing said: ungated questions open
            return Screening((), tuple(q for q in in_order if not gates[q]), unknown)
        by_age = self._answer_by_age(said, age, text.ages)
        ruled_out = frozenset(
            q
            for q, rule in self.aged
            if rule.rules_out and age is not None and not rule.applies(age)
        )
        denied, others, by_text = self._answer_by_text(said, text, frozenset(in_order), ruled_out)
        flags = self.flags
        aged_yes = {q for q in by_age if said[q]}
        present = tuple(
            sorted(
                (
                    q
                    for q, v in said.items()
                    if v
                    and q in flags
                    # a gate not answered counts as met for what a person said (fail safe),
                    # but not for an age: age alone is no symptom ("55 or over" matters only
                    # after a knee injury), so an age answers yes only once its gate is met
                    and all(said.get(g, None if q in aged_yes else w) == w for g, w in gates[q])
                ),
                key=self.order.__getitem__,
            )
        )
        open_questions = tuple(
            q for q in in_order if q not in said and all(said.get(g) == v for g, v in gates[q])
        )
        return Screening(
            present,
            open_questions,
            unknown,
            denied=tuple(sorted(denied, key=self.order.__getitem__)),
            answered_by_text=tuple(by_text),
            answered_by_age=tuple(by_age),
            not_affirmed=tuple(sorted(others, key=self.order.__getitem__)),
        )

    def _answer_by_age(
        self, said: dict[str, bool], age: int | None, ages_said: Iterable[int]
    ) -> list[str]:
        """Answer the age questions in ``said`` that age decides; returns the ones answered."""
        by_age: list[str] = []
        for q, rule in self.aged:
            if age is not None:
                if not rule.applies(age):
                    if q not in said:
                        said[q] = False
                        by_age.append(q)
                    continue
                if rule.decides and not said.get(q):
                    said[q] = True
                    by_age.append(q)
            elif rule.decides and any(rule.applies(a) for a in ages_said) and not said.get(q):
                said[q] = True
                by_age.append(q)
        return by_age

    def _answer_by_text(
        self,
        said: dict[str, bool],
        text: TextSaid,
        asked: frozenset[str],
        ruled_out: frozenset[str] = frozenset(),
    ) -> tuple[set[str], set[str], list[str]]:
        """Answer yes what the text affirms, and no what it plainly denies (when all of it was
        read); returns the denied, the not affirmed, and the ones answered no. ``asked``: the
        questions of the report's zones (a flag that counts only with its zones needs one);
        ``ruled_out``: the questions the report's age rules out whatever the words."""
        questions = self.questions
        mentions = [
            m
            for m in text.mentions
            if m.id not in ruled_out
            and (m.id not in questions or in_its_company(questions[m.id], asked))
        ]
        yes = {
            m.id
            for m in mentions
            if m.id in questions
            and affirmed(m, counts_when_historical=questions[m.id].counts_when_historical)
        }
        for q in yes:
            said[q] = True
        denied = {m.id for m in mentions if m.modifiers == {"negated"}} - yes
        others = {m.id for m in mentions} - yes - denied
        by_text: list[str] = []
        if not text.unread:
            for q in sorted(denied - others, key=self.order.__getitem__):
                if q not in said:
                    said[q] = False
                    by_text.append(q)
        return denied, others, by_text

    def most_urgent(self, present: Iterable[str]) -> list[str]:
        """The flags, most urgent first (file order among equals)."""
        return sorted(
            present,
            key=lambda q: (
                URGENCY_ORDER.index(self.questions[q].urgency or "routine"),
                self.order[q],
            ),
        )
