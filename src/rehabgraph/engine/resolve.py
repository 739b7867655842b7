"""Resolving what a person says ("pain on the outside of my right knee") to pain zones and a side.

The alias index is built once, when the knowledge loads; resolving a phrase then costs time in
the length of the phrase, not the number of zones.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from rehabgraph.errors import UnknownLocationError
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.text import PhraseIndex, PhraseNormalizer

__all__ = ["LocationResolver", "Resolution"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The zones a phrase names, in the order it names them, the sides it names, and the words
    that matched nothing (kept, so nothing a person said is silently dropped)."""

    zones: tuple[str, ...]
    sides: frozenset[str]
    unmatched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LocationResolver:
    normalizer: PhraseNormalizer
    aliases: PhraseIndex
    # region key -> zone ids in that region
    regions: Mapping[tuple[str, ...], tuple[str, ...]]
    # what a suggestion may be: display text -> zone id
    suggestions: Mapping[str, str]
    zone_names: Mapping[str, str]
    # phrase as said -> its resolution (a pure function of the phrase): the first MEMO_SIZE
    # different phrases people send are resolved once, then looked up
    memo: dict[str, Resolution] = field(default_factory=dict, compare=False, repr=False)

    MEMO_SIZE = 4096

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge) -> LocationResolver:
        normalizer = PhraseNormalizer.from_lexicon(knowledge.lexicon)
        keys: dict[tuple[str, ...], str] = {}
        suggestions: dict[str, str] = {}
        regions: dict[tuple[str, ...], list[str]] = {}
        for zone in knowledge.zones.values():
            for text in (zone.id, zone.name, *zone.aliases):
                key = normalizer.key(text)
                if key:
                    keys.setdefault(key, zone.id)
                    suggestions.setdefault(text.lower(), zone.id)
            regions.setdefault(normalizer.key(zone.region), []).append(zone.id)
        return cls(
            normalizer=normalizer,
            aliases=PhraseIndex.build(keys.items()),
            regions={k: tuple(v) for k, v in regions.items() if k},
            suggestions=suggestions,
            zone_names={z.id: z.name for z in knowledge.zones.values()},
        )

    def resolve(self, location: str) -> Resolution:
        """Find the zones named in ``location``; raise UnknownLocationError with close matches.

        >>> from rehabgraph import Recommender
        >>> r = Recommender.default().resolver.resolve("pain on the outside of my right knee")
        >>> r.zones, sorted(r.sides)
        (('knee-lateral',), ['right'])
        """
        known = self.memo.get(location)
        if known is not None:
            return known
        resolution = self._resolve(location)
        if len(self.memo) < self.MEMO_SIZE:
            self.memo[location] = resolution
        return resolution

    def _resolve(self, location: str) -> Resolution:
        rest, sides = self.normalizer.split_sides(self.normalizer.fold(location))
        words = self.normalizer.content(rest)
        found, unmatched = self.aliases.scan(words)
        zones = list(dict.fromkeys(zone_id for ids in found for zone_id in ids))
        if zones:
            return Resolution(tuple(zones), sides, tuple(unmatched))
        raise self._unknown(location, words)

    def _unknown(self, location: str, words: tuple[str, ...]) -> UnknownLocationError:
        shown = location.strip()[:80]
        if not words:
            known = sorted(self.zone_names.values())
            what = "names no body part" if shown else "is empty"
            return UnknownLocationError(location, known[:10], f"the location {what}")
        phrase = " ".join(words)
        candidates = list(self.suggestions)
        close = difflib.get_close_matches(phrase, candidates, n=5, cutoff=0.6)
        for word in words:  # a typo in one word of a longer phrase
            close += difflib.get_close_matches(word, candidates, n=3, cutoff=0.75)
        broad = self._region(words)
        typo = difflib.get_close_matches(phrase, candidates, n=1, cutoff=0.8)
        if broad is not None and not typo:
            region, zone_ids = broad
            return UnknownLocationError(
                location,
                [self.zone_names[z] for z in zone_ids],
                f"{region!r} is too broad: say which part hurts",
            )
        if broad is not None:
            close += [self.zone_names[z] for z in broad[1]]
        close = list(dict.fromkeys(close))[:5]
        if close:
            return UnknownLocationError(location, close, f"no pain zone matches {shown!r}")
        known = sorted(self.zone_names.values())
        return UnknownLocationError(
            location,
            known[:10],
            f"no pain zone matches {shown!r}; rehabgraph knows {len(known)} places",
        )

    def _region(self, words: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
        """The longest region word ("knee", "back") in the words, with its zones."""
        for n in range(len(words), 0, -1):
            for start in range(len(words) - n + 1):
                zone_ids = self.regions.get(words[start : start + n])
                if zone_ids:
                    return " ".join(words[start : start + n]), zone_ids
        return None
