"""Quantities a fact can depend on: when something happened, how long it has gone on, a body
temperature, a weight, an age. Read from the normalised text with a small grammar compiled once.

Times are kept as a range of days before the report's date ("in March" is a whole month), so a
rule can take the cautious end: a condition that applies "within six months" applies when any
part of the range is within them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = ["Quantity", "QuantityGrammar"]

Kind = Literal["when", "duration", "temperature", "weight", "age"]

_UNIT_DAYS = {
    "day": 1,
    "week": 7,
    "wk": 7,
    "month": 30.44,
    "mo": 30.44,
    "year": 365.25,
    "yr": 365.25,
}
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_RELATIVE = {
    "today": (0, 0),
    "this morning": (0, 0),
    "this afternoon": (0, 0),
    "this evening": (0, 0),
    "tonight": (0, 0),
    "yesterday": (1, 1),
    "last night": (0, 1),
    "the other day": (1, 7),
    "last weekend": (1, 9),
    "last week": (7, 14),
    "last month": (28, 62),
    "last year": (365, 730),
}
# a bare temperature in this range is read as Fahrenheit (93-113 F is 34-45 C)
_BARE_FAHRENHEIT_MIN, _BARE_FAHRENHEIT_MAX = 93, 113
_BODY_CELSIUS_MIN, _BODY_CELSIUS_MAX = 30, 45  # a living body's temperatures
_AGE_IN_WORDS_MIN = 20  # "twenty" is the first tens word an age in words starts with
_AGE_MAX = 120
_KG = {"stone": 6.35, "st": 6.35, "pound": 0.4536, "lb": 0.4536, "kg": 1.0, "kilo": 1.0}


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity found in a text: its kind, its value, and where it stands (normalised text).

    ``value`` is days before the report (``when``: the nearest end of the range, with
    ``upto`` the farthest), days (``duration``), degrees Celsius, kilograms, or years of age.
    """

    kind: Kind
    value: float
    start: int
    end: int
    said: str
    upto: float | None = None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class QuantityGrammar:
    """The patterns, written once per knowledge base (number words come from the lexicon) and
    compiled on first use: a fresh process taking the grammar from the load cache does not
    compile what its first answers never try."""

    numbers: Mapping[str, int]
    # (kind, name, pattern, words one of which must be in the text for the pattern to be tried)
    patterns: tuple[tuple[Kind, str, str, tuple[str, ...]], ...]

    @classmethod
    def build(cls, number_words: Mapping[str, int]) -> QuantityGrammar:
        words = sorted((w for w in number_words if w.isalpha()), key=len, reverse=True)
        num = r"(?:a\s+)?(?P<n>\d+(?:\.\d+)?" + "".join(f"|{re.escape(w)}" for w in words) + ")"
        unit = r"(?P<u>day|week|wk|month|mo|year|yr)s?"
        months = "|".join(sorted(_MONTHS, key=len, reverse=True))
        relative = "|".join(re.escape(r) for r in sorted(_RELATIVE, key=len, reverse=True))
        tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
        units = "one|two|three|four|five|six|seven|eight|nine"
        not_age = (
            r"(?!\s*(?:kg|kgs|kilos?|lbs?|pounds?|stone|st\b|weeks?|days?|months?|wks?|"
            r"years?\s+ago|%|c\b|f\b|degrees?|times?|cm|inch|mg|ml|hours?|minutes?|x\b))"
        )
        raw: list[tuple[Kind, str, str]] = [
            ("when", "ago", rf"\b{num}(?:\s+of)?\s+{unit}\s+(?:ago|back|before now)\b"),
            (
                "when",
                "ago",
                (
                    rf"\b{num}(?:\s+of)?\s+{unit}\s+(?:post[\s-]?op\w*|after\s+(?:the\s+|my\s+)?"
                    r"(?:op|operation|surgery))\b"
                ),
            ),
            (
                "when",
                "month",
                (
                    rf"\b(?:in|on|since|during|from|back in|last)\s+"
                    rf"(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
                    rf"(?P<m>{months})\b(?:\s+(?P<y>(?:19|20)\d\d))?"
                ),
            ),
            ("when", "year", r"\b(?:in|since|during|back in)\s+(?P<y>(?:19|20)\d\d)\b"),
            ("when", "this", r"\bthis\s+(?P<u>week|month|year)\b"),
            ("when", "relative", rf"\b(?P<r>{relative})\b"),
            (
                "duration",
                "for",
                (
                    rf"\b(?:for|over|since|in)\s+(?:the\s+)?(?:last\s+|past\s+)?(?:about\s+|around\s+)?"
                    rf"{num}(?:\s+of)?\s+{unit}\b"
                ),
            ),
            (
                "temperature",
                "unit",
                (
                    r"(?P<v>\d{2,3}(?:\.\d+)?)\s*(?:deg(?:rees?)?\s*)?"
                    r"(?P<t>c|f|celsius|centigrade|fahrenheit)\b"
                ),
            ),
            (
                "temperature",
                "bare",
                (
                    r"\b(?:temp|temperature|fever|temps)\w*\s+(?:(?:of|is|was|at|around|about|"
                    r"reading|reached|went|up|to|over|nearly|almost|hit)\s+)*(?P<v>\d{2,3}(?:\.\d+)?)"
                    r"\b(?!\s*(?:c|f|deg))"
                ),
            ),
            (
                "weight",
                "amount",
                rf"\b{num}\s*(?P<w>stone|st|pounds?|lbs?|kgs?|kilos?|kilograms?)\b",
            ),
            ("age", "am", rf"\b(?:i\s+am|i'm|im|aged?|age)\s+(?P<a>\d{{1,3}})\b{not_age}"),
            (
                "age",
                "words",
                (
                    rf"\b(?:(?:i\s+am|i'm|im|aged?)\s+(?:{tens})(?:[\s-]+(?:{units}))?\b{not_age}"
                    rf"|(?:{tens})(?:[\s-]+(?:{units}))?[\s-]+years?[\s-]+old\b)"
                ),
            ),
            ("age", "over", r"\b(?:i\s+am|i'm|im|aged?)\s+(?:over|above)\s+(?P<o>\d{2,3})\b"),
            ("age", "old", r"\b(?P<a>\d{1,3})[\s-]*(?:years?|yrs?|y)[\s-]*old\b"),
            ("age", "yo", r"\b(?P<a>\d{1,3})\s*(?:yo|y/o|yr old)\b"),
        ]
        unit_words = ("day", "week", "wk", "month", "mo", "year", "yr")
        digits = tuple("0123456789")
        needs: dict[str, tuple[str, ...]] = {
            "ago": unit_words,
            "month": tuple(_MONTHS),
            "year": ("19", "20"),
            "this": ("this",),
            "relative": ("today", "this", "tonight", "yesterday", "last", "other day"),
            "for": unit_words,
            "unit": digits,
            "bare": ("temp", "fever"),
            "amount": ("st", "pound", "lb", "kg", "kilo"),
            "am": digits,
            "words": ("ty",),
            "over": digits,
            "old": digits,
            "yo": digits,
        }
        return cls(
            numbers=dict(number_words),
            patterns=tuple((k, name, p, needs[name]) for k, name, p in raw),
        )

    def find(self, norm: str, today: date) -> tuple[Quantity, ...]:
        """Every quantity in the normalised text, left to right; overlapping finds keep the
        first pattern's."""
        found: list[Quantity] = []
        taken: list[tuple[int, int]] = []
        for kind, name, pattern, needs in self.patterns:
            if not any(word in norm for word in needs):
                continue
            for m in _compiled(pattern).finditer(norm):
                a, b = m.span()
                if any(a < y and x < b for x, y in taken):
                    continue
                q = self._quantity(kind, name, m, today)
                if q is not None:
                    found.append(q)
                    taken.append((a, b))
        return tuple(sorted(found, key=lambda q: q.start))

    def _number(self, text: str) -> float | None:
        try:
            return float(text)
        except ValueError:
            value = self.numbers.get(text)
            return None if value is None else float(value)

    def _quantity(self, kind: Kind, name: str, m: re.Match[str], today: date) -> Quantity | None:
        g = m.groupdict()
        if kind in ("when", "duration"):
            found = self._days(name, g, today)
        elif kind == "temperature":
            found = _celsius(g)
        elif kind == "weight":
            found = self._kilograms(g)
        else:
            found = self._age(name, m, g)
        if found is None:
            return None
        value, upto = found
        a, b = m.span()
        return Quantity(kind, value, a, b, m.group(), upto)

    def _days(
        self, name: str, g: Mapping[str, str | None], today: date
    ) -> tuple[float, float | None] | None:
        """A time as days before today, nearest and farthest (a duration: its length twice)."""
        if name in ("ago", "for"):
            n = self._number(str(g["n"]))
            if n is None:
                return None
            days = n * _UNIT_DAYS[str(g["u"])]
            return days, days
        if name == "relative":
            return _RELATIVE[str(g["r"])]
        if name == "this":
            start = {"week": today.weekday(), "month": today.day - 1}.get(
                str(g["u"]), today.timetuple().tm_yday - 1
            )
            return 0, start
        return _dated(g, today)  # "month", "year"

    def _kilograms(self, g: Mapping[str, str | None]) -> tuple[float, None] | None:
        n = self._number(str(g["n"]))
        said = str(g["w"])
        unit = said.rstrip("s") if said != "lbs" else "lb"
        unit = {"kilogram": "kg", "kilo": "kg", "pounds": "pound"}.get(unit, unit)
        return None if n is None else (round(n * _KG.get(unit, 1.0), 1), None)

    def _age(
        self, name: str, m: re.Match[str], g: Mapping[str, str | None]
    ) -> tuple[float, None] | None:
        if name == "words":
            said = re.findall(r"[a-z]+", m.group())
            value = sum(self.numbers.get(w, 0) for w in said if w not in ("i", "m", "im", "am"))
            return (float(value), None) if _AGE_IN_WORDS_MIN <= value <= _AGE_MAX else None
        if name == "over":
            return float(int(str(g["o"])) + 1), None
        age = int(str(g["a"]))
        return (float(age), None) if 0 < age <= _AGE_MAX else None


def _celsius(g: Mapping[str, str | None]) -> tuple[float, None] | None:
    """A body temperature in degrees Celsius; a bare number in Fahrenheit's fever range is
    Fahrenheit; anything no body could be is not a temperature."""
    v = float(str(g["v"]))
    unit = g.get("t")
    fahrenheit = unit in ("f", "fahrenheit") or (
        unit is None and _BARE_FAHRENHEIT_MIN <= v <= _BARE_FAHRENHEIT_MAX
    )
    celsius = (v - 32) * 5 / 9 if fahrenheit else v
    return (round(celsius, 1), None) if _BODY_CELSIUS_MIN <= celsius <= _BODY_CELSIUS_MAX else None


def _dated(g: Mapping[str, str | None], today: date) -> tuple[float, float] | None:
    """A month (with or without a day and year) or a year, as days before today: nearest and
    farthest."""
    month = _MONTHS.get(g.get("m") or "")
    year_text = g.get("y")
    if month is None:  # a year alone
        if year_text is None:
            return None
        year = int(year_text)
        if year > today.year:
            return None
        first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    else:
        year = int(year_text) if year_text else today.year
        if not year_text and month > today.month:
            year -= 1  # "in March" said in January is last March
        day_text = g.get("d")
        if day_text:
            try:
                first = last = date(year, month, int(day_text))
            except ValueError:
                return None
        else:
            first = date(year, month, 1)
            last = date(year + month // 12, month % 12 + 1, 1)
            last = date.fromordinal(min(last.toordinal() - 1, today.toordinal()))
        if first > today:
            return None
    return float((today - last).days), float((today - first).days)
