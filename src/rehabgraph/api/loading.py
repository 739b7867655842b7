"""Finding and loading knowledge folders, the bundled one included."""

from __future__ import annotations

import functools
from importlib import resources
from os import PathLike
from pathlib import Path

from rehabgraph.graph.base import KnowledgeBase

__all__ = ["bundled_knowledge_path", "load_knowledge"]


def bundled_knowledge_path() -> Path:
    """Where the knowledge shipped with rehabgraph lives.

    In an installed wheel it sits inside the package; in a source checkout, at the top of the
    repository.
    """
    packaged = Path(str(resources.files("rehabgraph"))) / "bundled_knowledge"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "knowledge"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled knowledge not found at {packaged} or {checkout}")


def load_knowledge(path: str | PathLike[str] | None = None) -> KnowledgeBase:
    """Load a knowledge folder (None: the bundled knowledge) into a read-only KnowledgeBase.

    Raises :class:`rehabgraph.KnowledgeError` naming the file, entry and problem.

    >>> kb = load_knowledge()
    >>> "vmo-step-down" in kb.knowledge.exercises
    True
    """
    if path is None:
        return _bundled()
    return KnowledgeBase.from_folder(Path(path))


@functools.cache
def _bundled() -> KnowledgeBase:
    return KnowledgeBase.from_folder(bundled_knowledge_path())
