"""Building many objects at once without the cyclic garbage collector rescanning them.

Loading knowledge makes hundreds of thousands of small objects (parsed YAML, models, graph
entries) and no cycles worth collecting; each automatic collection would walk all of them again,
which makes a large load several times slower. The collector is paused for the load and
restored after, as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
