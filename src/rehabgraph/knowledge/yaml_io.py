"""Reading YAML the safe way: no tags, no aliases or anchors, bounded size and depth.

Knowledge files are written by people and may come from anywhere (a knowledge pack), so the
reader refuses what a data file never needs and a hostile file could abuse (alias bombs). Objects
are built straight from the parser's events (libyaml's C parser when it is installed, as it
usually is, and PyYAML's own otherwise), each checked before anything is built from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

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


def _build(text: str) -> Any:
    """The text's one document as plain objects, built from libyaml's events in one pass.

    Aliases, anchors, tags, merge keys and deep nesting are refused as they are met, before
    anything is built from them. Scalars resolve as PyYAML's safe loader resolves them (the same
    resolver and constructors), so the objects are the ones ``yaml.safe_load`` gives, at a
    fraction of its cost: its constructor walks a node tree in Python, this walks the events.
    """
    stack: list[tuple[dict[Any, Any] | list[Any], list[Any]]] = []  # (container, pending key)
    documents: list[Any] = []
    event: Any
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is ScalarEvent:
            value = _scalar(event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            _opening(event, len(stack))
            stack.append(({} if kind is MappingStartEvent else [], []))
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is AliasEvent:
            raise _RefusedError(
                f"aliases (*{event.anchor}) are not allowed in knowledge files", _line(event)
            )
        else:  # the stream's and documents' starts and ends
            continue
        if stack:
            _put(stack[-1], value, event)
        else:
            documents.append(value)
    if len(documents) > 1:
        raise _RefusedError("a knowledge file holds one YAML document, not several", None)
    return documents[0] if documents else None


def _opening(event: Any, depth: int) -> None:
    """A mapping or list may open: no anchor, no tag, not too deep."""
    _plain(event)
    if depth >= MAX_DEPTH:
        raise _RefusedError(f"nesting deeper than {MAX_DEPTH} levels", _line(event))


def _put(top: tuple[dict[Any, Any] | list[Any], list[Any]], value: Any, event: Any) -> None:
    """Add a value to the open list, or to the open mapping as a key or as the value of the
    pending key (a key repeated keeps its last value, as PyYAML's loader does)."""
    into, key = top
    if type(into) is list:
        into.append(value)
    elif key:
        into[key.pop()] = value
    elif isinstance(value, dict | list):
        raise _RefusedError("a key must be a plain value, not a list or mapping", _line(event))
    else:
        key.append(value)


_ANCHOR = "anchors (&{}) are not allowed in knowledge files"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_RESOLVER: Any = yaml.resolver.Resolver()  # PyYAML's resolver is untyped
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _line(event: Any) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


def _plain(event: Any) -> None:
    """Refuse an anchor or an explicit tag (``!`` alone, the non-specific tag, is no tag)."""
    if event.anchor is not None:
        raise _RefusedError(_ANCHOR.format(event.anchor), _line(event))
    if event.tag is not None and event.tag != "!":
        raise _RefusedError(f"tags ({event.tag}) are not allowed in knowledge files", _line(event))


def _scalar(event: Any) -> Any:
    """A scalar as the safe loader resolves it: quoted text is text; a plain scalar may be a
    number, a boolean, null or a date."""
    _plain(event)
    if not event.implicit[0]:  # quoted, literal or folded: text
        return event.value
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _STR:
        return event.value
    if tag == _MERGE:
        raise _RefusedError("merge keys (<<) are not allowed in knowledge files", _line(event))
    return _CONSTRUCTOR.construct_object(yaml.ScalarNode(tag, event.value))


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
        return _build(text)
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
