"""The rule engine: resolve locations, look up compiled rule matches, score and order a plan."""

from rehabgraph.engine.adapt import Adapter, Exclusion, Feedback, Move, Swap
from rehabgraph.engine.compile import CompiledRules, EdgeRef, Match, compile_rules
from rehabgraph.engine.dose import Doser, Session, Step
from rehabgraph.engine.plan import Plan, PlannedItem, SiteZones, combine_sides, plan
from rehabgraph.engine.resolve import LocationResolver, Resolution
from rehabgraph.engine.safety import SafetyIndex, Screening

__all__ = [
    "Adapter",
    "CompiledRules",
    "Doser",
    "EdgeRef",
    "Exclusion",
    "Feedback",
    "LocationResolver",
    "Match",
    "Move",
    "Plan",
    "PlannedItem",
    "Resolution",
    "SafetyIndex",
    "Screening",
    "Session",
    "SiteZones",
    "Step",
    "Swap",
    "combine_sides",
    "compile_rules",
    "plan",
]
