"""Reading YAML the safe way: no tags, no aliases or anchors, bounded size and depth.

Knowledge files are written by people and may come from anywhere (a knowledge pack), so the
reader refuses what a data file never needs and a hostile file could abuse (alias bombs). The
event stream is checked first and only then built into objects, with libyaml's C parser when it is
installed (it usually is) and PyYAML's own otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

from rehabgraph.errors import KnowledgeError

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "read_yaml"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _RefusedError(Exception):
    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def _check_events(text: str) -> None:
    """Refuse aliases, anchors and deep nesting before anything is constructed."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, AliasEvent):
            raise _RefusedError(
                f"aliases (*{event.anchor}) are not allowed in knowledge files", line
            )
        if isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor is not None:
            raise _RefusedError(
                f"anchors (&{event.anchor}) are not allowed in knowledge files", line
            )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _RefusedError(f"nesting deeper than {MAX_DEPTH} levels", line)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def read_yaml(path: Path, display_name: str, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse one YAML file; any problem becomes a KnowledgeError naming the file.

    Files above ``max_bytes`` are refused before they are read.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KnowledgeError.single(
            display_name, "(file)", f"cannot read: {exc.strerror}"
        ) from None
    if size > max_bytes:
        raise KnowledgeError.single(
            display_name,
            "(file)",
            f"is {size} bytes, above the limit of {max_bytes} (load_knowledge's max_file_bytes)",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError.single(
            display_name, "(file)", f"cannot read as UTF-8: {exc}"
        ) from None
    try:
        _check_events(text)
        return _construct(text)
    except _RefusedError as exc:
        where = f"line {exc.line}" if exc.line else "(file)"
        raise KnowledgeError.single(display_name, where, f"invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeError.single(display_name, where, f"invalid YAML: {problem}") from None
    except RecursionError:
        raise KnowledgeError.single(display_name, "(file)", "nesting too deep") from None


def _construct(text: str) -> Any:
    """The checked text as objects, built by a safe loader: libyaml's when installed."""
    if _Loader is yaml.SafeLoader:
        return yaml.load(text, Loader=yaml.SafeLoader)
    return yaml.load(text, Loader=yaml.CSafeLoader)
