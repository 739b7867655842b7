"""The next session from a history of sessions: the same dose, more, less, the easier or the
harder version, each with its rule and sources (dosing.yaml).

A family's sessions are replayed in order from the first one's starting dose, so every step is
the rule applied to what was done, and the last step is the next session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.dosing_models import PainLimits, PainRule
from rehabgraph.knowledge.text import one_line

__all__ = ["Change", "Doser", "Session", "Step"]

Change = Literal["first", "same", "more", "less", "easier", "harder"]


@dataclass(frozen=True, slots=True)
class Session:
    """One session as done: which exercise, how much, the pain (0-10) and whether form held."""

    day: date
    exercise_id: str
    sets: int | None
    reps: int | None
    pain_during: int
    pain_next_day: int | None
    good_form: bool


_Dose = tuple[str, int | None, int | None]  # exercise, sets, reps


@dataclass(frozen=True, slots=True)
class _Said:
    """What a step's sentence says beyond its dose: the template, why, the pain, the version
    left."""

    sentence: str = ""
    why: str = ""
    pain: str = ""
    was: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """The dose for the next session, the change from the last one, and why."""

    exercise_id: str
    sets: int | None
    reps: int | None
    change: Change
    sentence: str
    rule: str  # the pain rule or "progression"
    sources: tuple[str, ...]


class Doser:
    """Applies the progression rule and the pain rules; each family's rule is looked up once."""

    __slots__ = ("_easier", "_harder", "_k", "_rules")

    def __init__(
        self, knowledge: Knowledge, easier: Mapping[str, str], harder: Mapping[str, str]
    ) -> None:
        self._k = knowledge
        self._easier = easier
        self._harder = harder
        dosing = knowledge.dosing
        default = next((r for r in dosing.pain_rules if r.default), None)
        rules: dict[str, PainRule] = {}
        for e in knowledge.exercises.values():
            named = next(
                (r for r in dosing.pain_rules if e.family_id in _families(r, knowledge)), None
            )
            if named is not None or default is not None:
                rules[e.id] = named or default  # type: ignore[assignment]
        self._rules = rules

    @property
    def ready(self) -> bool:
        """Whether the knowledge says how doses move (dosing.yaml has a progression rule)."""
        return self._k.dosing.progression is not None and bool(self._rules)

    def start(self, exercise_id: str) -> tuple[int | None, int | None]:
        """An exercise's starting dose: (sets, reps), from its dosage."""
        d = self._k.exercises[exercise_id].dosage
        return d.sets, d.reps_min or d.reps_max

    def next_step(self, sessions: Sequence[Session]) -> Step:
        """The next session after these sessions of one family, oldest first."""
        current = sessions[0].exercise_id
        sets, reps = self.start(current)
        step = self._step((current, sets, reps), "first", "progression")
        streak = 0
        for s in sessions:
            if s.exercise_id != current:  # another version was done: go on from it
                current = s.exercise_id
                sets, reps = self.start(current)
                streak = 0
            step, streak = self._after(s, current, sets, reps, streak)
            current, sets, reps = step.exercise_id, step.sets, step.reps
        return step

    # --- one session ---------------------------------------------------------------------------

    def _after(
        self, s: Session, current: str, sets: int | None, reps: int | None, streak: int
    ) -> tuple[Step, int]:
        rule = self._rules[current]
        progression = self._k.dosing.progression
        assert progression is not None  # noqa: S101  (ready was checked)
        pain = _pain_words(s)
        if _above(s, rule.back_off_above):
            return self._back_off(current, sets, reps, rule, pain), 0
        if not s.good_form:
            return self._step((current, sets, reps), "same", rule.id, _Said(sentence="form")), 0
        full = (reps is None or (s.reps or 0) >= reps) and (sets is None or (s.sets or 0) >= sets)
        if not full:
            why = "build up to the full dose first"
            return self._step((current, sets, reps), "same", rule.id, _Said(why=why)), 0
        if not _within(s, rule.progress_at_most):
            why = f"the pain ({pain}) is within {rule.name}, but not low enough to add more yet"
            return self._step((current, sets, reps), "same", rule.id, _Said(why=why)), 0
        streak += 1
        if streak < progression.sessions:
            why = f"{progression.sessions - streak} more session like this before the dose goes up"
            return self._step((current, sets, reps), "same", rule.id, _Said(why=why)), streak
        return self._more(current, sets, reps, rule), 0

    def _more(self, current: str, sets: int | None, reps: int | None, rule: PainRule) -> Step:
        progression = self._k.dosing.progression
        assert progression is not None  # noqa: S101
        top = self._k.exercises[current].dosage.reps_max
        for change in progression.order:
            if change == "reps" and reps is not None and top is not None and reps < top:
                more = min(top, reps + progression.reps_step)
                return self._step((current, sets, more), "more", rule.id)
            if change == "sets" and sets is not None and sets < progression.sets_max:
                return self._step((current, sets + 1, reps), "more", rule.id)
            if change == "harder" and (harder := self._harder.get(current)) is not None:
                new_sets, new_reps = self.start(harder)
                return self._step(
                    (harder, new_sets, new_reps), "harder", rule.id, _Said(was=current)
                )
        why = "it is at the top of its dose and has no harder version"
        return self._step((current, sets, reps), "same", rule.id, _Said(why=why))

    def _back_off(
        self, current: str, sets: int | None, reps: int | None, rule: PainRule, pain: str
    ) -> Step:
        progression = self._k.dosing.progression
        assert progression is not None  # noqa: S101
        # the fewest reps: the dosage's least, or one step when it gives none
        low = self._k.exercises[current].dosage.reps_min or progression.reps_step
        if rule.back_off == "less" and reps is not None and reps > low:
            fewer = max(low, reps - progression.reps_step)
            return self._step((current, sets, fewer), "less", rule.id, _Said(pain=pain))
        easier = self._easier.get(current)
        if easier is not None:
            new_sets, new_reps = self.start(easier)
            return self._step(
                (easier, new_sets, new_reps), "easier", rule.id, _Said(pain=pain, was=current)
            )
        why = f"it brought {pain} and has no easier version: ask a physiotherapist"
        return self._step((current, sets, reps), "same", rule.id, _Said(why=why))

    def _step(self, dose: _Dose, change: Change, rule_id: str, said: _Said | None = None) -> Step:
        exercise_id, sets, reps = dose
        said = said or _Said()
        why, pain, was = said.why, said.pain, said.was
        sentence = said.sentence or change
        k = self._k
        dosing = k.dosing
        rule = next((r for r in dosing.pain_rules if r.id == rule_id), None)
        progression = dosing.progression
        names = {
            "exercise": k.exercises[was or exercise_id].name,
            "to": k.exercises[exercise_id].name,
            "dose": _dose_words(sets, reps, k.exercises[exercise_id].dosage.describe()),
            "why": why,
            "pain": pain,
            "rule": rule.name if rule else "the progression rule",
            "said": one_line(rule.said) if rule else "",
            "sessions": str(progression.sessions if progression else ""),
        }
        template = dosing.sentences.get(sentence, "")  # type: ignore[call-overload]
        text = one_line(str(template).format_map(names)) if template else ""
        sources: list[str] = []
        if change in ("more", "harder", "first") and progression is not None:
            sources += progression.sources
        if rule is not None:
            sources += rule.sources
        return Step(
            exercise_id,
            sets,
            reps,
            change,
            text[:1].upper() + text[1:],
            rule_id if change not in ("more", "harder") else "progression",
            tuple(dict.fromkeys(sources)),
        )


def _families(rule: PainRule, knowledge: Knowledge) -> set[str]:
    return {knowledge.exercises[f].family_id for f in rule.families if f in knowledge.exercises}


def _above(s: Session, limits: PainLimits) -> bool:
    over_during = limits.during is not None and s.pain_during > limits.during
    over_next = (
        limits.next_day is not None
        and s.pain_next_day is not None
        and s.pain_next_day > limits.next_day
    )
    return over_during or over_next


def _within(s: Session, limits: PainLimits) -> bool:
    """Within the limits, and the next day's pain known when the limits name it."""
    if limits.during is not None and s.pain_during > limits.during:
        return False
    if limits.next_day is not None:
        return s.pain_next_day is not None and s.pain_next_day <= limits.next_day
    return True


def _pain_words(s: Session) -> str:
    parts = [f"pain {s.pain_during}/10 during it"]
    if s.pain_next_day is not None:
        parts.append(f"{s.pain_next_day}/10 the next day")
    return " and ".join(parts)


def _dose_words(sets: int | None, reps: int | None, described: str) -> str:
    if reps is None and sets is None:
        return described
    out = f"{reps} reps" if reps is not None else described
    if sets is not None:
        out = f"{sets} set{'s' if sets != 1 else ''} of {out}"
    return out
