"""Loading a knowledge folder: read each file, validate each entry, then check them all.

Which files there are, and what each holds, comes from the registry (``registry.py``, read off
the attributes of ``Knowledge``); the checks are in ``checks.py``. Problems are collected, not
raised one at a time, so a clinician fixing a folder sees them all; each names the file, the
entry and what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rehabgraph import _progress
from rehabgraph._log import get_logger
from rehabgraph.errors import KnowledgeError
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.checks import Problems, check_knowledge
from rehabgraph.knowledge.compact import share_field_sets
from rehabgraph.knowledge.families import derive_families, expand_before
from rehabgraph.knowledge.guidelines import expand_requirements
from rehabgraph.knowledge.layers import LIST_FILES, entry_name, read_layers
from rehabgraph.knowledge.reach import check_reach
from rehabgraph.knowledge.registry import FILES, LISTS, KnowledgeFile
from rehabgraph.knowledge.yaml_io import MAX_FILE_BYTES

__all__ = ["KNOWLEDGE_FILES", "read_knowledge"]

M = TypeVar("M", bound=BaseModel)

KNOWLEDGE_FILES = LIST_FILES
log = get_logger(__name__)
_SHOWN_MAX = 60  # a longer value a problem quotes is cut to this many characters, "..." included


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
    problems = Problems(layers)
    read = {
        spec.name: _read_file(spec, layers.files.get(spec.name), problems)
        for spec in _progress.tracked(
            "validating entries",
            [s for s in sorted(FILES, key=lambda f: f.key is not None) if s.base],
        )  # the mapping files first
    }
    _progress.report("checking", 0, 4)
    tables = _tables(read, problems)
    families = derive_families(tables["exercises"], problems)
    exercises = expand_before(families, problems)
    _progress.report("checking", 1, 4)
    tables["exercises"] = MappingProxyType(
        check_reach(tables["regions"], tables["zones"], exercises, problems)
    )
    _progress.report("checking", 2, 4)
    tables["recommendations"] = MappingProxyType(
        expand_requirements(
            tables["recommendations"], tables["guidelines"], tables["exercises"], problems
        )
    )
    _progress.report("checking", 3, 4)
    check_knowledge(read, tables, problems)
    _progress.report("checking", 4, 4)
    if problems.items:
        log.debug("%s: %d problems, not loaded", folder, len(problems.items))
    problems.raise_if_any()
    log.debug("read %s: %s", folder, ", ".join(f"{len(v)} {k}" for k, v in tables.items()))
    rules, safety = read["rules.yaml"], read["safety.yaml"]
    knowledge = Knowledge(
        path=folder.resolve(),
        scoring=rules.scoring,
        adaptation=safety.adaptation,
        notice=safety.notice,
        notice_sources=tuple(safety.notice_sources),
        packs=tuple(f"{p.name}@{p.version}" for p in layers.packs),
        **{spec.attribute: read[spec.name] for spec in FILES if spec.attribute},
        **tables,
    )
    share_field_sets(getattr(knowledge, f.name) for f in fields(knowledge))
    return knowledge


def _read_file(spec: KnowledgeFile, raw: Any, problems: Problems) -> Any:
    """A list file as its (entry, model) pairs; any other file as its model (None if broken)."""
    if raw is None and spec.optional:
        raw = {spec.key: []} if spec.key is not None else {}
    if spec.key is not None:
        return _entries(raw, spec.name, spec.key, spec.lists[0].model, problems)
    if raw is None:
        problems.add(spec.name, "(file)", "missing")
        return None
    if spec.each and not _each_entry(spec, raw, problems):
        return None
    return _validate(spec.model, raw, spec.name, "(file)", problems)


def _tables(read: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """Knowledge attribute -> its entries: read-only by id when others refer to them (a
    duplicated id is a problem), else a tuple."""
    out: dict[str, Any] = {}
    for entries in LISTS:
        value = read[entries.file]
        if isinstance(value, list):
            pairs = value
        else:
            items = getattr(value, entries.key) if value is not None else []
            pairs = [(item.id, item) for item in items]
        if entries.kind:
            out[entries.key] = MappingProxyType(_index(entries.file, pairs, problems))
        else:
            out[entries.key] = tuple(item for _, item in pairs)
    return out


def _describe(error: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p != "__root__")
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and error.get("type") != "missing":
        shown = (
            repr(value) if len(repr(value)) <= _SHOWN_MAX else repr(value)[: _SHOWN_MAX - 3] + "..."
        )
        msg = f"{msg} (got {shown})"
    return f"{loc}: {msg}" if loc else msg


def _validate(model: type[M], raw: Any, file: str, entry: str, problems: Problems) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            problems.add(file, entry, _describe(error))
        return None


def _entries(
    raw: Any, file: str, key: str, model: type[M], problems: Problems
) -> list[tuple[str, M]]:
    if raw is None:
        problems.add(file, "(file)", f"missing or empty: expected a top-level '{key}:' list")
        return []
    if not isinstance(raw, dict) or set(raw) != {key} or not isinstance(raw[key], list):
        problems.add(file, "(file)", f"expected exactly one top-level key '{key}' holding a list")
        return []
    out: list[tuple[str, M]] = []
    for index, item in enumerate(raw[key]):
        name = entry_name(item, index)
        value = _validate(model, item, file, name, problems)
        if value is not None:
            out.append((name, value))
    return out


def _each_entry(spec: KnowledgeFile, raw: Any, problems: Problems) -> bool:
    """Validate a mapping file's lists entry by entry first, so each problem names its entry
    (safety.yaml's questions and conditions); True when they all are valid."""
    if not isinstance(raw, dict):
        fields = ", ".join(n for n in spec.model.model_fields if not n.endswith("_sources"))
        problems.add(spec.name, "(file)", f"expected a mapping with {fields}")
        return False
    ok = True
    for entries in spec.lists:
        items = raw.get(entries.key, [])
        if not isinstance(items, list):
            problems.add(spec.name, entries.key, "expected a list")
            ok = False
            continue
        for index, item in enumerate(items):
            name = entry_name(item, index)
            if _validate(entries.model, item, spec.name, name, problems) is None:
                ok = False
    return ok


def _index(file: str, entries: Iterable[tuple[str, Any]], problems: Problems) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in entries:
        if value.id in out:
            problems.add(file, name, f"duplicate id {value.id!r}")
        else:
            out[value.id] = value
    return out
