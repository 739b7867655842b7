"""Recommender: the one object an app holds. Compiles the rules once, answers many reports."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from rehabgraph.api.loading import load_knowledge
from rehabgraph.api.pieces import AnswerPieces
from rehabgraph.api.recommendation import (
    ExcludedExercise,
    PlannedExercise,
    Recommendation,
    Referral,
    ResolvedSite,
    ScreeningItem,
    Status,
    WhyNot,
)
from rehabgraph.api.report import SNOMED_CT, PainReport, Side, Site
from rehabgraph.engine import (
    Adapter,
    Feedback,
    LocationResolver,
    PlannedItem,
    Resolution,
    SafetyIndex,
    Screening,
    SiteZones,
    Swap,
    combine_sides,
    compile_rules,
    plan,
)
from rehabgraph.errors import (
    InvalidReportError,
    RehabgraphError,
    UnknownExerciseError,
    UnknownLocationError,
)
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.bulk import collector_paused
from rehabgraph.knowledge.text import one_line

__all__ = ["Recommender"]


class Recommender:
    """Turns a :class:`PainReport` into a :class:`Recommendation`.

    Build it once: it compiles the knowledge's rules, screening questions and phrase indexes
    when it is created, and is read-only afterwards, so one instance can serve many threads.
    With ``require_screening=True`` a report whose screening questions are not all answered
    gets ``status == "needs_screening"`` and no exercises.

    >>> rec = Recommender.default().recommend(
    ...     {"sites": [{"location": "outer knee", "side": "right"}]})
    >>> [e.exercise_id for e in rec.exercises]
    ['glute-squeeze', 'vmo-step-down']
    """

    __slots__ = (
        "_adapter",
        "_code_index",
        "_compiled",
        "_kb",
        "_max_exercises",
        "_pieces",
        "_reached_from",
        "_require_screening",
        "_resolver",
        "_safety",
        "_scoring",
    )

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        require_screening: bool = False,
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
        with collector_paused():  # many small objects, no cycles
            self._resolver = LocationResolver.from_knowledge(kb.knowledge)
            self._safety = SafetyIndex.from_knowledge(kb.knowledge)
            self._adapter = Adapter(kb.knowledge)
            self._compiled = compile_rules(kb)
            self._pieces = AnswerPieces.build(kb, self._compiled)
            # exercise -> the zones whose rules reach it (for why_not), built once
            reached: dict[str, set[str]] = {}
            for zone, matches in self._compiled.from_zone.items():
                for m in matches:
                    reached.setdefault(m.exercise, set()).add(zone)
            self._reached_from = {e: tuple(sorted(z)) for e, z in reached.items()}
            systems = {
                "SNOMED-CT": SNOMED_CT,
                "UBERON": "http://purl.obolibrary.org/obo/uberon.owl",
                "FMA": "http://purl.org/sig/ont/fma",
            }
            index: dict[tuple[str, str], list[str]] = {}
            for zone_entry in kb.knowledge.zones.values():
                for code in zone_entry.codes:
                    index.setdefault((systems[code.system], code.code), []).append(zone_entry.id)
            self._code_index = {key: tuple(v) for key, v in index.items()}

    @classmethod
    def default(cls) -> Recommender:
        """A recommender over the bundled knowledge, built once per process."""
        return _default()

    @property
    def knowledge_base(self) -> KnowledgeBase:
        return self._kb

    @property
    def resolver(self) -> LocationResolver:
        return self._resolver

    @property
    def safety(self) -> SafetyIndex:
        """The screening questions and conditions, indexed by zone and phrase at load time."""
        return self._safety

    @property
    def require_screening(self) -> bool:
        return self._require_screening

    def screening(self, report: PainReport | Mapping[str, Any]) -> list[ScreeningItem]:
        """The screening questions that apply to the report's zones and are still open.

        Answering one can open others (the Ottawa knee questions follow "was there an injury?").
        """
        report = _as_report(report)
        zones = [z for site in report.sites for z in self._resolve_site(site)[0].zones]
        return self._screening_items(
            self._safety.screen(zones, report.answers, report.symptoms).unanswered
        )

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

        A red flag (answered yes, or named in ``symptoms``) always gives ``status == "refer"``
        and no exercises, whatever else the report holds. Otherwise raises
        UnknownLocationError for a location that names no zone, InvalidReportError for a report
        that does not validate, and UnknownExerciseError for feedback on an unknown exercise.
        """
        report = _as_report(report)
        k = self._kb.knowledge
        sites, site_zones, not_understood = self._resolve_sites(report)
        zones = [z for sz in site_zones for z in sz.zones]
        screen = self._safety.screen(zones, report.answers, report.symptoms)
        if screen.present:
            _, unknown_conditions = self._safety.resolve_conditions(report.conditions)
            ignored = [str(e) for e in not_understood]
            if screen.unknown_answers:
                ignored.append(self._unknown_answers(screen.unknown_answers))
            ignored += [f"unknown condition {text!r}" for text, _ in unknown_conditions]
            return self._refer(sites, screen, ignored, report)
        if not_understood:
            raise not_understood[0]
        if screen.unknown_answers:
            raise InvalidReportError(self._unknown_answers(screen.unknown_answers))
        conditions, unknown_conditions = self._safety.resolve_conditions(report.conditions)
        if unknown_conditions:
            text, close = unknown_conditions[0]
            hint = (
                f"; did you mean: {', '.join(close)}?"
                if close
                else (f"; known conditions: {', '.join(sorted(k.conditions))}")
            )
            raise InvalidReportError(f"unknown condition {text!r}{hint}")
        feedback = self._feedback(report)

        warnings: list[str] = []
        screening = self._screening_items(screen.unanswered)
        for text in screen.unrecognised_symptoms:
            warnings.append(
                f"rehabgraph did not recognise the symptom {text!r}; if it worries you, see a "
                "clinician before exercising."
            )
        if screening:
            warnings.append(
                f"{len(screening)} screening question{'s' if len(screening) != 1 else ''} "
                "not answered: check them before you start."
            )
        if self._require_screening and (screening or screen.unrecognised_symptoms):
            return self._answer(
                "needs_screening", sites, [], [], screening, None, warnings, report, conditions
            )

        held = frozenset(conditions)
        result = plan(
            site_zones,
            self._compiled,
            self._scoring,
            lambda e: self._adapter.adapt(e, held, feedback),
        )
        exercises = [self._planned(item, conditions) for item in result.items]
        excluded = self._excluded(result.swaps)
        planned_families = {self._adapter.family(e.exercise_id) for e in exercises}
        planned_families |= {self._adapter.family(x.exercise_id) for x in excluded}
        for family, fb in feedback.items():
            if family not in planned_families:
                warnings.append(
                    f"Feedback on {fb.exercise_id!r} was not used: it is not part of this plan."
                )
        if result.dropped:
            names = ", ".join(k.exercises[e].name for e in result.dropped)
            warnings.append(
                f"Also reached, but left out to keep the plan to {self._scoring.max_exercises} "
                f"exercises: {names}."
            )
        if not exercises and excluded:
            warnings.append(
                "Every exercise these places reach was left out for you (see the list of "
                "exercises left out); ask a physiotherapist what to do instead."
            )
        status: Status = "exercise" if exercises else "no_match"
        return self._answer(
            status,
            sites,
            exercises,
            excluded,
            screening,
            None,
            warnings,
            report,
            conditions,
            result.dropped,
        )

    def why_not(self, report: PainReport | Mapping[str, Any], exercise_id: str) -> WhyNot:
        """Why ``exercise_id`` is, or is not, in the plan for ``report``.

        The answer is one of: recommended, referred (a red flag), needs_screening, excluded (a
        contraindication, with its reason and source), replaced (by an easier or harder version),
        outranked (the plan was capped), or not_reachable (and which zones would reach it).
        """
        k = self._kb.knowledge
        if exercise_id not in k.exercises:
            close = difflib.get_close_matches(exercise_id, list(k.exercises), n=3)
            raise UnknownExerciseError(exercise_id, close)
        name = k.exercises[exercise_id].name
        rec = self.recommend(report)

        def answer(reason: Any, message: str, **more: Any) -> WhyNot:
            return WhyNot(
                exercise_id=exercise_id, name=name, reason=reason, message=message, **more
            )

        planned = {e.exercise_id: e for e in rec.exercises}
        if exercise_id in planned:
            return answer(
                "recommended",
                f"The {name} is in your plan.",
                sources=sorted({s for x in planned[exercise_id].explanations for s in x.sources}),
            )
        if rec.status == "refer" and rec.referral is not None:
            return answer(
                "referred",
                f"No exercise is recommended: {rec.referral.reason}",
                sources=rec.referral.sources,
            )
        if rec.status == "needs_screening":
            return answer(
                "needs_screening",
                "No exercise is recommended until the screening questions are answered.",
            )
        swapped = next((e for e in rec.exercises if e.adapted_from == exercise_id), None)
        excluded = next((x for x in rec.excluded if x.exercise_id == exercise_id), None)
        if excluded is not None:
            final = (
                swapped.name
                if swapped is not None
                else (k.exercises[excluded.replaced_by].name if excluded.replaced_by else None)
            )
            instead = f" The plan uses the {final} instead." if final else ""
            return answer(
                "excluded",
                f"The {name} is left out for you: {excluded.reason}.{instead}",
                replaced_by=swapped.exercise_id if swapped is not None else excluded.replaced_by,
                sources=excluded.sources,
            )
        if swapped is not None:
            why = swapped.explanations[0].sentence if swapped.explanations else ""
            return answer(
                "replaced",
                f"The {name} was replaced by the {swapped.name}. {why}",
                replaced_by=swapped.exercise_id,
                sources=swapped.explanations[0].sources if swapped.explanations else [],
            )
        if exercise_id in rec.dropped:
            return answer(
                "outranked",
                f"The {name} fits, but other exercises ranked higher and "
                f"the plan is kept to {self._scoring.max_exercises} exercises.",
            )
        family = k.exercises[exercise_id].family_id
        sibling = next(
            (
                e
                for e in rec.exercises
                if e.exercise_id != exercise_id and k.exercises[e.exercise_id].family_id == family
            ),
            None,
        )
        if sibling is not None:
            return answer(
                "another_version",
                f"The {name} is another version of the {sibling.name}, which is in your plan; it "
                "comes in when that version hurts, is too easy, or is not advised for you.",
                replaced_by=sibling.exercise_id,
            )
        zones = self._reached_from.get(exercise_id, ())
        if not zones:  # a version reached only from the exercise it varies
            zones = self._reached_from.get(family, ())
        names = ", ".join(k.zones[z].name for z in zones)
        where = (
            f" It is reached from: {names}."
            if zones
            else (" No zone reaches it directly; it comes in as part of another exercise's plan.")
        )
        return answer(
            "not_reachable",
            f"Nothing in your report leads to the {name}.{where}",
            reached_from=list(zones),
        )

    # --- parts of an answer ---------------------------------------------------------------

    def _resolve_sites(
        self, report: PainReport
    ) -> tuple[list[ResolvedSite], list[SiteZones], list[RehabgraphError]]:
        knowledge = self._kb.knowledge
        sites: list[ResolvedSite] = []
        site_zones: list[SiteZones] = []
        errors: list[RehabgraphError] = []
        for site in report.sites:
            try:
                resolution, said = self._resolve_site(site)
                coded_side = self._laterality(site)
                if site.side and coded_side and site.side != coded_side:
                    raise InvalidReportError(
                        f"site {said!r} has side {site.side!r} but laterality code "
                        f"{site.laterality.code if site.laterality else ''} ({coded_side})"
                    )
                side = _side(site.side or coded_side, resolution.sides, said)
            except (UnknownLocationError, InvalidReportError) as exc:
                errors.append(exc)
                continue
            sided = any(knowledge.zones[z].sided for z in resolution.zones)
            side = side if sided else None
            sites.append(
                ResolvedSite(
                    location=said,
                    zones=[self._pieces.zones[z] for z in resolution.zones],
                    side=side,
                    intensity=site.intensity,
                    unmatched_words=list(resolution.unmatched),
                )
            )
            site_zones.append(SiteZones(resolution.zones, side, site.intensity))
        return sites, site_zones, errors

    def _resolve_site(self, site: Site) -> tuple[Resolution, str]:
        """Zones from a code the knowledge carries, else from the words (or the code's display)."""
        if site.code is not None:
            zones = self._code_index.get((site.code.system, site.code.code), ())
            if zones:
                return self._code_and_words(site, zones)
        words = (
            site.location
            if site.location is not None
            else (site.code.display if site.code else None)
        )
        if words is None:
            assert site.code is not None
            raise UnknownLocationError(
                site.code.code,
                [],
                f"no zone carries the code {site.code.system}|{site.code.code}; send the "
                "location in words (or the code's display) too",
            )
        return self._resolver.resolve(words), words

    def _code_and_words(self, site: Site, zones: tuple[str, ...]) -> tuple[Resolution, str]:
        """A coded site: the code names the zones; words given too must not name others."""
        assert site.code is not None
        said = site.location or site.code.display or f"{site.code.system}|{site.code.code}"
        if site.location is None:
            return Resolution(zones, frozenset(), ()), said
        try:
            words = self._resolver.resolve(site.location)
        except UnknownLocationError:  # free text the lexicon does not read: the code decides
            return Resolution(zones, frozenset(), ()), said
        if not set(words.zones) & set(zones):
            names = self._kb.knowledge.zones
            raise InvalidReportError(
                f"site {site.location!r} names {', '.join(names[z].name for z in words.zones)} "
                f"but its code {site.code.code} names {', '.join(names[z].name for z in zones)}"
            )
        return Resolution(zones, words.sides, words.unmatched), said

    def _laterality(self, site: Site) -> Side | None:
        if site.laterality is None:
            return None
        codes = self._kb.knowledge.lexicon.side_codes
        for side, code in codes.items():
            if site.laterality.code == code and site.laterality.system == SNOMED_CT:
                return side
        known = ", ".join(f"{c} ({s})" for s, c in codes.items())
        raise InvalidReportError(
            f"unknown laterality code {site.laterality.code!r}; rehabgraph knows {known}"
        )

    def _refer(
        self,
        sites: list[ResolvedSite],
        screen: Screening,
        not_understood: list[str],
        report: PainReport,
    ) -> Recommendation:
        questions = self._kb.knowledge.questions
        flags = self._safety.most_urgent(screen.present)
        top = questions[flags[0]]
        sources = list(dict.fromkeys(s for q in flags for s in questions[q].sources))
        referral = Referral(
            urgency=top.urgency or "routine",
            concern=top.concern or top.question,
            reason=one_line(top.tell or ""),
            flags=flags,
            sources=sources,
        )
        warnings = [f"Not understood, and not needed for this answer: {e}" for e in not_understood]
        warnings += [
            f"rehabgraph did not recognise the symptom {text!r}."
            for text in screen.unrecognised_symptoms
        ]
        return self._answer("refer", sites, [], [], [], referral, warnings, report)

    def _answer(
        self,
        status: Status,
        sites: list[ResolvedSite],
        exercises: list[PlannedExercise],
        excluded: list[ExcludedExercise],
        screening: list[ScreeningItem],
        referral: Referral | None,
        warnings: list[str],
        report: PainReport,
        conditions: Iterable[str] = (),
        dropped: Iterable[str] = (),
    ) -> Recommendation:
        k = self._kb.knowledge
        ids: dict[str, None] = {}
        for ex in exercises:
            ids.update(dict.fromkeys(k.exercises[ex.exercise_id].sources))
            for e in ex.explanations:
                ids.update(dict.fromkeys(e.sources))
        for x in excluded:
            ids.update(dict.fromkeys(x.sources))
        if referral is not None:
            ids.update(dict.fromkeys(referral.sources))
        ids.update(dict.fromkeys(self._pieces.notice_sources))
        return Recommendation(
            status=status,
            sites=sites,
            exercises=exercises,
            excluded=excluded,
            screening=screening,
            referral=referral,
            warnings=warnings,
            notice=k.notice,
            sources=[self._pieces.sources[i] for i in ids],
            knowledge_version=k.version,
            report=report,
            conditions=list(conditions),
            dropped=list(dropped),
        )

    def _screening_items(self, ids: Iterable[str]) -> list[ScreeningItem]:
        return [self._pieces.questions[q] for q in ids]

    def _unknown_answers(self, ids: Iterable[str]) -> str:
        known = list(self._kb.knowledge.questions)
        parts = []
        for answer in ids:
            close = difflib.get_close_matches(answer, known, n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            parts.append(f"{answer!r}{hint}")
        return f"unknown screening question id {', '.join(parts)}"

    def _feedback(self, report: PainReport) -> dict[str, Feedback]:
        exercises = self._kb.knowledge.exercises
        out: dict[str, Feedback] = {}
        for fb in report.feedback:
            if fb.exercise_id not in exercises:
                close = difflib.get_close_matches(fb.exercise_id, list(exercises), n=3)
                raise UnknownExerciseError(fb.exercise_id, close)
            family = self._adapter.family(fb.exercise_id)
            if family in out:
                raise InvalidReportError(
                    f"two feedback entries for versions of the same exercise: "
                    f"{out[family].exercise_id!r} and {fb.exercise_id!r}"
                )
            out[family] = Feedback(fb.exercise_id, fb.pain_during, fb.reps_with_good_form)
        return out

    def _excluded(self, swaps: Mapping[str, Swap]) -> list[ExcludedExercise]:
        exercises = self._kb.knowledge.exercises
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

    def _planned(self, item: PlannedItem, conditions: list[str]) -> PlannedExercise:
        exercise_id = item.exercise_id
        warnings = []
        if conditions:
            k = self._kb.knowledge
            warnings = [
                f"With {k.conditions[p.condition].name}: {one_line(p.advice)}"
                for p in k.exercises[exercise_id].precautions
                if p.condition in conditions
            ]
        explanation = self._pieces.explanation
        return PlannedExercise(
            **self._pieces.exercises[exercise_id],
            side=combine_sides(item.sides) if exercise_id in self._pieces.sided else None,
            score=item.score,
            explanations=[explanation(m) for m in item.matches],
            adapted_from=item.adapted_from[0] if item.adapted_from else None,
            warnings=warnings,
        )


def _as_report(report: PainReport | Mapping[str, Any]) -> PainReport:
    if isinstance(report, PainReport):
        return report
    try:
        return PainReport.model_validate(report)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'report'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidReportError(f"invalid pain report: {problems}") from None


def _side(given: Side | None, named: frozenset[str], location: str) -> Side | None:
    said = combine_sides(set(named))
    if given and said and given != said:
        raise InvalidReportError(
            f"side {given!r} contradicts {said!r} named in the location {location!r}"
        )
    return given or said


_DEFAULT_LOCK = threading.Lock()
_DEFAULT: list[Recommender] = []


def _default() -> Recommender:
    """The shared default recommender, built exactly once even when threads race to it."""
    if not _DEFAULT:
        with _DEFAULT_LOCK:
            if not _DEFAULT:
                _DEFAULT.append(Recommender(load_knowledge()))
    return _DEFAULT[0]
