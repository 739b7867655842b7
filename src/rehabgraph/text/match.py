"""Finding known phrases in a folded token sequence.

A phrase is a sequence of word stems. It matches where its stems stand in order, with skippable
words (glue such as "my", "the") anywhere between them and at most ``max_gap`` other words, never
across a sentence break or a word that stops a match (a negation such as "not" must not be
skipped over). Tables are built once when the knowledge loads: a scan looks up, at each token,
only the phrases that start with that token's stem, so it costs time in the length of the text,
not the number of phrases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, NamedTuple, TypeVar

__all__ = ["Hit", "PhraseTable", "Token"]

L = TypeVar("L")


class Token(NamedTuple):
    """A folded word: its stems (the word's own, then a typo correction's), its span in the
    original text, and whether it is a sentence break. (A named tuple: a text makes many.)"""

    stems: tuple[str, ...]
    start: int
    end: int
    raw: int  # index of the raw token it came from (a contraction gives two tokens)
    brk: bool = False


class Hit(NamedTuple, Generic[L]):
    """A phrase found: the first and last token it covers, and what the phrase stands for."""

    first: int
    last: int
    labels: tuple[L, ...]
    tokens: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PhraseTable(Generic[L]):
    # one-word phrases by their word; longer ones by their first two words
    single: Mapping[str, tuple[L, ...]]
    by_pair: Mapping[tuple[str, str], tuple[tuple[tuple[str, ...], tuple[L, ...]], ...]]
    firsts: frozenset[str]
    skip: frozenset[str]
    max_gap: int

    @classmethod
    def build(
        cls, pairs: Iterable[tuple[Sequence[str], L]], skip: Iterable[str] = (), max_gap: int = 0
    ) -> PhraseTable[L]:
        skipped = frozenset(skip)
        table: dict[tuple[str, ...], list[L]] = {}
        for stems, label in pairs:
            key = tuple(s for s in stems if s not in skipped) or tuple(stems)
            if key and label not in table.setdefault(key, []):
                table[key].append(label)
        single: dict[str, tuple[L, ...]] = {}
        by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[L, ...]]]] = {}
        for key, labels in table.items():
            if len(key) == 1:
                single[key[0]] = tuple(labels)
            else:
                by_pair.setdefault((key[0], key[1]), []).append((key, tuple(labels)))
        return cls(
            MappingProxyType(single),
            MappingProxyType(
                {f: tuple(sorted(v, key=lambda kv: -len(kv[0]))) for f, v in by_pair.items()}
            ),
            frozenset(single) | frozenset(a for a, _ in by_pair),
            skipped,
            max_gap,
        )

    def find(self, tokens: Sequence[Token], stops: frozenset[str] = frozenset()) -> list[Hit[L]]:
        """Every match of every phrase, longest first at each starting token."""
        hits: list[Hit[L]] = []
        n = len(tokens)
        firsts = self.firsts
        for i, token in enumerate(tokens):
            if token.brk:
                continue
            for stem in token.stems:
                if stem not in firsts:
                    continue
                for j in self._next(tokens, i, n, stops):
                    for second in tokens[j].stems:
                        for key, labels in self.by_pair.get((stem, second), ()):
                            used = self._rest(tokens, j, key, stops, (i, j))
                            if used is not None:
                                hits.append(Hit(i, used[-1], labels, used))
                alone = self.single.get(stem)
                if alone is not None:
                    hits.append(Hit(i, i, alone, (i,)))
        return hits

    def _next(self, tokens: Sequence[Token], i: int, n: int, stops: frozenset[str]) -> list[int]:
        """The places the next word of a phrase may stand after token i."""
        out: list[int] = []
        gap = 0
        j = i + 1
        while j < n:
            t = tokens[j]
            if t.brk:
                break
            if t.stems[0] in self.skip:
                j += 1
                continue
            out.append(j)
            if gap >= self.max_gap or t.stems[0] in stops:
                break
            gap += 1
            j += 1
        return out

    def _rest(
        self,
        tokens: Sequence[Token],
        j: int,
        key: tuple[str, ...],
        stops: frozenset[str],
        used: tuple[int, ...],
    ) -> tuple[int, ...] | None:
        n = len(tokens)
        found = list(used)
        for target in key[2:]:
            gap = 0
            j += 1
            while j < n:
                t = tokens[j]
                if target in t.stems:
                    break
                if t.brk:
                    return None
                if t.stems[0] in self.skip:
                    j += 1
                    continue
                if gap >= self.max_gap or t.stems[0] in stops:
                    return None
                gap += 1
                j += 1
            else:
                return None
            found.append(j)
        return tuple(found)


def longest_first(hits: Iterable[Hit[L]]) -> list[Hit[L]]:
    """Non-overlapping hits, chosen left to right, the longest at each place."""
    chosen: list[Hit[L]] = []
    end = -1
    for hit in sorted(hits, key=lambda h: (h.first, -(h.last - h.first))):
        if hit.first > end:
            chosen.append(hit)
            end = hit.last
    return chosen
