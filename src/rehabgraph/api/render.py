"""The text renderer of a Recommendation: the plan in words, for the person.

``Recommendation.explain()`` delegates here; the models stay in ``recommendation.py``.
"""

from __future__ import annotations

import textwrap

from rehabgraph.api.recommendation import Recommendation, ResolvedSite, TextRead

__all__ = ["explain"]


def explain(rec: Recommendation) -> str:
    """The plan in words, for the person: what to do, in order, and why."""
    out: list[str] = []
    where = "; ".join(_site_text(s) for s in rec.sites)
    out.append(f"Where it hurts: {where}" if where else "Where it hurts: (not understood)")
    out.append("")
    understood = _understood(rec.readings)
    if understood:
        out.append("What rehabgraph read from your words:")
        out += [_wrap(f"- {line}", "  ", "    ") for line in understood]
        out.append("")
    for problem in rec.problems:
        out.append(_wrap(f"Could not read: {problem}", "", "  "))
    if rec.referral is not None:
        r = rec.referral
        banner = f"!! SEE A CLINICIAN ({r.urgency.upper()}) !!"
        out += ["=" * len(banner), banner, "=" * len(banner)]
        out.append(_wrap(r.reason, "", ""))
        out.append(_wrap(f"Why: {r.concern} [{', '.join(r.sources)}]", "", "  "))
        out.append("No exercises are recommended until a clinician has seen you.")
        out.append("")
    if rec.status == "needs_screening":
        out.append("Answer these questions before starting any exercise:")
    elif rec.screening:
        out.append("Before you start, check these screening questions (not answered yet):")
    for q in rec.screening:
        out.append(_wrap(f"- {q.question} [{q.id}]", "  ", "    "))
    if rec.screening:
        out.append("")
    if rec.excluded:
        out.append("Left out for you:")
        for x in rec.excluded:
            instead = f" Instead: {x.replaced_by}." if x.replaced_by else ""
            out.append(
                _wrap(f"- {x.name}: {x.reason}.{instead} [{', '.join(x.sources)}]", "  ", "    ")
            )
        out.append("")
    if rec.status == "no_match":
        out.append("rehabgraph has no exercise to recommend for this report.")
    for n, ex in enumerate(rec.exercises, 1):
        side = (
            f" ({ex.side} side)"
            if ex.side in ("left", "right")
            else (" (both sides)" if ex.side == "both" else "")
        )
        out.append(f"{n}. {ex.name[0].upper()}{ex.name[1:]}{side}")
        out.append(_wrap(ex.summary, "   ", "   "))
        out.append("   Why:")
        for e in ex.explanations:
            cited = f"{', '.join(e.sources)}; evidence: {e.evidence}"
            out.append(_wrap(f"- {e.sentence} [{cited}]", "   ", "     "))
        out.append("   How:")
        for i, step in enumerate(ex.steps, 1):
            out.append(_wrap(f"{i}. {step}", "   ", "      "))
        out.append(_wrap(f"Dosage: {ex.dosage}", "   ", "     "))
        out.append(_wrap(f"Stop if: {ex.stop_if}", "   ", "     "))
        for w in ex.warnings:
            out.append(_wrap(f"Take care: {w}", "   ", "     "))
        out.append("")
    for w in rec.warnings:
        out.append(_wrap(f"Note: {w}", "", "  "))
    if rec.sources:
        out.append("Sources:")
        for s in rec.sources:
            where_found = s.url or (f"doi:{s.doi}" if s.doi else s.locator or "")
            out.append(_wrap(f"[{s.id}] {s.title}. {where_found}".rstrip(". "), "  ", "    "))
        out.append("")
    out.append(_wrap(rec.notice, "", ""))
    return "\n".join(out).rstrip() + "\n"


def _understood(readings: list[TextRead] | tuple[TextRead, ...]) -> list[str]:
    """One line per thing read that a person may want to check: flags, conditions, what was
    corrected, what could not be read."""
    lines: list[str] = []
    for r in readings:
        for c in r.concepts:
            if c.kind == "zone" and not c.modifiers:
                continue
            quoted = f'"{c.said}" ({c.name})'
            asked = ", but asked" if c.kind == "flag" else ""
            if c.counted:
                unsure = "uncertain" in c.modifiers
                lines.append(
                    f"{quoted}: {'not sure, so counted to be safe' if unsure else 'counted'}"
                )
            elif "negated" in c.modifiers:
                lines.append(f"you said no to {quoted}: not counted")
            elif "family" in c.modifiers:
                lines.append(f"{quoted} is about someone else: not counted{asked}")
            elif "hypothetical" in c.modifiers:
                lines.append(f"{quoted} is a worry or a question: not counted{asked}")
            elif c.kind == "condition" and c.when_days is not None:
                lines.append(f"{quoted} was longer ago than matters here: not counted")
            else:
                lines.append(f"{quoted} was in the past: not counted{asked}")
        for fix in r.corrections:
            lines.append(f'read "{fix.said}" as "{fix.read_as}"')
        if r.unread:
            lines.append(f'not understood in "{r.text}": {", ".join(r.unread)}')
    return lines


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
