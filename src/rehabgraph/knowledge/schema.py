"""JSON Schema for every knowledge file, generated from the pydantic models.

Shipped in ``knowledge/schema/`` so an editor validates YAML as a clinician types (each bundled
file names its schema in a ``yaml-language-server`` comment on its first line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rehabgraph.knowledge.registry import FILES

__all__ = ["knowledge_schemas", "write_schemas"]


def knowledge_schemas() -> dict[str, dict[str, Any]]:
    """File name -> its JSON Schema (draft 2020-12), titled and described for editors."""
    out: dict[str, dict[str, Any]] = {}
    for spec in FILES:
        file = spec.name
        schema = spec.model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"rehabgraph knowledge: {file}"
        out[file] = schema
    return out


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
