"""What every command shares: the exit codes, the one-line failure, the knowledge options."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rehabgraph.api.recommender import Recommender
    from rehabgraph.errors import KnowledgeError

__all__ = [
    "EXIT_HELD",
    "EXIT_KNOWLEDGE",
    "EXIT_OK",
    "EXIT_REFER",
    "EXIT_USAGE",
    "fail",
    "knowledge_failure",
    "knowledge_options",
    "recommender_for",
]

EXIT_OK, EXIT_KNOWLEDGE, EXIT_USAGE, EXIT_REFER, EXIT_HELD = 0, 1, 2, 3, 4


def fail(message: str, code: int) -> int:
    """Say what went wrong on one line of stderr; returns the exit code."""
    sys.stderr.write(f"rehabgraph: error: {message}\n")
    return code


def knowledge_failure(exc: KnowledgeError) -> int:
    """Every problem of a broken knowledge folder on stderr; returns EXIT_KNOWLEDGE."""
    sys.stderr.write(
        f"rehabgraph: the knowledge has {len(exc.problems)} problem"
        f"{'s' if len(exc.problems) != 1 else ''}:\n"
    )
    sys.stderr.writelines(f"  {problem}\n" for problem in exc.problems)
    return EXIT_KNOWLEDGE


def knowledge_options(parser: argparse.ArgumentParser) -> None:
    """--knowledge PACK (repeatable) and --base PATH, for the commands that load knowledge."""
    parser.add_argument(
        "--knowledge",
        action="append",
        default=[],
        metavar="PACK",
        help="a knowledge pack to layer over the knowledge (repeatable)",
    )
    parser.add_argument(
        "--base", metavar="PATH", help="a knowledge folder to use instead of the bundled one"
    )


def recommender_for(args: argparse.Namespace) -> Recommender:
    """The recommender the knowledge options ask for, built once (the bundled one is shared);
    raises KnowledgeError for a broken folder or pack."""
    from rehabgraph.api.loading import load_knowledge
    from rehabgraph.api.recommender import Recommender

    if args.base is None and not args.knowledge:
        return Recommender.default()
    return Recommender(load_knowledge(args.base, args.knowledge))
