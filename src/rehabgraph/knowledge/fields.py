"""The building blocks of the knowledge models, and the declarations the rest reads.

``Ref(kind)`` on a field says its value names entries of that kind (a zone, a source, ...):
the loader checks every such id resolves, and lint counts the sources cited, from these
declarations alone. ``Edge(type, ...)`` on a field says the facts in it are edges of the graph:
the graph is built and the rules are type-checked from them. :func:`slots` reads both off a
model once; :func:`references` walks a model's values by them. ``File(name, ...)`` on an
attribute of ``Knowledge`` says which file it is read from (the registry is read off them).
"""

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

__all__ = [
    "CODE_PATTERNS",
    "EVIDENCE_ORDER",
    "ID_PATTERN",
    "Action",
    "Cited",
    "Code",
    "Edge",
    "EdgeSpec",
    "Evidence",
    "File",
    "Id",
    "Model",
    "Phrase",
    "Ref",
    "Reference",
    "Slot",
    "Text",
    "edge_specs",
    "held_facts",
    "held_model",
    "inheriting_facts",
    "references",
    "slots",
    "well_formed",
]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _fold(text: str) -> str:
    """YAML's folded blocks and wrapped lines as one line with single spaces."""
    return " ".join(text.split())


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_fold),
]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]

Evidence = Literal[
    "guideline", "systematic-review", "consensus", "textbook", "expert-opinion", "article"
]
Action = Literal["activate", "strengthen", "loosen"]

# Strongest first: an explanation reports the weakest level on its path.
EVIDENCE_ORDER: tuple[str, ...] = Evidence.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Ref:
    """The field names entries of ``kind`` by id: one id, a list of ids, or a mapping's keys.

    ``allow``: words that name no entry and are accepted as they are ("all").
    ``entry``: on a top-level field of a file that is one mapping, the entry problems name.
    """

    kind: str
    allow: tuple[str, ...] = ()
    entry: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    """Each fact in the field is one edge of the graph, of type ``type``.

    An end is the fact's reference field named by ``tail`` or ``head``; ``None`` is the entry
    that holds the fact (the exercise whose ``targets`` it is). The fact's other fields, but its
    ``sources`` and ``evidence``, become edge attributes; ``where`` names the one a rule's
    ``where`` may test (kept as a tuple), ``text`` the one a rule's ``because`` may quote.
    ``swaps``: the head may stand in for the tail in a plan (an easier or harder version).
    """

    type: str
    tail: str | None = None
    head: str | None = None
    where: str | None = None
    text: str | None = None
    swaps: bool = False


@dataclass(frozen=True, slots=True)
class File:
    """On an attribute of ``Knowledge``: the knowledge file it is read from.

    With ``model`` (the whole file's model), the attribute holds the entries of the model's
    field of the same name: its only field (``zones.yaml``, a list file) or one of its lists
    (``safety.yaml``'s ``questions``). Without, it holds the whole file, validated by the
    attribute's own type (``lexicon.yaml``). ``node``: each entry is a node of the graph.
    ``base``: a base folder needs the file (``optional``: it may leave it out, as if empty);
    ``layered``: a pack may add to it; ``each``: its
    lists are validated entry by entry first, so a problem names its entry; ``words``: lists and
    mappings inside merge value by value (the lexicon). Every attribute of one file says the
    same of the file.
    """

    name: str
    model: type[BaseModel] | None = None
    node: bool = False
    base: bool = True
    layered: bool = True
    each: bool = False
    words: bool = False
    optional: bool = False


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )
    # What a reference to an entry of this model names ("zone"); None: nothing refers to it.
    entry_kind: ClassVar[str | None] = None


class Cited(Model):
    """A fact: it names the sources it comes from and how strong the evidence is.

    The facts an entry holds (an exercise's ``targets``, a muscle's ``codes``) inherit the
    entry's ``sources`` and ``evidence`` when they name none, so a clinician writes a citation
    once and only the facts with a source of their own say so.
    """

    sources: Annotated[list[Id], Ref("source")] = Field(min_length=1)
    evidence: Evidence = Field(
        description="How strong the evidence for this fact is: guideline, systematic-review, "
        "consensus, textbook, expert-opinion or article."
    )

    @model_validator(mode="before")
    @classmethod
    def _pass_citation_down(cls, data: Any) -> Any:
        held = held_facts(cls)
        if not held or not isinstance(data, dict):
            return data
        given = {k: data[k] for k in ("sources", "evidence") if k in data}
        if not given:
            return data
        out = dict(data)
        for name, fact in held.items():
            passed = {k: v for k, v in given.items() if k in fact.model_fields}
            value = out.get(name)
            if isinstance(value, list):
                out[name] = [_inherit(item, passed) for item in value]
            elif isinstance(value, dict):
                out[name] = _inherit(value, passed)
        return out


def _inherit(item: Any, given: dict[str, Any]) -> Any:
    """A held fact as written, with the citation it does not name taken from its entry."""
    if not isinstance(item, dict):
        return item
    missing = {k: v for k, v in given.items() if k not in item}
    return {**item, **missing} if missing else item


_HELD_FACTS: dict[type[BaseModel], dict[str, type[BaseModel]]] = {}


def held_facts(cls: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The fields of ``cls`` holding cited facts (or codes) that inherit its citation, with
    the model of those facts."""
    found = _HELD_FACTS.get(cls)
    if found is None:
        found = {}
        for name, info in cls.model_fields.items():
            model, _ = held_model(info.annotation)
            if model is not None and issubclass(model, Cited | Code):
                found[name] = model
        _HELD_FACTS[cls] = found
    return found


def inheriting_facts() -> frozenset[type[BaseModel]]:
    """Every model of a fact held by a cited entry: its citation may be left to the entry."""
    return frozenset(m for holder in _subclasses(Cited) for m in held_facts(holder).values())


CODE_PATTERNS = {
    "UBERON": r"^UBERON:\d{7}$",
    "FMA": r"^FMA:\d{1,7}$",
    "SNOMED-CT": r"^\d{6,18}$",
    "ICD-10-CM": r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$",
}


class Code(Model):
    """An identifier from a public vocabulary, with the source that confirms it."""

    sources: Annotated[list[Id], Ref("source")] = Field(min_length=1)
    system: Literal["UBERON", "FMA", "SNOMED-CT"]
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]

    @model_validator(mode="after")
    def _well_formed(self) -> "Code":
        well_formed(self.system, self.code)
        return self


def well_formed(system: str, code: str) -> None:
    """Refuse a code that is not shaped like one of its system's (ValueError, for pydantic)."""
    if not re.match(CODE_PATTERNS[system], code):
        raise ValueError(f"{code!r} is not a well-formed {system} code")


class Slot(NamedTuple):
    """A field that declares something, or holds models that do."""

    name: str
    ref: Ref | None
    edge: Edge | None
    model: type[BaseModel] | None  # the model its values are, when that model declares anything
    many: bool  # a list of them


_SLOTS: dict[type[BaseModel], tuple[Slot, ...]] = {}


def held_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model an annotation holds (``X``, ``X | None``, ``list[X]``), and whether many."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return held_model(args[0])
    if origin is list:
        model, _ = held_model(args[0])
        return model, True
    if origin in (Union, types.UnionType):
        for arg in args:
            model, many = held_model(arg)
            if model is not None:
                return model, many
    return None, False


def slots(cls: type[BaseModel]) -> tuple[Slot, ...]:
    """The fields of ``cls`` that declare a Ref or an Edge, or hold models that do (cached)."""
    found = _SLOTS.get(cls)
    if found is not None:
        return found
    out: list[Slot] = []
    for name, info in cls.model_fields.items():
        ref = next((m for m in info.metadata if isinstance(m, Ref)), None)
        edge = next((m for m in info.metadata if isinstance(m, Edge)), None)
        model, many = held_model(info.annotation)
        if model is not None and not slots(model) and edge is None:
            model = None
        if ref or edge or model:
            out.append(Slot(name, ref, edge, model, many))
    _SLOTS[cls] = tuple(out)
    return _SLOTS[cls]


class Reference(NamedTuple):
    """Ids found in a field declared with a Ref, and where (``loc``: ``targets[0].muscle``)."""

    ref: Ref
    loc: str
    ids: tuple[str, ...]


def _ids(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def references(item: BaseModel, loc: str = "") -> Iterator[Reference]:
    """Every reference in ``item`` and the models it holds, in field order."""
    for slot in slots(type(item)):
        value = getattr(item, slot.name)
        if value is None:
            continue
        here = loc + slot.name
        if slot.ref is not None:
            yield Reference(slot.ref, here, _ids(value))
        if slot.model is not None:
            if slot.many:
                for i, sub in enumerate(value):
                    yield from references(sub, f"{here}[{i}].")
            else:
                yield from references(value, here + ".")


class EdgeSpec(NamedTuple):
    """An edge type as the models declare it: its ends' node kinds and its attributes."""

    edge: Edge
    ends: tuple[str, str]
    attributes: tuple[str, ...]  # the fact's fields kept on the edge, in field order
    values: frozenset[str]  # the values its ``where`` attribute may take


def _literals(annotation: Any) -> frozenset[str]:
    if typing.get_origin(annotation) is Literal:
        return frozenset(typing.get_args(annotation))
    return frozenset(v for arg in typing.get_args(annotation) for v in _literals(arg))


def _subclasses(cls: type[Model]) -> Iterator[type[Model]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _end(edge: Edge, end: str | None, holder: type[Model], fact: type[BaseModel]) -> str:
    """The node kind at one end: the holder's kind, or the kind its fact's field refers to."""
    refs = {s.name: s.ref.kind for s in slots(fact) if s.ref is not None}
    found = holder.entry_kind if end is None else refs.get(end)
    if found is None:
        raise TypeError(f"edge {edge.type}: {end or holder.__name__} names no entry")
    return found


def edge_specs() -> dict[str, EdgeSpec]:
    """Every edge type declared on a field of a model, by type."""
    out: dict[str, EdgeSpec] = {}
    for holder in _subclasses(Model):
        for slot in slots(holder):
            edge, fact = slot.edge, slot.model
            if edge is None:
                continue
            if fact is None:  # a field of plain ids: an edge from the holder to each id
                if slot.ref is None or holder.entry_kind is None:
                    raise TypeError(f"edge {edge.type}: {slot.name} names no entry")
                out[edge.type] = EdgeSpec(edge, (holder.entry_kind, slot.ref.kind), (), frozenset())
                continue
            ends = (_end(edge, edge.tail, holder, fact), _end(edge, edge.head, holder, fact))
            skip = {"sources", "evidence", edge.tail, edge.head}
            attributes = tuple(n for n in fact.model_fields if n not in skip)
            values = _literals(fact.model_fields[edge.where].annotation) if edge.where else None
            out[edge.type] = EdgeSpec(edge, ends, attributes, values or frozenset())
    return out
