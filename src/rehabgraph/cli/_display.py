"""What the command line shows on stderr besides its answer: log lines (``-v``) and progress bars.

Progress bars need tqdm (``pip install "rehabgraph[progress]"``); without it a command runs the
same, with no bar.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import Any

from rehabgraph import _progress

__all__ = ["progress_bars", "verbose_logging"]

_DELAY_S = 0.5  # unasked, a stage's bar shows only once the stage has taken this long
_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}]"


@contextlib.contextmanager
def verbose_logging(verbosity: int) -> Iterator[None]:
    """Show rehabgraph's log on stderr while the command runs: INFO for ``-v``, DEBUG for
    ``-vv``; nothing for 0. The logger is as it was afterwards."""
    if verbosity <= 0:
        yield
        return
    logger = logging.getLogger("rehabgraph")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbosity == 1 else logging.DEBUG)
    logger.propagate = False  # once, even when the application logs to the root logger too
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class _Bars:
    """One bar per stage of the work, on stderr, left on screen with the time it took."""

    def __init__(self, tqdm: Any, delay: float) -> None:
        self._tqdm = tqdm
        self._delay = delay
        self._bar: Any = None
        self._stage: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bar is None or stage != self._stage or done < self._bar.n:
            self.close()
            self._stage = stage
            self._bar = self._tqdm(
                total=total,
                desc=stage,
                file=sys.stderr,
                delay=self._delay,
                leave=True,
                bar_format=_FORMAT,
                dynamic_ncols=True,
            )
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextlib.contextmanager
def progress_bars(*, wanted: bool | None) -> Iterator[None]:
    """Bars for the work done inside the block: when ``wanted`` (``--progress``), or, when it
    is None, when stderr is a terminal and the stage takes a while; never for False."""
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        yield
        return
    try:
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm
    except ImportError:
        if wanted:
            sys.stderr.write(
                'rehabgraph: no progress bar: it needs tqdm (pip install "rehabgraph[progress]")\n'
            )
        yield
        return
    bars = _Bars(tqdm, 0.0 if wanted else _DELAY_S)
    try:
        # -v's log lines are written above the bar, not into it
        with logging_redirect_tqdm([logging.getLogger("rehabgraph")]), _progress.listening(bars):
            yield
    finally:
        bars.close()
