"""A cache of loaded knowledge, so a fresh process does not parse and check the same YAML again.

Loading a knowledge folder parses its YAML and validates every entry: most of a cold start.
The result (the Knowledge, and what a Recommender compiles from it once one has; not the graph,
which is built again on first use) is kept as a pickle in the user's cache folder,
named by a hash of everything the load depends on: the content and place of every file read,
the size limit, the modules of rehabgraph's layers (by time and size, as .pyc files are), and
the versions of rehabgraph, Python, pydantic and PyYAML. A changed file is a different hash, so
the cache is never stale; an unreadable or broken entry is rebuilt.

Where: ``$REHABGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/rehabgraph``, else
``~/.cache/rehabgraph``. ``REHABGRAPH_CACHE=off`` turns it off. Like ``.pyc`` files, the cache
is trusted: it holds only what rehabgraph wrote, but reading a pickle can run code, so the folder
must be one only you can write to. The newest ``KEEP`` entries are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, TypeVar

from rehabgraph._log import get_logger

__all__ = ["cache_folder", "cached", "dump", "rewrite"]

T = TypeVar("T")
_FORMAT = 3
# the layers whose code shapes what an entry holds: the knowledge base, and what a Recommender
# compiles from it (kept in the same entry, so a fresh process need not compile it again)
_LAYERS = ("knowledge", "graph", "text", "engine", "api")
KEEP = 16  # entries kept; older ones are removed when a new one is written
log = get_logger(__name__)


def cache_folder() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    if os.environ.get("REHABGRAPH_CACHE", "").lower() in {"0", "off", "no", "false"}:
        return None
    explicit = os.environ.get("REHABGRAPH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rehabgraph"


def _versions() -> str:
    """The versions the cached objects' layout depends on (module attributes: no metadata scan).
    networkx is not one: no graph is kept, and a cache hit does not import it."""
    import pydantic
    import pydantic_core
    import yaml

    from rehabgraph._version import __version__

    return (
        f"rehabgraph={__version__}|pydantic={pydantic.VERSION}|"
        f"pydantic-core={pydantic_core.__version__}|pyyaml={yaml.__version__}"
    )


def _code() -> bytes:
    """What identifies the code that shapes a loaded knowledge base (the layers in _LAYERS): a
    checkout changed without a version bump must not read an old pickle. Each module's name,
    modification time and size, as Python's own ``.pyc`` check has it (reading and hashing
    their source cost a few milliseconds of every start); the knowledge files are hashed whole.
    """
    package = Path(__file__).resolve().parents[1]
    parts = []
    for layer in _LAYERS:
        for path in sorted((package / layer).glob("*.py")):
            stat = path.stat()
            parts.append(f"{layer}/{path.name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return b"\0".join(parts)


def _key(folders: Sequence[Path], salt: str) -> str | None:
    digest = hashlib.sha256(f"{_FORMAT}|{salt}|{sys.version}|{_versions()}".encode())
    try:
        digest.update(_code())
    except OSError:  # no source to read (a frozen application): no cache
        return None
    for folder in folders:
        digest.update(f"|{folder.resolve()}".encode())
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"})
            for path in files:
                digest.update(f"|{path.name}|".encode())
                digest.update(path.read_bytes())
        except OSError:
            return None  # the load itself will say what is wrong
    return digest.hexdigest()


def cached(folders: Sequence[Path], salt: str, build: Callable[[], T]) -> tuple[T, Path | None]:
    """``build()``, or what it returned before for the same files; ``salt`` names the options.
    Also returns the entry it is kept in (None when the cache is off or cannot be used), for
    :func:`rewrite`."""
    where = cache_folder()
    key = _key(folders, salt) if where is not None else None
    if where is None or key is None:
        log.debug("load cache %s", "off" if where is None else "unused: a file cannot be read")
        return build(), None
    entry = where / f"knowledge-{key}.pickle"
    with contextlib.suppress(Exception):  # missing, unreadable or from a broken write: rebuild
        with entry.open("rb") as f:
            # only our own pickles: the folder is made 0700, yours alone (README, "Loading and
            # speed")
            value: T = pickle.load(f)  # noqa: S301
        log.debug("load cache hit: %s", entry)
        return value, entry
    log.debug("load cache miss: %s", entry)
    value = build()
    rewrite(entry, value)
    return value, entry


def rewrite(entry: Path, value: object) -> None:
    """Keep ``value`` in ``entry``, whole or not at all (a read-only home just does without)."""
    where = entry.parent
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError):
        where.mkdir(mode=0o700, parents=True, exist_ok=True)  # yours alone
        handle, name = tempfile.mkstemp(dir=where, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as f:
                dump(value, f)
            Path(name).replace(entry)  # whole or not at all, even with another process racing
            log.debug("load cache written: %s", entry)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        _evict(where)


def dump(value: object, file: BinaryIO) -> None:
    """Pickle ``value`` as the cache keeps it (read-only mappings included)."""
    _Pickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(value)


class _Pickler(pickle.Pickler):
    """Pickles the read-only mappings compiled tables hold (``types.MappingProxyType``)."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is MappingProxyType:
            return _read_only, (dict(obj),)
        return NotImplemented


def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _evict(where: Path) -> None:
    """Keep the KEEP most recently written entries: edited knowledge leaves old ones behind."""
    entries = sorted(where.glob("knowledge-*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)
