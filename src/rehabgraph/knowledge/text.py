"""Turning what people type into comparable word sequences, and finding known phrases in them.

The same normaliser is applied to zone aliases when the knowledge loads and to reported
phrases at query time, so both sides of a match are folded the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rehabgraph.knowledge.models import Lexicon

__all__ = ["PhraseIndex", "PhraseNormalizer", "one_line", "tokenize"]

_NON_WORD = re.compile(r"[^a-z0-9]+")


def one_line(text: str) -> str:
    """Text as one line with single spaces: YAML's folded blocks, as a person reads them."""
    return " ".join(text.split())


def tokenize(text: str) -> tuple[str, ...]:
    """Lower-case, strip accents, split on anything that is not a letter or digit."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return tuple(t for t in _NON_WORD.split(folded.lower()) if t)


Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """Phrase keys (token tuples) mapped to the ids they name.

    Built once when the knowledge loads. A scan tries, at each token, only the key lengths that
    start with that token, longest first, as dictionary lookups: its cost grows with the length
    of the text, never with the number of phrases.
    """

    table: Mapping[Key, tuple[str, ...]]
    lengths: Mapping[str, tuple[int, ...]]  # first token -> key lengths, longest first

    @classmethod
    def build(cls, pairs: Iterable[tuple[Key, str]]) -> PhraseIndex:
        table: dict[Key, list[str]] = {}
        for key, value in pairs:
            if key and value not in table.setdefault(key, []):
                table[key].append(value)
        lengths: dict[str, set[int]] = {}
        for key in table:
            lengths.setdefault(key[0], set()).add(len(key))
        return cls(
            MappingProxyType({k: tuple(v) for k, v in table.items()}),
            MappingProxyType({t: tuple(sorted(n, reverse=True)) for t, n in lengths.items()}),
        )

    def scan(self, tokens: Key) -> tuple[list[tuple[str, ...]], list[str]]:
        """The ids of each phrase found, in order, and the tokens that matched nothing."""
        found: list[tuple[str, ...]] = []
        unmatched: list[str] = []
        i = 0
        while i < len(tokens):
            for n in self.lengths.get(tokens[i], ()):
                values = self.table.get(tokens[i : i + n])
                if values is not None:
                    found.append(values)
                    i += n
                    break
            else:
                unmatched.append(tokens[i])
                i += 1
        return found, unmatched


@dataclass(frozen=True, slots=True)
class PhraseNormalizer:
    """Folds word forms, finds the side words, and drops filler words."""

    word_forms: dict[str, tuple[str, ...]]
    filler: frozenset[str]
    glue: frozenset[str]
    # side phrases (as tokens) -> the side; the longest match wins, so "left side" beats "left"
    sides: PhraseIndex

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> PhraseNormalizer:
        forms = {k.lower(): tokenize(v) for k, v in lexicon.word_forms.items()}
        filler = frozenset(t for phrase in lexicon.filler for t in tokenize(phrase))
        glue = frozenset(t for phrase in lexicon.glue for t in tokenize(phrase))
        sides = PhraseIndex.build(
            (tokenize(p), side) for side, phrases in lexicon.sides.items() for p in phrases
        )
        return cls(word_forms=forms, filler=filler, glue=glue, sides=sides)

    def fold(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        for token in tokenize(text):
            out.extend(self.word_forms.get(token, (token,)))
        return tuple(out)

    def split_sides(self, tokens: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
        """Remove side phrases from the tokens; return what is left and the sides named."""
        found, rest = self.sides.scan(tokens)
        return tuple(rest), frozenset(side for sides in found for side in sides)

    def content(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """The tokens without filler words."""
        return tuple(t for t in tokens if t not in self.filler)

    def symptom_key(self, text: str) -> tuple[str, ...]:
        """The match key of a symptom or condition: folded, without glue words only."""
        return tuple(t for t in self.fold(text) if t not in self.glue)

    def key(self, text: str) -> tuple[str, ...]:
        """The match key of an alias or phrase: folded, without filler (sides are kept)."""
        return self.content(self.fold(text))
