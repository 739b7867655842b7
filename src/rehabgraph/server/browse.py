"""The knowledge browser's JSON: every entry of the loaded knowledge with its facts, sources,
evidence and connections in the graph.

Everything is read off the loaded knowledge and its graph (a pack's entries show up as the
bundled ones do), so the page holds no medical fact. Built once, on the first request: an app
that never browses pays nothing for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from rehabgraph.api.recommender import Recommender
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.fields import references
from rehabgraph.knowledge.text import one_line

__all__ = ["Browser", "Entry", "EntryRef", "KnowledgeIndex", "add_browser"]


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of entry the browser lists: where ``Knowledge`` holds it and its entry's id."""

    kind: str
    attribute: str
    title: str
    key: Callable[[Any], str] = lambda item: str(item.id)


def _referral_key(item: Any) -> str:
    # ids never hold two hyphens in a row (ID_PATTERN), so "muscle--zone" reads back unambiguously
    return f"{item.muscle}--{item.zone}"


KINDS: tuple[_Kind, ...] = (
    _Kind("zone", "zones", "Zones: where it hurts"),
    _Kind("muscle", "muscles", "Muscles"),
    _Kind("referral", "referrals", "Referrals: trigger points that refer pain", _referral_key),
    _Kind("imbalance", "imbalances", "Imbalances"),
    _Kind("exercise", "exercises", "Exercises"),
    _Kind("rule", "rules", "Rules"),
    _Kind("guideline", "guidelines", "Guidelines"),
    _Kind("recommendation", "recommendations", "Guideline recommendations"),
    _Kind("question", "questions", "Screening questions (red flags)"),
    _Kind("condition", "conditions", "Conditions"),
    _Kind("principle", "principles", "Principles"),
    _Kind("source", "sources", "Sources"),
)
_NAMED_BY = ("name", "title", "concern", "question")  # the first field that names an entry
_SUMMED_UP_BY = ("summary", "description", "statement", "note", "tell", "said_as")
_SHOWN_APART = {"id", "sources", "evidence"}  # shown on their own, not among the facts


class EntryRef(BaseModel):
    kind: str
    id: str
    name: str


class KindIndex(BaseModel):
    kind: str
    title: str
    entries: list[EntryRef]


class KnowledgeIndex(BaseModel):
    """Every entry of the knowledge, kind by kind, named."""

    version: str
    notice: str
    kinds: list[KindIndex]


class SourceOut(BaseModel):
    id: str
    title: str
    kind: str
    authors: list[str] = Field(default_factory=list)
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    doi: str | None = None
    locator: str | None = None


class Connection(BaseModel):
    """One edge of the graph at this entry, read from the entry's side."""

    direction: Literal["out", "in"]
    type: str
    words: str = Field(description="The edge in words, read from this entry.")
    other: EntryRef
    details: dict[str, Any] = Field(description="The edge's attributes: note, how, action...")
    sources: list[str]
    evidence: str


class Mention(BaseModel):
    """Entries a field of this entry names (``targets[0].muscle``)."""

    field: str
    entries: list[EntryRef]


class Entry(BaseModel):
    """One entry: its facts as written, its sources, evidence and connections."""

    kind: str
    id: str
    name: str
    summary: str | None
    evidence: str | None
    sources: list[SourceOut]
    facts: dict[str, Any]
    connections: list[Connection]
    mentions: list[Mention]
    cited_by: list[EntryRef] = Field(description="For a source: the entries that cite it.")
    picture: str | None = Field(
        description="The neighbourhood picture's path, relative to the service root."
    )


def _edge_words(edge_type: str, *, against: bool) -> str:
    """The words the pictures use for an edge (viz.style), so text and picture agree."""
    try:
        from rehabgraph.viz.style import EDGE_WORDS
    except ImportError:  # pragma: no cover - viz reshaped: the edge's own name still reads
        EDGE_WORDS = {}  # noqa: N806
    return EDGE_WORDS.get((edge_type, against)) or edge_type.replace("_", " ")


# (kind, id) -> the entry as the knowledge holds it; (kind, id) -> how it is named
_Built = tuple[dict[tuple[str, str], Any], dict[tuple[str, str], EntryRef]]


class Browser:
    """The browser's index and entries over one knowledge base, built on first use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._lock = threading.Lock()
        self._built: _Built | None = None
        self._cited: dict[str, list[EntryRef]] = {}

    def _entries(self) -> _Built:
        with self._lock:
            if self._built is None:
                self._built = self._build()
            return self._built

    def _build(self) -> _Built:
        k = self.kb.knowledge
        items: dict[tuple[str, str], Any] = {}
        refs: dict[tuple[str, str], EntryRef] = {}
        for kind in KINDS:
            held = getattr(k, kind.attribute, None) or ()
            for item in held.values() if isinstance(held, Mapping) else held:
                key = kind.key(item)
                items[kind.kind, key] = item
                refs[kind.kind, key] = EntryRef(kind=kind.kind, id=key, name=self._name(item))
        for ref in refs.values():
            item = items[ref.kind, ref.id]
            cited = [i for r in references(item) if r.ref.kind == "source" for i in r.ids]
            for source in dict.fromkeys(cited):
                self._cited.setdefault(source, []).append(ref)
        return items, refs

    def _node_name(self, node: str, kind: str) -> str | None:
        """The name the graph (and so the pictures) gives a node of this kind, if it is one."""
        nodes = self.kb.graph.nodes
        return str(nodes[node]["name"]) if self._is_node(node, kind) else None

    def _is_node(self, node: str, kind: str) -> bool:
        graph = self.kb.graph
        return node in graph and graph.nodes[node]["kind"] == kind

    def _name(self, item: Any) -> str:
        kind = getattr(item, "entry_kind", None)
        if kind is None and hasattr(item, "muscle") and hasattr(item, "zone"):  # a referral
            muscle = self._node_name(item.muscle, "muscle") or item.muscle
            return f"{muscle} → {self._node_name(item.zone, 'zone') or item.zone}"
        if kind is not None and (node := self._node_name(str(item.id), kind)):
            return node
        for field in _NAMED_BY:
            value = getattr(item, field, None)
            if isinstance(value, str) and value:
                return one_line(value)
        return str(getattr(item, "id", "?"))

    def index(self) -> KnowledgeIndex:
        _, refs = self._entries()
        k = self.kb.knowledge
        kinds = [
            KindIndex(
                kind=kind.kind,
                title=kind.title,
                entries=sorted(
                    (r for (c, _), r in refs.items() if c == kind.kind),
                    key=lambda r: r.name.casefold(),
                ),
            )
            for kind in KINDS
        ]
        return KnowledgeIndex(version=k.version, notice=k.notice, kinds=kinds)

    def known(self, kind: str) -> list[str]:
        _, refs = self._entries()
        return [key for (c, key) in refs if c == kind]

    def entry(self, kind: str, entry_id: str) -> Entry | None:
        items, refs = self._entries()
        item = items.get((kind, entry_id))
        if item is None:
            return None
        ref = refs[kind, entry_id]
        dumped: dict[str, Any] = item.model_dump(mode="json", exclude_none=True)
        summed_up_by = next((f for f in _SUMMED_UP_BY if isinstance(dumped.get(f), str)), None)
        shown = {*_SHOWN_APART, summed_up_by}  # the name and summary are shown as such
        facts = {
            f: v
            for f, v in dumped.items()
            if f not in shown and v not in ([], {}) and not (f in _NAMED_BY and v == ref.name)
        }
        summary = one_line(dumped[summed_up_by]) if summed_up_by else None
        sources = self.kb.knowledge.sources
        cited = list(dict.fromkeys(getattr(item, "sources", ()) or ()))
        mentions = [
            Mention(
                field=r.loc,
                entries=[refs[r.ref.kind, i] for i in r.ids if (r.ref.kind, i) in refs],
            )
            for r in references(item)
            if r.ref.kind != "source"
        ]
        in_graph = self._is_node(entry_id, kind)
        return Entry(
            kind=kind,
            id=entry_id,
            name=ref.name,
            summary=summary,
            evidence=getattr(item, "evidence", None),
            sources=[SourceOut(**sources[s].model_dump()) for s in cited if s in sources],
            facts=facts,
            connections=self._connections(entry_id, refs) if in_graph else [],
            mentions=[m for m in mentions if m.entries],
            cited_by=self._cited.get(entry_id, []) if kind == "source" else [],
            picture=f"pictures/knowledge/{entry_id}.svg" if in_graph else None,
        )

    def _connections(self, node: str, refs: dict[tuple[str, str], EntryRef]) -> list[Connection]:
        graph = self.kb.graph
        found: list[Connection] = []
        edges: list[tuple[Literal["out", "in"], str, dict[str, Any]]] = [
            ("out", v, d) for _, v, d in graph.out_edges(node, data=True)
        ]
        edges += [("in", u, d) for u, _, d in graph.in_edges(node, data=True)]
        for direction, other, data in edges:
            other_kind = graph.nodes[other]["kind"]
            details = {
                a: list(v) if isinstance(v, tuple) else v
                for a, v in data.items()
                if a not in {"type", "sources", "evidence"} and v is not None
            }
            found.append(
                Connection(
                    direction=direction,
                    type=data["type"],
                    words=_edge_words(data["type"], against=direction == "in"),
                    other=refs.get(
                        (other_kind, other),
                        EntryRef(kind=other_kind, id=other, name=graph.nodes[other]["name"]),
                    ),
                    details=details,
                    sources=list(data["sources"]),
                    evidence=data["evidence"],
                )
            )
        return found


def add_browser(app: FastAPI, rec: Recommender) -> Browser:
    """GET /knowledge and /knowledge/{kind}/{id}: the knowledge, entry by entry."""
    from rehabgraph.server.app import Problem
    from rehabgraph.suggest import close_matches

    browser = Browser(rec.knowledge_base)

    @app.get("/knowledge", response_model=KnowledgeIndex)
    def knowledge_index() -> KnowledgeIndex:
        """Every zone, muscle, referral, imbalance, exercise, rule, guideline, screening
        question, condition and source the service knows, named, kind by kind."""
        return browser.index()

    @app.get(
        "/knowledge/{kind}/{entry_id}", response_model=Entry, responses={404: {"model": Problem}}
    )
    def knowledge_entry(kind: str, entry_id: str) -> Any:
        """One entry: its facts as written, its sources and evidence level, its connections in
        the graph (a referral's note, an involvement's how) and, for a source, what cites it."""
        found = browser.entry(kind, entry_id)
        if found is not None:
            return found
        kinds = [c.kind for c in KINDS]
        if kind not in kinds:
            detail, close = f"no kind {kind!r} in the knowledge", close_matches(kind, kinds)
        else:
            detail = f"no {kind} {entry_id!r} in the knowledge"
            close = close_matches(entry_id, browser.known(kind))
        body: dict[str, Any] = {"detail": detail}
        if close:
            body["suggestions"] = close
        return JSONResponse(status_code=404, content=body)

    return browser
