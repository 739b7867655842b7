"""Reading a report: every free-text field through the one text reader, every site to zones.

Flags are read from every readable text first, so a red flag is never hidden behind a site that
cannot be resolved, a condition that cannot be read, or a field that does not validate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from rehabgraph.api.pieces import AnswerPieces
from rehabgraph.api.recommendation import ResolvedSite
from rehabgraph.api.report import SNOMED_CT, Coding, PainReport, Side, Site
from rehabgraph.engine import LocationResolver, Resolution, SiteZones, combine_sides
from rehabgraph.engine.safety import condition_applies
from rehabgraph.errors import InvalidReportError, ReportError, UnknownLocationError
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.text.reader import Mention, Reader, Reading

__all__ = ["ReadReport", "ReportReader", "strings_in"]

CODE_SYSTEMS = {
    "SNOMED-CT": SNOMED_CT,
    "UBERON": "http://purl.obolibrary.org/obo/uberon.owl",
    "FMA": "http://purl.org/sig/ont/fma",
    "ICD-10-CM": "http://hl7.org/fhir/sid/icd-10-cm",
}


# how many sites in words are remembered, like the reader's own readings
_SITES_MAX = 4096


@dataclass(frozen=True, slots=True)
class _SiteRead:
    reading: Reading
    site: ResolvedSite
    zones: SiteZones


@dataclass
class ReadReport:
    """Everything read from one report, before any decision."""

    sites: list[ResolvedSite] = field(default_factory=list)
    site_zones: list[SiteZones] = field(default_factory=list)
    errors: list[ReportError] = field(default_factory=list)
    texts: list[tuple[str, Reading]] = field(default_factory=list)  # (field, reading)
    conditions: list[str] = field(default_factory=list)  # condition ids that apply
    unread_conditions: list[str] = field(default_factory=list)
    unread_symptoms: list[str] = field(default_factory=list)
    # flags whose words may be the place itself: they count only with their zones, so a second
    # site "between my shoulder blades" with low back pain is the flag
    place_flags: frozenset[str] = frozenset()
    # the reader's folding, and the folded words that say nothing beyond a place ("pain", "my",
    # "left"): a flag in a location whose other words are only these is the place itself
    fold: Callable[[str], tuple[str, ...]] = tuple
    place_words: frozenset[str] = frozenset()

    @property
    def zones(self) -> list[str]:
        return [z for sz in self.site_zones for z in sz.zones]

    @property
    def flags(self) -> list[Mention]:
        """Every flag mention, except, in a location, words that are only the place itself (a
        flag read inside a zone's words names where it hurts). A flag whose words reach past
        the place ("pain in my left arm and jaw when I climb the stairs") counts."""
        return self._split_flags[0]

    @property
    def place_only_flags(self) -> list[Mention]:
        """The flag mentions in a location that were only the place's words (not counted)."""
        return self._split_flags[1]

    @cached_property
    def _split_flags(self) -> tuple[list[Mention], list[Mention]]:
        """The flag mentions, split into those that count and those that were only a place
        (asked for once the report is read, then kept)."""
        counted: list[Mention] = []
        places: list[Mention] = []
        for where, reading in self.texts:
            zones = reading.of("zone") if where.endswith(".location") else ()
            for m in reading.of("flag"):
                if m.id in self.place_flags or not self._only_the_place(reading.text, m, zones):
                    counted.append(m)
                else:
                    places.append(m)
        return counted, places

    def _only_the_place(self, text: str, flag: Mention, zones: Iterable[Mention]) -> bool:
        """Whether the flag's words are a zone's words and words that add nothing to a place."""
        covered = [(z.start, z.end) for z in zones if z.start < flag.end and flag.start < z.end]
        if not covered:
            return False
        chars = list(text[flag.start : flag.end])
        for start, end in covered:
            for i in range(max(start, flag.start), min(end, flag.end)):
                chars[i - flag.start] = " "
        return all(stem in self.place_words for stem in self.fold("".join(chars)))

    @property
    def ages(self) -> list[int]:
        return [a for _, r in self.texts for a in r.ages]


@dataclass(frozen=True, slots=True)
class ReportReader:
    knowledge: Knowledge
    reader: Reader
    resolver: LocationResolver
    pieces: AnswerPieces
    code_index: Mapping[tuple[str, str], tuple[str, ...]]
    place_flags: frozenset[str] = frozenset()
    # zone -> the folded words of its name, aliases and broad words ("knee", "outer", "kneecap")
    zone_words: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # (location, side, intensity, day) -> a site in words read before: its reading and where it
    # resolved (the models are frozen, so answers share them)
    _sites: dict[tuple[str, str | None, int | None, date], _SiteRead] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(
        cls, knowledge: Knowledge, reader: Reader, resolver: LocationResolver, pieces: AnswerPieces
    ) -> ReportReader:
        index: dict[tuple[str, str], list[str]] = {}
        for zone in knowledge.zones.values():
            for code in zone.codes:
                index.setdefault((CODE_SYSTEMS[code.system], code.code), []).append(zone.id)
        place_flags = frozenset(
            q.id for q in knowledge.questions.values() if q.counts_only_with_its_zones
        )
        zone_words = {
            zone.id: frozenset(
                w
                for phrase in (zone.name, *zone.aliases, *zone.regions)
                for w in reader.fold_phrase(phrase)
            )
            for zone in knowledge.zones.values()
        }
        return cls(
            knowledge,
            reader,
            resolver,
            pieces,
            {k: tuple(v) for k, v in index.items()},
            place_flags,
            zone_words,
        )

    def forget(self) -> None:
        """Drop the sites read before (tests and benchmarks of a first reading)."""
        self._sites.clear()

    def read(self, report: PainReport, today: date) -> ReadReport:
        out = ReadReport(
            place_flags=self.place_flags,
            fold=self.reader.fold_phrase,
            place_words=self.reader.filler,
        )
        for i, site in enumerate(report.sites):
            self._site(i, site, today, out)
        self._symptoms(report.symptoms, today, out)
        self._conditions(report.conditions, today, out)
        for where, reading in out.texts:  # a condition named anywhere else counts too
            if not where.startswith("conditions["):
                self._add_conditions(reading.of("condition"), out)
        return out

    def read_loose(self, raw: Any, today: date) -> list[tuple[str, Reading]]:
        """Every string anywhere in a report that did not validate, read for flags."""
        return [(where, self.reader.read(text[:5000], today)) for where, text in strings_in(raw)]

    def _symptoms(self, texts: list[str], today: date, out: ReadReport) -> None:
        # words that only name a reported place ("Pain in right knee" beside the right knee's
        # zones, as a problem list records it): read, and nothing more to read in them
        places = out.place_words.union(*(self.zone_words.get(z, ()) for z in out.zones))
        for i, text in enumerate(texts):
            reading = self.reader.read(text, today)
            out.texts.append((f"symptoms[{i}]", reading))
            if reading.unread or (not reading.mentions and not _only(text, places, out)):
                out.unread_symptoms.append(text)

    def _conditions(self, texts: list[str], today: date, out: ReadReport) -> None:
        for i, text in enumerate(texts):
            reading = self.reader.read(text, today)
            out.texts.append((f"conditions[{i}]", reading))
            named = reading.of("condition")
            self._add_conditions(named, out)
            if not named and not reading.of("flag"):
                out.unread_conditions.append(text)

    def _add_conditions(self, named: Iterable[Mention], out: ReadReport) -> None:
        """The conditions named that apply (not denied, not long past), each once."""
        for m in named:
            if condition_applies(self.knowledge.conditions[m.id], m) and (
                m.id not in out.conditions
            ):
                out.conditions.append(m.id)

    # --- sites -----------------------------------------------------------------------------

    def _site(self, i: int, site: Site, today: date, out: ReadReport) -> None:
        key = None
        if site.location is not None and site.code is None and site.laterality is None:
            key = (site.location, site.side, site.intensity, today)
            known = self._sites.get(key)
            if known is not None:
                out.texts.append((f"sites[{i}].location", known.reading))
                out.sites.append(known.site)
                out.site_zones.append(known.zones)
                return
        words = _words(site)
        reading = None if words is None else self.reader.read(words, today)
        if reading is not None:
            out.texts.append((f"sites[{i}].location", reading))
        try:
            resolution, said = self._resolve(site, today)
            coded_side = self._laterality(site)
            if site.side and coded_side and site.side != coded_side:
                raise InvalidReportError(
                    f"site {said!r} has side {site.side!r} but laterality code "
                    f"{site.laterality.code if site.laterality else ''} ({coded_side})"
                )
            side = _side(site.side or coded_side, resolution.sides, said)
        except ReportError as exc:
            out.errors.append(exc)
            return
        sided = any(self.knowledge.zones[z].sided for z in resolution.zones)
        side = side if sided else None
        resolved = ResolvedSite.model_construct(  # from a validated report: not validated again
            location=said,
            zones=[self.pieces.zones[z] for z in resolution.zones],
            side=side,
            intensity=site.intensity,
            unmatched_words=list(resolution.unmatched),
        )
        zones = SiteZones(resolution.zones, side, site.intensity)
        out.sites.append(resolved)
        out.site_zones.append(zones)
        if key is not None and reading is not None and len(self._sites) < _SITES_MAX:
            self._sites[key] = _SiteRead(reading, resolved, zones)

    def _resolve(self, site: Site, today: date) -> tuple[Resolution, str]:
        """Zones from a code the knowledge carries, else from the words (or the code's display)."""
        code = site.code
        if code is not None:
            zones = self.code_index.get((code.system, code.code), ())
            if zones:
                return self._code_and_words(site, code, zones, today)
        words = _words(site)
        if words is not None:
            return self.resolver.resolve(words, today), words
        if code is None:  # a Site that validated has one or the other
            raise InvalidReportError("a site needs a location (words or a zone id) or a code")
        raise UnknownLocationError(
            code.code,
            [],
            f"no zone carries the code {code.system}|{code.code}; send the "
            "location in words (or the code's display) too",
        )

    def _code_and_words(
        self, site: Site, code: Coding, zones: tuple[str, ...], today: date
    ) -> tuple[Resolution, str]:
        """A coded site: the code names the zones; words given too must not name others."""
        said = site.location or code.display or f"{code.system}|{code.code}"
        if site.location is None:
            return Resolution(zones, frozenset(), ()), said
        try:
            words = self.resolver.resolve(site.location, today)
        except UnknownLocationError:  # free text the lexicon does not read: the code decides
            return Resolution(zones, frozenset(), ()), said
        if not set(words.zones) & set(zones):
            names = self.knowledge.zones
            raise InvalidReportError(
                f"site {site.location!r} names {', '.join(names[z].name for z in words.zones)} "
                f"but its code {code.code} names {', '.join(names[z].name for z in zones)}"
            )
        return Resolution(zones, words.sides, words.unmatched, words.reading), said

    def _laterality(self, site: Site) -> Side | None:
        if site.laterality is None:
            return None
        codes = self.knowledge.lexicon.side_codes
        for side, code in codes.items():
            if site.laterality.code == code and site.laterality.system == SNOMED_CT:
                return side
        known = ", ".join(f"{c} ({s})" for s, c in codes.items())
        raise InvalidReportError(
            f"unknown laterality code {site.laterality.code!r}; rehabgraph knows {known}"
        )


def _words(site: Site) -> str | None:
    """The site's words: its location, else its code's display."""
    return (
        site.location if site.location is not None else (site.code.display if site.code else None)
    )


def _side(given: Side | None, named: frozenset[str], location: str) -> Side | None:
    said = combine_sides(set(named))
    if given and said and given != said:
        raise InvalidReportError(
            f"side {given!r} contradicts {said!r} named in the location {location!r}"
        )
    return given or said


def strings_in(raw: Any, where: str = "report") -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value, with where it stands ("report.symptoms[0]")."""
    if isinstance(raw, str):
        yield where, raw
    elif isinstance(raw, Mapping):
        for key, value in raw.items():
            yield from strings_in(value, f"{where}.{key}")
    elif isinstance(raw, list | tuple):
        for i, value in enumerate(raw):
            yield from strings_in(value, f"{where}[{i}]")


def _only(text: str, words: frozenset[str], out: ReadReport) -> bool:
    """Whether every folded word of ``text`` is among ``words`` (and there is one)."""
    folded = out.fold(text)
    return bool(folded) and all(w in words for w in folded)
