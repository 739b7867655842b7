"""KnowledgeBase: the validated knowledge and its graph, read-only once built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rehabgraph.graph.build import build_graph
from rehabgraph.graph.cache import cached
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.bulk import collector_paused
from rehabgraph.knowledge.yaml_io import MAX_FILE_BYTES

__all__ = ["KnowledgeBase"]


@dataclass(frozen=True, slots=True, eq=False)
class KnowledgeBase:
    """A loaded knowledge folder: ``knowledge`` (the facts) and ``graph`` (a frozen networkx
    MultiDiGraph of them). Build one with :func:`rehabgraph.load_knowledge`."""

    knowledge: Knowledge
    graph: Any

    @classmethod
    def from_folder(
        cls, path: Path, extra: Sequence[Path] = (), max_file_bytes: int = MAX_FILE_BYTES
    ) -> KnowledgeBase:
        """Load a knowledge folder with packs, or take it from the load cache (graph.cache)."""

        def build() -> KnowledgeBase:
            from rehabgraph.knowledge.loader import read_knowledge  # not needed on a cache hit

            with collector_paused():
                knowledge = read_knowledge(path, extra, max_file_bytes)
                return cls(knowledge=knowledge, graph=build_graph(knowledge))

        with collector_paused():
            return cached(
                [Path(path), *map(Path, extra)], f"max_file_bytes={max_file_bytes}", build
            )

    @property
    def version(self) -> str:
        """``name@version`` of the knowledge, as its manifest says."""
        return self.knowledge.version

    @property
    def path(self) -> Path:
        return self.knowledge.path

    def __repr__(self) -> str:
        g = self.graph
        return (
            f"<KnowledgeBase {self.version}: {g.number_of_nodes()} nodes, "
            f"{g.number_of_edges()} edges from {self.path}>"
        )
