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

from rehabgraph import Recommender, RehabgraphError, load_knowledge
from tests.support import answered_no
from tests.test_wording import check
from tests.wording import load, report_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    kb = load_knowledge()
    recommender = Recommender(kb, require_screening=False)
    total: Counter[tuple[str, str]] = Counter()
    good: Counter[tuple[str, str]] = Counter()
    misses = []
    for where, phrasing in load():
        index = int(where.rsplit(":", 1)[1])
        split = "development" if index % 2 == 0 else "held-out"
        problems = check(phrasing, recommender, kb)
        for key in (phrasing.expect, f"channel:{phrasing.channel}", "all"):
            total[(split, key)] += 1
            good[(split, key)] += not problems
        if problems:
            misses.append((split, where, phrasing.text, problems[0]))
    keys = sorted({k for _, k in total}, key=lambda k: (k.startswith("channel:"), k != "all", k))
    print(f"{'':24s} {'development':>18s} {'held-out':>18s}")
    for key in keys:
        cells = []
        for split in ("development", "held-out"):
            n, ok = total[(split, key)], good[(split, key)]
            cells.append(f"{ok:4d}/{n:<4d} {100 * ok / n:5.1f}%" if n else "")
        print(f"{key:24s} {cells[0]:>18s} {cells[1]:>18s}")
    print()
    print("red-flag wordings: how many were sent to exercise (a plan with exercises)")
    safe = Recommender(kb)  # the default: safe
    for label, answered in (("questions not answered", False), ("questions all answered no", True)):
        sent = {"development": 0, "held-out": 0}
        count = {"development": 0, "held-out": 0}
        for where, phrasing in load():
            if phrasing.expect != "refer":
                continue
            split = "development" if int(where.rsplit(":", 1)[1]) % 2 == 0 else "held-out"
            report = report_for(phrasing, kb)
            if answered:
                report = answered_no(safe, report)
            try:
                rec = safe.recommend(report)
            except RehabgraphError:
                continue  # an error is not a plan
            count[split] += 1
            sent[split] += bool(rec.exercises)
        cells = [
            f"{sent[s]:4d}/{count[s]:<4d} {100 * sent[s] / max(count[s], 1):5.1f}%" for s in sent
        ]
        print(f"  {label:22s} {cells[0]:>18s} {cells[1]:>18s}")
    if args.misses:
        for split, where, text, problem in misses:
            print(f"[{split}] {where} {text!r}: {problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
