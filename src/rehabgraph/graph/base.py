"""KnowledgeBase: the validated knowledge and its graph, read-only once built."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from rehabgraph import _progress
from rehabgraph._log import get_logger
from rehabgraph.graph.cache import cache_folder, cached, rewrite
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.bulk import collector_paused
from rehabgraph.knowledge.registry import LISTS
from rehabgraph.knowledge.yaml_io import MAX_FILE_BYTES

__all__ = ["KnowledgeBase"]

log = get_logger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True, eq=False)
class KnowledgeBase:
    """A loaded knowledge folder: ``knowledge`` (the facts) and ``graph`` (a frozen networkx
    MultiDiGraph of them). Build one with :func:`rehabgraph.load_knowledge`.

    The graph is built from the knowledge the first time it is asked for and then kept. A
    Recommender compiles its tables from the knowledge's edges without it, and the load cache
    holds the knowledge without it: answering needs neither networkx nor the graph's memory.
    """

    knowledge: Knowledge
    # the graph when it is given or has been built; None: built on first use (see ``graph``)
    built_graph: Any = field(default=None, compare=False, repr=False)
    # what is compiled from this knowledge base once, by name (a Recommender's tables): kept
    # with it in the load cache, so the next process takes them as they are
    prepared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # the load cache entry it came from or went to (None: not cached)
    entry: Path | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_folder(
        cls, path: Path, extra: Sequence[Path] = (), max_file_bytes: int = MAX_FILE_BYTES
    ) -> KnowledgeBase:
        """Load a knowledge folder with packs, or take it from the load cache (graph.cache)."""
        built = False

        def build() -> KnowledgeBase:
            from rehabgraph.knowledge.loader import read_knowledge  # not needed on a cache hit

            nonlocal built
            built = True
            with collector_paused():
                return cls(knowledge=read_knowledge(path, extra, max_file_bytes))

        log.debug("loading knowledge from %s, packs: %s", path, [str(p) for p in extra] or "none")
        start = time.perf_counter()
        with collector_paused():
            kb, entry = cached(
                [Path(path), *map(Path, extra)], f"max_file_bytes={max_file_bytes}", build
            )
        object.__setattr__(kb, "entry", entry)
        if log.isEnabledFor(logging.INFO):
            how = "parsed and checked" if built else "from the load cache"
            if built and cache_folder() is None:
                how += ", load cache off"
            log.info(
                "loaded knowledge %s from %s: %d nodes in %.0f ms (%s)",
                kb.version,
                kb.path,
                kb.node_count(),
                (time.perf_counter() - start) * 1000,
                how,
            )
        return kb

    @property
    def graph(self) -> Any:
        """The frozen networkx MultiDiGraph of the knowledge (see :func:`build_graph`): built
        on first use, then kept."""
        graph = self.built_graph
        if graph is None:
            from rehabgraph.graph.build import build_graph  # networkx: imported only when needed

            with collector_paused():
                _progress.report("building the graph", 0, 1)
                graph = build_graph(self.knowledge)
                _progress.report("building the graph", 1, 1)
            object.__setattr__(self, "built_graph", graph)
        return graph

    def __getstate__(self) -> dict[str, Any]:
        # the load cache keeps the knowledge and what is compiled from it, not the graph
        return {"knowledge": self.knowledge, "prepared": self.prepared, "entry": self.entry}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in (("built_graph", None), *state.items()):
            object.__setattr__(self, name, value)

    def prepare(self, name: str, build: Callable[[], T]) -> T:
        """What ``build`` compiles from this knowledge base, once: kept with it, and in its load
        cache entry, so a fresh process takes it from there instead of compiling it again."""
        done = self.prepared.get(name)
        if done is None:
            done = build()
            self.prepared[name] = done
            if self.entry is not None:
                with collector_paused():
                    rewrite(self.entry, self)
        return cast("T", done)

    @property
    def version(self) -> str:
        """``name@version`` of the knowledge, as its manifest says."""
        return self.knowledge.version

    @property
    def path(self) -> Path:
        return self.knowledge.path

    def __repr__(self) -> str:
        # a repr never builds the graph: the edges are counted when it is already there
        g = self.built_graph
        edges = f", {g.number_of_edges()} edges" if g is not None else ""
        return f"<KnowledgeBase {self.version}: {self.node_count()} nodes{edges} from {self.path}>"

    def node_count(self) -> int:
        """How many nodes the graph has (or will have), counted from the knowledge."""
        return sum(len(getattr(self.knowledge, e.key)) for e in LISTS if e.node)
