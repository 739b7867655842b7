"""The validated content of a knowledge folder, as plain immutable data.

Each attribute read from a knowledge file declares it: ``File(name, model)`` for the entries of
the model's list of the same name, ``File(name)`` for a whole file. The registry
(``registry.py``), and through it the layers, the loader, the checks, the JSON Schemas and the
graph, is read off these declarations, in this order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from rehabgraph.knowledge.dosing_models import DosingFile
from rehabgraph.knowledge.fields import File
from rehabgraph.knowledge.models import (
    Adaptation,
    Condition,
    ContextLexicon,
    DifficultiesFile,
    Difficulty,
    Equipment,
    EquipmentFile,
    Exercise,
    ExercisesFile,
    Guideline,
    GuidelineRecommendation,
    GuidelinesFile,
    Imbalance,
    ImbalancesFile,
    Lexicon,
    Manifest,
    Muscle,
    MusclesFile,
    Pose,
    PosesFile,
    Principle,
    PrinciplesFile,
    Referral,
    ReferralsFile,
    RegionReach,
    RegionsFile,
    Rule,
    RulesFile,
    SafetyFile,
    Scoring,
    ScreeningQuestion,
    Source,
    SourcesFile,
    Zone,
    ZonesFile,
)
from rehabgraph.knowledge.problem_models import ProblemCode, ProblemsFile

__all__ = ["Knowledge"]


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything a knowledge folder says, cross-checked: every reference resolves.

    Entries others refer to (their model has an ``entry_kind``) are a read-only mapping by id;
    others are a tuple.
    """

    path: Path
    manifest: Annotated[Manifest, File("manifest.yaml", layered=False)]
    sources: Annotated[Mapping[str, Source], File("sources.yaml", SourcesFile)]
    zones: Annotated[Mapping[str, Zone], File("zones.yaml", ZonesFile, node=True)]
    muscles: Annotated[Mapping[str, Muscle], File("muscles.yaml", MusclesFile, node=True)]
    referrals: Annotated[tuple[Referral, ...], File("referrals.yaml", ReferralsFile)]
    imbalances: Annotated[
        Mapping[str, Imbalance], File("imbalances.yaml", ImbalancesFile, node=True)
    ]
    exercises: Annotated[Mapping[str, Exercise], File("exercises.yaml", ExercisesFile, node=True)]
    regions: Annotated[tuple[RegionReach, ...], File("regions.yaml", RegionsFile, optional=True)]
    principles: Annotated[Mapping[str, Principle], File("principles.yaml", PrinciplesFile)]
    rules: Annotated[tuple[Rule, ...], File("rules.yaml", RulesFile)]
    scoring: Scoring  # rules.yaml's scoring policy
    lexicon: Annotated[Lexicon, File("lexicon.yaml", words=True)]
    # the ConText lexicon
    context: Annotated[ContextLexicon | None, File("context.yaml", layered=False)]
    questions: Annotated[
        Mapping[str, ScreeningQuestion], File("safety.yaml", SafetyFile, each=True)
    ]
    conditions: Annotated[
        Mapping[str, Condition], File("safety.yaml", SafetyFile, node=True, each=True)
    ]
    adaptation: Adaptation  # the rest of safety.yaml
    guidelines: Annotated[
        Mapping[str, Guideline], File("guidelines.yaml", GuidelinesFile, each=True, optional=True)
    ]
    recommendations: Annotated[
        Mapping[str, GuidelineRecommendation],
        File("guidelines.yaml", GuidelinesFile, node=True, each=True, optional=True),
    ]
    notice: str
    notice_sources: tuple[str, ...]
    dosing: Annotated[DosingFile, File("dosing.yaml", layered=False, optional=True)]
    problems: Annotated[tuple[ProblemCode, ...], File("problems.yaml", ProblemsFile, optional=True)]
    # an exercise's detail: what it needs, how hard it is, its stick figure
    equipment: Annotated[
        Mapping[str, Equipment], File("equipment.yaml", EquipmentFile, optional=True)
    ]
    difficulties: Annotated[
        Mapping[str, Difficulty], File("difficulties.yaml", DifficultiesFile, optional=True)
    ]
    poses: Annotated[Mapping[str, Pose], File("poses.yaml", PosesFile, optional=True)]
    packs: tuple[str, ...] = ()

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
