"""Authoring tools: JSON Schema, lint, stats."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import rehabgraph
from rehabgraph.cli import main
from rehabgraph.engine.compile import compile_rules
from rehabgraph.engine.lint import lint
from rehabgraph.graph.stats import knowledge_stats
from rehabgraph.knowledge.schema import knowledge_schemas, schema_file_name
from tests import factories as make
from tests.conftest import Editor

BUNDLED = rehabgraph.bundled_knowledge_path()


@cache
def _validator(file: str) -> Any:
    """The file's JSON Schema validator, its schema checked and the validator built once."""
    schema = knowledge_schemas()[file]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_shipped_schemas_are_up_to_date() -> None:
    for file, schema in knowledge_schemas().items():
        shipped = json.loads((BUNDLED / "schema" / schema_file_name(file)).read_text())
        assert shipped == json.loads(json.dumps(schema)), (
            f"{file}: run `rehabgraph knowledge schema --out knowledge/schema`"
        )


@pytest.mark.parametrize("file", sorted(p.name for p in BUNDLED.glob("*.yaml")))
def test_every_bundled_file_validates_against_its_schema(file: str) -> None:
    data = yaml.safe_load((BUNDLED / file).read_text())
    _validator(file).validate(data)
    first = (BUNDLED / file).read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema=schema/{schema_file_name(file)}"


def test_schema_catches_what_an_editor_should_flag() -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validator("zones.yaml").validate(
            {"zones": [make.zone("x", sources=["s"], evidence="rumour")]}
        )


def test_cli_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "schema", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "exercises.schema.json").exists()
    capsys.readouterr()
    assert main(["knowledge", "schema"]) == 0
    assert "zones.yaml" in json.loads(capsys.readouterr().out)


def test_stats_count_and_everything_is_cited(kb: rehabgraph.KnowledgeBase) -> None:
    stats = knowledge_stats(kb)
    assert stats["cited_share"] == 1.0
    assert stats["nodes"]["exercise"] == len(kb.knowledge.exercises)
    assert stats["edges"]["refers_pain_to"] == len(kb.knowledge.referrals)
    assert stats["node_total"] == kb.graph.number_of_nodes()


def test_cli_stats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cited_share"] == 1.0
    assert main(["knowledge", "stats"]) == 0
    assert "(100%)" in capsys.readouterr().out


def test_lint_finds_a_zone_that_reaches_nothing(edit: Editor, knowledge_copy: Path) -> None:
    def add(d: Any) -> None:
        d["zones"].append(make.zone("armpit", region="shoulder"))

    edit("zones.yaml", add)
    kb = rehabgraph.load_knowledge(knowledge_copy)
    warnings = lint(kb, compile_rules(kb))
    found = {(w.file, w.entry, w.problem.split(":")[0]) for w in warnings}
    assert ("zones.yaml", "armpit", "reaches no exercise") in found
    # questions with `zones: [all]` (a suspected broken bone) cover a new zone at once
    assert not any(w.entry == "armpit" and "screening" in w.problem for w in warnings)


def test_check_strict_fails_on_warnings(
    edit: Editor, knowledge_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        "sources.yaml",
        lambda d: d["sources"].append(
            make.source("unused", title="Never cited", locator="nowhere")
        ),
    )
    assert main(["knowledge", "check", str(knowledge_copy)]) == 0
    out = capsys.readouterr().out
    assert "warning: sources.yaml: unused: is never cited" in out
    assert main(["knowledge", "check", "--strict", str(knowledge_copy)]) == 1
