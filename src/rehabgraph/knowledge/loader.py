"""Loading a knowledge folder: read each file, validate each entry, check every reference.

Problems are collected, not raised one at a time, so a clinician fixing a folder sees them all;
each names the file, the entry and what is wrong.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import networkx as nx
from pydantic import BaseModel, ValidationError

from rehabgraph.errors import KnowledgeError, KnowledgeProblem
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.layers import LIST_FILES, Layers, entry_name, read_layers
from rehabgraph.knowledge.models import (
    EDGE_ATTRIBUTES,
    EDGE_ENDS,
    Action,
    Condition,
    ContextLexicon,
    Exercise,
    Imbalance,
    Lexicon,
    Manifest,
    Muscle,
    Principle,
    Referral,
    Rule,
    RulesFile,
    SafetyFile,
    Scoring,
    ScreeningQuestion,
    Source,
    Zone,
)
from rehabgraph.knowledge.text import PhraseNormalizer, one_line
from rehabgraph.knowledge.yaml_io import MAX_FILE_BYTES
from rehabgraph.suggest import close_matches

__all__ = ["KNOWLEDGE_FILES", "read_knowledge"]

M = TypeVar("M", bound=BaseModel)

KNOWLEDGE_FILES = LIST_FILES
SINGLE_FILES = ("manifest.yaml", "rules.yaml", "lexicon.yaml", "safety.yaml", "context.yaml")
_ADAPTATION_PLACEHOLDERS = {"from", "to", "pain", "reps", "condition"}

_ALLOWED_VALUES: dict[str, frozenset[str]] = {
    "how": frozenset({"tight", "weak", "off-balance"}),
    "action": frozenset(Action.__args__),  # type: ignore[attr-defined]
}


class _Problems:
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


_entry_name = entry_name


def _describe(error: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p != "__root__")
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and error.get("type") != "missing":
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        msg = f"{msg} (got {shown})"
    return f"{loc}: {msg}" if loc else msg


def _validate(model: type[M], raw: Any, file: str, entry: str, problems: _Problems) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            problems.add(file, entry, _describe(error))
        return None


def _entries(
    raw: Any, file: str, key: str, model: type[M], problems: _Problems
) -> list[tuple[str, M]]:
    if raw is None:
        problems.add(file, "(file)", f"missing or empty: expected a top-level '{key}:' list")
        return []
    if not isinstance(raw, dict) or set(raw) != {key} or not isinstance(raw[key], list):
        problems.add(file, "(file)", f"expected exactly one top-level key '{key}' holding a list")
        return []
    out: list[tuple[str, M]] = []
    for index, item in enumerate(raw[key]):
        name = _entry_name(item, index)
        value = _validate(model, item, file, name, problems)
        if value is not None:
            out.append((name, value))
    return out


def _single(raw: Any, file: str, model: type[M], problems: _Problems) -> M | None:
    if raw is None:
        problems.add(file, "(file)", "missing")
        return None
    return _validate(model, raw, file, "(file)", problems)


def _index(file: str, entries: Iterable[tuple[str, Any]], problems: _Problems) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in entries:
        if value.id in out:
            problems.add(file, name, f"duplicate id {value.id!r}")
        else:
            out[value.id] = value
    return out


def read_knowledge(
    path: Path, extra: Sequence[Path] = (), max_file_bytes: int = MAX_FILE_BYTES
) -> Knowledge:
    """Read, validate and cross-check the knowledge folder at ``path``, with the knowledge
    packs in ``extra`` layered over it in order. A file above ``max_file_bytes`` is refused.

    Raises KnowledgeError listing every problem found.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise KnowledgeError.single(str(folder), "(folder)", "is not a folder")
    layers = read_layers(folder, [Path(p) for p in extra], max_file_bytes)
    problems = _Problems(layers)
    raw = layers.files

    manifest = _single(raw.get("manifest.yaml"), "manifest.yaml", Manifest, problems)
    rules_file = _single(raw.get("rules.yaml"), "rules.yaml", RulesFile, problems)
    lexicon = _single(raw.get("lexicon.yaml"), "lexicon.yaml", Lexicon, problems)
    context = _single(raw.get("context.yaml"), "context.yaml", ContextLexicon, problems)
    safety = _safety(raw.get("safety.yaml"), problems)
    lists: dict[str, list[tuple[str, Any]]] = {}
    models: dict[str, type[BaseModel]] = {
        "sources.yaml": Source,
        "zones.yaml": Zone,
        "muscles.yaml": Muscle,
        "referrals.yaml": Referral,
        "imbalances.yaml": Imbalance,
        "exercises.yaml": Exercise,
        "principles.yaml": Principle,
    }
    for file, key in KNOWLEDGE_FILES.items():
        lists[file] = _entries(raw.get(file), file, key, models[file], problems)

    sources: dict[str, Source] = _index("sources.yaml", lists["sources.yaml"], problems)
    zones: dict[str, Zone] = _index("zones.yaml", lists["zones.yaml"], problems)
    muscles: dict[str, Muscle] = _index("muscles.yaml", lists["muscles.yaml"], problems)
    imbalances: dict[str, Imbalance] = _index("imbalances.yaml", lists["imbalances.yaml"], problems)
    exercises: dict[str, Exercise] = _index("exercises.yaml", lists["exercises.yaml"], problems)
    principles: dict[str, Principle] = _index("principles.yaml", lists["principles.yaml"], problems)
    referrals: list[tuple[str, Referral]] = lists["referrals.yaml"]
    rules: list[Rule] = list(rules_file.rules) if rules_file else []

    _check_node_ids_unique(
        {
            "zones.yaml": zones,
            "muscles.yaml": muscles,
            "imbalances.yaml": imbalances,
            "exercises.yaml": exercises,
        },
        problems,
    )
    known: dict[str, Mapping[str, Any]] = {
        "zone": zones,
        "muscle": muscles,
        "imbalance": imbalances,
        "exercise": exercises,
    }

    def ref(file: str, entry: str, kind: str, value: str, field: str) -> None:
        if value not in known[kind]:
            close = _close(value, known[kind])
            problems.add(file, entry, f"{field}: unknown {kind} {value!r}{close}")

    def cite(file: str, entry: str, ids: Iterable[str], field: str = "sources") -> None:
        _cite(problems, sources, file, entry, ids, field)

    for table, file in (
        (zones, "zones.yaml"),
        (muscles, "muscles.yaml"),
        (principles, "principles.yaml"),
    ):
        for item in table.values():
            cite(file, item.id, item.sources)
            for i, code in enumerate(getattr(item, "codes", [])):
                cite(file, item.id, code.sources, f"codes[{i}].sources")
    seen_pairs: set[tuple[str, str]] = set()
    for name, referral in referrals:
        ref("referrals.yaml", name, "muscle", referral.muscle, "muscle")
        ref("referrals.yaml", name, "zone", referral.zone, "zone")
        cite("referrals.yaml", name, referral.sources)
        if (referral.muscle, referral.zone) in seen_pairs:
            problems.add("referrals.yaml", name, "duplicate referral")
        seen_pairs.add((referral.muscle, referral.zone))
    for imbalance in imbalances.values():
        cite("imbalances.yaml", imbalance.id, imbalance.sources)
        for i, inv in enumerate(imbalance.involves):
            ref("imbalances.yaml", imbalance.id, "muscle", inv.muscle, f"involves[{i}].muscle")
            cite("imbalances.yaml", imbalance.id, inv.sources, f"involves[{i}].sources")
    for exercise in exercises.values():
        cite("exercises.yaml", exercise.id, exercise.sources)
        for i, target in enumerate(exercise.targets):
            ref("exercises.yaml", exercise.id, "muscle", target.muscle, f"targets[{i}].muscle")
            cite("exercises.yaml", exercise.id, target.sources, f"targets[{i}].sources")
        for i, corrects in enumerate(exercise.corrects):
            ref(
                "exercises.yaml",
                exercise.id,
                "imbalance",
                corrects.imbalance,
                f"corrects[{i}].imbalance",
            )
            cite("exercises.yaml", exercise.id, corrects.sources, f"corrects[{i}].sources")
        for i, before in enumerate(exercise.before):
            ref("exercises.yaml", exercise.id, "exercise", before.exercise, f"before[{i}].exercise")
            cite("exercises.yaml", exercise.id, before.sources, f"before[{i}].sources")
            if before.exercise == exercise.id:
                problems.add("exercises.yaml", exercise.id, f"before[{i}]: comes before itself")
    for rule in rules:
        _check_rule(rule, sources, principles, problems)
    _check_order_acyclic(exercises, problems)
    conditions: dict[str, Condition] = {}
    questions: dict[str, ScreeningQuestion] = {}
    if safety is not None:
        conditions = _index("safety.yaml", [(c.id, c) for c in safety.conditions], problems)
        questions = _index("safety.yaml", [(q.id, q) for q in safety.questions], problems)
        _check_safety(safety, questions, zones, sources, problems)
    _check_exercise_safety(exercises, conditions, sources, problems)
    _check_variants(exercises, sources, problems)
    if lexicon is not None:
        _check_aliases(zones, PhraseNormalizer.from_lexicon(lexicon), problems)
        _cite(
            problems,
            sources,
            "lexicon.yaml",
            "side_codes",
            lexicon.side_codes_sources,
            "side_codes_sources",
        )
    if context is not None:
        _cite(problems, sources, "context.yaml", "(file)", context.sources)
    problems.raise_if_any()

    if (
        manifest is None
        or rules_file is None
        or lexicon is None
        or safety is None
        or context is None
    ):
        raise AssertionError("problems were recorded for these files")  # pragma: no cover
    frozen = MappingProxyType
    return Knowledge(
        path=folder.resolve(),
        manifest=manifest,
        sources=frozen(sources),
        zones=frozen(zones),
        muscles=frozen(muscles),
        referrals=tuple(r for _, r in referrals),
        imbalances=frozen(imbalances),
        exercises=frozen(exercises),
        principles=frozen(principles),
        rules=tuple(rules),
        scoring=rules_file.scoring if rules_file else Scoring(),
        lexicon=lexicon,
        questions=frozen(questions),
        conditions=frozen(conditions),
        adaptation=safety.adaptation,
        notice=one_line(safety.notice),
        notice_sources=tuple(safety.notice_sources),
        packs=tuple(f"{p.name}@{p.version}" for p in layers.packs),
        context=context,
    )


def _safety(raw: Any, problems: _Problems) -> SafetyFile | None:
    """safety.yaml validates question by question, so each problem names its question."""
    file = "safety.yaml"
    if raw is None:
        problems.add(file, "(file)", "missing")
        return None
    if not isinstance(raw, dict):
        problems.add(
            file, "(file)", "expected a mapping with notice, questions, conditions, adaptation"
        )
        return None
    ok = True
    for key in ("questions", "conditions"):
        items = raw.get(key, [])
        if not isinstance(items, list):
            problems.add(file, key, "expected a list")
            ok = False
            continue
        model: type[BaseModel] = ScreeningQuestion if key == "questions" else Condition
        for index, item in enumerate(items):
            if _validate(model, item, file, _entry_name(item, index), problems) is None:
                ok = False
    if not ok:
        return None
    return _validate(SafetyFile, raw, file, "(file)", problems)


def _check_safety(
    safety: SafetyFile,
    questions: Mapping[str, ScreeningQuestion],
    zones: Mapping[str, Zone],
    sources: Mapping[str, Source],
    problems: _Problems,
) -> None:
    file = "safety.yaml"

    def cite(entry: str, ids: Iterable[str], field: str = "sources") -> None:
        _cite(problems, sources, file, entry, ids, field)

    cite("notice", safety.notice_sources, "notice_sources")
    cite("adaptation", safety.adaptation.sources)
    for field in ("regressed", "progressed", "contraindicated", "no_easier_version", "kept"):
        text = getattr(safety.adaptation, field)
        names = {n for _, n, _, _ in string.Formatter().parse(text) if n is not None}
        for bad in sorted(names - _ADAPTATION_PLACEHOLDERS):
            problems.add(file, "adaptation", f"{field}: unknown placeholder {{{bad}}}")
    for condition in safety.conditions:
        cite(condition.id, condition.sources)
    for q in safety.questions:
        cite(q.id, q.sources)
        for zone in q.zones:
            if zone != "all" and zone not in zones:
                problems.add(file, q.id, f"zones: unknown zone {zone!r}{_close(zone, zones)}")
        for gate in q.only_if:
            if gate == q.id:
                problems.add(file, q.id, "only_if: a question cannot depend on itself")
            elif gate not in questions:
                problems.add(
                    file, q.id, f"only_if: unknown question {gate!r}{_close(gate, questions)}"
                )


def _check_exercise_safety(
    exercises: Mapping[str, Exercise],
    conditions: Mapping[str, Condition],
    sources: Mapping[str, Source],
    problems: _Problems,
) -> None:
    file = "exercises.yaml"
    for ex in exercises.values():
        entries = [
            ("contraindications", i, c.condition, c.sources)
            for i, c in enumerate(ex.contraindications)
        ] + [("precautions", i, p.condition, p.sources) for i, p in enumerate(ex.precautions)]
        for field, i, condition, cited in entries:
            if condition not in conditions:
                problems.add(
                    file,
                    ex.id,
                    f"{field}[{i}].condition: unknown condition "
                    f"{condition!r}{_close(condition, conditions)}",
                )
            _cite(problems, sources, file, ex.id, cited, f"{field}[{i}].sources")


def _check_variants(
    exercises: Mapping[str, Exercise], sources: Mapping[str, Source], problems: _Problems
) -> None:
    """Regressions and progressions exist, stay in the family, agree, and form no loop."""
    file = "exercises.yaml"
    easier: nx.DiGraph = nx.DiGraph()
    for ex in exercises.values():
        for field, variant in (("regression", ex.regression), ("progression", ex.progression)):
            if variant is None:
                continue
            _cite(problems, sources, file, ex.id, variant.sources, f"{field}.sources")
            other = exercises.get(variant.exercise)
            if other is None:
                problems.add(
                    file,
                    ex.id,
                    f"{field}.exercise: unknown exercise "
                    f"{variant.exercise!r}{_close(variant.exercise, exercises)}",
                )
                continue
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
            if field == "regression":
                easier.add_edge(ex.id, other.id)
            else:
                easier.add_edge(other.id, ex.id)
    try:
        cycle = nx.find_cycle(easier)
    except nx.NetworkXNoCycle:
        return
    loop = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
    problems.add(file, cycle[0][0], f"regressions and progressions form a loop: {loop}")


def _cite(
    problems: _Problems,
    sources: Mapping[str, Source],
    file: str,
    entry: str,
    ids: Iterable[str],
    field: str = "sources",
) -> None:
    """Every source id a fact cites must be listed in sources.yaml; say which are not."""
    for sid in ids:
        if sid not in sources:
            problems.add(file, entry, f"{field}: unknown source {sid!r}{_close(sid, sources)}")


def _close(value: str, table: Mapping[str, Any]) -> str:
    matches = close_matches(value, table)
    return f" (did you mean {', '.join(repr(m) for m in matches)}?)" if matches else ""


def _check_node_ids_unique(tables: dict[str, Mapping[str, Any]], problems: _Problems) -> None:
    owner: dict[str, str] = {}
    for file, table in tables.items():
        for node_id in table:
            if node_id in owner:
                problems.add(file, node_id, f"id is already used in {owner[node_id]}")
            else:
                owner[node_id] = file


def _check_rule(
    rule: Rule,
    sources: Mapping[str, Source],
    principles: Mapping[str, Principle],
    problems: _Problems,
) -> None:
    file = "rules.yaml"
    _cite(problems, sources, file, rule.id, rule.sources)
    if rule.principle is not None and rule.principle not in principles:
        problems.add(file, rule.id, f"principle: unknown principle {rule.principle!r}")
    kind: str = rule.start
    for i, step in enumerate(rule.path):
        tail, head = EDGE_ENDS[step.edge]
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
            if EDGE_ATTRIBUTES.get(step.edge) != attr:
                problems.add(file, rule.id, f"path[{i}].where: edge {step.edge} has no {attr!r}")
                continue
            bad = sorted(set(values) - _ALLOWED_VALUES[attr])
            if bad:
                problems.add(file, rule.id, f"path[{i}].where.{attr}: unknown value(s) {bad}")
        kind = there
    if kind != "exercise":
        problems.add(file, rule.id, f"path ends at a {kind}, not at an exercise")
    if rule.order == "after" and rule.start != "exercise":
        problems.add(file, rule.id, "order: after needs start: exercise")


def _check_order_acyclic(exercises: Mapping[str, Exercise], problems: _Problems) -> None:
    graph: nx.DiGraph = nx.DiGraph()
    for exercise in exercises.values():
        for before in exercise.before:
            if before.exercise in exercises and before.exercise != exercise.id:
                graph.add_edge(exercise.id, before.exercise)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    loop = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
    problems.add("exercises.yaml", cycle[0][0], f"'before' forms a cycle: {loop}")


def _check_aliases(
    zones: Mapping[str, Zone], normalizer: PhraseNormalizer, problems: _Problems
) -> None:
    regions = {normalizer.key(z.region) for z in zones.values()}
    owner: dict[tuple[str, ...], str] = {}
    for zone in zones.values():
        for alias in [zone.name, *zone.aliases]:
            key = normalizer.key(alias)
            _, sides = normalizer.split_sides(normalizer.fold(alias))
            if not key:
                problems.add("zones.yaml", zone.id, f"alias {alias!r} is only filler words")
            elif sides:
                problems.add(
                    "zones.yaml",
                    zone.id,
                    f"alias {alias!r} names a side; sides are given separately",
                )
            elif key in regions:
                problems.add("zones.yaml", zone.id, f"alias {alias!r} is as broad as a region")
            elif owner.get(key, zone.id) != zone.id:
                problems.add(
                    "zones.yaml",
                    zone.id,
                    f"alias {alias!r} is also an alias of zone {owner[key]!r}",
                )
            else:
                owner[key] = zone.id
