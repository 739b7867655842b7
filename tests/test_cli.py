"""The command line, as a person would use it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rehabgraph.cli import main
from tests.conftest import Editor
from tests.support import cli

run = cli


def test_recommend_prints_the_plan_and_why() -> None:
    done = run("recommend", "pain on the outside of my right knee", "--answers", "no")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("1. Glute squeeze") < out.index("2. VMO step-down (right side)")
    flat = " ".join(out.split())
    assert "vastus lateralis" in flat and "tight lateral quad" in flat
    assert "not a diagnosis" in flat
    assert done.stderr == ""


def test_recommend_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "recommend",
                "outer knee",
                "--side",
                "left",
                "--intensity",
                "6",
                "--json",
                "--answers",
                "no",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [e["exercise_id"] for e in data["exercises"]] == ["glute-squeeze", "vmo-step-down"]
    assert data["exercises"][1]["side"] == "left"
    assert data["sites"][0]["intensity"] == 6


def test_several_locations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "lower back", "inner knee", "--json", "--answers", "no"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["sites"]) == 2


@pytest.mark.parametrize("location", ["armpit", "asdfgh"])
def test_unknown_location_is_one_line_and_exit_2(location: str) -> None:
    done = run("recommend", location)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("rehabgraph: error:")
    assert re.search(r"rehabgraph knows \d+ places|does not cover the armpit", lines[0])
    assert "low back" in lines[0]  # what can be said instead
    assert "Traceback" not in done.stderr


def test_bad_intensity_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "outer knee", "--intensity", "12"]) == 2
    err = capsys.readouterr().err
    assert "intensity" in err and "Traceback" not in err


def test_knowledge_check_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "check", "--strict"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ")
    assert "warning" not in out.replace("0 warnings", "")


def test_knowledge_check_broken_folder(
    edit: Editor, knowledge_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit("referrals.yaml", lambda d: d["referrals"][0].update(zone="knee-outer"))
    assert main(["knowledge", "check", str(knowledge_copy)]) == 1
    err = capsys.readouterr().err
    assert "referrals.yaml: vastus-lateralis -> knee-outer: zone: unknown zone 'knee-outer'" in err


def test_recommend_with_broken_knowledge_exits_1(
    edit: Editor, knowledge_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit("zones.yaml", lambda d: d["zones"][0].pop("aliases"))
    assert main(["recommend", "outer knee", "--base", str(knowledge_copy)]) == 1
    assert "zones.yaml: low-back: aliases: Field required" in capsys.readouterr().err


def test_zones_lists_what_people_can_say(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["zones"]) == 0
    out = capsys.readouterr().out
    assert "knee-lateral: outer knee (left/right)" in out
    assert "outside of the knee" in out


def test_usage_error_exits_2() -> None:
    done = run("recommend")
    assert done.returncode == 2
    assert "usage:" in done.stderr
