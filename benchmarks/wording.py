"""How well rehabgraph reads people's words: the lay-wording corpus, scored.

Runs every phrasing of tests/vignettes/wording-*.yaml through the library in the channel it
names and prints, per kind of expectation and per channel, how many gave the safe answer. The
corpus is split in two by position: the even-numbered phrasings may be read while the knowledge
is extended (development), the odd-numbered ones are held out; both are printed, so a rate on
wordings the phrase lists were not written from is always visible.

    python benchmarks/wording.py [--misses]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rehabgraph import KnowledgeBase, Recommender, RehabgraphError, load_knowledge
from tests.support import answered_no
from tests.test_wording import check
from tests.wording import load, report_for

SPLITS = ("development", "held-out")
Tally = Counter[tuple[str, str]]


def _split(where: str) -> str:
    """Even-numbered phrasings are for development, odd-numbered ones are held out."""
    return "development" if int(where.rsplit(":", 1)[1]) % 2 == 0 else "held-out"


def _score(
    recommender: Recommender, kb: KnowledgeBase
) -> tuple[Tally, Tally, list[tuple[str, str, str, str]]]:
    """Every phrasing checked: counts of all and of good answers, by split and key, and misses."""
    total: Tally = Counter()
    good: Tally = Counter()
    misses = []
    for where, phrasing in load():
        split = _split(where)
        problems = check(phrasing, recommender, kb)
        for key in (phrasing.expect, f"channel:{phrasing.channel}", "all"):
            total[(split, key)] += 1
            good[(split, key)] += not problems
        if problems:
            misses.append((split, where, phrasing.text, problems[0]))
    return total, good, misses


def _print_rates(total: Tally, good: Tally) -> None:
    keys = sorted({k for _, k in total}, key=lambda k: (k.startswith("channel:"), k != "all", k))
    print(f"{'':24s} {'development':>18s} {'held-out':>18s}")
    for key in keys:
        cells = []
        for split in SPLITS:
            n, ok = total[(split, key)], good[(split, key)]
            cells.append(f"{ok:4d}/{n:<4d} {100 * ok / n:5.1f}%" if n else "")
        print(f"{key:24s} {cells[0]:>18s} {cells[1]:>18s}")


def _plans_for_red_flags(
    safe: Recommender, kb: KnowledgeBase, *, answered: bool
) -> tuple[dict[str, int], dict[str, int]]:
    """Per split: how many red-flag wordings got a plan with exercises, and of how many."""
    sent = dict.fromkeys(SPLITS, 0)
    count = dict.fromkeys(SPLITS, 0)
    for where, phrasing in load():
        if phrasing.expect != "refer":
            continue
        report = report_for(phrasing, kb)
        if answered:
            report = answered_no(safe, report)
        try:
            rec = safe.recommend(report)
        except RehabgraphError:
            continue  # an error is not a plan
        count[_split(where)] += 1
        sent[_split(where)] += bool(rec.exercises)
    return sent, count


def _print_red_flag_plans(kb: KnowledgeBase) -> None:
    print("red-flag wordings: how many were sent to exercise (a plan with exercises)")
    safe = Recommender(kb)  # the default: safe
    for label, answered in (("questions not answered", False), ("questions all answered no", True)):
        sent, count = _plans_for_red_flags(safe, kb, answered=answered)
        cells = [
            f"{sent[s]:4d}/{count[s]:<4d} {100 * sent[s] / max(count[s], 1):5.1f}%" for s in sent
        ]
        print(f"  {label:22s} {cells[0]:>18s} {cells[1]:>18s}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    kb = load_knowledge()
    total, good, misses = _score(Recommender(kb, require_screening=False), kb)
    _print_rates(total, good)
    print()
    _print_red_flag_plans(kb)
    if args.misses:
        for split, where, text, problem in misses:
            print(f"[{split}] {where} {text!r}: {problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
