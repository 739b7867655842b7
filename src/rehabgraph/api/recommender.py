"""Recommender: the one object an app holds. Compiles the rules once, answers many reports.

A facade over the steps of an answer, each in a module of its own: reading the report
(:mod:`rehabgraph.api.reading`), the red-flag decision (:meth:`SafetyIndex.screen`), planning
(:mod:`rehabgraph.engine.plan`), writing the answer (:mod:`rehabgraph.api.answers`) and
``why_not`` (:mod:`rehabgraph.api.whynot`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rehabgraph._log import get_logger
from rehabgraph.api.loading import load_knowledge
from rehabgraph.api.parts import RecommenderParts
from rehabgraph.api.reading import ReadReport
from rehabgraph.api.recommendation import (
    Advice,
    AlsoPossible,
    ExcludedExercise,
    PlannedExercise,
    Recommendation,
    ScreeningItem,
    SourceRef,
    Status,
    TextRead,
    WhyNot,
)
from rehabgraph.api.report import PainReport
from rehabgraph.engine import (
    CompiledRules,
    Exclusion,
    Feedback,
    LocationResolver,
    Move,
    SafetyIndex,
    Screening,
    Session,
    SiteZones,
    Step,
    Swap,
    plan,
)
from rehabgraph.engine.safety import TextSaid
from rehabgraph.errors import (
    InvalidReportError,
    RehabgraphError,
    UnknownExerciseError,
)
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.suggest import close_matches
from rehabgraph.text.reader import Reader

if TYPE_CHECKING:  # imported when first used: most callers never ask for a programme
    from rehabgraph.api.programme import Programme

__all__ = ["Recommender"]

log = get_logger(__name__)

_WEEKS_MAX = 52  # a programme runs at most a year
# how many plans are remembered by the places they answer; one site at a time, the bundled
# knowledge has 59 zones x 4 sides x 12 intensities at most
_MADE_MAX = 8192


class Recommender:
    """Turns a :class:`PainReport` into a :class:`Recommendation`.

    Build it once: it compiles the knowledge's rules, screening questions and text reader when
    it is created (once per knowledge base, kept with it in the load cache), and its answers
    are read-only afterwards, so one instance can serve many threads. A plan that depends only
    on where it hurts is made the first time those places are asked about and reused.

    Safe by default: a report whose screening questions for its zones are not all answered gets
    ``status == "needs_screening"``, the questions in ``screening``, and no exercises. An app
    that screens for red flags elsewhere opts out with ``require_screening=False`` (its plans
    then carry the open questions in ``screening`` and a warning). Words rehabgraph cannot read
    hold a plan back either way: unread words in a symptom until the questions are answered
    explicitly, an unread condition until it is reworded or removed.

    >>> report = {"sites": [{"location": "outer knee", "side": "right"}]}
    >>> recommender = Recommender.default()
    >>> recommender.recommend(report).status
    'needs_screening'
    >>> answers = {q.id: False for q in recommender.screening(report)}
    >>> rec = recommender.recommend({**report, "answers": answers})
    >>> [e.exercise_id for e in rec.exercises]
    ['glute-squeeze', 'vmo-step-down']
    """

    __slots__ = (
        "_kb",
        "_made",
        "_max_exercises",
        "_parts",
        "_require_screening",
        "_scoring",
    )

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        require_screening: bool = True,
        max_exercises: int | None = None,
    ) -> None:
        self._kb = kb
        self._require_screening = require_screening
        self._max_exercises = max_exercises
        scoring = kb.knowledge.scoring
        if max_exercises is not None:
            if max_exercises < 1:
                raise ValueError("max_exercises must be at least 1")
            scoring = scoring.model_copy(update={"max_exercises": max_exercises})
        self._scoring = scoring
        self._made: dict[tuple[SiteZones, ...], _Made] = {}
        self._parts = RecommenderParts.of(kb)

    @classmethod
    def default(cls) -> Recommender:
        """A recommender over the bundled knowledge, built once per process (safe by default:
        it holds plans back until the screening questions are answered)."""
        return _default()

    @property
    def knowledge_base(self) -> KnowledgeBase:
        return self._kb

    @property
    def compiled(self) -> CompiledRules:
        """The rules compiled when the recommender was built (lint reads them, not again)."""
        return self._parts.compiled

    @property
    def resolver(self) -> LocationResolver:
        return self._parts.resolver

    @property
    def reader(self) -> Reader:
        """The text reader every free-text field goes through."""
        return self._parts.reader

    @property
    def safety(self) -> SafetyIndex:
        """The screening questions, indexed by zone and code at load time."""
        return self._parts.safety

    @property
    def require_screening(self) -> bool:
        return self._require_screening

    def _forget(self) -> None:
        """Drop what earlier answers left to reuse: plans, sites read, screenings decided
        (for the tests and benchmarks that compare or time a first answer)."""
        self._made.clear()
        self._parts.reading.forget()
        self._parts.safety.screened.clear()

    def screening(self, report: PainReport | Mapping[str, Any]) -> list[ScreeningItem]:
        """The screening questions that apply to the report's zones and are still open.

        Answering one can open others (the Ottawa knee questions follow "was there an injury?").
        """
        report = _as_report(report)
        read = self._parts.reading.read(report, report.reported_on or _local_today())
        return self._parts.writer.screening_items(self._screen(report, read).unanswered)

    def recommend_many(
        self, reports: Iterable[PainReport | Mapping[str, Any]]
    ) -> Iterator[Recommendation | RehabgraphError]:
        """Plans for many reports, lazily and in order: one bad report gives its error in its
        place (an UnknownLocationError, an InvalidReportError ...), not for the whole batch.

        >>> batch = Recommender.default().recommend_many(
        ...     [{"sites": [{"location": "outer knee"}]}, {"sites": [{"location": "elbow"}]}])
        >>> [type(r).__name__ for r in batch]
        ['Recommendation', 'UnknownLocationError']
        """
        for report in reports:
            try:
                yield self.recommend(report)
            except RehabgraphError as exc:
                yield exc

    def recommend(self, report: PainReport | Mapping[str, Any]) -> Recommendation:
        """The plan for ``report`` (a PainReport or a dict that validates into one).

        A red flag (answered yes, or said in any text of the report) always gives
        ``status == "refer"`` and no exercises, whatever else the report holds, even a field
        that does not validate (its error is listed in ``problems``). Otherwise raises
        UnknownLocationError for a location that names no zone, InvalidReportError for a report
        that does not validate, and UnknownExerciseError for feedback on an unknown exercise.
        """
        rec = self._recommend(report)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "recommend: zones %s -> %s, exercises %s",
                [z.id for site in rec.sites for z in site.zones],
                rec.status,
                [e.exercise_id for e in rec.exercises],
            )
        return rec

    def _recommend(self, report: PainReport | Mapping[str, Any]) -> Recommendation:
        if not isinstance(report, PainReport):
            try:
                report = PainReport.model_validate(report)
            except InvalidReportError as exc:
                return self._refer_invalid(report, exc)
        read = self._parts.reading.read(report, report.reported_on or _local_today())
        screen = self._screen(report, read)
        writer = self._parts.writer
        if screen.present:  # the red-flag decision comes before anything else can fail
            problems = [str(e) for e in read.errors]
            if screen.unknown_answers:
                problems.append(self._unknown_answers(screen.unknown_answers))
            problems += [
                f"could not read the condition {text!r}" for text in read.unread_conditions
            ]
            return writer.answer(
                "refer",
                read.sites,
                report,
                referral=writer.referral(screen.present),
                readings=writer.readings(read.texts, read.zones, read.place_only_flags),
                problems=problems,
                warnings=[f"Not needed for this answer: {p}" for p in problems],
            )
        if read.errors:
            raise read.errors[0]
        if screen.unknown_answers:
            raise InvalidReportError(self._unknown_answers(screen.unknown_answers))
        feedback = self._feedback(report)
        steps = self._steps(report, feedback)
        readings = writer.readings(read.texts, read.zones, read.place_only_flags)
        screening = writer.screening_items(screen.unanswered)
        warnings = self._held_warnings(read, screen, screening)
        held = bool(read.unread_conditions) or (
            bool(screening) and (self._require_screening or bool(read.unread_symptoms))
        )
        if held:
            return writer.answer(
                "needs_screening",
                read.sites,
                report,
                screening=screening,
                warnings=warnings,
                conditions=read.conditions,
                readings=readings,
            )
        return self._plan(report, read, feedback, steps, _Drafted(screening, warnings, readings))

    def programme(
        self, report: PainReport | Mapping[str, Any], weeks: int = 4, start: date | None = None
    ) -> Programme:
        """The plan for ``report`` laid out over ``weeks`` weeks in the knowledge's phases
        (dosing.yaml), each with its exercises at their version and starting dose and the
        criteria to move on. A report that gives no plan (a red flag, open questions) gives a
        programme with no phases and the recommendation that says why.

        >>> recommender = Recommender.default()
        >>> report = {"sites": [{"location": "outer knee", "side": "right"}]}
        >>> report["answers"] = {q.id: False for q in recommender.screening(report)}
        >>> plan = recommender.programme(report, weeks=4)
        >>> [(p.name, p.first_week, p.last_week) for p in plan.phases]
        [('loosen, activate and start easy', 1, 1), ('strengthen', 2, 3), ('load', 4, 4)]
        """
        if not 1 <= weeks <= _WEEKS_MAX:
            raise ValueError(f"weeks must be from 1 to {_WEEKS_MAX}")
        rec = self.recommend(report)
        first = start or (rec.report.reported_on if rec.report else None) or _local_today()
        from rehabgraph.api.programme import lay_out  # loaded by the first programme asked for

        return lay_out(rec, self._parts.adapter, self._parts.doser, weeks, first)

    def why_not(self, report: PainReport | Mapping[str, Any], exercise_id: str) -> WhyNot:
        """Why ``exercise_id`` is, or is not, in the plan for ``report``.

        The answer is one of: recommended, referred (a red flag), needs_screening, excluded (a
        contraindication, with its reason and source), replaced (by an easier or harder version),
        outranked (the plan was capped), or not_reachable (and which zones would reach it).
        """
        k = self._kb.knowledge
        if exercise_id not in k.exercises:
            raise UnknownExerciseError(exercise_id, close_matches(exercise_id, k.exercises))
        from rehabgraph.api.whynot import why_not  # loaded by the first question asked

        return why_not(
            k,
            self.recommend(report),
            exercise_id,
            self._parts.reached_from,
            self._scoring.max_exercises,
        )

    # --- the steps ----------------------------------------------------------------------------

    def _screen(self, report: PainReport, read: ReadReport) -> Screening:
        """The red-flag decision: answers, age and every text's flags, in one step."""
        return self._parts.safety.screen(
            read.zones,
            report.answers,
            TextSaid(read.flags, tuple(read.ages), unread=bool(read.unread_symptoms)),
            age=report.age,
        )

    def _refer_invalid(self, raw: Any, exc: InvalidReportError) -> Recommendation:
        """A report that does not validate still refers when a red flag can be read in it."""
        today = _local_today()
        texts = self._parts.reading.read_loose(raw, today)
        answers = raw.get("answers") if isinstance(raw, Mapping) else None
        said = (
            {k: True for k, v in answers.items() if isinstance(k, str) and v is True}
            if isinstance(answers, Mapping)
            else {}
        )
        flags = [m for _, r in texts for m in r.of("flag")]
        screen = self._parts.safety.screen((), said, TextSaid(flags))
        if not screen.present:
            raise exc
        writer = self._parts.writer
        return writer.answer(
            "refer",
            [],
            None,
            referral=writer.referral(screen.present),
            readings=writer.readings(texts),
            problems=list(exc.problems),
            warnings=[f"Not needed for this answer: {p}" for p in exc.problems],
        )

    def _held_warnings(
        self, read: ReadReport, screen: Screening, screening: list[ScreeningItem]
    ) -> list[str]:
        warnings = [
            f"rehabgraph could not read the condition {text!r}; it may rule an exercise out, so "
            "no plan is given until it is reworded (or removed) or a clinician has seen it."
            for text in read.unread_conditions
        ]
        warnings.extend(
            f"rehabgraph could not read all of the symptom {text!r}; if it worries you, see "
            "a clinician. Answer every screening question before exercising."
            for text in read.unread_symptoms
        )
        if screen.answered_by_text:
            names = ", ".join(screen.answered_by_text)
            warnings.append(f"Taken as answered no from your words: {names}.")
        if screening:
            warnings.append(
                f"{len(screening)} screening question{'s' if len(screening) != 1 else ''} "
                "not answered: check them before you start."
            )
        return warnings

    def _plan(
        self,
        report: PainReport,
        read: ReadReport,
        feedback: dict[str, Feedback],
        steps: dict[str, Step],
        drafted: _Drafted,
    ) -> Recommendation:
        # A plan that hangs on nothing but where it hurts (no condition, feedback or history)
        # is the same every time those places are asked about: made once, then reused.
        key = None if read.conditions or feedback or steps else tuple(read.site_zones)
        made = None if key is None else self._made.get(key)
        if made is None:
            made = self._make_plan(read, feedback, steps)
            if key is not None and len(self._made) < _MADE_MAX:
                self._made[key] = made
        return self._parts.writer.answer(
            made.status,
            read.sites,
            report,
            exercises=made.exercises,
            excluded=made.excluded,
            screening=drafted.screening,
            warnings=[*drafted.warnings, *made.warnings],
            conditions=read.conditions,
            also_possible=made.also_possible,
            advice=made.advice,
            readings=drafted.readings,
            sources=made.sources,
        )

    def _make_plan(
        self, read: ReadReport, feedback: dict[str, Feedback], steps: dict[str, Step]
    ) -> _Made:
        """The plan's own part of an answer: its exercises, what was left out and why, and
        the warnings the plan itself gives."""
        warnings: list[str] = []
        writer = self._parts.writer
        conditions = read.conditions
        held = frozenset(conditions)
        moves = {
            f: Move(step.exercise_id, step.sentence, step.sources)
            for f, step in steps.items()
            if step.change in ("easier", "harder") or step.exercise_id != f
        }
        result = plan(
            read.site_zones,
            self._parts.compiled,
            self._scoring,
            self._adapting(read, held, feedback, moves),
        )
        family = self._parts.adapter.family
        exercises = tuple(
            writer.planned(item, conditions, steps.get(family(item.exercise_id)))
            for item in result.items
        )
        excluded = tuple(writer.excluded(result.swaps))
        planned_families = {family(e.exercise_id) for e in exercises}
        planned_families |= {family(x.exercise_id) for x in excluded}
        for fam, fb in feedback.items():
            if fam not in planned_families:
                warnings.append(
                    f"Feedback on {fb.exercise_id!r} was not used: it is not part of this plan."
                )
        warnings.extend(
            f"The sessions of {self._kb.knowledge.exercises[fam].name!r} were not used: it is "
            "not part of this plan."
            for fam in steps
            if fam not in planned_families
        )
        if not exercises and excluded:
            warnings.append(
                "Every exercise these places reach was left out for you (see the list of "
                "exercises left out); ask a physiotherapist what to do instead."
            )
        return _Made(
            "exercise" if exercises else "no_match",
            exercises,
            excluded,
            tuple(writer.also_possible(item) for item in result.also),
            tuple(self._parts.pieces.advice_for(z for site in read.site_zones for z in site.zones)),
            tuple(warnings),
            tuple(writer.sources(exercises, excluded, None)),
        )

    def _unknown_answers(self, ids: Iterable[str]) -> str:
        known = list(self._kb.knowledge.questions)
        parts = []
        for answer in ids:
            close = close_matches(answer, known)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            parts.append(f"{answer!r}{hint}")
        return f"unknown screening question id {', '.join(parts)}"

    def _adapting(
        self,
        read: ReadReport,
        held: frozenset[str],
        feedback: Mapping[str, Feedback],
        moves: Mapping[str, Move],
    ) -> Callable[[str], Swap]:
        """Where each reached exercise ends up for this person: out when a guideline covering
        a reported zone says a plan must not hold it, else adapted to them."""
        avoided = self._parts.compiled.avoided
        if not avoided:  # no guideline says a plan must not hold an exercise
            return lambda exercise: self._parts.adapter.adapt(exercise, held, feedback, moves)
        said = {
            e: why
            for site in read.site_zones
            for z in site.zones
            for e, why in avoided.get(z, {}).items()
        }

        def adapt(exercise: str) -> Swap:
            why = said.get(exercise)
            if why is not None:
                out = Exclusion(exercise, why.reason, None, why.sources)
                return Swap(None, (exercise,), (), (), (), (out,))
            return self._parts.adapter.adapt(exercise, held, feedback, moves)

        return adapt

    def _steps(self, report: PainReport, feedback: Mapping[str, Feedback]) -> dict[str, Step]:
        """Each family's next session from the report's history, by family."""
        if not report.history:
            return {}
        if not self._parts.doser.ready:
            raise InvalidReportError(
                "this knowledge says nothing of how doses move (dosing.yaml): a history of "
                "sessions cannot be used"
            )
        by_family: dict[str, list[Session]] = {}
        for i, h in enumerate(report.history):
            fam = self._family_of(h.exercise_id)
            if fam in feedback:
                raise InvalidReportError(
                    f"history[{i}] and feedback both speak of versions of {fam!r}: give one"
                )
            by_family.setdefault(fam, []).append(
                Session(
                    h.date,
                    h.exercise_id,
                    h.sets,
                    h.reps,
                    h.pain_during,
                    h.pain_next_day,
                    h.good_form,
                )
            )
        return {
            fam: self._parts.doser.next_step(sorted(sessions, key=lambda x: x.day))
            for fam, sessions in by_family.items()
        }

    def _family_of(self, exercise_id: str) -> str:
        """The family of an exercise a report names; an unknown one is an error with close
        matches."""
        exercises = self._kb.knowledge.exercises
        if exercise_id not in exercises:
            raise UnknownExerciseError(exercise_id, close_matches(exercise_id, exercises))
        return self._parts.adapter.family(exercise_id)

    def _feedback(self, report: PainReport) -> dict[str, Feedback]:
        out: dict[str, Feedback] = {}
        for fb in report.feedback:
            family = self._family_of(fb.exercise_id)
            if family in out:
                raise InvalidReportError(
                    f"two feedback entries for versions of the same exercise: "
                    f"{out[family].exercise_id!r} and {fb.exercise_id!r}"
                )
            out[family] = Feedback(fb.exercise_id, fb.pain_during, fb.reps_with_good_form)
        return out


@dataclass(frozen=True, slots=True)
class _Made:
    """A plan's own part of an answer (frozen models, shared by the answers that reuse it)."""

    status: Status
    exercises: tuple[PlannedExercise, ...]
    excluded: tuple[ExcludedExercise, ...]
    also_possible: tuple[AlsoPossible, ...]
    advice: tuple[Advice, ...]
    warnings: tuple[str, ...]
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class _Drafted:
    """What is written before planning: the open questions, the warnings, what was read."""

    screening: list[ScreeningItem]
    warnings: list[str]  # the plan adds its own to these
    readings: list[TextRead]


def _local_today() -> date:
    """The person's own calendar day, on purpose: a report is dated where it is written
    (``date.today()`` is the local date)."""
    return date.today()  # noqa: DTZ011


def _as_report(report: PainReport | Mapping[str, Any]) -> PainReport:
    return report if isinstance(report, PainReport) else PainReport.model_validate(report)


_DEFAULT_LOCK = threading.Lock()
_DEFAULT: list[Recommender] = []


def _default() -> Recommender:
    """The shared default recommender, built exactly once even when threads race to it."""
    if not _DEFAULT:
        with _DEFAULT_LOCK:
            if not _DEFAULT:
                _DEFAULT.append(Recommender(load_knowledge()))
    return _DEFAULT[0]
