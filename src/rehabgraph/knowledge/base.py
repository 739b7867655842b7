"""The validated content of a knowledge folder, as plain immutable data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rehabgraph.knowledge.models import (
    Adaptation,
    Condition,
    ContextLexicon,
    Exercise,
    Imbalance,
    Lexicon,
    Manifest,
    Muscle,
    Principle,
    Referral,
    Rule,
    Scoring,
    ScreeningQuestion,
    Source,
    Zone,
)

__all__ = ["Knowledge"]


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything a knowledge folder says, cross-checked: every reference resolves."""

    path: Path
    manifest: Manifest
    sources: Mapping[str, Source]
    zones: Mapping[str, Zone]
    muscles: Mapping[str, Muscle]
    referrals: tuple[Referral, ...]
    imbalances: Mapping[str, Imbalance]
    exercises: Mapping[str, Exercise]
    principles: Mapping[str, Principle]
    rules: tuple[Rule, ...]
    scoring: Scoring
    lexicon: Lexicon
    questions: Mapping[str, ScreeningQuestion]
    conditions: Mapping[str, Condition]
    adaptation: Adaptation
    notice: str
    notice_sources: tuple[str, ...]
    packs: tuple[str, ...] = ()
    context: ContextLexicon | None = None  # the ConText lexicon (context.yaml)

    @property
    def version(self) -> str:
        """``name@version`` of the base, then ``+name@version`` for each pack layered on it."""
        return "+".join((f"{self.manifest.name}@{self.manifest.version}", *self.packs))

    def __reduce__(self) -> tuple[Any, tuple[tuple[Any, ...]]]:
        """Picklable (for the load cache): read-only mappings travel as dicts."""
        values = tuple(
            dict(v) if isinstance(v, MappingProxyType) else v
            for v in (getattr(self, f.name) for f in fields(self))
        )
        return _from_values, (values,)


def _from_values(values: tuple[Any, ...]) -> Knowledge:
    args: list[Any] = [MappingProxyType(v) if isinstance(v, dict) else v for v in values]
    return Knowledge(*args)
