"""The example notebook runs top to bottom, offline, and its committed outputs show pictures."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "quickstart.ipynb"


def test_committed_notebook_shows_its_pictures() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    pictures = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert len(pictures) >= 3


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_notebook_runs_top_to_bottom(monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernel starts in examples/: a relative PYTHONPATH (PYTHONPATH=src) must still name
    # this tree's code there, not an installed copy
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if paths:
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(str(Path(p).resolve()) for p in paths))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors
    text = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "SEE A CLINICIAN (EMERGENCY)" in text
    assert "my-clinic@1.0" in text
