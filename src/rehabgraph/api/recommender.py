"""Recommender: the one object an app holds. Compiles the rules once, answers many reports."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from rehabgraph.api.loading import load_knowledge
from rehabgraph.api.recommendation import (
    Explanation,
    PathEdge,
    PlannedExercise,
    Recommendation,
    ResolvedSite,
    SourceRef,
    ZoneRef,
)
from rehabgraph.api.report import PainReport, Side
from rehabgraph.engine import (
    LocationResolver,
    PlannedItem,
    SiteZones,
    combine_sides,
    compile_rules,
    plan,
)
from rehabgraph.errors import InvalidReportError
from rehabgraph.graph.base import KnowledgeBase

__all__ = ["Recommender"]


class Recommender:
    """Turns a :class:`PainReport` into a :class:`Recommendation`.

    Build it once: it compiles the knowledge's rules when it is created, and is read-only
    afterwards, so one instance can serve many threads.

    >>> rec = Recommender.default().recommend(
    ...     {"sites": [{"location": "outer knee", "side": "right"}]})
    >>> [e.exercise_id for e in rec.exercises]
    ['glute-squeeze', 'vmo-step-down']
    """

    __slots__ = ("_compiled", "_kb", "_resolver")

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._resolver = LocationResolver.from_knowledge(kb.knowledge)
        self._compiled = compile_rules(kb)

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

    def recommend(self, report: PainReport | Mapping[str, Any]) -> Recommendation:
        """The plan for ``report`` (a PainReport or a dict that validates into one).

        Raises UnknownLocationError for a location that names no zone and InvalidReportError
        for a report that does not validate.
        """
        report = _as_report(report)
        knowledge = self._kb.knowledge
        sites: list[ResolvedSite] = []
        site_zones: list[SiteZones] = []
        for site in report.sites:
            resolution = self._resolver.resolve(site.location)
            side = _side(site.side, resolution.sides, site.location)
            sided = any(knowledge.zones[z].sided for z in resolution.zones)
            side = side if sided else None
            sites.append(
                ResolvedSite(
                    location=site.location,
                    zones=[ZoneRef(id=z, name=knowledge.zones[z].name) for z in resolution.zones],
                    side=side,
                    intensity=site.intensity,
                    unmatched_words=list(resolution.unmatched),
                )
            )
            site_zones.append(SiteZones(resolution.zones, side, site.intensity))

        items = plan(site_zones, self._compiled, knowledge.scoring)
        exercises = [self._planned(item) for item in items]
        warnings: list[str] = []
        return Recommendation(
            status="exercise" if exercises else "no_match",
            sites=sites,
            exercises=exercises,
            warnings=warnings,
            notice=knowledge.manifest.notice,
            sources=self._sources(exercises),
            knowledge_version=knowledge.version,
        )

    def _planned(self, item: PlannedItem) -> PlannedExercise:
        exercise = self._kb.knowledge.exercises[item.exercise_id]
        return PlannedExercise(
            exercise_id=exercise.id,
            name=exercise.name,
            summary=exercise.summary,
            side=combine_sides(item.sides) if exercise.sided else None,
            steps=list(exercise.steps),
            dosage=exercise.dosage.describe(),
            dosage_detail=exercise.dosage,
            stop_if=" ".join(exercise.stop_if.split()),
            score=item.score,
            explanations=[
                Explanation(
                    rule_id=m.rule.id,
                    path=list(m.nodes),
                    edges=[
                        PathEdge(source=e.source, type=e.type, target=e.target) for e in m.edges
                    ],
                    sources=list(m.sources),
                    principle=m.rule.principle,
                    sentence=m.sentence,
                )
                for m in item.matches
            ],
        )

    def _sources(self, exercises: list[PlannedExercise]) -> list[SourceRef]:
        table = self._kb.knowledge.sources
        ids: dict[str, None] = {}
        for ex in exercises:
            for sid in self._kb.knowledge.exercises[ex.exercise_id].sources:
                ids[sid] = None
            for e in ex.explanations:
                ids.update(dict.fromkeys(e.sources))
        return [
            SourceRef(id=s.id, title=s.title, kind=s.kind, url=s.url, doi=s.doi, locator=s.locator)
            for s in (table[i] for i in ids)
        ]


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


@functools.cache
def _default() -> Recommender:
    return Recommender(load_knowledge())
