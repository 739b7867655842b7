"""Adapting an exercise to the person: contraindications rule versions out, feedback moves
along the family (easier when it hurt, harder when it was easy).

Everything here follows regression and progression edges of the graph, so a swap extends an
explanation with real edges.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from rehabgraph.engine.compile import EdgeRef
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.text import one_line

__all__ = ["Adapter", "Exclusion", "Feedback", "Move", "Swap"]


@dataclass(frozen=True, slots=True)
class Feedback:
    exercise_id: str
    pain_during: int
    reps_with_good_form: int


@dataclass(frozen=True, slots=True)
class Move:
    """The version a family's history says to do next, and why."""

    exercise_id: str
    sentence: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An exercise left out of the plan, why, and what (if anything) took its place."""

    exercise_id: str
    reason: str
    condition: str | None
    sources: tuple[str, ...]
    replaced_by: str | None = None


@dataclass(frozen=True, slots=True)
class Swap:
    """Where an exercise the rules reached ends up for this person."""

    target: str | None
    chain: tuple[str, ...]  # from the reached exercise to the target, inclusive
    edges: tuple[EdgeRef, ...]
    sentences: tuple[str, ...]
    sources: tuple[str, ...]
    exclusions: tuple[Exclusion, ...] = field(default=())


class Adapter:
    """Where each exercise ends up for one person. The easier and harder version of every
    exercise are looked up once, when the knowledge loads, so adapting costs the same however
    many exercises the knowledge holds."""

    __slots__ = ("_easier_of", "_family", "_harder_of", "_same", "knowledge")

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        ex = knowledge.exercises
        easier: dict[str, str] = {}
        harder: dict[str, str] = {}
        for e in ex.values():  # a link may be declared on either end
            if e.progression is not None:
                easier.setdefault(e.progression.exercise, e.id)
            if e.regression is not None:
                harder.setdefault(e.regression.exercise, e.id)
        for e in ex.values():  # an exercise's own declaration wins
            if e.regression is not None:
                easier[e.id] = e.regression.exercise
            if e.progression is not None:
                harder[e.id] = e.progression.exercise
        self._easier_of = easier
        self._harder_of = harder
        self._family = {e.id: e.family_id for e in ex.values()}
        self._same = {e: Swap(e, (e,), (), (), ()) for e in ex}

    def family(self, exercise_id: str) -> str:
        return self._family[exercise_id]

    @property
    def easier_of(self) -> Mapping[str, str]:
        """Exercise -> its easier version."""
        return self._easier_of

    @property
    def harder_of(self) -> Mapping[str, str]:
        """Exercise -> its harder version."""
        return self._harder_of

    def _step(self, a: str, b: str) -> EdgeRef:
        """The graph edge joining two neighbouring versions, in the graph's direction."""
        ex = self.knowledge.exercises
        reg_a, prog_a, reg_b = ex[a].regression, ex[a].progression, ex[b].regression
        if reg_a is not None and reg_a.exercise == b:
            return EdgeRef(a, "regresses_to", b, reg_a)
        if prog_a is not None and prog_a.exercise == b:
            return EdgeRef(a, "progresses_to", b, prog_a)
        if reg_b is not None and reg_b.exercise == a:
            return EdgeRef(b, "regresses_to", a, reg_b)
        prog_b = ex[b].progression
        if prog_b is None or prog_b.exercise != a:  # _path only walks these four links
            raise ValueError(f"{a} and {b} are not neighbouring versions")
        return EdgeRef(b, "progresses_to", a, prog_b)

    def _easier(self, exercise_id: str) -> str | None:
        return self._easier_of.get(exercise_id)

    def _harder(self, exercise_id: str) -> str | None:
        return self._harder_of.get(exercise_id)

    def _path(self, start: str, goal: str) -> list[str] | None:
        """Versions from start to goal along the family's easier/harder links."""
        for step in (self._easier, self._harder):
            path = [start]
            while path[-1] != goal:
                nxt = step(path[-1])
                if nxt is None or nxt in path:
                    break
                path.append(nxt)
            if path[-1] == goal:
                return path
        return None

    def _after_feedback(
        self, fb: Feedback, chain: list[str], sentences: list[str]
    ) -> Exclusion | None:
        """The article's stop rule on last time's feedback: extends ``chain`` and
        ``sentences``, or the exclusion when it hurt and there is no easier version."""
        k = self.knowledge
        words = k.adaptation
        did = k.exercises[fb.exercise_id]
        reps = did.dosage.reps_max or did.dosage.reps_min
        names = {"from": did.name, "pain": str(fb.pain_during), "reps": str(reps or "")}
        if fb.pain_during > words.regress_when_pain_above:
            easier = self._easier(fb.exercise_id)
            if easier is None:
                reason = words.no_easier_version.format_map(names)
                return Exclusion(fb.exercise_id, one_line(reason), None, tuple(words.sources))
            chain.append(easier)
            names["to"] = k.exercises[easier].name
            sentences.append(words.regressed.format_map(names))
        elif (
            fb.pain_during <= words.progress_when_pain_at_most
            and reps is not None
            and fb.reps_with_good_form >= reps
            and (harder := self._harder(fb.exercise_id)) is not None
        ):
            chain.append(harder)
            names["to"] = k.exercises[harder].name
            sentences.append(words.progressed.format_map(names))
        elif reps is not None:
            sentences.append(words.kept.format_map(names))
        return None

    def adapt(
        self,
        exercise_id: str,
        conditions: frozenset[str],
        feedback: Mapping[str, Feedback],
        moves: Mapping[str, Move] | None = None,
    ) -> Swap:
        """Follow feedback (or the version a history moves the family to), then regress past
        contraindicated versions."""
        if not conditions and not feedback and not moves:
            return self._same[exercise_id]
        k = self.knowledge
        words = k.adaptation
        chain = [exercise_id]
        sentences: list[str] = []
        sources: list[str] = []
        exclusions: list[Exclusion] = []
        family = self.family(exercise_id)
        move = moves.get(family) if moves else None
        fb = feedback.get(family)
        if move is not None and move.exercise_id != exercise_id:
            chain = self._path(exercise_id, move.exercise_id) or [exercise_id]
            sentences.append(move.sentence)
            sources.extend(move.sources)
        elif fb is not None:
            chain = self._path(exercise_id, fb.exercise_id) or [exercise_id]
            said = self._after_feedback(fb, chain, sentences)
            if isinstance(said, Exclusion):
                return Swap(None, tuple(chain), (), (), (), (said,))
            sources.extend(words.sources)
        regressed: set[str] = set()
        while True:
            current = chain[-1]
            hit = next(
                (c for c in k.exercises[current].contraindications if c.condition in conditions),
                None,
            )
            if hit is None:
                break
            easier = self._easier(current)
            exclusions.append(
                Exclusion(current, one_line(hit.reason), hit.condition, tuple(hit.sources), easier)
            )
            if easier is None or easier in regressed:
                return Swap(None, tuple(chain), (), (), (), tuple(exclusions))
            regressed.add(current)
            sentences.append(
                words.contraindicated.format_map(
                    {
                        "from": k.exercises[current].name,
                        "to": k.exercises[easier].name,
                        "condition": k.conditions[hit.condition].name,
                    }
                )
            )
            sources.extend(hit.sources)
            chain.append(easier)
        chain = _without_loops(chain)
        edges = tuple(self._step(a, b) for a, b in itertools.pairwise(chain))
        return Swap(
            chain[-1],
            tuple(chain),
            edges,
            tuple(one_line(s) for s in sentences),
            tuple(dict.fromkeys(sources)),
            tuple(exclusions),
        )


def _without_loops(chain: list[str]) -> list[str]:
    """Drop detours: up to a harder version and back down again is no step at all."""
    out: list[str] = []
    for node in chain:
        if node in out:
            del out[out.index(node) + 1 :]
        else:
            out.append(node)
    return out
