"""Close matches for a word, id or phrase that named nothing: one matcher (rapidfuzz) for every
layer, from a misspelt knowledge reference to an unknown location."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["close_matches"]


def close_matches(
    text: str, candidates: Iterable[str], n: int = 3, cutoff: float = 60
) -> list[str]:
    """Up to ``n`` candidates most like ``text`` (0-100 similarity, at least ``cutoff``), best
    first; ties keep the candidates' order.

    >>> close_matches("vmo-stepdown", ["vmo-step-down", "glute-squeeze"])
    ['vmo-step-down']
    """
    from rapidfuzz import fuzz, process  # on first use: its C backends take ~20 ms to load

    options = list(dict.fromkeys(candidates))
    found = process.extract(
        text.lower(), options, scorer=fuzz.ratio, processor=str.lower, limit=n, score_cutoff=cutoff
    )
    return [choice for choice, _, _ in found]
