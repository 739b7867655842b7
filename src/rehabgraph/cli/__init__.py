"""The command line: ``rehabgraph recommend``, ``rehabgraph zones``, ``rehabgraph knowledge check``.

``recommend`` exits 0 with a plan (or "no exercise for this"), 3 when a red flag refers the
person to a clinician, and 4 when the plan is held back until the screening questions are
answered (or an unread condition is reworded), so a script can tell them apart. Bad input ends
with a one-line message on stderr and exit code 2; a broken knowledge folder with every problem
listed and exit code 1. Never a traceback.

One module per command group, each with ``add_parser`` and ``run``: ``recommend``, ``zones``,
``knowledge`` (check, stats, schema), ``contract`` (``schema report|recommendation``),
``serve`` and ``batch``; ``_shared`` holds the exit codes, the failure messages and the
knowledge options; ``_display`` the log lines (``-v``) and progress bars shown on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from rehabgraph._version import __version__
from rehabgraph.cli import batch, contract, knowledge, recommend, serve, zones
from rehabgraph.cli._display import verbose_logging
from rehabgraph.cli._shared import EXIT_OK

__all__ = ["main"]

# the command -> its module's run(args, out); the parser lists them in this order
_RUN: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "recommend": recommend.run,
    "zones": zones.run,
    "knowledge": knowledge.run,
    "schema": contract.run,
    "serve": serve.run,
    "batch": batch.run,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rehabgraph",
        description="From where it hurts to what exercise to do, and why.",
    )
    parser.add_argument("--version", action="version", version=f"rehabgraph {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="show rehabgraph's log on stderr: -v what it loads and how long it takes, -vv more",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (recommend, zones, knowledge, contract, serve, batch):
        group.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        with verbose_logging(args.verbose):
            return _RUN[args.command](args, sys.stdout)
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK
