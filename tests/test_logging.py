"""Logging, library style, and the progress of long work: silent until asked, then useful."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rehabgraph
from rehabgraph import _progress
from rehabgraph.cli import main
from rehabgraph.engine import compile_rules
from rehabgraph.engine.lint import lint
from rehabgraph.graph.base import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "rehabgraph"
HELD_BACK = ROOT / "examples" / "packs" / "range-of-movement"  # a pack with lint warnings


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )


def test_nothing_is_shown_without_configuration() -> None:
    """No handler but the NullHandler: not even a WARNING reaches stderr (logging's last
    resort would print it otherwise)."""
    done = _python(
        "import logging, rehabgraph\n"
        "from rehabgraph.engine.compile import compile_rules\n"
        "from rehabgraph.engine.lint import lint, log\n"
        f"kb = rehabgraph.load_knowledge(extra=[{str(HELD_BACK)!r}])\n"
        "assert lint(kb, compile_rules(kb))\n"  # warnings, so a WARNING record was made
        "assert any(isinstance(h, logging.NullHandler)"
        " for h in logging.getLogger('rehabgraph').handlers)\n"
        "assert not logging.getLogger().handlers\n"
    )
    assert (done.stdout, done.stderr) == ("", "")


def test_import_rehabgraph_does_not_import_logging() -> None:
    done = _python("import sys, rehabgraph; print('logging' in sys.modules)")
    assert done.stdout.strip() == "False"


def test_every_module_logs_under_the_package_logger() -> None:
    """Loggers come from rehabgraph._log, which adds the NullHandler before any is used."""
    for path in SRC.rglob("*.py"):
        if path.name != "_log.py":
            text = path.read_text()
            assert not re.search(r"logging\.getLogger\((__name__|\"rehabgraph\.)", text), path


def test_a_load_says_what_it_loaded(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="rehabgraph"):
        kb = rehabgraph.load_knowledge(rehabgraph.bundled_knowledge_path())
    (line,) = [r for r in caplog.records if r.name == "rehabgraph.graph.base" and r.levelno == 20]
    message = line.getMessage()
    assert message.startswith(f"loaded knowledge {kb.version} from {kb.path}: ")
    assert f"{kb.graph.number_of_nodes()} nodes" in message
    assert re.search(r"in \d+ ms \((parsed and checked|from the load cache)", message)
    assert any(r.name == "rehabgraph.graph.cache" for r in caplog.records)  # hit, miss or off


def test_an_answer_is_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    recommender = rehabgraph.Recommender.default()
    with caplog.at_level(logging.DEBUG, logger="rehabgraph.api.recommender"):
        recommender.recommend({"sites": [{"location": "outer knee"}]})
    assert "recommend: zones ['knee-lateral'] -> needs_screening" in caplog.text


def test_lint_warnings_are_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    kb = rehabgraph.load_knowledge(extra=[HELD_BACK])
    with caplog.at_level(logging.WARNING, logger="rehabgraph"):
        warnings = lint(kb, compile_rules(kb))
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert f"{len(warnings)} lint warnings" in record.getMessage()


def test_loading_reports_its_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REHABGRAPH_CACHE_DIR", str(tmp_path))  # a miss: every stage runs
    seen: list[tuple[str, int, int]] = []
    with _progress.listening(lambda *step: seen.append(step)):
        kb = KnowledgeBase.from_folder(rehabgraph.bundled_knowledge_path())
        rehabgraph.Recommender(kb)
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == [
        "reading YAML",
        "validating entries",
        "checking",
        "compiling",  # from the knowledge's edges: no graph is built
    ]
    for stage in stages:
        steps = [(done, total) for s, done, total in seen if s == stage]
        assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1]  # from the start to the end
        assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    _progress.report("nobody listens", 1, 1)  # outside the block: nothing, no error


def test_cli_verbose_shows_the_log_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-v", "knowledge", "check", str(HELD_BACK)]) == 0
    err = capsys.readouterr().err
    assert "INFO rehabgraph.graph.base: loaded knowledge rehabgraph-bundled@" in err
    assert "WARNING rehabgraph.engine.lint: knowledge rehabgraph-bundled@" in err
    assert "DEBUG" not in err
    assert not logging.getLogger("rehabgraph").handlers[1:]  # put back as it was
    assert main(["knowledge", "check"]) == 0
    assert capsys.readouterr().err == ""


def test_cli_progress_bars_on_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, knowledge_copy: Path
) -> None:
    pytest.importorskip("tqdm")
    monkeypatch.setenv("REHABGRAPH_CACHE", "off")  # every stage runs: nothing from the cache
    assert main(["knowledge", "check", str(knowledge_copy), "--progress"]) == 0
    captured = capsys.readouterr()
    for stage in ("reading YAML", "compiling", "linting"):
        assert re.search(rf"{stage}: 100%\|.*\| (\d+)/\1", captured.err), stage
    assert captured.out.startswith("ok: ")
    assert main(["knowledge", "check"]) == 0  # no terminal: no bar unless asked
    assert capsys.readouterr().err == ""
    assert main(["knowledge", "check", "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
