"""Text as a person reads it."""

from __future__ import annotations

__all__ = ["one_line"]


def one_line(text: str) -> str:
    """Text as one line with single spaces: YAML's folded blocks, as a person reads them."""
    return " ".join(text.split())
