"""Batches on Dask: a real local cluster of two worker processes answers 10^4 stored reports,
row for row as `recommend_many` does, with a bad row's error in its row (issue 16, part 1)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from rehabgraph import Recommendation, Recommender
from rehabgraph.batch import run_batch
from rehabgraph.cli import main

ROWS = 10_000


def _rows(recommender: Recommender, n: int) -> list[dict[str, Any]]:
    """Generated reports: every zone, sides, intensities, screened or not, some red flags and
    some bad rows."""
    rng = random.Random(14)  # noqa: S311 - test data, not secrets
    zones = sorted(recommender.knowledge_base.knowledge.zones)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        zone = rng.choice(zones)
        row: dict[str, Any] = {
            "location": zone,
            "side": rng.choice(["left", "right", None]),
            "intensity": rng.choice([None, 2, 5, 8]),
            "symptoms": None,
            "answers": None,
        }
        if i % 3 == 0:
            row["answers"] = json.dumps(
                {q.id: False for q in recommender.screening({"sites": [{"location": zone}]})}
            )
        if i % 97 == 0:
            row["symptoms"] = json.dumps(["numb between my legs"])
        if i % 501 == 0:
            row["location"] = "elbow of the moon"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, recommender: Recommender) -> Path:
    path = tmp_path_factory.mktemp("batch") / "reports.parquet"
    pd.DataFrame(_rows(Recommender.default(), ROWS)).to_parquet(path)
    return path


def test_a_two_worker_cluster_answers_row_for_row_like_recommend_many(
    reports: Path, tmp_path: Path
) -> None:
    summary = run_batch(reports, tmp_path / "plans.parquet", workers=2, progress=False)
    assert (summary.rows, summary.workers) == (ROWS, 2)
    out = pd.read_parquet(tmp_path / "plans.parquet")
    assert list(out["row"]) == list(range(ROWS))
    from rehabgraph.batch import report_of_row

    rows = pd.read_parquet(reports).to_dict("records")
    expected = list(Recommender.default().recommend_many(report_of_row(r) for r in rows))
    errors = referrals = 0
    for got, want in zip(out.to_dict("records"), expected, strict=True):
        if isinstance(want, Recommendation):
            assert got["status"] == want.status
            assert list(got["exercise_ids"]) == [e.exercise_id for e in want.exercises]
            referral = got["referral"] if isinstance(got["referral"], str) else None
            assert referral == (want.referral.urgency if want.referral else None)
            assert Recommendation.model_validate_json(got["recommendation"]) == want
            referrals += want.status == "refer"
        else:
            assert (got["status"], got["error"]) == ("error", str(want))
            errors += 1
    assert (summary.errors, summary.referrals) == (errors, referrals)
    assert errors >= ROWS // 501 and referrals >= ROWS // 97
    assert summary.rows_per_second > 0


def test_csv_and_json_lines_in_and_the_command_line(
    tmp_path: Path, recommender: Recommender, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(Recommender.default(), 200)
    csv = tmp_path / "reports.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    jsonl = tmp_path / "reports.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"report": {"sites": [{"location": r["location"]}]}}) + "\n" for r in rows
        )
    )
    for source in (csv, jsonl):
        target = tmp_path / f"{source.suffix[1:]}-plans"
        code = main(["batch", str(source), str(target), "--workers", "1", "--no-progress"])
        assert code == 0
        said = capsys.readouterr().out
        assert said.startswith("200 rows, ") and "rows/s on 1 workers" in said
        assert len(pd.read_parquet(target)) == 200
    assert main(["batch", str(tmp_path / "nothing.csv"), str(tmp_path / "x")]) == 2
