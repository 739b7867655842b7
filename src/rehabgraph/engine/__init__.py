"""The rule engine: resolve locations, look up compiled rule matches, score and order a plan."""

from rehabgraph.engine.compile import CompiledRules, EdgeRef, Match, compile_rules
from rehabgraph.engine.plan import PlannedItem, SiteZones, combine_sides, plan
from rehabgraph.engine.resolve import LocationResolver, Resolution

__all__ = [
    "CompiledRules",
    "EdgeRef",
    "LocationResolver",
    "Match",
    "PlannedItem",
    "Resolution",
    "SiteZones",
    "combine_sides",
    "compile_rules",
    "plan",
]
