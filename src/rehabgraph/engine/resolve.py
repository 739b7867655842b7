"""Resolving what a person says ("pain on the outside of my right knee") to pain zones and a side.

The words are read by the one text reader (:mod:`rehabgraph.text`), so a location is folded,
corrected and read for red flags exactly like a symptom. Resolving never guesses: a phrase that
names no zone is an error with suggestions, a region word alone ("knee") asks which part, and a
body part no zone covers says what rehabgraph does cover.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rehabgraph.errors import UnknownLocationError
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.suggest import close_matches
from rehabgraph.text.reader import Reader, Reading

__all__ = ["LocationResolver", "Resolution"]

# a word this long or longer, in a longer phrase that names no zone, is checked for a typo alone
# (shorter words match too many names by chance)
_TYPO_WORD_MIN = 4


@dataclass(frozen=True, slots=True)
class Resolution:
    """The zones a phrase names, in the order it names them, the sides it names, the words that
    matched nothing (kept, so nothing a person said is silently dropped), and the whole reading
    (a location can hold a red flag too: "low back pain and numbness between my legs")."""

    zones: tuple[str, ...]
    sides: frozenset[str]
    unmatched: tuple[str, ...]
    reading: Reading | None = None


@dataclass(frozen=True, slots=True)
class LocationResolver:
    reader: Reader
    # region words (folded) -> (region as written, zone ids in that region)
    regions: Mapping[tuple[str, ...], tuple[str, tuple[str, ...]]]
    # what a suggestion may be: display text -> zone id
    suggestions: Mapping[str, str]
    zone_names: Mapping[str, str]
    covered: frozenset[str]  # body-part words some zone covers
    covered_regions: tuple[str, ...]
    examples: tuple[str, ...]  # one zone name from each region, to show what can be said

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge, reader: Reader) -> LocationResolver:
        suggestions: dict[str, str] = {}
        regions: dict[tuple[str, ...], tuple[str, list[str]]] = {}
        covered: set[str] = set()
        for zone in knowledge.zones.values():
            for text in (zone.name, *zone.aliases):
                suggestions.setdefault(text.lower(), zone.id)
                covered.update(text.lower().split())
            for region in zone.regions:
                key = reader.fold_phrase(region)
                regions.setdefault(key, (region, []))[1].append(zone.id)
                covered.update(region.lower().split())
        first_named: dict[str, str] = {}  # each region, in file order, by its first zone's name
        for z in knowledge.zones.values():
            first_named.setdefault(z.region, z.name)
        return cls(
            reader=reader,
            regions={k: (r, tuple(v)) for k, (r, v) in regions.items() if k},
            suggestions=suggestions,
            zone_names={z.id: z.name for z in knowledge.zones.values()},
            covered=frozenset(covered),
            covered_regions=tuple(dict.fromkeys(z.region for z in knowledge.zones.values())),
            examples=tuple(first_named.values()),
        )

    def resolve(self, location: str, today: date | None = None) -> Resolution:
        """Find the zones named in ``location``; raise UnknownLocationError with close matches.

        >>> from rehabgraph import Recommender
        >>> r = Recommender.default().resolver.resolve("pain on the outside of my right knee")
        >>> r.zones, sorted(r.sides)
        (('knee-lateral',), ['right'])
        """
        reading = self.reader.read(location, today)
        zones = tuple(
            dict.fromkeys(m.id for m in reading.of("zone") if "negated" not in m.modifiers)
        )
        if zones:
            return Resolution(zones, reading.sides, reading.unread, reading)
        raise self.unknown(location, reading)

    def unknown(self, location: str, reading: Reading) -> UnknownLocationError:
        """The error for a location that names no zone: too broad, not covered, or unknown."""
        shown = location.strip()[:80]
        words = reading.content
        if not words:
            what = "names no body part" if shown else "is empty"
            return UnknownLocationError(
                location, self.examples, f"the location {what}", "places rehabgraph knows"
            )
        phrase = " ".join(reading.text.lower().split())
        broad = self._region(words)
        candidates = list(self.suggestions)
        typo = close_matches(phrase, candidates, n=1, cutoff=88)
        if broad is not None and not typo:
            region, zone_ids = broad
            return UnknownLocationError(
                location,
                [self.zone_names[z] for z in zone_ids],
                f"{region!r} is too broad: say which part hurts",
            )
        uncovered = [p for p in reading.body_parts if not set(p.split()) & self.covered]
        if uncovered and broad is None:
            return UnknownLocationError(
                location,
                self.examples,
                f"rehabgraph does not cover the {uncovered[0]} yet; it covers the "
                f"{', '.join(self.covered_regions)}",
                "places it knows",
            )
        close = close_matches(phrase, candidates, n=5, cutoff=70)
        for word in phrase.split():  # a typo in one word of a longer phrase
            if len(word) >= _TYPO_WORD_MIN:
                close += close_matches(word, candidates, n=3, cutoff=80)
        if broad is not None:
            close += [self.zone_names[z] for z in broad[1]]
        close = list(dict.fromkeys(close))[:5]
        if close:
            return UnknownLocationError(location, close, f"no pain zone matches {shown!r}")
        return UnknownLocationError(
            location,
            self.examples,
            f"no pain zone matches {shown!r}; rehabgraph knows {len(self.zone_names)} places in "
            f"the {', '.join(self.covered_regions)} (`rehabgraph zones` lists them)",
            "for example",
        )

    def _region(self, words: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
        """The longest region word ("knee", "back") in the words, with its zones."""
        for n in range(len(words), 0, -1):
            for start in range(len(words) - n + 1):
                found = self.regions.get(words[start : start + n])
                if found:
                    return found
        return None
