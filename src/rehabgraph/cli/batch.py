"""``rehabgraph batch IN OUT``: answer stored reports on Dask (needs rehabgraph[batch])."""

from __future__ import annotations

import argparse
from typing import TextIO

from rehabgraph.cli._shared import EXIT_OK, EXIT_USAGE, fail, knowledge_failure, knowledge_options

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = sub.add_parser(
        "batch",
        help="answer stored reports on Dask (needs rehabgraph[batch])",
        description="Read reports from Parquet, CSV or JSON Lines (a 'report' column of JSON, "
        "or flat columns: location, side, intensity, age, answers, symptoms, conditions), answer "
        "them on a Dask cluster and write Parquet row for row: status, exercise_ids, referral, "
        "warnings, recommendation (JSON), error.",
    )
    batch.add_argument("source", metavar="IN", help="a .parquet (file or folder), .csv or .jsonl")
    batch.add_argument("target", metavar="OUT", help="the Parquet folder to write")
    batch.add_argument(
        "--workers", type=int, default=2, help="worker processes of a local cluster (2)"
    )
    batch.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on this Dask cluster instead (tcp://...)"
    )
    batch.add_argument("--no-progress", action="store_true", help="no progress bar")
    batch.add_argument(
        "--screened-elsewhere",
        action="store_true",
        help="the reports were screened for red flags elsewhere: plan without the answers",
    )
    knowledge_options(batch)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from rehabgraph.errors import KnowledgeError, MissingDependencyError, ReportError

    try:
        from rehabgraph.batch import run_batch
    except MissingDependencyError as exc:
        return fail(str(exc), EXIT_USAGE)
    if args.workers < 1:
        return fail("--workers must be at least 1", EXIT_USAGE)
    try:
        summary = run_batch(
            args.source,
            args.target,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.no_progress,
            base=args.base,
            packs=tuple(args.knowledge),
            require_screening=not args.screened_elsewhere,
        )
    except MissingDependencyError as exc:
        return fail(str(exc), EXIT_USAGE)
    except KnowledgeError as exc:
        return knowledge_failure(exc)
    except ReportError as exc:
        return fail(str(exc), EXIT_USAGE)
    out.write(f"{summary}\n")
    return EXIT_OK
