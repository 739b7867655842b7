"""What a long benchmark shows while it runs, on stderr: each phase says what it is doing, then
draws a bar over its steps (tqdm, in the bench extra), and says how long it took. Without tqdm
the phase still says what it does and how long it took, with no bar.

Steps are counted between timings, never inside one: the bar costs the measurements nothing.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, Self

__all__ = ["Phase"]

_FORMAT = "  {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} [{elapsed}<{remaining}]"


class Phase:
    """``with Phase("1/5 per query", total=130, unit="rounds") as phase: ... phase.step()``."""

    def __init__(self, title: str, total: int, unit: str = "steps", *, bar: bool = True) -> None:
        self.title = title
        self._start = time.perf_counter()
        print(f"== {title}", file=sys.stderr, flush=True)
        self._bar: Any = None
        try:
            from tqdm import tqdm
        except ImportError:  # no bar, the phase's lines only
            return
        if not bar:  # its steps draw their own bars (in processes of their own)
            return
        self._bar = tqdm(
            total=total, unit=unit, file=sys.stderr, bar_format=_FORMAT, dynamic_ncols=True
        )

    def step(self, n: int = 1) -> None:
        """``n`` more steps done."""
        if self._bar is not None:
            self._bar.update(n)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()
        if kind is None:
            took = time.perf_counter() - self._start
            print(f"   {self.title}: done in {took:.1f} s", file=sys.stderr, flush=True)
