"""Batches on Dask: 10^5 generated reports answered on a local cluster of 1 and then 2 worker
processes (alternating, 3 rounds), rows per second and their ratio (the goal: 1.8x on 2 cores).
The 2-worker answers are checked row for row against ``recommend_many``.

    python benchmarks/dask_batch.py [--rows 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rehabgraph import Recommender
from rehabgraph.batch import report_of_row, run_batch
from tests.test_batch import _rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("dask_batch.json"))
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp())
    source = folder / "reports.parquet"
    pd.DataFrame(_rows(Recommender.default(), args.rows)).to_parquet(source)
    speed: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.rounds):
        for workers in (1, 2):
            start = time.perf_counter()
            summary = run_batch(
                source, folder / f"plans-{workers}", workers=workers, progress=False
            )
            speed[workers].append(summary.rows / (time.perf_counter() - start))
            print(f"{workers} worker(s): {summary}", flush=True)
    out = pd.read_parquet(folder / "plans-2")
    rows = pd.read_parquet(source).to_dict("records")
    expected = Recommender.default().recommend_many(report_of_row(r) for r in rows)
    same = all(
        (got["status"] == "error")
        if isinstance(want, Exception)
        else got["recommendation"] == want.model_dump_json()
        for got, want in zip(out.to_dict("records"), expected, strict=True)
    )
    ratios = [b / a for a, b in zip(speed[1], speed[2], strict=True)]
    result = {
        "rows": args.rows,
        "rows_per_second_1": statistics.median(speed[1]),
        "rows_per_second_2": statistics.median(speed[2]),
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "same_as_recommend_many": same,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
