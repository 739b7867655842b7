"""Layering knowledge packs over a base folder, before anything is validated.

A pack is a folder with a ``pack.yaml`` and any of the knowledge files. Its entries extend the
base; an entry whose id (or "muscle -> zone" for a referral) the base already has replaces it
only when ``pack.yaml`` lists it under ``overrides``. Every other clash is reported, never
merged silently. Each entry remembers which folder it came from, so problems name the right
file.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rehabgraph import _progress
from rehabgraph.knowledge.models import PackManifest
from rehabgraph.knowledge.registry import FILES, knowledge_file
from rehabgraph.knowledge.yaml_io import MAX_FILE_BYTES, read_yaml

__all__ = ["LIST_FILES", "Layers", "entry_name", "read_layers"]

# file name -> the top-level key holding its list of entries
LIST_FILES: dict[str, str] = {f.name: f.key for f in FILES if f.key is not None}
_LAYERED = tuple(f.name for f in FILES if f.layered)


def entry_name(raw: Any, index: int) -> str:
    """How problems name an entry: its id, "muscle -> zone" for a referral, else its place."""
    if isinstance(raw, dict):
        if isinstance(raw.get("id"), str):
            return str(raw["id"])
        if isinstance(raw.get("muscle"), str) and isinstance(raw.get("zone"), str):
            return f"{raw['muscle']} -> {raw['zone']}"
    return f"#{index + 1}"


@dataclass
class Layers:
    """The merged raw content of every file, and where each entry came from."""

    files: dict[str, Any] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)
    packs: list[PackManifest] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def label(self, file: str, entry: str) -> str:
        return self.origin.get((file, entry), self.origin.get((file, "(file)"), file))


def read_layers(
    base: Path, packs: Sequence[Path] = (), max_file_bytes: int = MAX_FILE_BYTES
) -> Layers:
    """Read the base folder, then each pack over it, in order."""
    layers = Layers()
    names = [
        spec.name
        for spec in sorted(FILES, key=lambda f: f.key is None)  # the list files first
        if spec.base and (base / spec.name).exists()
    ]
    stage, total = "reading YAML", len(names) + len(packs)
    _progress.report(stage, 0, total)
    for done, name in enumerate(names, 1):
        layers.files[name] = read_yaml(base / name, name, max_file_bytes)
        _progress.report(stage, done, total)
    for done, pack in enumerate(packs, len(names) + 1):
        _add_pack(layers, Path(pack), max_file_bytes)
        _progress.report(stage, done, total)
    return layers


@dataclass(frozen=True, slots=True)
class _PackFile:
    """A pack's file being merged: the file it adds to, how problems name it, and the ids (or
    lexicon keys) the pack may replace."""

    file: str
    label: str
    overrides: AbstractSet[str]


def _add_pack(layers: Layers, pack: Path, max_file_bytes: int) -> None:
    manifest = _pack_manifest(layers, pack)
    if manifest is None:
        return
    layers.packs.append(manifest)
    overrides = set(manifest.overrides)
    for file, key in LIST_FILES.items():
        if file in _LAYERED and (pack / file).exists():
            into = _PackFile(file, f"{manifest.name}/{file}", overrides)
            _add_list_file(layers, into, key, read_yaml(pack / file, into.label, max_file_bytes))
    for file in _LAYERED:
        if file not in LIST_FILES and (pack / file).exists():
            into = _PackFile(file, f"{manifest.name}/{file}", overrides)
            raw = read_yaml(pack / file, into.label, max_file_bytes)
            if not isinstance(raw, dict):
                layers.problems.append((into.label, "(file)", "expected a mapping"))
                continue
            base = layers.files.setdefault(file, {})
            if isinstance(base, dict):
                _merge_mapping(layers, into, base, raw)


def _pack_manifest(layers: Layers, pack: Path) -> PackManifest | None:
    """The pack's ``pack.yaml``, or None (and the problem) when it is not a pack."""
    tag = pack.name or str(pack)
    if not pack.is_dir():
        layers.problems.append((str(pack), "(folder)", "is not a folder"))
        return None
    if not (pack / "pack.yaml").exists():
        layers.problems.append(
            (
                f"{tag}/pack.yaml",
                "(file)",
                "missing: a knowledge pack needs a pack.yaml with its name and version",
            )
        )
        return None
    try:
        return PackManifest.model_validate(read_yaml(pack / "pack.yaml", f"{tag}/pack.yaml"))
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            layers.problems.append((f"{tag}/pack.yaml", "(file)", f"{where}: {error['msg']}"))
        return None


def _add_list_file(layers: Layers, into: _PackFile, key: str, raw: Any) -> None:
    """A pack's list file: its entries after the base's."""
    items = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(items, list) or set(raw) != {key}:
        layers.problems.append(
            (into.label, "(file)", f"expected exactly one top-level key '{key}' holding a list")
        )
        return
    base = layers.files.setdefault(into.file, {key: []})
    if not isinstance(base, dict) or not isinstance(base.get(key), list):
        return  # the base file's own problem is reported when it is validated
    _merge_list(layers, into, base[key], items)


def _merge_list(layers: Layers, into: _PackFile, base: list[Any], items: list[Any]) -> None:
    file, label = into.file, into.label
    names = {entry_name(item, i): i for i, item in enumerate(base)}
    for index, item in enumerate(items):
        name = entry_name(item, index)
        if name in names and not name.startswith("#"):
            if name in into.overrides:
                base[names[name]] = item
                layers.origin[(file, name)] = label
            else:
                layers.problems.append(
                    (
                        label,
                        name,
                        (
                            f"already defined in {layers.label(file, name)}"
                            "; list it under `overrides` in pack.yaml to replace it"
                        ),
                    )
                )
            continue
        names[name] = len(base)
        base.append(item)
        layers.origin[(file, name)] = label


def _merge_mapping(
    layers: Layers, into: _PackFile, base: dict[str, Any], raw: dict[str, Any]
) -> None:
    file, label, overrides = into.file, into.label, into.overrides
    for key, value in raw.items():
        spec = knowledge_file(file)
        if any(entries.key == key for entries in spec.lists):
            current = base.setdefault(key, [])
            if isinstance(current, list) and isinstance(value, list):
                _merge_list(layers, into, current, value)
            else:
                layers.problems.append((label, key, "expected a list"))
        elif spec.words and isinstance(value, list):
            current = base.setdefault(key, [])
            current.extend(v for v in value if v not in current)
        elif spec.words and isinstance(value, dict):
            current = base.setdefault(key, {})
            for k, v in value.items():
                if isinstance(current.get(k), list) and isinstance(v, list):
                    current[k].extend(x for x in v if x not in current[k])
                elif k in current and current[k] != v and f"{key}.{k}" not in overrides:
                    layers.problems.append(
                        (
                            label,
                            f"{key}.{k}",
                            (
                                "clashes with the base lexicon; "
                                f"list '{key}.{k}' under `overrides` to replace it"
                            ),
                        )
                    )
                else:
                    current[k] = v
        elif key in base and key not in overrides:
            layers.problems.append(
                (
                    label,
                    key,
                    (
                        f"already set in {file}; list '{key}' under "
                        "`overrides` in pack.yaml to replace it"
                    ),
                )
            )
        else:
            base[key] = value
            layers.origin[(file, key)] = label
