"""``rehabgraph zones``: the places rehabgraph knows and how to name them."""

from __future__ import annotations

import argparse
from typing import TextIO

from rehabgraph.cli._shared import EXIT_OK, knowledge_failure, knowledge_options

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    zones = sub.add_parser("zones", help="list the places rehabgraph knows and how to name them")
    knowledge_options(zones)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from rehabgraph.api.loading import load_knowledge
    from rehabgraph.errors import KnowledgeError

    try:
        kb = load_knowledge(args.base, args.knowledge)
    except KnowledgeError as exc:
        return knowledge_failure(exc)
    for zone in sorted(kb.knowledge.zones.values(), key=lambda z: (z.region, z.id)):
        sided = " (left/right)" if zone.sided else ""
        out.write(f"{zone.id}: {zone.name}{sided}\n    say: {', '.join(zone.aliases)}\n")
    return EXIT_OK
