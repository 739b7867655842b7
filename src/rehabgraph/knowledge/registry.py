"""The knowledge files, declared once: what each holds, its model, and who may provide it.

The layers (reading and merging packs), the loader (validating), the JSON Schemas and the graph
read this registry; nothing else lists the files. A new file is one entry here and its model in
``models.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from rehabgraph.knowledge.fields import Edge, Model, held_model, slots
from rehabgraph.knowledge.models import (
    ContextLexicon,
    ExercisesFile,
    ImbalancesFile,
    Lexicon,
    Manifest,
    MusclesFile,
    PackManifest,
    PrinciplesFile,
    ReferralsFile,
    RulesFile,
    SafetyFile,
    SourcesFile,
    ZonesFile,
)

__all__ = [
    "FILES",
    "LISTS",
    "NODE_KINDS",
    "Entries",
    "KnowledgeFile",
    "graph_edges",
    "knowledge_file",
]


@dataclass(frozen=True, slots=True)
class Entries:
    """A list of entries in a file, merged entry by entry when packs are layered.

    ``key`` is the list's key in the file and the attribute of ``Knowledge`` holding the
    entries: a mapping by id when the entries have a kind others refer to, else a tuple.
    """

    file: str
    key: str
    model: type[Model]
    node: bool = False  # each entry is a node of the graph
    edge: Edge | None = None  # each entry is an edge of this type (the file's field says so)

    @property
    def kind(self) -> str | None:
        return self.model.entry_kind


@dataclass(frozen=True, slots=True)
class KnowledgeFile:
    """One knowledge file.

    ``model`` validates the whole file. A list file holds one top-level ``key`` and its
    entries; a mapping file may hold ``lists`` merged entry by entry. ``base``: a base folder
    needs it; ``layered``: a pack may add to it. ``each``: the nested entries are validated one
    by one first, so a problem names its entry. ``words``: lists and mappings inside merge value
    by value (the lexicon).
    """

    name: str
    model: type[BaseModel]
    key: str | None = None
    lists: tuple[Entries, ...] = ()
    base: bool = True
    layered: bool = True
    each: bool = False
    words: bool = False


def _entries(name: str, model: type[BaseModel], key: str, node: bool) -> Entries:
    info = model.model_fields[key]
    entry, _ = held_model(info.annotation)
    if entry is None or not issubclass(entry, Model):
        raise TypeError(f"{model.__name__}.{key} holds no list of entries")
    edge = next((m for m in info.metadata if isinstance(m, Edge)), None)
    return Entries(name, key, entry, node=node, edge=edge)


def _list_file(name: str, model: type[BaseModel], node: bool = False) -> KnowledgeFile:
    (key,) = model.model_fields
    return KnowledgeFile(name, model, key=key, lists=(_entries(name, model, key, node),))


def _nested(name: str, model: type[BaseModel], *keys: str, node: str = "") -> tuple[Entries, ...]:
    return tuple(_entries(name, model, key, key == node) for key in keys)


FILES: tuple[KnowledgeFile, ...] = (
    KnowledgeFile("manifest.yaml", Manifest, layered=False),
    KnowledgeFile("pack.yaml", PackManifest, base=False, layered=False),  # a pack's own manifest
    _list_file("sources.yaml", SourcesFile),
    _list_file("zones.yaml", ZonesFile, node=True),
    _list_file("muscles.yaml", MusclesFile, node=True),
    _list_file("referrals.yaml", ReferralsFile),
    _list_file("imbalances.yaml", ImbalancesFile, node=True),
    _list_file("exercises.yaml", ExercisesFile, node=True),
    _list_file("principles.yaml", PrinciplesFile),
    KnowledgeFile("rules.yaml", RulesFile, lists=_nested("rules.yaml", RulesFile, "rules")),
    KnowledgeFile("lexicon.yaml", Lexicon, words=True),
    KnowledgeFile("context.yaml", ContextLexicon, layered=False),
    KnowledgeFile(
        "safety.yaml",
        SafetyFile,
        lists=_nested("safety.yaml", SafetyFile, "questions", "conditions", node="conditions"),
        each=True,
    ),
)
# Every list of entries, in the order of the files.
LISTS: tuple[Entries, ...] = tuple(e for f in FILES for e in f.lists)
# The node kinds of the graph, in the order nodes are added.
NODE_KINDS: tuple[str, ...] = tuple(e.kind for e in LISTS if e.node and e.kind)
_BY_NAME = {f.name: f for f in FILES}


def knowledge_file(name: str) -> KnowledgeFile:
    """The file called ``name``."""
    return _BY_NAME[name]


def graph_edges(tables: Any) -> Iterator[tuple[str, str, str, BaseModel]]:
    """Every edge the facts of ``tables`` (a Knowledge) declare: (type, tail, head, fact), by
    file, entry and field."""
    for entries in LISTS:
        value = getattr(tables, entries.key)
        items = value.values() if isinstance(value, Mapping) else value
        edge = entries.edge
        if edge is not None:  # each entry is a fact joining two of its own fields
            for fact in items:
                yield edge.type, getattr(fact, str(edge.tail)), getattr(fact, str(edge.head)), fact
            continue
        for holder in items:
            yield from _held_edges(holder)


def _held_edges(holder: BaseModel) -> Iterator[tuple[str, str, str, BaseModel]]:
    for slot in slots(type(holder)):
        edge = slot.edge
        value = getattr(holder, slot.name)
        if edge is None or value is None:
            continue
        held_id: str = getattr(holder, "id")  # noqa: B009
        for fact in value if slot.many else (value,):
            tail = held_id if edge.tail is None else getattr(fact, edge.tail)
            head = held_id if edge.head is None else getattr(fact, edge.head)
            yield edge.type, tail, head, fact
