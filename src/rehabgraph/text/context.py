"""ConText (Harkema et al., J Biomed Inform 2009): is a mention negated, in the past, about
someone else, hypothetical or uncertain?

Trigger terms, pseudo-triggers, terminators and the longest reach are data
(``knowledge/context.yaml``). A trigger modifies the mentions within its reach in
its direction, up to a sentence break, a terminator ("but") or ``max_scope`` words; a
pseudo-trigger ("not only") hides the trigger inside it; a trigger never modifies a mention it
overlaps ("history of cancer" is the mention itself).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rehabgraph.knowledge.models import ContextCategory, ContextLexicon
from rehabgraph.text.match import Hit, Token

__all__ = ["ContextRules", "Modifier"]

Fold = Callable[[str], tuple[str, ...]]
_ALL: tuple[ContextCategory, ...] = ("negated", "historical", "family", "hypothetical", "uncertain")


@dataclass(frozen=True, slots=True)
class Modifier:
    """A trigger found in a text: its category and direction, and the tokens it covers."""

    category: ContextCategory
    direction: str
    first: int
    last: int


# what an exact-match label holds for ConText: a trigger, a pseudo-trigger or a terminator
ContextLabel = (
    tuple[Literal["trigger"], tuple[ContextCategory, str]]
    | tuple[Literal["pseudo"], None]
    | tuple[Literal["terminator"], tuple[ContextCategory, ...]]
)
Terminator = tuple[int, int, tuple[ContextCategory, ...]]  # first token, last token, categories


@dataclass(frozen=True, slots=True)
class ContextRules:
    """The lexicon, folded: phrases for the reader's exact-match table, and the reach."""

    phrases: tuple[tuple[tuple[str, ...], ContextLabel], ...]
    max_scope: int
    words: frozenset[str]  # words read on their own: one-word triggers and terminators

    @classmethod
    def build(cls, lexicon: ContextLexicon | None, fold: Fold) -> ContextRules:
        if lexicon is None:
            return cls((), 8, frozenset())
        phrases: list[tuple[tuple[str, ...], ContextLabel]] = []
        phrases += [
            (fold(t.phrase), ("trigger", (t.category, t.direction))) for t in lexicon.triggers
        ]
        phrases += [(fold(p), ("pseudo", None)) for p in lexicon.pseudo]
        phrases += [
            (fold(t.phrase), ("terminator", tuple(t.categories) or _ALL))
            for t in lexicon.terminators
        ]
        # words that are read on their own: one-word triggers and terminators ("no", "but");
        # the words of a longer one ("runs in the family") are read only where it is found
        words = frozenset(
            stems[0] for stems, label in phrases if len(stems) == 1 and label[0] != "pseudo"
        )
        return cls(tuple(phrases), lexicon.max_scope, words)

    @staticmethod
    def modifiers(
        hits: Sequence[Hit[Any]],
    ) -> tuple[list[Modifier], list[Terminator]]:
        """The triggers among the exact-match hits (those inside a pseudo-trigger dropped),
        and the terminators."""
        pseudo: list[tuple[int, int]] = []
        triggers: list[tuple[int, int, tuple[ContextCategory, str]]] = []
        terminators: list[Terminator] = []
        for hit in hits:
            for kind, value in hit.labels:
                if kind == "pseudo":
                    pseudo.append((hit.first, hit.last))
                elif kind == "trigger":
                    triggers.append((hit.first, hit.last, value))
                elif kind == "terminator":
                    terminators.append((hit.first, hit.last, value))
        found = [
            Modifier(category, direction, first, last)
            for first, last, (category, direction) in triggers
            if not any(a <= first and last <= b for a, b in pseudo)
        ]
        return found, terminators

    def apply(
        self,
        tokens: Sequence[Token],
        span: tuple[int, int],
        modifiers: Sequence[Modifier],
        terminators: Sequence[Terminator],
        used: frozenset[int] = frozenset(),
    ) -> frozenset[ContextCategory]:
        """The categories whose triggers reach the mention covering tokens ``span`` (first,
        last).

        A trigger that is one of the mention's own words never modifies it ("history of cancer",
        "can't pee"); one between its words does ("my calf isn't swollen", a pattern's words
        standing apart).
        """
        first, last = span
        out: set[ContextCategory] = set()
        for m in modifiers:
            if m.category in out:
                continue
            if m.first <= last and first <= m.last:  # overlaps the mention's span
                inside = first < m.first and m.last < last
                if inside and not any(i in used for i in range(m.first, m.last + 1)):
                    out.add(m.category)
                continue
            if m.last < first and m.direction in ("forward", "both"):
                if self._reaches(tokens, m.last + 1, first, m.category, terminators):
                    out.add(m.category)
            elif (
                last < m.first
                and m.direction in ("backward", "both")
                and self._reaches(tokens, last + 1, m.first, m.category, terminators)
            ):
                out.add(m.category)
        return frozenset(out)

    def _reaches(
        self,
        tokens: Sequence[Token],
        a: int,
        b: int,
        category: ContextCategory,
        terminators: Sequence[Terminator],
    ) -> bool:
        """Whether nothing between tokens a and b (exclusive) stops a trigger's reach."""
        words = 0
        for t in tokens[a:b]:
            if t.brk:
                return False
            words += 1
        if words > self.max_scope:
            return False
        return not any(
            a <= first and last < b and category in cats for first, last, cats in terminators
        )
