"""The command line: ``rehabgraph recommend``, ``rehabgraph zones``, ``rehabgraph knowledge check``.

``recommend`` exits 0 with a plan (or "no exercise for this"), 3 when a red flag refers the
person to a clinician, and 4 when the plan is held back until the screening questions are
answered (or an unread condition is reworded), so a script can tell them apart. Bad input ends
with a one-line message on stderr and exit code 2; a broken knowledge folder with every problem
listed and exit code 1. Never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["main"]

EXIT_OK, EXIT_KNOWLEDGE, EXIT_USAGE, EXIT_REFER, EXIT_HELD = 0, 1, 2, 3, 4
_EXIT_FOR_STATUS = {"refer": EXIT_REFER, "needs_screening": EXIT_HELD}


def _parser() -> argparse.ArgumentParser:
    from rehabgraph import __version__

    parser = argparse.ArgumentParser(
        prog="rehabgraph",
        description="From where it hurts to what exercise to do, and why.",
    )
    parser.add_argument("--version", action="version", version=f"rehabgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rec = sub.add_parser(
        "recommend",
        help="plan exercises for where it hurts",
        description="Plan exercises for one or more places that hurt, with the reasons why.",
    )
    rec.add_argument(
        "locations",
        nargs="+",
        metavar="LOCATION",
        help='where it hurts, e.g. "pain on the outside of my right knee"',
    )
    rec.add_argument(
        "--side",
        choices=["left", "right", "both"],
        help="the side, if the location does not say it",
    )
    rec.add_argument("--intensity", type=int, metavar="0-10", help="how much it hurts, 0-10")
    rec.add_argument("--age", type=int, metavar="YEARS", help="age in years")
    rec.add_argument(
        "--symptom",
        action="append",
        default=[],
        metavar="TEXT",
        help="something else you notice, in your words (repeatable), e.g. "
        '"numbness between my legs"',
    )
    rec.add_argument(
        "--condition",
        action="append",
        default=[],
        metavar="TEXT",
        help="a condition you have, as an id or in your words (repeatable), e.g. "
        '"my knee gives way"',
    )
    rec.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="ID=yes|no",
        help="answer one screening question (repeatable)",
    )
    rec.add_argument(
        "--answers",
        choices=["no"],
        help="answer every screening question not given with --answer: no",
    )
    rec.add_argument(
        "--feedback",
        action="append",
        default=[],
        metavar="EXERCISE:PAIN[:REPS]",
        help="how an exercise went last time: pain 0-10 during it and reps done "
        "with good form (repeatable), e.g. vmo-step-down:5",
    )
    rec.add_argument(  # the default since screening became safe by default; kept for scripts
        "--require-screening", action="store_true", help=argparse.SUPPRESS
    )
    rec.add_argument("--json", action="store_true", help="print the Recommendation as JSON")
    rec.add_argument(
        "--picture",
        metavar="FILE.png",
        help="also draw the chain of reasons to FILE (needs rehabgraph[viz])",
    )
    rec.add_argument(
        "--body-map",
        metavar="FILE.png",
        help="also draw where it hurts on a body outline (needs rehabgraph[viz])",
    )
    _knowledge_options(rec)

    zones = sub.add_parser("zones", help="list the places rehabgraph knows and how to name them")
    _knowledge_options(zones)

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
    stats = know_sub.add_parser("stats", help="count nodes and edges, and the share cited")
    stats.add_argument("path", nargs="?", help="the folder or pack (default: the bundled one)")
    stats.add_argument("--json", action="store_true", help="print the counts as JSON")
    schema = know_sub.add_parser("schema", help="the JSON Schema of every knowledge file")
    schema.add_argument("--out", metavar="DIR", help="write one .schema.json per file into DIR")

    contract = sub.add_parser(
        "schema",
        help="print the JSON Schema of the data contract",
        description="Print the JSON Schema of a PainReport (what goes in) or a Recommendation "
        "(what comes out). Both carry a schema_version.",
    )
    contract.add_argument("model", choices=["report", "recommendation"])

    serve = sub.add_parser(
        "serve",
        help="run the HTTP and CDS Hooks service (needs rehabgraph[server])",
        description="Serve POST /recommend, GET /zones, /screening, /health, CDS Hooks at "
        "/cds-services and OpenAPI docs at /docs.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    _knowledge_options(serve)
    return parser


def _knowledge_options(parser: argparse.ArgumentParser) -> None:
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "recommend":
            return _recommend(args, sys.stdout)
        if args.command == "zones":
            return _zones(args, sys.stdout)
        if args.command == "schema":
            return _contract_schema(args.model, sys.stdout)
        if args.command == "serve":
            return _serve(args)
        return _check(args, sys.stdout)
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK


def _contract_schema(model: str, out: TextIO) -> int:
    import json

    from rehabgraph import PainReport, Recommendation

    cls = PainReport if model == "report" else Recommendation
    out.write(json.dumps(cls.model_json_schema(), indent=2) + "\n")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from rehabgraph import KnowledgeError, Recommender, load_knowledge
    from rehabgraph.errors import MissingDependencyError

    try:
        from rehabgraph.server import create_app
    except MissingDependencyError as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        import uvicorn
    except ImportError:
        return _fail('uvicorn is needed to serve: pip install "rehabgraph[server]"', EXIT_USAGE)
    try:
        if args.base is None and not args.knowledge:
            recommender = Recommender.default()
        else:
            recommender = Recommender(load_knowledge(args.base, args.knowledge))
    except KnowledgeError as exc:
        return _knowledge_failure(exc)
    uvicorn.run(create_app(recommender), host=args.host, port=args.port)
    return EXIT_OK


def _fail(message: str, code: int) -> int:
    print(f"rehabgraph: error: {message}", file=sys.stderr)
    return code


def _recommend(args: argparse.Namespace, out: TextIO) -> int:
    from rehabgraph import (
        InvalidReportError,
        KnowledgeError,
        Recommender,
        RehabgraphError,
        load_knowledge,
    )

    try:
        report = _report(args)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        if args.base is None and not args.knowledge:
            recommender = Recommender.default()
        else:
            recommender = Recommender(load_knowledge(args.base, args.knowledge))
        try:
            if args.answers == "no":
                _answer_all_no(recommender, report)
            elif sys.stdin.isatty() and not args.json:
                _ask(recommender, report, out)
        except InvalidReportError:
            pass  # recommend() says what is wrong, after reading every field for red flags
        rec = recommender.recommend(report)
    except KnowledgeError as exc:
        return _knowledge_failure(exc)
    except RehabgraphError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (EOFError, KeyboardInterrupt):
        return _fail("stopped before the screening questions were answered", EXIT_USAGE)
    out.write(rec.model_dump_json(indent=2) + "\n" if args.json else rec.explain())
    drawn = _pictures(args, rec)
    return drawn if drawn != EXIT_OK else _EXIT_FOR_STATUS.get(rec.status, EXIT_OK)


def _pictures(args: argparse.Namespace, rec: Any) -> int:
    """--picture and --body-map: draw, or say clearly why not."""
    wanted = [
        (path, name)
        for path, name in ((args.picture, "draw_explanation"), (args.body_map, "body_map"))
        if path
    ]
    if not wanted:
        return EXIT_OK
    from rehabgraph.errors import MissingDependencyError

    try:
        from rehabgraph import viz
    except MissingDependencyError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except ImportError:
        return _fail('matplotlib is needed for pictures: pip install "rehabgraph[viz]"', EXIT_USAGE)
    for path, name in wanted:
        try:
            getattr(viz, name)(rec).savefig(path, dpi=120)
        except OSError as exc:
            return _fail(f"cannot write {path}: {exc.strerror or exc}", EXIT_USAGE)
        print(f"rehabgraph: wrote {path}", file=sys.stderr)
    return EXIT_OK


def _report(args: argparse.Namespace) -> dict[str, Any]:
    """The PainReport the arguments describe; ValueError for a malformed option."""
    answers: dict[str, bool] = {}
    for item in args.answer:
        qid, _, value = item.partition("=")
        if value.strip().lower() not in _YES_NO:
            raise ValueError(f"--answer takes ID=yes or ID=no, not {item!r}")
        answers[qid.strip()] = _YES_NO[value.strip().lower()]
    feedback = []
    for item in args.feedback:
        parts = item.split(":")
        if len(parts) not in (2, 3) or not all(p.strip().isdigit() for p in parts[1:]):
            raise ValueError(f"--feedback takes EXERCISE:PAIN or EXERCISE:PAIN:REPS, not {item!r}")
        entry: dict[str, Any] = {"exercise_id": parts[0].strip(), "pain_during": int(parts[1])}
        if len(parts) == 3:
            entry["reps_with_good_form"] = int(parts[2])
        feedback.append(entry)
    return {
        "sites": [
            {"location": loc, "side": args.side, "intensity": args.intensity}
            for loc in args.locations
        ],
        "answers": answers,
        "age": args.age,
        "symptoms": args.symptom,
        "conditions": args.condition,
        "feedback": feedback,
    }


_YES_NO = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


def _answer_all_no(recommender: Any, report: dict[str, Any]) -> None:
    """--answers no: every open question, and the ones each answer opens, answered no."""
    while True:
        open_questions = recommender.screening(report)
        if not open_questions:
            return
        for q in open_questions:
            report["answers"].setdefault(q.id, False)


def _ask(recommender: Any, report: dict[str, Any], out: TextIO) -> None:
    """At a terminal: ask the screening questions one by one (answers can open more)."""
    first = True
    while True:
        open_questions = recommender.screening(report)
        if not open_questions:
            return
        if first:
            out.write("A few safety questions first (answer y or n):\n")
            first = False
        q = open_questions[0]
        while True:
            reply = input(f"  {q.question} [y/n] ").strip().lower()
            if reply in _YES_NO:
                report["answers"][q.id] = _YES_NO[reply]
                break
            out.write("  Please answer y or n.\n")
        out.flush()


def _zones(args: argparse.Namespace, out: TextIO) -> int:
    from rehabgraph import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge(args.base, args.knowledge)
    except KnowledgeError as exc:
        return _knowledge_failure(exc)
    for zone in sorted(kb.knowledge.zones.values(), key=lambda z: (z.region, z.id)):
        sided = " (left/right)" if zone.sided else ""
        out.write(f"{zone.id}: {zone.name}{sided}\n    say: {', '.join(zone.aliases)}\n")
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if args.knowledge_command == "schema":
        return _schema(args, out)
    from rehabgraph import KnowledgeError, Recommender
    from rehabgraph.engine.compile import compile_rules
    from rehabgraph.engine.lint import lint

    try:
        kb, label = _load_for_check(args.path)
        if args.knowledge_command == "stats":
            return _stats(kb, args.json, out)
        Recommender(kb)  # the recommender's own checks (plan order, phrase indexes)
        warnings = lint(kb, compile_rules(kb))
    except KnowledgeError as exc:
        return _knowledge_failure(exc)
    for warning in warnings:
        out.write(f"warning: {warning}\n")
    k = kb.knowledge
    out.write(
        f"{'ok' if not warnings else 'ok with warnings'}: {label} ({k.version}): "
        f"{len(k.zones)} zones, {len(k.muscles)} muscles, {len(k.referrals)} referrals, "
        f"{len(k.imbalances)} imbalances, {len(k.exercises)} exercises, {len(k.rules)} rules, "
        f"{len(k.questions)} screening questions, {len(k.sources)} sources; "
        f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}\n"
    )
    return EXIT_KNOWLEDGE if warnings and args.strict else EXIT_OK


def _load_for_check(path: str | None) -> tuple[Any, str]:
    """A folder with pack.yaml is a pack over the bundled knowledge; else a whole folder."""
    from pathlib import Path

    from rehabgraph import load_knowledge
    from rehabgraph.api.loading import bundled_knowledge_path

    if path is None:
        return load_knowledge(), str(bundled_knowledge_path())
    if (Path(path) / "pack.yaml").exists():
        return load_knowledge(None, [path]), f"{path} (a pack over the bundled knowledge)"
    return load_knowledge(path), path


def _stats(kb: Any, as_json: bool, out: TextIO) -> int:
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
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    import json
    from pathlib import Path

    from rehabgraph.knowledge.schema import knowledge_schemas, write_schemas

    if args.out:
        for path in write_schemas(Path(args.out)):
            out.write(f"wrote {path}\n")
    else:
        out.write(json.dumps(knowledge_schemas(), indent=2, sort_keys=True) + "\n")
    return EXIT_OK


def _knowledge_failure(exc: Exception) -> int:
    from rehabgraph import KnowledgeError

    assert isinstance(exc, KnowledgeError)
    print(
        f"rehabgraph: the knowledge has {len(exc.problems)} problem"
        f"{'s' if len(exc.problems) != 1 else ''}:",
        file=sys.stderr,
    )
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_KNOWLEDGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
