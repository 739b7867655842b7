"""What a Recommender compiles from a knowledge base: built once per knowledge base, and kept
with it in the load cache, so a fresh process takes the tables as they are."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from rehabgraph import _progress
from rehabgraph._log import get_logger
from rehabgraph.api.answers import AnswerWriter
from rehabgraph.api.pieces import AnswerPieces
from rehabgraph.api.reading import ReportReader
from rehabgraph.engine import (
    Adapter,
    CompiledRules,
    Doser,
    LocationResolver,
    SafetyIndex,
    compile_rules,
)
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.bulk import collector_paused
from rehabgraph.text.reader import Reader

__all__ = ["RecommenderParts"]

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RecommenderParts:
    """The text reader, resolver, screening index, compiled rules and answer pieces."""

    reader: Reader
    resolver: LocationResolver
    safety: SafetyIndex
    adapter: Adapter
    doser: Doser
    compiled: CompiledRules
    pieces: AnswerPieces
    reading: ReportReader
    writer: AnswerWriter
    # exercise -> the zones whose rules reach it (for why_not)
    reached_from: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, kb: KnowledgeBase) -> RecommenderParts:
        """The parts for ``kb``: compiled once, then kept with it (and in its cache entry)."""
        return kb.prepare("recommender", lambda: cls.build(kb))

    @classmethod
    def build(cls, kb: KnowledgeBase) -> RecommenderParts:
        k = kb.knowledge
        start = time.perf_counter()
        stage, steps = "compiling", 4
        _progress.report(stage, 0, steps)
        with collector_paused():  # many small objects, no cycles
            reader = Reader.from_knowledge(k)
            resolver = LocationResolver.from_knowledge(k, reader)
            _progress.report(stage, 1, steps)
            safety = SafetyIndex.from_knowledge(k)
            adapter = Adapter(k)
            doser = Doser(k, adapter.easier_of, adapter.harder_of)
            _progress.report(stage, 2, steps)
            compiled = compile_rules(kb)
            _progress.report(stage, 3, steps)
            pieces = AnswerPieces.build(kb, compiled)
            reached: dict[str, set[str]] = {}
            for zone, matches in compiled.from_zone.items():
                for m in matches:
                    reached.setdefault(m.exercise, set()).add(zone)
            parts = cls(
                reader=reader,
                resolver=resolver,
                safety=safety,
                adapter=adapter,
                doser=doser,
                compiled=compiled,
                pieces=pieces,
                reading=ReportReader.build(k, reader, resolver, pieces),
                writer=AnswerWriter(k, pieces, safety),
                reached_from={e: tuple(sorted(z)) for e, z in reached.items()},
            )
        _progress.report(stage, 4, steps)
        log.debug(
            "compiled %d rules over %d zones of %s in %.0f ms",
            len(k.rules),
            len(k.zones),
            kb.version,
            (time.perf_counter() - start) * 1000,
        )
        return parts
