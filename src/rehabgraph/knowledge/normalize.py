"""Text as the reader sees it: Unicode folded to plain lower-case ASCII, split into tokens that
remember where in the person's own text they stand."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from anyascii import anyascii

__all__ = ["RawToken", "normalize", "raw_tokens"]

# apostrophe look-alikes people's keyboards produce, and the degree sign ("39 °C" -> "39 c")
_SPECIAL = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "\u00b0": ""}
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)*|[.;!?]")
BREAKS = frozenset(".;!?")


class RawToken(NamedTuple):
    """One word, number or sentence break: as normalised, and its span in the original text."""

    text: str
    start: int
    end: int
    norm_start: int
    norm_end: int


def normalize(text: str) -> tuple[str, list[int] | None]:
    """NFKC, confusable letters folded to ASCII (a Cyrillic a, U+0430, is a Latin "a"), lower case.

    Returns the folded text and, for each of its characters, the index of the character of
    ``text`` it came from (None when they are the same, as for plain ASCII).
    """
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = _SPECIAL.get(ch)
        if folded is None:
            folded = unicodedata.normalize("NFKC", ch)
            if not folded.isascii():
                folded = "".join(_SPECIAL.get(c) or anyascii(c) for c in folded)
        folded = folded.lower()
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


def raw_tokens(text: str) -> tuple[str, tuple[RawToken, ...]]:
    """The normalised text and its tokens, each with its span in ``text``."""
    norm, where = normalize(text)
    tokens: list[RawToken] = []
    for m in _TOKEN.finditer(norm):
        a, b = m.span()
        if where is None:
            start, end = a, b
        else:
            start, end = where[a], where[b - 1] + 1
        tokens.append(RawToken(m.group(), start, end, a, b))
    return norm, tuple(tokens)
