"""rehabgraph benchmarks: per query, the engine's share, peers (CLIPS, naive networkx), cold start,
scaling over synthetic knowledge, and batch.

    python benchmarks/run.py            # the full run (10^3 .. 10^6 nodes: about 20 minutes)
    python benchmarks/run.py --quick    # a small run, to check the suite still works
    python benchmarks/run.py --sizes 1000 10000   # choose the scaling sizes

Prints a table, writes benchmarks/results.json and the plot benchmarks/scaling.png. Every time is
the median of many repetitions with its interquartile range, all measured in this one run, and
compared as ratios. While it runs, each phase says on stderr what it is doing, with a bar over
its steps. Needs the ``bench`` extra (clipspy, matplotlib, tqdm for the bars).
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import datetime as dt
import gc
import json
import os
import pickle
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the peers and the generator sit beside this script

import peers  # noqa: E402
import synthetic  # noqa: E402
from phases import Phase  # noqa: E402

import rehabgraph  # noqa: E402
from rehabgraph import Recommender  # noqa: E402
from rehabgraph.graph import cache  # noqa: E402
from rehabgraph.knowledge.bulk import collector_paused  # noqa: E402

ONE_SITE = {"sites": [{"location": "outer knee", "side": "right"}]}
THREE_SITES = {
    "sites": [
        {"location": "outer knee", "side": "right"},
        {"location": "low back"},
        {"location": "heel", "side": "left"},
    ]
}
RED_FLAG = {"sites": [{"location": "low back"}], "symptoms": ["numb between my legs"]}
# a 200-character symptom sentence, as a person writes it: a denial, a time, a typo
SENTENCE = (
    "I dont have any numbnes between my legs and no trouble peeing, but the ache has been there "
    "since I lifted a heavy box about 3 weeks ago and it is worse when I sit for a long time at "
    "my desk at work, ok"
)
FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000,)
PHASES = 6
BATCH_CHUNK = 100  # the batch's bar moves once per this many reports

Tick = Callable[[], None]


def _no_tick() -> None:
    """A step done, for a caller that shows no progress."""


def reached(answer: Any) -> set[str]:
    """Every exercise an answer reaches: its plan and what it names as also possible (the
    peers reach them all; they do not cap a plan)."""
    return {e.exercise_id for e in answer.exercises} | {a.exercise_id for a in answer.also_possible}


def measure(
    fn: Callable[[], object], repeat: int, number: int, tick: Tick = _no_tick
) -> dict[str, float]:
    """Median and interquartile range, in seconds per call, of ``repeat`` timings of
    ``number`` calls each; ``tick`` after each timing."""
    return side_by_side({"fn": fn}, repeat, number, tick)["fn"]


def side_by_side(
    fns: dict[str, Callable[[], object]], repeat: int, number: int, tick: Tick = _no_tick
) -> dict[str, dict[str, float]]:
    """Like ``measure`` for several functions, interleaved so a noisy moment hits them all;
    ``tick`` after each round (one timing of each)."""
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - start) / number)
        tick()
    out = {}
    for name, s in samples.items():
        q1, _, q3 = statistics.quantiles(s, n=4) if len(s) > 1 else (s * 3)
        out[name] = {"median_s": statistics.median(s), "iqr_s": q3 - q1, "repeat": repeat}
    return out


def naive_repeat(repeat: int) -> int:
    """The naive search is slow: it is timed fewer times."""
    return max(3, repeat // 5)


def per_query_steps(repeat: int) -> int:
    """The rounds ``per_query_and_peers`` times: two reports with their peers, the red flag."""
    return 2 * (repeat + naive_repeat(repeat)) + repeat


def per_query_and_peers(
    rec: Recommender, repeat: int, number: int, tick: Tick = _no_tick
) -> dict[str, Any]:
    """Every query, its engine share and its peers, interleaved in one loop."""
    clips = peers.ClipsPeer(rec)
    strong = peers.CompiledClipsPeer(rec)  # the walks compiled at load, one rule per edge
    out: dict[str, Any] = {"per_query": {}, "engine_share": {}, "peers": {}}
    for name, report in (("one site", ONE_SITE), ("three sites", THREE_SITES)):
        zones = peers.report_zones(rec, report)
        parts = rec.recommend(report).model_dump()
        ours = reached(rec.recommend(report))
        times = side_by_side(
            {
                "recommend": lambda r=report: rec.recommend(r),
                "afresh": lambda r=report: afresh(rec, r),
                "build": lambda p=parts: rehabgraph.Recommendation.model_validate(p),
                "clips": lambda z=zones: clips.reach(z),
                "clips_compiled": lambda z=zones: strong.reach(z),
            },
            repeat,
            number,
            tick,
        )
        naive = measure(lambda z=zones: peers.naive_networkx(rec, z), naive_repeat(repeat), 1, tick)
        q = times["recommend"]["median_s"]
        out["per_query"][name] = times["recommend"]
        out["per_query"][f"{name}, plan made afresh"] = times["afresh"]
        out["engine_share"][name] = {
            "build_from_parts": times["build"],
            "build_share_of_recommend": times["build"]["median_s"] / q,
        }
        out["peers"][f"CLIPS, {name}"] = {
            **times["clips"],
            "ratio_to_rehabgraph": times["clips"]["median_s"] / q,
            "same_exercises": clips.reach(zones) == ours,
        }
        out["peers"][f"CLIPS compiled at load (strong), {name}"] = {
            **times["clips_compiled"],
            "ratio_to_rehabgraph": times["clips_compiled"]["median_s"] / q,
            "same_exercises": strong.reach(zones) == ours,
        }
        out["peers"][f"naive networkx, {name}"] = {
            **naive,
            "ratio_to_rehabgraph": naive["median_s"] / q,
            "same_exercises": peers.naive_networkx(rec, zones) == ours,
        }
    out["per_query"]["red flag"] = measure(lambda: rec.recommend(RED_FLAG), repeat, number, tick)
    return out


def afresh(rec: Recommender, report: dict[str, Any]) -> object:
    """``recommend`` with nothing remembered from earlier reports: the site read, the screening
    decided and the plan made anew (what the first report on a place costs)."""
    rec._forget()  # noqa: SLF001
    return rec.recommend(report)


def text_layer(rec: Recommender, repeat: int, number: int, tick: Tick = _no_tick) -> dict[str, Any]:
    """What reading a person's words costs: a one-site report alone, with a 200-character
    symptom sentence (read once, then remembered), and with a sentence never seen before (read
    from scratch each time), interleaved in one loop."""
    plain = {**ONE_SITE, "answers": {q.id: False for q in rec.screening(ONE_SITE)}}
    said = {**plain, "symptoms": [SENTENCE]}
    fresh = iter(range(10**9))
    reader = rec.reader
    times = side_by_side(
        {
            "one site": lambda: rec.recommend(plain),
            "one site + sentence": lambda: rec.recommend(said),
            "one site + new sentence": lambda: rec.recommend(
                {**plain, "symptoms": [f"{SENTENCE} {next(fresh)}"]}
            ),
            "read a new sentence": lambda: reader.read(f"{SENTENCE} {next(fresh)}", reader_today),
        },
        repeat,
        number,
        tick,
    )
    base = times["one site"]["median_s"]
    return {
        "sentence_chars": len(SENTENCE),
        **times,
        "ratio_sentence_remembered": times["one site + sentence"]["median_s"] / base,
        "ratio_sentence_new": times["one site + new sentence"]["median_s"] / base,
    }


reader_today = dt.date(2026, 11, 29)


def cold_start(repeat: int, tick: Tick = _no_tick) -> dict[str, Any]:
    """Fresh processes: ``repeat`` rounds of two, then one split into its steps. rehabgraph's
    modules are byte-compiled first, as pip does on install (the dependencies are), so no
    process pays for compiling source that an installed package would not."""
    compileall.compile_dir(str(Path(rehabgraph.__file__).parent), quiet=1)
    query = (
        "import rehabgraph; rehabgraph.Recommender.default().recommend("
        "{'sites': [{'location': 'outer knee', 'side': 'right'}]})"
    )
    bare = "import pydantic, networkx, yaml"
    # split one process into its steps, to show where the time goes
    steps = (
        "import time; t0 = time.perf_counter(); import pydantic, networkx, yaml; "
        "t1 = time.perf_counter(); import rehabgraph.api.recommender, rehabgraph.api.loading; "
        "t2 = time.perf_counter(); "
        "kb = rehabgraph.load_knowledge(); t3 = time.perf_counter(); "
        "r = rehabgraph.Recommender(kb, require_screening=False); t4 = time.perf_counter(); "
        "r.recommend({'sites': [{'location': 'outer knee'}]}); t5 = time.perf_counter(); "
        "import json; print(json.dumps({'dependencies': t1 - t0, 'rehabgraph modules': t2 - t1, "
        "'load knowledge': t3 - t2, 'compile': t4 - t3, 'first query': t5 - t4}))"
    )

    def run(code: str) -> None:
        subprocess.run([sys.executable, "-c", code], check=True)

    times = side_by_side({"ours": lambda: run(query), "bare": lambda: run(bare)}, repeat, 1, tick)
    split = json.loads(
        subprocess.run(
            [sys.executable, "-c", steps], check=True, capture_output=True, text=True
        ).stdout
    )
    tick()
    return {
        "rehabgraph_query": times["ours"],
        "bare_imports": times["bare"],
        "ratio": times["ours"]["median_s"] / times["bare"]["median_s"],
        "steps_s": split,
    }


def batch(rec: Recommender, size: int, tick: Tick = _no_tick) -> dict[str, Any]:
    """``size`` reports through ``recommend_many``, timed BATCH_CHUNK at a time with ``tick``
    between the chunks, outside the timings."""
    zones = list(rec.knowledge_base.knowledge.zones)
    reports = [
        {"sites": [{"location": zones[i % len(zones)], "side": ("left", "right")[i % 2]}]}
        for i in range(size)
    ]
    results: list[Any] = []
    elapsed = 0.0
    for first in range(0, size, BATCH_CHUNK):
        chunk = reports[first : first + BATCH_CHUNK]
        start = time.perf_counter()
        results.extend(rec.recommend_many(chunk))
        elapsed += time.perf_counter() - start
        tick()
    errors = sum(not isinstance(r, rehabgraph.Recommendation) for r in results)
    return {"reports": size, "seconds": elapsed, "reports_per_s": size / elapsed, "errors": errors}


# --- scaling: one fresh process per size ------------------------------------------------------


def _rss() -> int:
    """Resident memory of this process now, in bytes (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _traced_load(folder: Path) -> tuple[int, int]:
    """Peak and live memory as tracemalloc sees them, loading and compiling again (slow: a
    pass of its own, run after the measured load, whose resident memory it would blur): the
    live bytes are what the knowledge base and the Recommender hold, without the allocator's
    slack that resident memory also counts."""
    gc.collect()
    tracemalloc.start()
    rec = Recommender(
        rehabgraph.load_knowledge(folder, max_file_bytes=1 << 40), require_screening=False
    )
    gc.collect()
    live, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del rec
    gc.collect()
    return peak, live


def _load_and_compile(folder: Path) -> tuple[Recommender, dict[str, Any]]:
    """Load and compile, timed, with the YAML parsing's share and the memory held."""
    from rehabgraph.knowledge import layers

    parse_s = 0.0
    read_yaml = layers.read_yaml

    def timed_read(*args: Any) -> Any:
        nonlocal parse_s
        start = time.perf_counter()
        try:
            return read_yaml(*args)
        finally:
            parse_s += time.perf_counter() - start

    layers.read_yaml = timed_read  # type: ignore[assignment]
    rss_before = _rss()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    kb = rehabgraph.load_knowledge(folder, max_file_bytes=1 << 40)
    loaded = time.perf_counter()
    rec = Recommender(kb, require_screening=False)
    built = time.perf_counter()
    held = _rss() - rss_before
    peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    layers.read_yaml = read_yaml  # type: ignore[assignment]
    edges = kb.graph.number_of_edges()
    return rec, {
        "load_s": loaded - start,
        "parse_s": parse_s,
        "compile_s": built - loaded,
        "load_us_per_edge": (loaded - start) / edges * 1e6,
        "load_without_parse_us_per_edge": (loaded - start - parse_s) / edges * 1e6,
        "compile_us_per_edge": (built - loaded) / edges * 1e6,
        "memory_held_bytes": held,
        "bytes_per_edge": held / edges,
        "peak_rss_growth_bytes": peak_growth,
    }


def _cached_load(kb: rehabgraph.KnowledgeBase) -> dict[str, float]:
    """What the load cache does on the next start: the same KnowledgeBase from one pickle."""
    with tempfile.TemporaryFile() as f:
        cache.dump(kb, f)  # as the load cache keeps it: with the compiled tables
        f.seek(0)
        start = time.perf_counter()
        with collector_paused():
            # the pickle this function wrote a moment ago, to a private temporary file: trusted
            pickle.load(f)  # noqa: S301
        cached_load = time.perf_counter() - start
    edges = kb.graph.number_of_edges()
    return {"cached_load_s": cached_load, "cached_load_us_per_edge": cached_load / edges * 1e6}


def _graph_share(kb: rehabgraph.KnowledgeBase, *, with_traced_memory: bool) -> dict[str, Any]:
    """The share of networkx: building the graph again from the loaded knowledge, and its memory."""
    from rehabgraph.graph.build import build_graph

    with collector_paused():
        start = time.perf_counter()
        build_graph(kb.knowledge)
        graph_s = time.perf_counter() - start
    graph_bytes = None
    if with_traced_memory:
        tracemalloc.start()
        again = build_graph(kb.knowledge)
        graph_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del again
    edges = kb.graph.number_of_edges()
    return {
        "graph_build_s": graph_s,
        "graph_bytes": graph_bytes,
        "graph_bytes_per_edge": graph_bytes / edges if graph_bytes else None,
    }


def _queries(
    rec: Recommender, repeat: int, number: int, tick: Tick, *, with_naive: bool
) -> dict[str, Any]:
    """One query on a region in the middle of the synthetic knowledge, against its peers
    (``repeat`` rounds, then the naive search's one)."""
    unit = max(0, (len(rec.knowledge_base.knowledge.zones) - 30) // 3 // 2)
    fixed = synthetic.synthetic_query(unit)
    answer = rec.recommend(fixed)
    clips_start = time.perf_counter()
    clips = peers.ClipsPeer(rec)
    clips_load = time.perf_counter() - clips_start
    zones = peers.report_zones(rec, fixed)
    fns: dict[str, Callable[[], object]] = {
        "rehabgraph": lambda: rec.recommend(fixed),
        "rehabgraph, plan made afresh": lambda: afresh(rec, fixed),
        "rehabgraph, bundled zone": lambda: rec.recommend(ONE_SITE),
        "CLIPS": lambda: clips.reach(zones),
    }
    times = side_by_side(fns, repeat, number, tick)
    profile = cProfile.Profile()  # function calls per query: the same at every size, or not
    profile.runcall(rec.recommend, fixed)
    calls = sum(stat[1] for stat in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]
    profile = cProfile.Profile()  # and for a plan made afresh
    profile.runcall(afresh, rec, fixed)
    calls_afresh = sum(stat[1] for stat in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]
    if with_naive:
        times["naive networkx"] = measure(lambda: peers.naive_networkx(rec, zones), 3, 1)
        tick()
    ours = reached(answer)
    return {
        "calls_per_query": calls,
        "calls_per_query_afresh": calls_afresh,
        "answer_exercises": len(answer.exercises),
        "answer_explanations": sum(len(e.explanations) for e in answer.exercises),
        "clips_load_s": clips_load,
        "clips_same_exercises": clips.reach(zones) == ours,
        "query": times,
    }


def scale_worker(
    folder: Path, repeat: int, number: int, *, with_naive: bool, with_traced_memory: bool
) -> dict[str, Any]:
    """Load one synthetic knowledge folder and measure it (run in a fresh process, with the load
    cache off, so every load parses and checks the YAML)."""
    steps = with_traced_memory + 3 + repeat + with_naive
    title = f"{folder.name} nodes: load, compile, load from the cache, graph, queries"
    with Phase(title, steps, unit="steps") as phase:
        # first, in this fresh process: the resident memory it measures is the load's alone
        rec, load = _load_and_compile(folder)
        phase.step()
        kb = rec.knowledge_base
        graph = kb.graph
        cached = _cached_load(kb)
        phase.step()
        share = _graph_share(kb, with_traced_memory=with_traced_memory)
        phase.step()
        queries = _queries(rec, repeat, number, phase.step, with_naive=with_naive)
        traced_peak = traced_live = None
        if with_traced_memory:
            traced_peak, traced_live = _traced_load(folder)
            phase.step()
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "yaml_bytes": sum(f.stat().st_size for f in folder.glob("*.yaml")),
        **load,
        **cached,
        **share,
        "traced_peak_bytes": traced_peak,
        "traced_live_bytes": traced_live,
        "live_bytes_per_edge": traced_live / graph.number_of_edges() if traced_live else None,
        **queries,
    }


def scaling(sizes: tuple[int, ...], repeat: int, number: int) -> list[dict[str, Any]]:
    """One fresh process per size; each shows its own bar (stderr is passed through)."""
    bundled = Recommender.default().knowledge_base.graph.number_of_nodes()
    rows = []
    with tempfile.TemporaryDirectory(prefix="rehabgraph-synthetic-") as tmp:
        for index, size in enumerate(sizes, 1):
            print(
                f"   size {index} of {len(sizes)}: writing {size:,} nodes of synthetic knowledge",
                file=sys.stderr,
                flush=True,
            )
            folder = synthetic.write_synthetic(
                Path(tmp) / f"{size:,}", synthetic.units_for(size, bundled)
            )
            cmd = [sys.executable, __file__, "--scale-worker", str(folder)]
            cmd += ["--repeat", str(repeat), "--number", str(number)]
            if size <= 10_000:
                cmd.append("--naive")
            if size <= 100_000:
                cmd.append("--traced")
            env = {**os.environ, "REHABGRAPH_CACHE": "off"}
            done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env)
            row = json.loads(done.stdout)
            row["target_nodes"] = size
            rows.append(row)
            print(
                f"  {row['nodes']:>9} nodes: load {row['load_s']:.1f} s, "
                f"query {row['query']['rehabgraph']['median_s'] * 1e3:.3f} ms",
                file=sys.stderr,
            )
    return rows


def plot(results: dict[str, Any], out: Path) -> None:
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["scaling"]
    nodes = [r["nodes"] for r in rows]
    fig, (ax_q, ax_l) = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {
        "rehabgraph": ("#1b7837", "o", "-"),
        "rehabgraph, bundled zone": ("#5aae61", "s", "--"),
        "CLIPS": ("#762a83", "^", "-"),
        "naive networkx": ("#b2182b", "x", ":"),
    }
    for name, (color, marker, line) in styles.items():
        xs = [r["nodes"] for r in rows if name in r["query"]]
        ys = [r["query"][name]["median_s"] * 1e3 for r in rows if name in r["query"]]
        if xs:
            ax_q.plot(xs, ys, marker=marker, linestyle=line, color=color, label=name)
    bundled = results["bundled_nodes"]
    for label, value, color in (
        ("bundled, rehabgraph", results["per_query"]["one site"]["median_s"], "#1b7837"),
        ("bundled, CLIPS", results["peers"]["CLIPS, one site"]["median_s"], "#762a83"),
        ("bundled, naive", results["peers"]["naive networkx, one site"]["median_s"], "#b2182b"),
    ):
        ax_q.scatter([bundled], [value * 1e3], color=color, marker="*", s=120, zorder=3)
        ax_q.annotate(label, (bundled, value * 1e3), textcoords="offset points", xytext=(6, 2))
    ax_q.set(xscale="log", yscale="log", xlabel="knowledge graph nodes", ylabel="ms per query")
    ax_q.set_title("One query, answer of fixed size")
    ax_q.legend(fontsize=8, loc="upper left")
    ax_l.plot(nodes, [r["load_s"] for r in rows], "o-", color="#2166ac", label="load (YAML+check)")
    ax_l.plot(nodes, [r["parse_s"] for r in rows], "o:", color="#92c5de", label="of which YAML")
    ax_l.plot(nodes, [r["compile_s"] for r in rows], "s-", color="#1b7837", label="compile rules")
    ax_l.plot(
        nodes, [r["cached_load_s"] for r in rows], "o--", color="#2166ac", label="load from cache"
    )
    ax_l.plot(nodes, [r["clips_load_s"] for r in rows], "^-", color="#762a83", label="CLIPS load")
    ax_m = ax_l.twinx()
    ax_m.plot(nodes, [max(r["memory_held_bytes"], 1) / 2**20 for r in rows], "d--", color="#888")
    ax_m.set(yscale="log", ylabel="memory held after load, MiB (grey)")
    ax_l.set(xscale="log", yscale="log", xlabel="knowledge graph nodes", ylabel="seconds")
    ax_l.set_title("Load, compile and memory")
    ax_l.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (CI)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--sizes", type=int, nargs="*", help="synthetic sizes, in nodes")
    parser.add_argument(
        "--dask-rows",
        type=int,
        default=None,
        help="reports for the Dask batch phase (default: 100000, 2000 with --quick; 0 skips it)",
    )
    parser.add_argument("--scale-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--number", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_worker is not None:
        row = scale_worker(
            args.scale_worker,
            args.repeat,
            args.number,
            with_naive=args.naive,
            with_traced_memory=args.traced,
        )
        print(json.dumps(row))
        return 0
    if args.dask_rows is None:
        args.dask_rows = 2_000 if args.quick else 100_000
    dask_rounds = 1 if args.quick else DASK_ROUNDS
    repeat, number = (5, 5) if args.quick else (30, 50)
    sizes = tuple(args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES))
    cold_repeat = 3 if args.quick else 15
    batch_size = 200 if args.quick else 5000

    rec = Recommender(rehabgraph.load_knowledge(), require_screening=False)
    results: dict[str, Any] = {
        "quick": args.quick,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "bundled_nodes": rec.knowledge_base.graph.number_of_nodes(),
        "bundled_edges": rec.knowledge_base.graph.number_of_edges(),
    }
    with Phase(
        f"1 of {PHASES}: per query and peers (parts 1 and 2), {repeat} rounds of {number} calls",
        per_query_steps(repeat),
        unit="rounds",
    ) as phase:
        results.update(per_query_and_peers(rec, repeat, number, phase.step))
    with Phase(f"2 of {PHASES}: reading words (part 1b)", repeat, unit="rounds") as phase:
        results["text_layer"] = text_layer(rec, repeat, number, phase.step)
    with Phase(
        f"3 of {PHASES}: cold start (part 3), fresh processes with rehabgraph and without",
        cold_repeat + 1,
        unit="rounds",
    ) as phase:
        results["cold_start"] = cold_start(cold_repeat, phase.step)
    with Phase(
        f"4 of {PHASES}: scaling (part 4), {', '.join(f'{n:,}' for n in sizes)} nodes",
        len(sizes),
        unit="sizes",
        bar=False,  # each size's process draws its own
    ):
        results["scaling"] = scaling(sizes, 3 if args.quick else 15, 5 if args.quick else 20)
    with Phase(
        f"5 of {PHASES}: batch (part 5), {batch_size} reports through recommend_many",
        -(-batch_size // BATCH_CHUNK),
        unit=f"x{BATCH_CHUNK} reports",
    ) as phase:
        results["batch"] = batch(rec, batch_size, phase.step)
    if args.dask_rows:
        import dask_batch  # the batch extra: Dask and pyarrow

        with Phase(
            f"6 of {PHASES}: batches on Dask (issue 16), {args.dask_rows:,} reports on 1 and "
            f"2 worker processes, {dask_rounds} rounds each",
            2 * dask_rounds,
            unit="runs",
        ) as phase:
            results["dask_batch"] = dask_batch.measure(args.dask_rows, dask_rounds, phase.step)
    results["goals"] = goals(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    picture = args.out.with_name("scaling.png")
    plot(results, picture)
    report(results)
    print(f"wrote {args.out} and {picture}")
    return 0


DASK_ROUNDS = 3


def _at(rows: list[dict[str, Any]], nodes: int) -> dict[str, Any] | None:
    """The scaling row for about ``nodes`` nodes, if the run has one."""
    return next((r for r in rows if r.get("target_nodes") == nodes), None)


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every goal the run can judge: the figure, the goal, the figure over the goal (above 1 is
    better for "at least" goals, below 1 for "at most" ones), and whether it is met."""
    out: list[dict[str, Any]] = []

    def goal(what: str, value: float, target: float, *, at_least: bool, unit: str) -> None:
        met = value >= target if at_least else value <= target
        out.append(
            {
                "goal": what,
                "value": value,
                "target": target,
                "unit": unit,
                "kind": "at least" if at_least else "at most",
                "value_over_target": value / target,
                "met": met,
            }
        )

    peers_ = results["peers"]
    for name in ("one site", "three sites"):
        strong = peers_[f"CLIPS compiled at load (strong), {name}"]["ratio_to_rehabgraph"]
        goal(f"faster than the strong CLIPS peer, {name}", strong, 3.0, at_least=True, unit="x")
        naive = peers_[f"naive networkx, {name}"]["ratio_to_rehabgraph"]
        goal(
            f"faster than the naive networkx search, {name}", naive, 100.0, at_least=True, unit="x"
        )
    goal(
        "cold start over the bare import of the dependencies",
        results["cold_start"]["ratio"],
        1.5,
        at_least=False,
        unit="x",
    )
    rows = results["scaling"]
    small, big = _at(rows, 1_000), _at(rows, 100_000)
    if small and big:
        for name, label in (("rehabgraph", ""), ("rehabgraph, plan made afresh", ", made afresh")):
            ratio = big["query"][name]["median_s"] / small["query"][name]["median_s"]
            goal(
                f"query time at 10^5 nodes over 10^3 nodes{label}",
                ratio,
                1.5,
                at_least=False,
                unit="x",
            )
    if big:
        goal(
            "first load (YAML parsed and checked) per edge at 10^5 nodes",
            big["load_us_per_edge"],
            10.0,
            at_least=False,
            unit="us",
        )
        goal(
            "memory held per edge at 10^5 nodes (resident memory grown by the load and compile)",
            big["bytes_per_edge"] / 1024,
            1.0,
            at_least=False,
            unit="KB",
        )
    dask = results.get("dask_batch")
    if dask:
        goal(
            "Dask batch on a running cluster, 2 workers over 1 on 2 cores",
            dask["ratio_median"],
            1.8,
            at_least=True,
            unit="x",
        )
    return out


def report(results: dict[str, Any]) -> None:
    def ms(m: dict[str, float]) -> str:
        return f"{m['median_s'] * 1e3:>10.3f}ms{m['iqr_s'] * 1e3:>10.3f}ms"

    print(f"{'what':<40}{'median':>12}{'IQR':>12}")
    print("1. per query (bundled knowledge, report to finished Recommendation)")
    for name, m in results["per_query"].items():
        print(f"{'  recommend: ' + name:<40}{ms(m)}")
    for name, share in results["engine_share"].items():
        print(
            f"{'  same Recommendation from parts, ' + name:<40}{ms(share['build_from_parts'])}"
            f"  {share['build_share_of_recommend']:.0%} of recommend"
        )
    print("2. peers, same traversal, no explanations")
    for name, m in results["peers"].items():
        print(
            f"{'  ' + name:<40}{ms(m)}  {m['ratio_to_rehabgraph']:.1f}x rehabgraph, "
            f"same exercises: {m['same_exercises']}"
        )
    tl = results["text_layer"]
    print(f"1b. reading words: a one-site report with a {tl['sentence_chars']}-character symptom")
    for name in (
        "one site",
        "one site + sentence",
        "one site + new sentence",
        "read a new sentence",
    ):
        print(f"{'  ' + name:<40}{ms(tl[name])}")
    print(
        f"  ratio to the report alone: {tl['ratio_sentence_remembered']:.2f}x remembered, "
        f"{tl['ratio_sentence_new']:.2f}x never seen before"
    )
    cs = results["cold_start"]
    print("3. cold start (fresh process)")
    print(f"{'  import, load, one query':<40}{ms(cs['rehabgraph_query'])}")
    print(f"{'  bare import of pydantic, networkx, yaml':<40}{ms(cs['bare_imports'])}")
    steps = ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in cs["steps_s"].items())
    print(f"  ratio {cs['ratio']:.2f}x; one process split: {steps}")
    print(
        "4. scaling (synthetic knowledge; query on one synthetic zone, same answer at every size;"
        " B/edge: resident memory grown, live: what tracemalloc sees held)"
    )
    print(
        f"  {'nodes':>9} {'edges':>9} {'load s':>8} {'YAML s':>8} {'cached s':>8} {'compile s':>9} "
        f"{'us/edge':>8} {'B/edge':>7} {'live B/e':>8} {'peak MiB':>8} {'query ms':>9} "
        f"{'afresh ms':>9} "
        f"{'CLIPS ms':>9} {'naive ms':>9}"
    )
    for r in results["scaling"]:
        q = r["query"]
        naive = q.get("naive networkx")
        naive_ms = f"{naive['median_s'] * 1e3:>9.2f}" if naive else " " * 9
        live = f"{r['live_bytes_per_edge']:.0f}" if r.get("live_bytes_per_edge") else ""
        print(
            f"  {r['nodes']:>9} {r['edges']:>9} {r['load_s']:>8.2f} {r['parse_s']:>8.2f} "
            f"{r['cached_load_s']:>8.2f} "
            f"{r['compile_s']:>9.2f} {r['load_us_per_edge']:>8.1f} {r['bytes_per_edge']:>7.0f} "
            f"{live:>8} "
            f"{(r['traced_peak_bytes'] or r['peak_rss_growth_bytes']) / 2**20:>8.0f} "
            f"{q['rehabgraph']['median_s'] * 1e3:>9.3f} "
            f"{q['rehabgraph, plan made afresh']['median_s'] * 1e3:>9.3f} "
            f"{q['CLIPS']['median_s'] * 1e3:>9.3f} "
            f"{naive_ms}"
        )
    rows = results["scaling"]
    calls = ", ".join(f"{r['calls_per_query']} ({r['calls_per_query_afresh']})" for r in rows)
    print(f"  Python function calls per query (made afresh), by size: {calls}")
    if len(rows) > 1:
        first, last = rows[0]["query"]["rehabgraph"], rows[-1]["query"]["rehabgraph"]
        print(
            f"  query time at {rows[-1]['nodes']} nodes / at {rows[0]['nodes']} nodes: "
            f"{last['median_s'] / first['median_s']:.2f}x"
        )
    b = results["batch"]
    print(
        f"5. batch: {b['reports']} reports, {b['reports_per_s']:.0f} reports/s on one core, "
        f"{b['errors']} errors"
    )
    d = results.get("dask_batch")
    if d:
        print(
            f"6. Dask batch, {d['rows']} reports: {d['rows_per_second_1']:,.0f} rows/s on 1 "
            f"worker, {d['rows_per_second_2']:,.0f} on 2: {d['ratio_median']:.2f}x "
            f"({d['ratio_min']:.2f}-{d['ratio_max']:.2f}) on a running cluster; with the "
            f"cluster's start and close ({d['cluster_start_and_close_s_1']:.1f} s and "
            f"{d['cluster_start_and_close_s_2']:.1f} s) "
            f"{d['whole_run_rows_per_second_1']:,.0f} and {d['whole_run_rows_per_second_2']:,.0f}: "
            f"{d['whole_run_ratio_median']:.2f}x ({d['whole_run_ratio_min']:.2f}-"
            f"{d['whole_run_ratio_max']:.2f}); same as recommend_many row for row: "
            f"{d['same_as_recommend_many']}"
        )
    print("Goals, this run")
    for g in results["goals"]:
        print(
            f"  {'met    ' if g['met'] else 'NOT met'} {g['goal']}: {g['value']:.2f} {g['unit']} "
            f"({g['kind']} {g['target']:g}; {g['value_over_target']:.2f} of the goal)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
