"""Knowledge entries as the YAML files hold them, with sensible defaults.

Each factory returns a fresh dict: the fields a test names, and the rest filled so the entry
validates. Every fact cites ``SOURCE`` (the seed article, in the bundled sources.yaml) at the
``EVIDENCE`` level unless the test says otherwise (``sources=[...]``, ``evidence=...``).
Keyword overrides replace a field or add one; an override of ``None`` drops the field.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "EVIDENCE",
    "SOURCE",
    "before",
    "cited",
    "condition",
    "contraindication",
    "corrects",
    "exercise",
    "imbalance",
    "involves",
    "muscle",
    "precaution",
    "principle",
    "question",
    "referral",
    "rule",
    "source",
    "step",
    "target",
    "variant",
    "zone",
]

SOURCE = "vmo-article"
EVIDENCE = "article"

Entry = dict[str, Any]


def _entry(fields: Entry, overrides: Entry) -> Entry:
    # a copy: no two entries share a list, which YAML would write as an anchor (refused)
    out = copy.deepcopy({**fields, **overrides})
    return {k: v for k, v in out.items() if v is not None}


def cited(**overrides: Any) -> Entry:
    """The citation every fact carries: ``{"sources": [SOURCE], "evidence": EVIDENCE}``."""
    return _entry({"sources": [SOURCE], "evidence": EVIDENCE}, overrides)


def source(entry_id: str, **overrides: Any) -> Entry:
    """A sources.yaml entry, with a locator (a source needs a url, a doi or a locator)."""
    return _entry(
        {
            "id": entry_id,
            "title": entry_id.replace("-", " "),
            "kind": "article",
            "locator": "a test",
        },
        overrides,
    )


def zone(entry_id: str, **overrides: Any) -> Entry:
    """A zones.yaml entry, named after its id ("wrist"), that is also its only alias."""
    name = overrides.get("name") or entry_id.replace("-", " ")
    return _entry(
        {"id": entry_id, "name": name, "region": name.split()[-1], "aliases": [name], **cited()},
        overrides,
    )


def muscle(entry_id: str, **overrides: Any) -> Entry:
    """A muscles.yaml entry, named after its id."""
    return _entry({"id": entry_id, "name": entry_id.replace("-", " "), **cited()}, overrides)


def referral(muscle: str, zone: str, **overrides: Any) -> Entry:
    """A referrals.yaml entry: trigger points in ``muscle`` refer pain to ``zone``."""
    return _entry({"muscle": muscle, "zone": zone, **cited()}, overrides)


def involves(muscle: str, *how: str, **overrides: Any) -> Entry:
    """One muscle an imbalance involves, and how (tight, weak, off-balance; tight by default)."""
    return _entry({"muscle": muscle, "how": list(how) or ["tight"], **cited()}, overrides)


def imbalance(entry_id: str, *involved: Entry, **overrides: Any) -> Entry:
    """An imbalances.yaml entry involving ``involved`` (made with :func:`involves`)."""
    return _entry(
        {
            "id": entry_id,
            "name": entry_id.replace("-", " "),
            "description": f"The {entry_id.replace('-', ' ')}.",
            "involves": list(involved),
            **cited(),
        },
        overrides,
    )


def target(muscle: str, action: str, **overrides: Any) -> Entry:
    """What an exercise does to a muscle: activate, strengthen or loosen."""
    return _entry({"muscle": muscle, "action": action, **cited()}, overrides)


def corrects(imbalance: str, **overrides: Any) -> Entry:
    """An imbalance an exercise corrects."""
    return _entry({"imbalance": imbalance, **cited()}, overrides)


def before(exercise: str, reason: str = "it prepares for it", **overrides: Any) -> Entry:
    """An exercise this one must come before, and why."""
    return _entry({"exercise": exercise, "reason": reason, **cited()}, overrides)


def variant(exercise: str, **overrides: Any) -> Entry:
    """A regression or progression link to another version of the same family."""
    return _entry({"exercise": exercise, **cited()}, overrides)


def contraindication(condition: str, reason: str = "it is not safe", **overrides: Any) -> Entry:
    """A condition with which an exercise is never recommended, and why."""
    return _entry({"condition": condition, "reason": reason, **cited()}, overrides)


def precaution(condition: str, advice: str = "go gently", **overrides: Any) -> Entry:
    """A condition with which an exercise is kept, with advice."""
    return _entry({"condition": condition, "advice": advice, **cited()}, overrides)


def exercise(entry_id: str, **overrides: Any) -> Entry:
    """An exercises.yaml entry with one step, a dosage note and a stop rule."""
    name = entry_id.replace("-", " ")
    return _entry(
        {
            "id": entry_id,
            "name": name,
            "summary": f"Do the {name}.",
            "steps": [f"Do the {name}."],
            "dosage": {"note": "A minute."},
            "stop_if": "It hurts.",
            **cited(),
        },
        overrides,
    )


def principle(entry_id: str, **overrides: Any) -> Entry:
    """A principles.yaml entry."""
    return _entry(
        {"id": entry_id, "statement": f"{entry_id.replace('-', ' ')}.", **cited()}, overrides
    )


def step(edge: str, *, reverse: bool = False, **where: list[str]) -> Entry:
    """One step of a rule's path: walk ``edge`` (against it when ``reverse``), keeping only edges
    whose attribute shares a value with ``where`` (``step("involves", how=["tight"])``)."""
    out: Entry = {"edge": edge}
    if reverse:
        out["reverse"] = True
    if where:
        out["where"] = where
    return out


def rule(entry_id: str, *path: Entry, start: str = "zone", **overrides: Any) -> Entry:
    """A rules.yaml rule walking ``path`` (made with :func:`step`) from a ``start`` node."""
    return _entry(
        {
            "id": entry_id,
            "description": f"The {entry_id.replace('-', ' ')} rule.",
            "start": start,
            "path": list(path),
            "score": 1,
            "because": "The {exercise} helps.",
            "sources": [SOURCE],
        },
        overrides,
    )


def question(entry_id: str, **overrides: Any) -> Entry:
    """A safety.yaml red-flag question, asked for every zone and urgent, that refers."""
    return _entry(
        {
            "id": entry_id,
            "question": f"Do you have {entry_id.replace('-', ' ')}?",
            "phrases": [entry_id.replace("-", " ")],
            "zones": ["all"],
            "urgency": "urgent",
            "concern": f"possible {entry_id.replace('-', ' ')}",
            "tell": "See a clinician today.",
            **cited(evidence="guideline"),
        },
        overrides,
    )


def condition(entry_id: str, **overrides: Any) -> Entry:
    """A safety.yaml condition an exercise may be contraindicated for."""
    name = entry_id.replace("-", " ")
    return _entry({"id": entry_id, "name": name, "phrases": [name], **cited()}, overrides)
