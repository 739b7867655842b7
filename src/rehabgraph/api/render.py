"""The text renderer of a Recommendation: the plan in words, for the person.

``Recommendation.explain()`` delegates here; the models stay in ``recommendation.py``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Protocol

from rehabgraph.api.recommendation import (
    ConceptRead,
    EquipmentRef,
    Explanation,
    PlannedExercise,
    Recommendation,
    ResolvedSite,
    TextRead,
)
from rehabgraph.engine.compile import grade_words

__all__ = ["explain", "needs"]


def explain(rec: Recommendation) -> str:
    """The plan in words, for the person: what to do, in order, and why."""
    where = "; ".join(_site_text(s) for s in rec.sites)
    out = [f"Where it hurts: {where}" if where else "Where it hurts: (not understood)", ""]
    out += _read_section(rec)
    out += [_wrap(f"Could not read: {problem}", "", "  ") for problem in rec.problems]
    out += _referral_section(rec)
    out += _screening_section(rec)
    out += _excluded_section(rec)
    out += _advice_section(rec)
    if rec.status == "no_match":
        out.append("rehabgraph has no exercise to recommend for this report.")
    for n, ex in enumerate(rec.exercises, 1):
        out += _exercise_section(n, ex)
    out += _also_section(rec)
    out += [_wrap(f"Note: {w}", "", "  ") for w in rec.warnings]
    out += _sources_section(rec)
    out.append(_wrap(rec.notice, "", ""))
    return "\n".join(out).rstrip() + "\n"


def _read_section(rec: Recommendation) -> list[str]:
    understood = _understood(rec.readings)
    if not understood:
        return []
    return [
        "What rehabgraph read from your words:",
        *(_wrap(f"- {line}", "  ", "    ") for line in understood),
        "",
    ]


def _referral_section(rec: Recommendation) -> list[str]:
    r = rec.referral
    if r is None:
        return []
    banner = f"!! SEE A CLINICIAN ({r.urgency.upper()}) !!"
    return [
        "=" * len(banner),
        banner,
        "=" * len(banner),
        _wrap(r.reason, "", ""),
        _wrap(f"Why: {r.concern} [{', '.join(r.sources)}]", "", "  "),
        "No exercises are recommended until a clinician has seen you.",
        "",
    ]


def _screening_section(rec: Recommendation) -> list[str]:
    out: list[str] = []
    if rec.status == "needs_screening":
        out.append("Answer these questions before starting any exercise:")
    elif rec.screening:
        out.append("Before you start, check these screening questions (not answered yet):")
    out += [_wrap(f"- {q.question} [{q.id}]", "  ", "    ") for q in rec.screening]
    if rec.screening:
        out.append("")
    return out


def _excluded_section(rec: Recommendation) -> list[str]:
    if not rec.excluded:
        return []
    out = ["Left out for you:"]
    for x in rec.excluded:
        instead = f" Instead: {x.replaced_by}." if x.replaced_by else ""
        out.append(
            _wrap(f"- {x.name}: {x.reason}.{instead} [{', '.join(x.sources)}]", "  ", "    ")
        )
    out.append("")
    return out


def _advice_section(rec: Recommendation) -> list[str]:
    if not rec.advice or rec.status not in ("exercise", "no_match"):
        return []
    out = ["First:"]
    for a in rec.advice:
        cited = ", ".join(a.sources)
        said = f"{a.guideline}, {grade_words(a.grade)}: {a.grade_meaning}"
        out.append(_wrap(f"- {a.text} [{said}; {cited}]", "  ", "    "))
    out.append("")
    return out


def _also_section(rec: Recommendation) -> list[str]:
    if not rec.also_possible:
        return []
    out = [f"Also possible (left out to keep the plan to {len(rec.exercises)} exercises):"]
    out += [_wrap(f"- {a.name}: {a.reason}", "  ", "    ") for a in rec.also_possible]
    out.append("")
    return out


def _basis(e: Explanation) -> str:
    """Which kind of reason this is, in words: a guideline's (with its grade) or a chain's."""
    return "Guideline: " if e.basis == "guideline" else "Referral chain: "


def _exercise_section(n: int, ex: PlannedExercise) -> list[str]:
    side = (
        f" ({ex.side} side)"
        if ex.side in ("left", "right")
        else (" (both sides)" if ex.side == "both" else "")
    )
    out = [f"{n}. {ex.name[0].upper()}{ex.name[1:]}{side}", _wrap(ex.summary, "   ", "   ")]
    detail = needs(ex)
    if detail:
        out.append(_wrap(detail, "   ", "     "))
    out.append("   Why:")
    for e in ex.explanations:
        cited = f"{', '.join(e.sources)}; evidence: {e.evidence}"
        out.append(_wrap(f"- {_basis(e)}{e.sentence} [{cited}]", "   ", "     "))
    out.append("   How:")
    out += [_wrap(f"{i}. {step}", "   ", "      ") for i, step in enumerate(ex.steps, 1)]
    out.append(_wrap(f"Dosage: {ex.dosage}", "   ", "     "))
    out.append(_wrap(f"Stop if: {ex.stop_if}", "   ", "     "))
    out += [_wrap(f"Take care: {w}", "   ", "     ") for w in ex.warnings]
    out.append("")
    return out


class _Detailed(Protocol):
    """An exercise as an answer carries it: a planned exercise, or one of a programme's."""

    @property
    def equipment(self) -> Sequence[EquipmentRef] | None: ...

    @property
    def difficulty(self) -> str | None: ...


def needs(ex: _Detailed) -> str:
    """What an exercise needs and how hard it is, in one line: 'You need: a step or stair,
    something sturdy to hold on to. Difficulty: advanced.' (empty when the knowledge says
    neither)."""
    parts = []
    if ex.equipment is not None:
        names = ", ".join(e.name for e in ex.equipment)
        parts.append(f"You need: {names or 'nothing (body only)'}.")
    if ex.difficulty is not None:
        parts.append(f"Difficulty: {ex.difficulty}.")
    return " ".join(parts)


def _sources_section(rec: Recommendation) -> list[str]:
    if not rec.sources:
        return []
    out = ["Sources:"]
    for s in rec.sources:
        where_found = s.url or (f"doi:{s.doi}" if s.doi else s.locator or "")
        out.append(_wrap(f"[{s.id}] {s.title}. {where_found}".rstrip(". "), "  ", "    "))
    out.append("")
    return out


# why a thing read was not counted, by the first of its modifiers that says so
_NOT_COUNTED = (
    ("negated", "you said no to {quoted}: not counted"),
    ("family", "{quoted} is about someone else: not counted{asked}"),
    ("hypothetical", "{quoted} is a worry or a question: not counted{asked}"),
)


def _understood(readings: list[TextRead] | tuple[TextRead, ...]) -> list[str]:
    """One line per thing read that a person may want to check: flags, conditions, what was
    corrected, what could not be read."""
    lines: list[str] = []
    for r in readings:
        lines += [
            _concept_line(c) for c in r.concepts if not (c.kind == "zone" and not c.modifiers)
        ]
        lines += [f'read "{fix.said}" as "{fix.read_as}"' for fix in r.corrections]
        if r.unread:
            lines.append(f'not understood in "{r.text}": {", ".join(r.unread)}')
    return lines


def _concept_line(c: ConceptRead) -> str:
    """Whether one thing read counted, and if not, why not."""
    quoted = f'"{c.said}" ({c.name})'
    if c.counted:
        unsure = "uncertain" in c.modifiers
        return f"{quoted}: {'not sure, so counted to be safe' if unsure else 'counted'}"
    asked = ", but asked" if c.kind == "flag" else ""
    for modifier, message in _NOT_COUNTED:
        if modifier in c.modifiers:
            return message.format(quoted=quoted, asked=asked)
    if c.kind == "condition" and c.when_days is not None:
        return f"{quoted} was longer ago than matters here: not counted"
    if "historical" in c.modifiers:
        return f"{quoted} was in the past: not counted{asked}"
    # no modifier: the words named the place itself, or a flag that needs other places
    return f"{quoted} read as where it hurts: not counted as a warning sign on its own"


def _site_text(site: ResolvedSite) -> str:
    names = " and ".join(z.name for z in site.zones)
    side = f", {site.side}" if site.side else ""
    pain = f", pain {site.intensity}/10" if site.intensity is not None else ""
    return f"{names}{side}{pain}"


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=88,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,  # a URL is never split
    )
