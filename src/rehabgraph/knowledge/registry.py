"""The knowledge files, read off the attributes of ``Knowledge`` that hold them.

Each attribute read from a file declares it (``File("zones.yaml", ZonesFile, node=True)`` in
``base.py``); this module gathers those declarations into the files, in the order of the
attributes, and checks they agree with the models. The layers (reading and merging packs), the
loader (validating), the checks, the JSON Schemas and the graph read the result; nothing else
lists the files. A new file is its model in ``models.py`` and the attribute of ``Knowledge``
that holds it.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from pydantic import BaseModel

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.fields import Edge, File, Model, held_model, slots
from rehabgraph.knowledge.models import PackManifest

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
    by value (the lexicon). ``attribute``: the attribute of ``Knowledge`` holding the whole
    file, if one does.
    """

    name: str
    model: type[BaseModel]
    key: str | None = None
    lists: tuple[Entries, ...] = ()
    base: bool = True
    layered: bool = True
    each: bool = False
    words: bool = False
    attribute: str | None = None
    optional: bool = False


def _declarations() -> dict[str, list[tuple[str, File, Any]]]:
    """File name -> (attribute, its File, its type) for each attribute of ``Knowledge`` read
    from that file, in the order of the attributes."""
    hints = typing.get_type_hints(Knowledge, include_extras=True)
    out: dict[str, list[tuple[str, File, Any]]] = {}
    for field in fields(Knowledge):
        hint = hints[field.name]
        for mark in getattr(hint, "__metadata__", ()):
            if isinstance(mark, File):
                out.setdefault(mark.name, []).append((field.name, mark, hint.__origin__))
    return out


def _file(name: str, declared: list[tuple[str, File, Any]]) -> KnowledgeFile:
    """One file, from the attributes that declare it."""
    first = declared[0][1]
    if any(_said_of_file(mark) != _said_of_file(first) for _, mark, _ in declared):
        raise TypeError(f"the attributes of Knowledge read from {name} disagree about the file")
    if first.model is None:  # the attribute holds the whole file
        ((attribute, _, annotation),) = declared
        model, _ = held_model(annotation)
        if model is None:
            raise TypeError(f"Knowledge.{attribute} holds no model for {name}")
        return _spec(name, first, model=model, attribute=attribute)
    model = first.model
    lists = tuple(_entries(name, model, attribute, mark, t) for attribute, mark, t in declared)
    key = lists[0].key if len(lists) == 1 and set(model.model_fields) == {lists[0].key} else None
    return _spec(name, first, model=model, key=key, lists=lists)


def _said_of_file(mark: File) -> tuple[Any, ...]:
    """What a declaration says of its whole file (``node`` is said of one list)."""
    return (mark.model, mark.base, mark.layered, mark.each, mark.words, mark.optional)


def _spec(name: str, mark: File, **parts: Any) -> KnowledgeFile:
    return KnowledgeFile(
        name,
        base=mark.base,
        layered=mark.layered,
        each=mark.each,
        words=mark.words,
        optional=mark.optional,
        **parts,
    )


def _entries(name: str, model: type[BaseModel], key: str, mark: File, held: Any) -> Entries:
    """The list ``key`` of the file's model, held by ``Knowledge.<key>`` (of type ``held``)."""
    info = model.model_fields.get(key)
    entry, _ = held_model(info.annotation) if info is not None else (None, False)
    if info is None or entry is None or not issubclass(entry, Model):
        raise TypeError(f"{model.__name__}.{key} holds no list of entries (Knowledge.{key})")
    container = Mapping if entry.entry_kind else tuple
    args = typing.get_args(held)
    if typing.get_origin(held) is not container or entry not in args:
        raise TypeError(f"Knowledge.{key} must be a {container.__name__} of {entry.__name__}")
    edge = next((m for m in info.metadata if isinstance(m, Edge)), None)
    return Entries(name, key, entry, node=mark.node, edge=edge)


_DECLARED = [_file(name, declared) for name, declared in _declarations().items()]
FILES: tuple[KnowledgeFile, ...] = (
    _DECLARED[0],  # the base's manifest, then a pack's own (no attribute holds it)
    KnowledgeFile("pack.yaml", PackManifest, base=False, layered=False),
    *_DECLARED[1:],
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
        # every holder is an entry with an id, but typed as a BaseModel: getattr, not a cast
        held_id: str = getattr(holder, "id")  # noqa: B009
        if slot.model is None:  # plain ids: the holder is the fact, cited by its own sources
            for other in (value,) if isinstance(value, str) else value:
                yield edge.type, held_id, other, holder
            continue
        for fact in value if slot.many else (value,):
            tail = held_id if edge.tail is None else getattr(fact, edge.tail)
            heads = held_id if edge.head is None else getattr(fact, edge.head)
            for head in (heads,) if isinstance(heads, str) else heads:  # a list: one edge each
                yield edge.type, tail, head, fact
