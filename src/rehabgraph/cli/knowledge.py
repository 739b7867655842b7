"""``rehabgraph knowledge check|stats|schema``: work with knowledge folders and packs.

``check`` validates (errors: exit 1) and lints (warnings: exit 0, or 1 with --strict); ``stats``
counts nodes, edges and the share cited; ``schema`` gives the JSON Schema of every knowledge file.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from rehabgraph.cli._display import progress_bars
from rehabgraph.cli._shared import EXIT_KNOWLEDGE, EXIT_OK, knowledge_failure

if TYPE_CHECKING:
    from rehabgraph.graph.base import KnowledgeBase

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    know = sub.add_parser("knowledge", help="work with knowledge folders")
    know_sub = know.add_subparsers(dest="knowledge_command", required=True, metavar="ACTION")
    check = know_sub.add_parser(
        "check",
        help="validate and lint a knowledge folder or pack",
        description="Validate a knowledge folder (errors: exit 1) and lint it (warnings: exit 0). "
        "A folder with a pack.yaml is checked as a pack over the bundled knowledge.",
    )
    check.add_argument("path", nargs="?", help="the folder or pack (default: the bundled one)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="a progress bar per stage on stderr (default: at a terminal, for stages that take "
        "a while; needs tqdm)",
    )
    stats = know_sub.add_parser("stats", help="count nodes and edges, and the share cited")
    stats.add_argument("path", nargs="?", help="the folder or pack (default: the bundled one)")
    stats.add_argument("--json", action="store_true", help="print the counts as JSON")
    schema = know_sub.add_parser("schema", help="the JSON Schema of every knowledge file")
    schema.add_argument("--out", metavar="DIR", help="write one .schema.json per file into DIR")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.knowledge_command == "schema":
        return _schema(args, out)
    from rehabgraph.api.recommender import Recommender
    from rehabgraph.engine.lint import lint
    from rehabgraph.errors import KnowledgeError

    try:
        if args.knowledge_command == "stats":
            return _stats(_load_for_check(args.path)[0], out, as_json=args.json)
        with progress_bars(wanted=args.progress):
            kb, label = _load_for_check(args.path)
            # the recommender's own checks (plan order, phrase indexes); it compiles the rules
            # once, and lint reads them from it rather than compiling them again
            recommender = Recommender(kb)
            warnings = lint(kb, recommender.compiled)
    except KnowledgeError as exc:
        return knowledge_failure(exc)
    out.writelines(f"warning: {warning}\n" for warning in warnings)
    k = kb.knowledge
    out.write(
        f"{'ok' if not warnings else 'ok with warnings'}: {label} ({k.version}): "
        f"{len(k.zones)} zones, {len(k.muscles)} muscles, {len(k.referrals)} referrals, "
        f"{len(k.imbalances)} imbalances, {len(k.exercises)} exercises, {len(k.rules)} rules, "
        f"{len(k.questions)} screening questions, {len(k.sources)} sources; "
        f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}\n"
    )
    return EXIT_KNOWLEDGE if warnings and args.strict else EXIT_OK


def _load_for_check(path: str | None) -> tuple[KnowledgeBase, str]:
    """A folder with pack.yaml is a pack over the bundled knowledge; else a whole folder."""
    from pathlib import Path

    from rehabgraph.api.loading import bundled_knowledge_path, load_knowledge

    if path is None:
        return load_knowledge(), str(bundled_knowledge_path())
    if (Path(path) / "pack.yaml").exists():
        return load_knowledge(None, [path]), f"{path} (a pack over the bundled knowledge)"
    return load_knowledge(path), path


def _stats(kb: KnowledgeBase, out: TextIO, *, as_json: bool) -> int:
    import json

    from rehabgraph.graph.stats import knowledge_stats

    stats = knowledge_stats(kb)
    if as_json:
        out.write(json.dumps(stats, indent=2) + "\n")
        return EXIT_OK
    out.write(f"{stats['knowledge_version']}\n")
    out.write(
        "nodes:  "
        + ", ".join(f"{n} {k}" for k, n in stats["nodes"].items())
        + f" ({stats['node_total']} in all)\n"
    )
    out.write(
        "edges:  "
        + ", ".join(f"{n} {k}" for k, n in stats["edges"].items())
        + f" ({stats['edge_total']} in all)\n"
    )
    out.write(
        f"rules: {stats['rules']}; screening questions: {stats['screening_questions']} "
        f"({stats['red_flags']} red flags); conditions: {stats['conditions']}\n"
    )
    out.write(
        "sources: "
        + ", ".join(f"{n} {k}" for k, n in stats["sources"].items())
        + f" ({stats['source_total']} in all)\n"
    )
    out.write("evidence: " + ", ".join(f"{n} {k}" for k, n in stats["evidence"].items()) + "\n")
    out.write(f"cited: {stats['cited']} of {stats['facts']} facts ({stats['cited_share']:.0%})\n")
    coded = stats["coded"]
    out.write(
        "codes: "
        + ", ".join(f"{n} {system}" for system, n in stats["codes"].items())
        + f" on {coded['muscles']} of {stats['nodes'].get('muscle', 0)} muscles and "
        f"{coded['zones']} of {stats['nodes'].get('zone', 0)} zones; "
        f"{stats['codes_cited']} of {stats['code_total']} cite the source they were read in\n"
    )
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    import json
    from pathlib import Path

    from rehabgraph.knowledge.schema import knowledge_schemas, write_schemas

    if args.out:
        out.writelines(f"wrote {path}\n" for path in write_schemas(Path(args.out)))
    else:
        out.write(json.dumps(knowledge_schemas(), indent=2, sort_keys=True) + "\n")
    return EXIT_OK
