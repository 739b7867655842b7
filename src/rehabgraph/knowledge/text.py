"""Turning what people type into comparable word sequences, using the lexicon's word lists.

The same normaliser is applied to zone aliases when the knowledge loads and to reported
phrases at query time, so both sides of a match are folded the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rehabgraph.knowledge.models import Lexicon

__all__ = ["PhraseNormalizer", "tokenize"]

_NON_WORD = re.compile(r"[^a-z0-9]+")


def tokenize(text: str) -> tuple[str, ...]:
    """Lower-case, strip accents, split on anything that is not a letter or digit."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return tuple(t for t in _NON_WORD.split(folded.lower()) if t)


@dataclass(frozen=True, slots=True)
class PhraseNormalizer:
    """Folds word forms, finds the side words, and drops filler words."""

    word_forms: dict[str, tuple[str, ...]]
    filler: frozenset[str]
    glue: frozenset[str]
    # side phrase (as tokens) -> side, longest phrases first so "left side" beats "left"
    sides: tuple[tuple[tuple[str, ...], str], ...]

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> PhraseNormalizer:
        forms = {k.lower(): tokenize(v) for k, v in lexicon.word_forms.items()}
        filler = frozenset(t for phrase in lexicon.filler for t in tokenize(phrase))
        glue = frozenset(t for phrase in lexicon.glue for t in tokenize(phrase))
        sides = sorted(
            ((tokenize(p), side) for side, phrases in lexicon.sides.items() for p in phrases),
            key=lambda item: (-len(item[0]), item[0]),
        )
        return cls(
            word_forms=forms, filler=filler, glue=glue, sides=tuple(s for s in sides if s[0])
        )

    def fold(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        for token in tokenize(text):
            out.extend(self.word_forms.get(token, (token,)))
        return tuple(out)

    def split_sides(self, tokens: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
        """Remove side phrases from the tokens; return what is left and the sides named."""
        found: set[str] = set()
        rest: list[str] = []
        i = 0
        while i < len(tokens):
            for phrase, side in self.sides:
                if tokens[i : i + len(phrase)] == phrase:
                    found.add(side)
                    i += len(phrase)
                    break
            else:
                rest.append(tokens[i])
                i += 1
        return tuple(rest), frozenset(found)

    def content(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """The tokens without filler words."""
        return tuple(t for t in tokens if t not in self.filler)

    def symptom_key(self, text: str) -> tuple[str, ...]:
        """The match key of a symptom or condition: folded, without glue words only."""
        return tuple(t for t in self.fold(text) if t not in self.glue)

    def key(self, text: str) -> tuple[str, ...]:
        """The match key of an alias or phrase: folded, without filler (sides are kept)."""
        return self.content(self.fold(text))
