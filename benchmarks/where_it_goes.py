"""Where a first load's time and the loaded knowledge's memory go, for docs/performance.md.

Loads one knowledge folder with the load cache off, timing each stage (YAML parsing, the
cross-checks, and validation with the rest of the loader; the graph, built on first use, is timed
on its own), then loads it again under tracemalloc and builds a Recommender, grouping the live
memory by the code that allocated it. Prints per-edge figures as JSON.

    python benchmarks/synthetic.py ...  # or any knowledge folder
    python benchmarks/where_it_goes.py FOLDER
"""

from __future__ import annotations

import collections
import gc
import json
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

os.environ["REHABGRAPH_CACHE"] = "off"

import rehabgraph
from rehabgraph import Recommender
from rehabgraph.graph import build as graph_build
from rehabgraph.knowledge import layers, loader

# the code that allocated a block -> what it is, by a part of its file name, first match wins
_GROUPS = (
    ("pydantic", "pydantic models of the facts"),
    ("networkx", "networkx graph"),
    ("graph/build.py", "networkx graph"),
    ("engine/compile.py", "compiled rule walks"),
    ("/text/", "text reader and resolver tables"),
    ("fold.py", "text reader and resolver tables"),
    ("engine/resolve.py", "text reader and resolver tables"),
    ("api/reading.py", "text reader and resolver tables"),
    ("api/pieces.py", "answer pieces"),
    ("api/recommendation.py", "answer pieces"),
    ("rehabgraph/knowledge", "the loader's records (citations, reach)"),
)


def _timed(times: collections.Counter[str], label: str, fn: Callable[..., Any]) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            times[label] += time.perf_counter() - start

    return wrapper


def load_split(folder: str) -> dict[str, float]:
    times: collections.Counter[str] = collections.Counter()
    layers.read_yaml = _timed(times, "YAML parsing", layers.read_yaml)  # type: ignore[assignment]
    loader.check_knowledge = _timed(times, "cross-checks", loader.check_knowledge)  # type: ignore[assignment]
    start = time.perf_counter()
    kb = rehabgraph.load_knowledge(folder, max_file_bytes=1 << 40)
    total = time.perf_counter() - start
    times["validation and the rest of the loader"] = total - sum(times.values())
    start = time.perf_counter()
    edges = graph_build.build_graph(kb.knowledge).number_of_edges()
    graph_s = time.perf_counter() - start
    out = {"edges": edges, "first load us/edge": total / edges * 1e6}
    out.update({f"{k} us/edge": v / edges * 1e6 for k, v in times.items()})
    out["graph, built on first use (not in the load) us/edge"] = graph_s / edges * 1e6
    return out


def memory_split(folder: str) -> dict[str, float]:
    gc.collect()
    tracemalloc.start()
    kb = rehabgraph.load_knowledge(folder, max_file_bytes=1 << 40)
    Recommender(kb, require_screening=False)
    gc.collect()
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    edges = kb.graph.number_of_edges()  # built now, after the snapshot: a Recommender keeps none
    groups: collections.Counter[str] = collections.Counter()
    for stat in snapshot.statistics("filename"):
        name = stat.traceback[0].filename
        group = next((g for part, g in _GROUPS if part in name), "other")
        groups[group] += stat.size
    out = {f"{g} B/edge": size / edges for g, size in groups.most_common()}
    out["live total B/edge"] = sum(groups.values()) / edges
    return out


def main(argv: list[str] | None = None) -> int:
    folder = (argv or sys.argv[1:])[0]
    result = {**load_split(folder), **memory_split(folder)}
    print(json.dumps({k: round(v, 1) for k, v in result.items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
