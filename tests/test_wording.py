"""Lay wordings of the published red-flag lists, conditions and places, in every channel.

Each phrasing in tests/vignettes/wording-*.yaml was written from guideline and patient-leaflet
wording (not from rehabgraph's phrase lists) and says what must happen: refer for the flag,
show a denial without referring for it, read a condition, resolve a place, hold unread words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rehabgraph import KnowledgeBase, Recommendation, Recommender, RehabgraphError
from tests.wording import Phrasing, load, report_for

# Phrasings rehabgraph does not read right yet, one "file:index" a line: measured, listed and
# expected to fail (strictly: one that starts passing must come off the list). The rate is in
# docs/safety.md (hazard H1); `python benchmarks/wording.py` prints it.
KNOWN_MISSES = Path(__file__).parent / "vignettes" / "wording-known-misses.txt"
MISSES = {
    line.split("#")[0].strip()
    for line in KNOWN_MISSES.read_text().splitlines()
    if line.split("#")[0].strip()
}
CASES = load()


def _concepts(rec: Recommendation, kind: str, cid: str) -> list[Any]:
    return [c for r in rec.readings for c in r.concepts if c.kind == kind and c.id == cid]


def _flags(rec: Recommendation) -> list[str]:
    return rec.referral.flags if rec.referral else []


def _check_refer(p: Phrasing, rec: Recommendation, kb: KnowledgeBase) -> list[str]:
    flags = _flags(rec)
    if rec.status != "refer" or p.flag not in flags:
        return [f"status {rec.status}, flags {flags}: expected a referral for {p.flag}"]
    if p.urgency and rec.referral and p.urgency != kb.knowledge.questions[p.flag].urgency:
        return [f"{p.flag} is {kb.knowledge.questions[p.flag].urgency}, expected {p.urgency}"]
    return []


def _check_not_counted(p: Phrasing, rec: Recommendation, kb: KnowledgeBase) -> list[str]:
    """For "denied" and "not-affirmed": the flag is shown with its modifier, and not referred."""
    wanted = "negated" if p.expect == "denied" else p.modifier
    problems = []
    if p.flag in _flags(rec):
        problems.append(f"referred for {p.flag}, which was not the person's own")
    seen = _concepts(rec, "flag", str(p.flag))
    if not any(wanted in c.modifiers and not c.counted for c in seen):
        problems.append(f"{p.flag} not shown as {wanted}: {[c.modifiers for c in seen]}")
    return problems


def _check_condition(p: Phrasing, rec: Recommendation, kb: KnowledgeBase) -> list[str]:
    applied = p.condition in rec.conditions
    if applied != p.applies:
        return [f"condition {p.condition} applied={applied}, expected {p.applies}"]
    if not _concepts(rec, "condition", str(p.condition)):
        return [f"condition {p.condition} not shown as read"]
    return []


def _check_zones(p: Phrasing, rec: Recommendation, kb: KnowledgeBase) -> list[str]:
    got = [z.id for s in rec.sites for z in s.zones]
    return [] if set(p.zones or ()) <= set(got) else [f"zones {got}, expected {p.zones}"]


def _check_unread(p: Phrasing, rec: Recommendation, kb: KnowledgeBase) -> list[str]:
    unread = [w for r in rec.readings for w in r.unread]
    if rec.status in ("exercise", "no_match") or not unread:
        return [f"status {rec.status}, unread {unread}: expected the plan held back"]
    return []


def _check_ordinary(p: Phrasing, rec: Recommendation, kb: KnowledgeBase) -> list[str]:
    return [] if rec.status != "refer" else [f"referred ({_flags(rec)}) for an ordinary wording"]


# what each kind of expectation checks; any other kind is an ordinary wording
CHECKS: dict[str, Callable[[Phrasing, Recommendation, KnowledgeBase], list[str]]] = {
    "refer": _check_refer,
    "denied": _check_not_counted,
    "not-affirmed": _check_not_counted,
    "condition": _check_condition,
    "zones": _check_zones,
    "unread": _check_unread,
}


def check(p: Phrasing, recommender: Recommender, kb: KnowledgeBase) -> list[str]:
    try:
        rec = recommender.recommend(report_for(p, kb))
    except RehabgraphError as exc:
        return [f"raised {type(exc).__name__}: {exc}"]
    return CHECKS.get(p.expect, _check_ordinary)(p, rec, kb)


def test_the_corpus_is_large_and_covers_every_channel_and_kind() -> None:
    assert len(CASES) >= 400
    channels = Counter(p.channel for _, p in CASES)
    kinds = Counter(p.expect for _, p in CASES)
    assert all(channels[c] >= 8 for c in Phrasing.model_fields["channel"].annotation.__args__)
    assert kinds["refer"] >= 200 and kinds["denied"] >= 60 and kinds["not-affirmed"] >= 40


def test_every_id_in_the_corpus_is_known(kb: KnowledgeBase) -> None:
    k = kb.knowledge
    for where, p in CASES:
        assert p.zone in k.zones, where
        assert p.flag is None or p.flag in k.questions, where
        assert p.condition is None or p.condition in k.conditions, where
        assert all(z in k.zones for z in p.zones or ()), where


def test_the_known_misses_are_real_phrasings() -> None:
    assert {where for where, _ in CASES} >= MISSES


@pytest.mark.parametrize(
    ("where", "phrasing"),
    [
        pytest.param(
            where,
            p,
            id=where,
            marks=[pytest.mark.xfail(strict=True, reason="a known miss")]
            if where in MISSES
            else [],
        )
        for where, p in CASES
    ],
)
def test_wording(
    where: str, phrasing: Phrasing, recommender: Recommender, kb: KnowledgeBase
) -> None:
    problems = check(phrasing, recommender, kb)
    assert not problems, f"{where} {phrasing.text!r}: " + "; ".join(problems)
