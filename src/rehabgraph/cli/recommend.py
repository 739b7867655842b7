"""``rehabgraph recommend``: plan exercises for where it hurts, asking the screening questions at
a terminal; exit 0 with a plan, 3 to refer, 4 when the plan is held back."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from rehabgraph.cli._shared import (
    EXIT_HELD,
    EXIT_OK,
    EXIT_REFER,
    EXIT_USAGE,
    fail,
    knowledge_failure,
    knowledge_options,
    recommender_for,
)

if TYPE_CHECKING:
    from rehabgraph.api.recommendation import Recommendation
    from rehabgraph.api.recommender import Recommender

__all__ = ["add_parser", "run"]

_EXIT_FOR_STATUS = {"refer": EXIT_REFER, "needs_screening": EXIT_HELD}
# --feedback EXERCISE:PAIN:REPS has three parts; EXERCISE:PAIN has two
_FEEDBACK_WITH_REPS = 3
_YES_NO = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    knowledge_options(rec)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from rehabgraph.errors import InvalidReportError, KnowledgeError, RehabgraphError

    try:
        report = _report(args)
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    try:
        recommender = recommender_for(args)
        try:
            if args.answers == "no":
                _answer_all_no(recommender, report)
            elif sys.stdin.isatty() and not args.json:
                _ask(recommender, report, out)
        except InvalidReportError:
            pass  # recommend() says what is wrong, after reading every field for red flags
        rec = recommender.recommend(report)
    except KnowledgeError as exc:
        return knowledge_failure(exc)
    except RehabgraphError as exc:
        return fail(str(exc), EXIT_USAGE)
    except (EOFError, KeyboardInterrupt):
        return fail("stopped before the screening questions were answered", EXIT_USAGE)
    out.write(rec.model_dump_json(indent=2) + "\n" if args.json else rec.explain())
    drawn = _pictures(args, rec)
    return drawn if drawn != EXIT_OK else _EXIT_FOR_STATUS.get(rec.status, EXIT_OK)


def _pictures(args: argparse.Namespace, rec: Recommendation) -> int:
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
        return fail(str(exc), EXIT_USAGE)
    except ImportError:
        return fail('matplotlib is needed for pictures: pip install "rehabgraph[viz]"', EXIT_USAGE)
    for path, name in wanted:
        try:
            getattr(viz, name)(rec).savefig(path, dpi=120)
        except OSError as exc:
            return fail(f"cannot write {path}: {exc.strerror or exc}", EXIT_USAGE)
        sys.stderr.write(f"rehabgraph: wrote {path}\n")
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
        if len(parts) == _FEEDBACK_WITH_REPS:
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


def _answer_all_no(recommender: Recommender, report: dict[str, Any]) -> None:
    """--answers no: every open question, and the ones each answer opens, answered no."""
    while True:
        open_questions = recommender.screening(report)
        if not open_questions:
            return
        for q in open_questions:
            report["answers"].setdefault(q.id, False)


def _ask(recommender: Recommender, report: dict[str, Any], out: TextIO) -> None:
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
