"""The one text-understanding layer: every free-text field (a location, a symptom, a condition,
a FHIR code's text) is read here into mentions of the knowledge's concepts, with their ConText
modifiers, quantities, typo corrections and the words that could not be read.

It sits between the knowledge and the engine: it is compiled from the knowledge when a
Recommender is built, and the engine decides what the mentions mean.
"""

from rehabgraph.suggest import close_matches
from rehabgraph.text.reader import Correction, Mention, Reader, Reading

__all__ = ["Correction", "Mention", "Reader", "Reading", "close_matches"]
