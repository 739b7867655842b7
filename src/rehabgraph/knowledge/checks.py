"""Checking validated knowledge: every reference resolves, and what ids alone cannot say.

References and citations are checked by one walk over the ``Ref`` declarations of the models;
the rest are checks of their own: unique ids, loops in ``before`` and in the versions of an
exercise, rules that walk the edge types as they are declared, aliases, the safety file.
Problems are collected, not raised, so a clinician fixing a folder sees them all.
"""

from __future__ import annotations

import graphlib
import string
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rehabgraph.errors import KnowledgeError, KnowledgeProblem
from rehabgraph.knowledge.fields import Reference, references, slots
from rehabgraph.knowledge.fold import Folder
from rehabgraph.knowledge.layers import Layers
from rehabgraph.knowledge.models import (
    DIFFICULTY_ORDER,
    EDGES,
    Exercise,
    Lexicon,
    Referral,
    Rule,
    SafetyFile,
    Zone,
)
from rehabgraph.knowledge.registry import FILES, LISTS, KnowledgeFile
from rehabgraph.suggest import close_matches

__all__ = ["Problems", "check_knowledge", "find_cycle"]

_ADAPTATION_PLACEHOLDERS = {"from", "to", "pain", "reps", "condition"}


class Problems:
    """Collects problems; names each by the file (base or pack) its entry came from."""

    def __init__(self, layers: Layers) -> None:
        self.items: list[KnowledgeProblem] = []
        self.layers = layers
        for label, entry, problem in layers.problems:
            self.items.append(KnowledgeProblem(label, entry, problem))

    def add(self, file: str, entry: str, problem: str) -> None:
        self.items.append(KnowledgeProblem(self.layers.label(file, entry), entry, problem))

    def raise_if_any(self) -> None:
        if self.items:
            raise KnowledgeError(self.items)


def check_knowledge(read: Mapping[str, Any], tables: Mapping[str, Any], problems: Problems) -> None:
    """Every check, over the files as read (``read``: file -> its model, or its list of
    (entry, model)) and their entries by id (``tables``: Knowledge attribute -> entries)."""
    known = {e.kind: tables[e.key] for e in LISTS if e.kind}
    _check_node_ids_unique(tables, problems)
    for file, entry, found in _references(read, tables):
        for value in found.ids:
            table = known[found.ref.kind]
            if value not in table and value not in found.ref.allow:
                problems.add(
                    file,
                    entry,
                    f"{found.loc}: unknown {found.ref.kind} {value!r}{close(value, table)}",
                )
    _check_referrals(read["referrals.yaml"], problems)
    for rule in tables["rules"]:
        _check_rule(rule, problems)
    _check_before(tables["exercises"], problems)
    _check_variants(tables["exercises"], problems)
    _check_difficulty(tables["exercises"], problems)
    if read["safety.yaml"] is not None:
        _check_safety(read["safety.yaml"], problems)
    if read["lexicon.yaml"] is not None:
        _check_aliases(tables["zones"], read["lexicon.yaml"], problems)


def _references(
    read: Mapping[str, Any], tables: Mapping[str, Any]
) -> Iterator[tuple[str, str, Reference]]:
    """(file, entry, reference) for every reference, file by file, entry by entry."""
    for spec in FILES:
        value = read.get(spec.name)
        if value is None:
            continue
        if spec.key is not None:  # a list file: each entry once (the first of a duplicated id)
            (entries,) = spec.lists
            items = tables[entries.key].items() if entries.kind else value
            for name, item in items:
                for found in references(item):
                    yield spec.name, name, found
        else:
            yield from _mapping_references(spec, value)


def _mapping_references(spec: KnowledgeFile, value: Any) -> Iterator[tuple[str, str, Reference]]:
    """The references in a mapping file: its lists' entry by entry, then its own fields'."""
    nested = {e.key for e in spec.lists}
    for slot in slots(type(value)):
        held = getattr(value, slot.name)
        if held is None:
            continue
        if slot.name in nested:
            for item in held:
                for found in references(item):
                    yield spec.name, item.id, found
        elif slot.ref is not None:
            ids = (held,) if isinstance(held, str) else tuple(held)
            yield spec.name, slot.ref.entry or "(file)", Reference(slot.ref, slot.name, ids)
        elif slot.model is not None:
            for index, item in enumerate(held if slot.many else (held,)):
                where = getattr(item, "id", None) or (
                    f"{slot.name}[{index}]" if slot.many else slot.name
                )
                for found in references(item):
                    yield spec.name, where, found


def close(value: str, table: Mapping[str, Any]) -> str:
    """' (did you mean 'x'?)' when ``table`` holds ids close to ``value``."""
    matches = close_matches(value, table)
    return f" (did you mean {', '.join(repr(m) for m in matches)}?)" if matches else ""


def _check_node_ids_unique(tables: Mapping[str, Any], problems: Problems) -> None:
    """A node id names one node: no zone shares its id with a muscle, and so on."""
    owner: dict[str, str] = {}
    for entries in LISTS:
        if not entries.node:
            continue
        for node_id in tables[entries.key]:
            if node_id in owner:
                problems.add(entries.file, node_id, f"id is already used in {owner[node_id]}")
            else:
                owner[node_id] = entries.file


def _check_referrals(referrals: Iterable[tuple[str, Referral]], problems: Problems) -> None:
    seen: set[tuple[str, str]] = set()
    for name, referral in referrals:
        if (referral.muscle, referral.zone) in seen:
            problems.add("referrals.yaml", name, "duplicate referral")
        seen.add((referral.muscle, referral.zone))


def _check_rule(rule: Rule, problems: Problems) -> None:
    """A rule's path walks the edge types as the models declare them, and ends at an
    exercise; its ``where`` tests an attribute the edge has, with values it may take."""
    file = "rules.yaml"
    kind: str = rule.start
    for i, step in enumerate(rule.path):
        spec = EDGES[step.edge]
        tail, head = spec.ends
        here, there = (head, tail) if step.reverse else (tail, head)
        if here != kind:
            way = "backwards" if step.reverse else "forwards"
            problems.add(
                file,
                rule.id,
                f"path[{i}]: {step.edge} joins {tail} -> {head}, so walked {way} it starts at a "
                f"{here}, but the path is at a {kind} here",
            )
            return
        for attr, values in step.where.items():
            if spec.edge.where != attr:
                problems.add(file, rule.id, f"path[{i}].where: edge {step.edge} has no {attr!r}")
                continue
            bad = sorted(set(values) - spec.values)
            if bad:
                problems.add(file, rule.id, f"path[{i}].where.{attr}: unknown value(s) {bad}")
        kind = there
    if kind != "exercise":
        problems.add(file, rule.id, f"path ends at a {kind}, not at an exercise")
    if rule.order == "after" and rule.start != "exercise":
        problems.add(file, rule.id, "order: after needs start: exercise")


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A loop in the directed ``edges``, as its nodes with the first repeated at the end
    (``[a, b, a]``), starting from the earliest node given; None when there is none."""
    order: dict[str, int] = {}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for u, v in edges:
        order.setdefault(u, len(order))
        order.setdefault(v, len(order))
        sorter.add(v, u)  # v comes after u: the cycle graphlib reports follows the edges
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        loop: list[str] = list(error.args[1])[:-1]
        start = min(range(len(loop)), key=lambda i: order[loop[i]])
        loop = loop[start:] + loop[:start]
        return [*loop, loop[0]]
    return None


def _check_before(exercises: Mapping[str, Exercise], problems: Problems) -> None:
    """No exercise comes before itself, directly or round a loop."""
    file = "exercises.yaml"
    edges: list[tuple[str, str]] = []
    for exercise in exercises.values():
        for i, before in enumerate(exercise.before):
            if before.exercise == exercise.id:
                problems.add(file, exercise.id, f"before[{i}]: comes before itself")
            elif before.exercise is not None and before.exercise in exercises:
                edges.append((exercise.id, before.exercise))
    cycle = find_cycle(edges)
    if cycle is not None:
        problems.add(file, cycle[0], f"'before' forms a cycle: {' -> '.join(cycle)}")


def _check_variants(exercises: Mapping[str, Exercise], problems: Problems) -> None:
    """Regressions and progressions stay in the family, agree, and form no loop."""
    file = "exercises.yaml"
    easier: list[tuple[str, str]] = []
    for ex in exercises.values():
        for field, variant in (("regression", ex.regression), ("progression", ex.progression)):
            other = exercises.get(variant.exercise) if variant is not None else None
            if other is None:
                continue  # none, or unknown: the reference check says so
            if other.id == ex.id:
                problems.add(file, ex.id, f"{field}: an exercise cannot be its own {field}")
                continue
            if other.family_id != ex.family_id:
                problems.add(
                    file,
                    ex.id,
                    f"{field}: {other.id!r} is in family {other.family_id!r}, not {ex.family_id!r}",
                )
            back = other.progression if field == "regression" else other.regression
            if back is not None and back.exercise != ex.id:
                inverse = "progression" if field == "regression" else "regression"
                problems.add(
                    file,
                    ex.id,
                    f"{field}: {other.id!r} names {back.exercise!r} as its "
                    f"{inverse}, not {ex.id!r}",
                )
            easier.append((ex.id, other.id) if field == "regression" else (other.id, ex.id))
    cycle = find_cycle(easier)
    if cycle is not None:
        loop = " -> ".join(cycle)
        problems.add(file, cycle[0], f"regressions and progressions form a loop: {loop}")


def _check_difficulty(exercises: Mapping[str, Exercise], problems: Problems) -> None:
    """A harder version is never at an easier level than the version it progresses from."""
    rank = {level: i for i, level in enumerate(DIFFICULTY_ORDER)}
    for ex in exercises.values():
        harder = exercises.get(ex.progression.exercise) if ex.progression else None
        if harder is None or ex.difficulty is None or harder.difficulty is None:
            continue
        if rank[harder.difficulty] < rank[ex.difficulty]:
            problems.add(
                "exercises.yaml",
                harder.id,
                f"difficulty: {harder.difficulty!r} is easier than {ex.difficulty!r}, the "
                f"difficulty of {ex.id!r}, the version it progresses from",
            )


def _check_safety(safety: SafetyFile, problems: Problems) -> None:
    file = "safety.yaml"
    for field in ("regressed", "progressed", "contraindicated", "no_easier_version", "kept"):
        text = getattr(safety.adaptation, field)
        names = {n for _, n, _, _ in string.Formatter().parse(text) if n is not None}
        for bad in sorted(names - _ADAPTATION_PLACEHOLDERS):
            problems.add(file, "adaptation", f"{field}: unknown placeholder {{{bad}}}")
    for q in safety.questions:
        if q.id in q.only_if:
            problems.add(file, q.id, "only_if: a question cannot depend on itself")


def _check_aliases(zones: Mapping[str, Zone], lexicon: Lexicon, problems: Problems) -> None:
    """Aliases folded exactly as the reader folds a person's words (word endings, spellings,
    contractions), less filler and side words: each names one zone, and none is only filler,
    names a side, or is as broad as a region of several zones."""
    folder = Folder.from_lexicon(lexicon)
    skip = folder.place_skip(lexicon)
    side_phrases = [folder.phrase(p) for phrases in lexicon.sides.values() for p in phrases]
    side_words = frozenset(side[0] for side in side_phrases if len(side) == 1)
    side_runs = [side for side in side_phrases if len(side) > 1]

    def key(text: str) -> tuple[str, ...]:
        return tuple(s for s in folder.phrase(text) if s not in skip)

    regions: dict[tuple[str, ...], set[str]] = {}
    for z in zones.values():
        for r in z.regions:
            regions.setdefault(key(r), set()).add(z.id)
    owner: dict[tuple[str, ...], str] = {}
    for zone in zones.values():
        # the reader also takes the id as words ("knee-front": "knee front")
        for alias in [zone.name, *zone.aliases, zone.id.replace("-", " ")]:
            folded = folder.phrase(alias)
            alias_key = tuple(s for s in folded if s not in skip)
            if not side_words.isdisjoint(folded) or any(_holds(folded, s) for s in side_runs):
                problems.add(
                    "zones.yaml",
                    zone.id,
                    f"alias {alias!r} names a side; sides are given separately",
                )
            elif not alias_key:
                problems.add("zones.yaml", zone.id, f"alias {alias!r} is only filler words")
            elif regions.get(alias_key, {zone.id}) != {zone.id}:  # a region of one zone is it
                problems.add("zones.yaml", zone.id, f"alias {alias!r} is as broad as a region")
            elif owner.get(alias_key, zone.id) != zone.id:
                problems.add(
                    "zones.yaml",
                    zone.id,
                    f"alias {alias!r} is also an alias of zone {owner[alias_key]!r}",
                )
            else:
                owner[alias_key] = zone.id


def _holds(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether ``part`` stands in ``words`` as a run."""
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))
