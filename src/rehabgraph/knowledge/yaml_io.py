"""Reading YAML the safe way: no tags, no aliases or anchors, bounded size and depth.

Knowledge files are written by people and may come from anywhere (a knowledge pack), so the
reader refuses what a data file never needs and a hostile file could abuse (alias bombs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.error import MarkedYAMLError
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import Node

from rehabgraph.errors import KnowledgeError

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "read_yaml"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that also refuses anchors, aliases and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise MarkedYAMLError(
                problem=f"aliases (*{event.anchor}) are not allowed in knowledge files",
                problem_mark=event.start_mark,  # type: ignore[arg-type]
            )
        if isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor is not None:
            raise MarkedYAMLError(
                problem=f"anchors (&{event.anchor}) are not allowed in knowledge files",
                problem_mark=event.start_mark,  # type: ignore[arg-type]
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise MarkedYAMLError(
                    problem=f"nesting deeper than {MAX_DEPTH} levels",
                    problem_mark=event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(path: Path, display_name: str) -> Any:
    """Parse one YAML file; any problem becomes a KnowledgeError naming the file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KnowledgeError.single(
            display_name, "(file)", f"cannot read: {exc.strerror}"
        ) from None
    if size > MAX_FILE_BYTES:
        raise KnowledgeError.single(
            display_name, "(file)", f"is {size} bytes, above the limit of {MAX_FILE_BYTES}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError.single(
            display_name, "(file)", f"cannot read as UTF-8: {exc}"
        ) from None
    try:
        loader = _StrictLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeError.single(display_name, where, f"invalid YAML: {problem}") from None
    except RecursionError:
        raise KnowledgeError.single(display_name, "(file)", "nesting too deep") from None
