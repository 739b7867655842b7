"""Knowledge as data: the pydantic models of the YAML files and the loader that checks them."""

from typing import TYPE_CHECKING, Any

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import Dosage, Exercise, Imbalance, Muscle, Rule, Source, Zone

if TYPE_CHECKING:
    from rehabgraph.knowledge.loader import read_knowledge


def __getattr__(name: str) -> Any:
    """The loader is imported on first use: a load served from the cache never needs it."""
    if name == "read_knowledge":
        from rehabgraph.knowledge.loader import read_knowledge

        return read_knowledge
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Dosage",
    "Exercise",
    "Imbalance",
    "Knowledge",
    "Muscle",
    "Rule",
    "Source",
    "Zone",
    "read_knowledge",
]
