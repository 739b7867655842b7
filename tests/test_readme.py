"""The README's Python examples run as written, in order, as a reader would paste them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_python_examples_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the examples save pictures to the current folder
    assert len(BLOCKS) >= 2
    namespace: dict[str, object] = {}
    for block in BLOCKS:
        # running the project's own README examples is what this test is for
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102
    rec = namespace["rec"]
    assert getattr(rec, "status", None) == "refer"  # the last example is the red flag
