"""``run_batch``: stored reports in, answers out, spread over a Dask cluster.

Dask does the spreading (``dask.dataframe`` partitions, ``map_partitions``, a local cluster of
worker processes or any cluster by its scheduler address); rehabgraph only answers a partition.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rehabgraph.batch.answer import OUTPUT_COLUMNS, answer_rows
from rehabgraph.errors import MissingDependencyError, ReportError

__all__ = ["BatchSummary", "run_batch"]

_PARTITIONS_PER_WORKER = 4  # enough pieces for every worker to stay busy to the end


@dataclass(frozen=True, slots=True)
class BatchSummary:
    rows: int
    referrals: int
    errors: int
    seconds: float
    workers: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        return (
            f"{self.rows} rows, {self.referrals} referrals, {self.errors} errors, "
            f"{self.rows_per_second:,.0f} rows/s on {self.workers} workers"
        )


def _read(path: Path) -> Any:
    import dask.dataframe as dd

    suffix = path.suffix.lower() if path.is_file() else ".parquet"
    if suffix == ".parquet":
        return dd.read_parquet(str(path))
    if suffix == ".csv":
        return dd.read_csv(str(path), dtype=object, blocksize="16MB")
    if suffix in (".jsonl", ".ndjson", ".json"):
        return dd.read_json(str(path), lines=True, blocksize=2**24, dtype=False)
    raise ReportError(f"{path}: read Parquet, CSV or JSON Lines (.parquet, .csv, .jsonl)")


def _schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    return pa.schema(
        [
            ("row", pa.int64()),
            ("status", text),
            ("exercise_ids", pa.list_(text)),
            ("referral", text),
            ("warnings", pa.list_(text)),
            ("recommendation", text),
            ("error", text),
        ]
    )


def _numbered(part: Any, offsets: list[int], partition_info: dict[str, Any] | None = None) -> Any:
    """A partition with its rows numbered as in the whole input."""
    start = offsets[partition_info["number"]] if partition_info else 0
    out = part.reset_index(drop=True)
    out.index = out.index + start
    return out


def _counts(part: Any) -> Any:
    """A partition's answers counted by status, as a one-item series of counts."""
    import pandas as pd

    return pd.Series([part["status"].value_counts()])


def run_batch(  # noqa: PLR0913 - each is a knob a batch user sets
    source: str | Path,
    target: str | Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: bool = True,
    base: str | None = None,
    packs: tuple[str, ...] = (),
    require_screening: bool = True,
) -> BatchSummary:
    """Answer every report in ``source`` and write the answers to ``target`` (a Parquet
    folder), row for row, on a local Dask cluster of ``workers`` processes, or on the cluster
    at ``scheduler``. Returns the counts and the rows per second."""
    try:
        import pandas as pd
        from dask.distributed import Client, LocalCluster
        from dask.distributed import progress as show_progress
    except ImportError:
        raise MissingDependencyError("dask", "batch") from None
    source, target = Path(source), Path(target)
    if not source.exists():
        raise ReportError(f"{source}: no such file or folder")
    started = time.perf_counter()
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = Client(scheduler or cluster)
    try:
        n_workers = len(client.scheduler_info()["workers"]) or workers
        reports = _read(source)
        wanted = max(reports.npartitions, n_workers * _PARTITIONS_PER_WORKER)
        reports = reports.repartition(npartitions=wanted)
        lengths = reports.map_partitions(len).compute()
        offsets = [0]
        for n in lengths[:-1]:
            offsets.append(offsets[-1] + int(n))
        numbered = reports.map_partitions(_numbered, offsets, meta=reports.head(0))
        meta = pd.DataFrame({c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS})
        meta["row"] = meta["row"].astype("int64")
        answers = numbered.map_partitions(
            answer_rows, base, packs, require_screening=require_screening, meta=meta
        )
        # one graph: each partition is answered once, written and counted, then let go, so a
        # worker holds a few partitions' answers at a time, never the whole batch's
        written = answers.to_parquet(
            str(target), write_index=False, schema=_schema(), overwrite=True, compute=False
        )
        counted = answers.map_partitions(_counts, meta=(None, object))
        futures = client.compute([written, counted])
        if progress:
            show_progress(futures)
            print()  # noqa: T201 - end the progress bar's line
        _, per_partition = client.gather(futures)
        # counted partition by partition, then added up: no shuffle across the cluster
        counts = pd.Series(dtype="int64")
        for part in per_partition:
            counts = counts.add(part, fill_value=0)
        rows = int(sum(int(n) for n in lengths))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return BatchSummary(
        rows=rows,
        referrals=int(counts.get("refer", 0)),
        errors=int(counts.get("error", 0)),
        seconds=time.perf_counter() - started,
        workers=n_workers,
    )
