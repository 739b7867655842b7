from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import rehabgraph
from rehabgraph import KnowledgeBase, Recommender


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return rehabgraph.load_knowledge()


@pytest.fixture(scope="session")
def recommender() -> Recommender:
    return Recommender.default()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled knowledge folder."""
    target = tmp_path / "knowledge"
    shutil.copytree(rehabgraph.bundled_knowledge_path(), target)
    return target


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


Editor = Callable[[str, Callable[[Any], None]], None]


@pytest.fixture
def edit(knowledge_copy: Path) -> Editor:
    """edit("zones.yaml", fn): load a file of the copy, let fn change the data, write it back."""

    def apply(file: str, change: Callable[[Any], None]) -> None:
        path = knowledge_copy / file
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False))

    return apply
