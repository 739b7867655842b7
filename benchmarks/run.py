"""rehabgraph benchmarks: per query, the engine's share, a naive networkx peer, cold start, batch.

    python benchmarks/run.py            # the full run (a minute or two)
    python benchmarks/run.py --quick    # a small run, to check the suite still works

Prints a table and writes benchmarks/results.json. Every figure is the median of many repetitions
with its interquartile range, all measured in this one run. Not yet measured here: CLIPS (clipspy)
as a peer, and synthetic knowledge at 10^3..10^6 nodes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

import rehabgraph
from rehabgraph import Recommender

HERE = Path(__file__).resolve().parent
ONE_SITE = {"sites": [{"location": "outer knee", "side": "right"}], "answers": {}}
THREE_SITES = {
    "sites": [
        {"location": "outer knee", "side": "right"},
        {"location": "low back"},
        {"location": "heel", "side": "left"},
    ]
}
RED_FLAG = {"sites": [{"location": "low back"}], "symptoms": ["numb between my legs"]}


def measure(fn: Callable[[], object], repeat: int, number: int) -> dict[str, float]:
    """Median and interquartile range, in seconds per call, of ``repeat`` timings of
    ``number`` calls each."""
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    q1, _, q3 = statistics.quantiles(samples, n=4) if len(samples) > 1 else (samples * 3)
    return {"median_s": statistics.median(samples), "iqr_s": q3 - q1, "repeat": repeat}


def _follows(graph: Any, rule: Any, path: list[str]) -> bool:
    """Whether a node path walks the rule's steps: edge type, direction and ``where``."""
    if len(rule.path) != len(path) - 1:
        return False
    for step, a, b in zip(rule.path, path, path[1:], strict=False):
        u, v = (b, a) if step.reverse else (a, b)
        if not graph.has_edge(u, v, key=step.edge):
            return False
        data = graph.edges[u, v, step.edge]
        for attr, wanted in step.where.items():
            value = data.get(attr)
            values = set(value) if isinstance(value, list | tuple) else {value}
            if not values & set(wanted):
                return False
    return True


def naive_networkx(rec: Recommender, report: dict[str, Any]) -> set[str]:
    """The naive peer: every simple path (as long as the longest rule) in the undirected graph
    from each reported zone to each exercise, kept when it walks a rule's steps; then the same
    from each exercise found, for the rules that start at an exercise, until nothing new is
    found. No explanations, safety or ranking are built."""
    kb = rec.knowledge_base
    graph = kb.graph
    undirected = graph.to_undirected(as_view=True)
    rules = kb.knowledge.rules
    cutoff = max(len(r.path) for r in rules)
    exercises = [n for n, d in graph.nodes(data=True) if d["kind"] == "exercise"]
    zones = [z.id for s in rec.recommend(report).sites for z in s.zones]

    def reach(starts: list[str], start_kind: str) -> set[str]:
        out: set[str] = set()
        for start in starts:
            for exercise in exercises:
                if exercise == start:
                    continue
                for path in nx.all_simple_paths(undirected, start, exercise, cutoff=cutoff):
                    if any(_follows(graph, r, path) for r in rules if r.start == start_kind):
                        out.add(exercise)
                        break
        return out

    found = reach(zones, "zone")
    frontier = set(found)
    while frontier:
        frontier = reach(sorted(frontier), "exercise") - found
        found |= frontier
    return found


def cold_start(repeat: int) -> dict[str, Any]:
    query = (
        "import rehabgraph; rehabgraph.Recommender.default().recommend("
        "{'sites': [{'location': 'outer knee', 'side': 'right'}]})"
    )
    bare = "import pydantic, networkx, yaml"

    def run(code: str) -> dict[str, float]:
        return measure(lambda: subprocess.run([sys.executable, "-c", code], check=True), repeat, 1)

    ours, deps = run(query), run(bare)
    return {
        "rehabgraph_query": ours,
        "bare_imports": deps,
        "ratio": ours["median_s"] / deps["median_s"],
    }


def batch(rec: Recommender, size: int) -> dict[str, Any]:
    zones = list(rec.knowledge_base.knowledge.zones)
    reports = [
        {"sites": [{"location": zones[i % len(zones)], "side": ("left", "right")[i % 2]}]}
        for i in range(size)
    ]
    start = time.perf_counter()
    results = list(rec.recommend_many(reports))
    elapsed = time.perf_counter() - start
    errors = sum(not isinstance(r, rehabgraph.Recommendation) for r in results)
    return {"reports": size, "seconds": elapsed, "reports_per_s": size / elapsed, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (CI)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    repeat, number = (5, 5) if args.quick else (30, 50)

    rec = Recommender.default()
    results: dict[str, Any] = {"quick": args.quick, "python": sys.version.split()[0]}
    per_query = {
        "one site": measure(lambda: rec.recommend(ONE_SITE), repeat, number),
        "three sites": measure(lambda: rec.recommend(THREE_SITES), repeat, number),
        "red flag": measure(lambda: rec.recommend(RED_FLAG), repeat, number),
    }
    results["per_query"] = per_query
    # The engine's own share: building the same Recommendation from its already-known parts
    # (validated, as recommend does) against the whole of recommend.
    parts = rec.recommend(THREE_SITES).model_dump()
    build = measure(lambda: rehabgraph.Recommendation.model_validate(parts), repeat, number)
    results["engine_share"] = {
        "build_from_parts": build,
        "build_share_of_recommend": build["median_s"] / per_query["three sites"]["median_s"],
    }
    peers: dict[str, Any] = {}
    for name, report in (("one site", ONE_SITE), ("three sites", THREE_SITES)):
        ours = {e.exercise_id for e in rec.recommend(report).exercises}
        naive = measure(lambda r=report: naive_networkx(rec, r), max(3, repeat // 5), 1)
        peers[f"naive networkx, {name}"] = {
            **naive,
            "ratio_to_rehabgraph": naive["median_s"] / per_query[name]["median_s"],
            "same_exercises": ours == naive_networkx(rec, report),
        }
    results["peers"] = peers
    results["cold_start"] = cold_start(3 if args.quick else 15)
    results["batch"] = batch(rec, 200 if args.quick else 5000)

    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'what':<34}{'median':>12}{'IQR':>12}")
    for name, m in per_query.items():
        print(
            f"{'recommend: ' + name:<34}{m['median_s'] * 1e3:>10.3f}ms{m['iqr_s'] * 1e3:>10.3f}ms"
        )
    share = results["engine_share"]
    print(
        f"{'build Recommendation from parts':<34}"
        f"{share['build_from_parts']['median_s'] * 1e3:>10.3f}ms"
        f"{share['build_from_parts']['iqr_s'] * 1e3:>10.3f}ms"
        f"  {share['build_share_of_recommend']:.0%} of recommend (three sites)"
    )
    for name, m in peers.items():
        print(
            f"{name:<34}{m['median_s'] * 1e3:>10.3f}ms{m['iqr_s'] * 1e3:>10.3f}ms"
            f"  {m['ratio_to_rehabgraph']:.1f}x rehabgraph, same exercises: {m['same_exercises']}"
        )
    cs = results["cold_start"]
    print(
        f"{'cold start: import+load+query':<34}{cs['rehabgraph_query']['median_s'] * 1e3:>10.1f}ms"
    )
    print(
        f"{'cold start: bare dependency import':<34}{cs['bare_imports']['median_s'] * 1e3:>10.1f}ms"
    )
    print(f"  cold start ratio: {cs['ratio']:.2f}x")
    b = results["batch"]
    print(
        f"batch: {b['reports']} reports, {b['reports_per_s']:.0f} reports/s, {b['errors']} errors"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
