"""draw_programme: a programme over weeks as a picture: the dose of each exercise session by
session, its phases shaded behind, and every swap to an easier or harder version marked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rehabgraph.api.programme import Programme
from rehabgraph.api.report import SessionRecord
from rehabgraph.viz.style import new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_programme"]

_PHASE_SHADES = ("#f3ecfa", "#e8f4ea", "#fdf1e1", "#eaf1f8")
_LINE_COLOURS = ("#2a6f97", "#c0392b", "#6a4c93", "#2d8a4e", "#b5651d")


def draw_programme(programme: Programme, history: Sequence[SessionRecord] = ()) -> Figure:
    """The programme's phases as shaded bands across its weeks, and, when ``history`` is given,
    each exercise family's reps session by session (a point a session), with a marker and a
    label where a session moved to another version (the swaps).

    >>> from rehabgraph import Recommender
    >>> recommender = Recommender.default()
    >>> report = {"sites": [{"location": "outer knee", "side": "right"}]}
    >>> report["answers"] = {q.id: False for q in recommender.screening(report)}
    >>> fig = draw_programme(recommender.programme(report, weeks=4))
    >>> fig.axes[0].get_title(loc="left")
    'Programme over 4 weeks: outer knee'
    """
    fig = new_figure(11, 5.2)
    ax = fig.add_axes((0.07, 0.2, 0.9, 0.68))
    start = programme.start
    end = programme.phases[-1].end if programme.phases else start + timedelta(weeks=programme.weeks)
    rec = programme.recommendation
    where = "; ".join(" and ".join(z.name for z in s.zones) for s in rec.sites)
    ax.set_title(f"Programme over {programme.weeks} weeks: {where}", fontsize=12, loc="left")
    top = max(
        [s.reps or 0 for s in history]
        + [e.reps or 0 for p in programme.phases for e in p.exercises]
        + [1]
    )
    for i, phase in enumerate(programme.phases):
        x0, x1 = _day(phase.start, start), _day(phase.end, start) + 1
        ax.axvspan(x0, x1, color=_PHASE_SHADES[i % len(_PHASE_SHADES)], zorder=0)
        ax.text(
            (x0 + x1) / 2,
            top * 1.22,
            wrap(f"{_weeks(phase.first_week, phase.last_week)}: {phase.name}", 26),
            ha="center",
            va="top",
            fontsize=8.5,
        )
    families = _families(programme, history)
    names = {e.exercise_id: e.name for p in programme.phases for e in p.exercises}
    names.update({e.exercise_id: e.name for e in rec.exercises})
    for n, (label, sessions) in enumerate(families.items()):
        colour = _LINE_COLOURS[n % len(_LINE_COLOURS)]
        xs = [_day(s.date, start) + 0.5 for s in sessions]
        ys = [s.reps or 0 for s in sessions]
        ax.plot(xs, ys, "-o", color=colour, ms=4, lw=1.4, label=label, zorder=3)
        for prev, cur, x, y in zip(sessions, sessions[1:], xs[1:], ys[1:], strict=False):
            if cur.exercise_id != prev.exercise_id:  # a swap to another version
                ax.plot([x], [y], marker="*", ms=14, color=colour, zorder=4)
                ax.annotate(
                    wrap(f"now: {names.get(cur.exercise_id, cur.exercise_id)}", 18),
                    (x, y),
                    xytext=(0, -26),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7.5,
                    color=colour,
                )
        hurt = [(x, y) for s, x, y in zip(sessions, xs, ys, strict=True) if _hurt(s)]
        if hurt:
            ax.plot(*zip(*hurt, strict=True), "x", color="black", ms=8, zorder=5)
    ax.set_xlim(0, _day(end, start) + 1)
    ax.set_ylim(0, top * 1.3)
    ticks = list(range(0, _day(end, start) + 2, 7))
    ax.set_xticks(ticks, [f"week {t // 7 + 1}" if t < _day(end, start) + 1 else "" for t in ticks])
    ax.set_ylabel("reps per session")
    if families:
        ax.plot([], [], marker="*", ls="", ms=12, color="grey", label="moved to another version")
        ax.plot([], [], "x", color="black", label="pain above the exercise's pain rule")
        ax.legend(loc="lower right", fontsize=8, frameon=True)
    fig.text(
        0.07,
        0.04,
        wrap(
            "Each point is a session as done. The phases, their versions and the criteria to "
            "move on come from the knowledge (dosing.yaml); guidance, not a diagnosis.",
            150,
        ),
        fontsize=8,
        color="#555555",
    )
    return fig


def _weeks(first: int, last: int) -> str:
    return f"week {first}" if first == last else f"weeks {first}-{last}"


def _day(when: date, start: date) -> int:
    return (when - start).days


def _hurt(s: SessionRecord) -> bool:
    return s.pain_during > 0 or (s.pain_next_day or 0) > 0


def _families(
    programme: Programme, history: Sequence[SessionRecord]
) -> dict[str, list[SessionRecord]]:
    """The sessions of each planned exercise, by the exercise the plan names, oldest first."""
    versions: dict[str, str] = {}
    names = {e.exercise_id: e.name for e in programme.recommendation.exercises}
    for phase in programme.phases:
        for e in phase.exercises:
            versions[e.exercise_id] = e.planned_as
            versions.setdefault(e.planned_as, e.planned_as)
    out: dict[str, list[SessionRecord]] = {}
    for s in sorted(history, key=lambda s: s.date):
        planned = versions.get(s.exercise_id, s.exercise_id)
        out.setdefault(names.get(planned, planned), []).append(s)
    return out
