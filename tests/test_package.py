"""The package as a library user meets it: public names, errors, typing, import cost."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import rehabgraph


def test_public_names_are_exported() -> None:
    for name in rehabgraph.__all__:
        assert getattr(rehabgraph, name) is not None
    assert set(dir(rehabgraph)) >= set(rehabgraph.__all__)
    with pytest.raises(AttributeError):
        rehabgraph.no_such_name  # noqa: B018


def test_one_error_hierarchy() -> None:
    for name in (
        "KnowledgeError",
        "UnknownLocationError",
        "InvalidReportError",
        "UnknownExerciseError",
    ):
        assert issubclass(getattr(rehabgraph, name), rehabgraph.RehabgraphError)


def test_py_typed_ships() -> None:
    assert (Path(rehabgraph.__file__).parent / "py.typed").exists()


def test_import_is_light() -> None:
    code = (
        "import sys, rehabgraph; "
        "print(sorted(m for m in ('pydantic', 'networkx', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_inner_layers_do_not_import_outer_ones() -> None:
    """The import-linter layers contract in pyproject.toml holds: it follows every import, also
    the indirect ones and those under TYPE_CHECKING, where matching strings missed some."""
    from importlinter.api import read_configuration

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    (contract,) = read_configuration(str(pyproject))["contracts_options"]
    assert contract["type"] == "layers"
    outer_to_inner = [
        "cli",
        "server | batch",
        "fhir | viz",
        "api",
        "engine",
        "graph",
        "text",
        "knowledge",
    ]
    assert contract["layers"] == [
        " | ".join(f"rehabgraph.{m}" for m in layer.split(" | ")) for layer in outer_to_inner
    ]
    src = Path(rehabgraph.__file__).parent
    for layer in outer_to_inner:
        for name in layer.split(" | "):
            assert (src / name / "__init__.py").exists(), name
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(pyproject)!r}, no_cache=True, no_logo=True))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    "module",
    [
        "rehabgraph",
        "rehabgraph._progress",
        "rehabgraph.api.report",
        "rehabgraph.api.loading",
        "rehabgraph.api.recommender",
        "rehabgraph.engine.resolve",
        "rehabgraph.graph.build",
        "rehabgraph.graph.stats",
        "rehabgraph.viz.explanation",
        "rehabgraph.viz.body",
        "rehabgraph.viz.knowledge",
        "rehabgraph.fhir.careplan",
        "rehabgraph.fhir.conditions",
        "rehabgraph.fhir.definitions",
        "rehabgraph.server.app",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
