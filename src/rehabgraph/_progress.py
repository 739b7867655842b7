"""Progress of long work (loading, compiling and linting large knowledge), for whoever shows it.

The work says where it is: ``report(stage, done, total)``, or ``tracked(stage, items)`` around a
loop; nothing happens unless a caller listens with ``listening(callback)``, so a library user pays
one context-variable look-up per step. The command line listens and draws a bar (tqdm) on stderr;
rehabgraph itself draws nothing and depends on no progress library.

>>> seen = []
>>> with listening(lambda stage, done, total: seen.append((stage, done, total))):
...     for _ in tracked("reading", ["a.yaml", "b.yaml"]):
...         pass
>>> seen
[('reading', 0, 2), ('reading', 1, 2), ('reading', 2, 2)]
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import TypeVar

__all__ = ["Listener", "listening", "report", "tracked"]

T = TypeVar("T")

Listener = Callable[[str, int, int], None]
"""Called with the stage's name, the steps done and the stage's total steps."""

_listener: ContextVar[Listener | None] = ContextVar("rehabgraph_progress", default=None)


def report(stage: str, done: int, total: int) -> None:
    """Say that ``done`` of ``total`` steps of ``stage`` are done (0 when it starts)."""
    listener = _listener.get()
    if listener is not None:
        listener(stage, done, total)


def tracked(stage: str, items: Sequence[T]) -> Iterator[T]:
    """The items, reporting each one done after the loop's body has run for it."""
    total = len(items)
    report(stage, 0, total)
    for done, item in enumerate(items, 1):
        yield item
        report(stage, done, total)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send the progress of the work done inside the block (in this thread or task) to
    ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
