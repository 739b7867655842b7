"""Batches on Dask: 10^5 generated reports answered on a local cluster of 1 and then 2 worker
processes (alternating, 3 rounds), rows per second and their ratio (the goal: 1.8x on 2 cores).
The 2-worker answers are checked row for row against ``recommend_many``.

Each run starts its cluster, answers the batch on it (``run_batch(..., scheduler=address)``, as
on a cluster that is already up) and closes it, timing each of the three: rows per second on the
running cluster is how the batch's work spreads over workers; the whole run adds the cluster's
start and close, which do not grow with the batch (about 1.2 s here, whatever its size).

    python benchmarks/dask_batch.py [--rows 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from dask.distributed import LocalCluster

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # phases.py sits beside this script

from phases import Phase

from rehabgraph import Recommender
from rehabgraph.batch import report_of_row, run_batch
from tests.test_batch import _rows


def measure(rows: int, rounds: int, tick: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Rows per second on 1 and on 2 workers (alternating, ``rounds`` each), their ratio, and
    whether the 2-worker answers are ``recommend_many``'s, row for row."""
    folder = Path(tempfile.mkdtemp())
    source = folder / "reports.parquet"
    pd.DataFrame(_rows(Recommender.default(), rows)).to_parquet(source)
    speed: dict[int, list[float]] = {1: [], 2: []}  # on the running cluster
    whole: dict[int, list[float]] = {1: [], 2: []}  # with the cluster's start and close
    cluster_s: dict[int, list[float]] = {1: [], 2: []}
    summaries: dict[int, str] = {}
    for _ in range(rounds):
        for workers in (1, 2):
            start = time.perf_counter()
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            up = time.perf_counter()
            try:
                summary = run_batch(
                    source,
                    folder / f"plans-{workers}",
                    scheduler=cluster.scheduler_address,
                    progress=False,
                )
                done = time.perf_counter()
            finally:
                cluster.close()
            closed = time.perf_counter()
            speed[workers].append(summary.rows / (done - up))
            whole[workers].append(summary.rows / (closed - start))
            cluster_s[workers].append((up - start) + (closed - done))
            summaries[workers] = str(summary)
            tick()
    out = pd.read_parquet(folder / "plans-2")
    reports = pd.read_parquet(source).to_dict("records")
    expected = Recommender.default().recommend_many(report_of_row(r) for r in reports)
    same = all(
        (got["status"] == "error")
        if isinstance(want, Exception)
        else got["recommendation"] == want.model_dump_json()
        for got, want in zip(out.to_dict("records"), expected, strict=True)
    )
    ratios = [b / a for a, b in zip(speed[1], speed[2], strict=True)]
    whole_ratios = [b / a for a, b in zip(whole[1], whole[2], strict=True)]
    return {
        "rows": rows,
        "rounds": rounds,
        "rows_per_second_1": statistics.median(speed[1]),
        "rows_per_second_2": statistics.median(speed[2]),
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "whole_run_rows_per_second_1": statistics.median(whole[1]),
        "whole_run_rows_per_second_2": statistics.median(whole[2]),
        "whole_run_ratio_median": statistics.median(whole_ratios),
        "whole_run_ratio_min": min(whole_ratios),
        "whole_run_ratio_max": max(whole_ratios),
        "cluster_start_and_close_s_1": statistics.median(cluster_s[1]),
        "cluster_start_and_close_s_2": statistics.median(cluster_s[2]),
        "same_as_recommend_many": same,
        "last_summaries": summaries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("dask_batch.json"))
    args = parser.parse_args(argv)
    with Phase(
        f"{args.rows:,} reports on 1 and 2 worker processes, {args.rounds} rounds each",
        2 * args.rounds,
        unit="runs",
    ) as phase:
        result = measure(args.rows, args.rounds, phase.step)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
