"""What a text says, as read: the mentions of the knowledge's concepts (with their words, span,
ConText modifiers and time), the corrections made, and the words that could not be read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from rehabgraph.knowledge.models import ContextCategory
from rehabgraph.text.quantities import Quantity

__all__ = ["Correction", "Kind", "Mention", "Reading"]

Kind = Literal["zone", "flag", "condition"]


@dataclass(frozen=True, slots=True)
class Correction:
    """A word read as another: what the person typed, and the knowledge's word it was read as."""

    said: str
    read_as: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept found in a text: a zone, a red flag or a condition, with the words that named
    it, their span in the text, the ConText modifiers that apply, and when it happened (days
    before the report, nearest and farthest) when the text says."""

    kind: Kind
    id: str
    said: str
    start: int
    end: int
    modifiers: frozenset[ContextCategory] = frozenset()
    when: tuple[float, float] | None = None
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    """What one text says, as far as the knowledge can read it."""

    text: str
    mentions: tuple[Mention, ...]
    sides: frozenset[str]
    quantities: tuple[Quantity, ...]
    unread: tuple[str, ...]
    content: tuple[str, ...]  # the words that are not filler, glue or side words
    body_parts: tuple[str, ...]  # body-part words named (covered by a zone or not)
    by_kind: Mapping[str, tuple[Mention, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        kinds: dict[str, list[Mention]] = {"zone": [], "flag": [], "condition": []}
        for m in self.mentions:
            kinds[m.kind].append(m)
        object.__setattr__(self, "by_kind", {k: tuple(v) for k, v in kinds.items()})

    def of(self, kind: Kind) -> tuple[Mention, ...]:
        """The mentions of one kind: zones, flags or conditions."""
        return self.by_kind[kind]

    @property
    def corrections(self) -> tuple[Correction, ...]:
        return tuple(dict.fromkeys(c for m in self.mentions for c in m.corrections))

    @property
    def ages(self) -> tuple[int, ...]:
        return tuple(int(q.value) for q in self.quantities if q.kind == "age")
