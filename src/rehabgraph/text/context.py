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

from rehabgraph.knowledge.models import ContextCategory, ContextLexicon
from rehabgraph.text.match import Hit, PhraseTable, Token

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


@dataclass(frozen=True, slots=True)
class ContextRules:
    triggers: PhraseTable[tuple[ContextCategory, str]]
    pseudo: PhraseTable[bool]
    terminators: PhraseTable[tuple[ContextCategory, ...]]
    max_scope: int
    words: frozenset[str]  # every stem of every trigger and terminator

    @classmethod
    def build(cls, lexicon: ContextLexicon | None, fold: Fold) -> ContextRules:
        if lexicon is None:
            return cls(
                PhraseTable.build(()), PhraseTable.build(()), PhraseTable.build(()), 8, frozenset()
            )
        triggers = [(fold(t.phrase), (t.category, t.direction)) for t in lexicon.triggers]
        terms = [(fold(t.phrase), tuple(t.categories) or _ALL) for t in lexicon.terminators]
        # words that are read on their own: one-word triggers and terminators ("no", "but");
        # the words of a longer one ("runs in the family") are read only where it is found
        words = frozenset(stems[0] for stems, _ in [*triggers, *terms] if len(stems) == 1)
        return cls(
            PhraseTable.build(triggers),
            PhraseTable.build((fold(p), True) for p in lexicon.pseudo),
            PhraseTable.build(terms),
            lexicon.max_scope,
            words,
        )

    def modifiers(
        self, tokens: Sequence[Token]
    ) -> tuple[list[Modifier], list[Hit[tuple[ContextCategory, ...]]]]:
        """The triggers in the tokens (those inside a pseudo-trigger dropped), and the
        terminators."""
        pseudo = [(h.first, h.last) for h in self.pseudo.find(tokens)]
        found: list[Modifier] = []
        for hit in self.triggers.find(tokens):
            if any(a <= hit.first and hit.last <= b for a, b in pseudo):
                continue
            for category, direction in hit.labels:
                found.append(Modifier(category, direction, hit.first, hit.last))
        return found, self.terminators.find(tokens)

    def apply(
        self,
        tokens: Sequence[Token],
        first: int,
        last: int,
        modifiers: Sequence[Modifier],
        terminators: Sequence[Hit[tuple[ContextCategory, ...]]],
    ) -> frozenset[ContextCategory]:
        """The categories whose triggers reach the mention covering tokens first..last."""
        out: set[ContextCategory] = set()
        for m in modifiers:
            if m.category in out or (m.first <= last and first <= m.last):
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
        terminators: Sequence[Hit[tuple[ContextCategory, ...]]],
    ) -> bool:
        """Whether nothing between tokens a and b (exclusive) stops a trigger's reach."""
        words = 0
        for t in tokens[a:b]:
            if t.brk:
                return False
            words += 1
        if words > self.max_scope:
            return False
        return not any(a <= h.first and h.last < b and category in h.labels[0] for h in terminators)
