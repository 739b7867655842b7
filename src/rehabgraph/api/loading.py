"""Finding and loading knowledge folders, the bundled one included."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.yaml_io import MAX_FILE_BYTES

__all__ = ["bundled_knowledge_path", "load_knowledge"]


def bundled_knowledge_path() -> Path:
    """Where the knowledge shipped with rehabgraph lives.

    In an installed wheel it sits inside the package; in a source checkout, at the top of the
    repository.
    """
    # beside the package's modules (not importlib.resources: 10 ms of imports at every start,
    # and the knowledge must be real files for the load cache to name them anyway)
    packaged = Path(__file__).resolve().parents[1] / "bundled_knowledge"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "knowledge"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled knowledge not found at {packaged} or {checkout}")


def load_knowledge(
    path: str | PathLike[str] | None = None,
    extra: Sequence[str | PathLike[str]] = (),
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> KnowledgeBase:
    """Load a knowledge folder (None: the bundled knowledge) into a read-only KnowledgeBase,
    with the knowledge packs in ``extra`` layered over it in order.

    A pack is a folder with a ``pack.yaml`` (name, version, overrides) and any of the knowledge
    files; its entries extend the base, and replace base entries only where ``overrides`` says
    so. Raises :class:`rehabgraph.KnowledgeError` naming the file, entry and problem.

    A file above ``max_file_bytes`` (2 MiB unless raised) is refused unread: knowledge packs
    may come from anywhere. Raise it for a large knowledge base you trust.

    >>> kb = load_knowledge()
    >>> "vmo-step-down" in kb.knowledge.exercises
    True
    """
    if path is None and not extra:
        return _bundled()
    base = bundled_knowledge_path() if path is None else Path(path)
    return KnowledgeBase.from_folder(base, [Path(p) for p in extra], max_file_bytes)


@functools.cache
def _bundled() -> KnowledgeBase:
    return KnowledgeBase.from_folder(bundled_knowledge_path())
