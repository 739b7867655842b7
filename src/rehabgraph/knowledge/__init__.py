"""Knowledge as data: the pydantic models of the YAML files and the loader that checks them."""

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.loader import read_knowledge
from rehabgraph.knowledge.models import Dosage, Exercise, Imbalance, Muscle, Rule, Source, Zone

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
