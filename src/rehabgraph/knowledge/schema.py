"""JSON Schema for every knowledge file, generated from the pydantic models.

Shipped in ``knowledge/schema/`` so an editor validates YAML as a clinician types (each bundled
file names its schema in a ``yaml-language-server`` comment on its first line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rehabgraph.knowledge.fields import inheriting_facts
from rehabgraph.knowledge.registry import FILES

__all__ = ["knowledge_schemas", "write_schemas"]


def knowledge_schemas() -> dict[str, dict[str, Any]]:
    """File name -> its JSON Schema (draft 2020-12), titled and described for editors."""
    out: dict[str, dict[str, Any]] = {}
    for spec in FILES:
        file = spec.name
        schema = spec.model.model_json_schema()
        _optional_citations(schema)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"rehabgraph knowledge: {file}"
        out[file] = schema
    return out


_INHERITED = "When left out, the citation of the entry that holds this fact."


def _optional_citations(schema: dict[str, Any]) -> None:
    """A held fact may leave its sources and evidence to its entry: not required there."""
    names = {m.__name__ for m in inheriting_facts()}
    for name, definition in schema.get("$defs", {}).items():
        if name not in names:
            continue
        required = [r for r in definition.get("required", []) if r not in ("sources", "evidence")]
        if required:
            definition["required"] = required
        else:
            definition.pop("required", None)
        for key in ("sources", "evidence"):
            if key in definition.get("properties", {}):
                prop = definition["properties"][key]
                prop["description"] = f"{prop.get('description', '')} {_INHERITED}".strip()


def schema_file_name(file: str) -> str:
    return file.replace(".yaml", ".schema.json")


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file, schema in knowledge_schemas().items():
        path = folder / schema_file_name(file)
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
