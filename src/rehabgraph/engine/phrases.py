"""Finding known phrases inside what a person typed: longest match first, left to right."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["PhraseIndex"]

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """Phrase keys (token tuples) mapped to the ids they name, indexed by first token.

    Built once when the knowledge loads; a lookup costs time in the length of the text.
    """

    by_first: Mapping[str, tuple[tuple[Key, tuple[str, ...]], ...]]

    @classmethod
    def build(cls, pairs: Iterable[tuple[Key, str]]) -> PhraseIndex:
        table: dict[Key, list[str]] = {}
        for key, value in pairs:
            if key and value not in table.setdefault(key, []):
                table[key].append(value)
        first: dict[str, list[tuple[Key, tuple[str, ...]]]] = {}
        for key, values in table.items():
            first.setdefault(key[0], []).append((key, tuple(values)))
        return cls(
            MappingProxyType(
                {t: tuple(sorted(v, key=lambda kv: (-len(kv[0]), kv[0]))) for t, v in first.items()}
            )
        )

    def scan(self, tokens: Key) -> tuple[list[tuple[str, ...]], list[str]]:
        """The ids of each phrase found, in order, and the tokens that matched nothing."""
        found: list[tuple[str, ...]] = []
        unmatched: list[str] = []
        i = 0
        while i < len(tokens):
            for key, values in self.by_first.get(tokens[i], ()):
                if tokens[i : i + len(key)] == key:
                    found.append(values)
                    i += len(key)
                    break
            else:
                unmatched.append(tokens[i])
                i += 1
        return found, unmatched
