"""One partition of reports answered: a row in, a row out, a bad row's error in its row.

Plain pandas, no Dask: each worker process calls ``answer_rows`` on its partitions, with the
recommender it built once (the load cache makes that fast), so the work is the same whatever
the engine that spreads it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from rehabgraph.api.loading import load_knowledge
from rehabgraph.api.recommender import Recommender
from rehabgraph.errors import RehabgraphError

__all__ = ["FLAT_COLUMNS", "OUTPUT_COLUMNS", "answer_rows", "recommender_for", "report_of_row"]

# the columns of a flat row (one site); any others are ignored
FLAT_COLUMNS = ("location", "side", "intensity", "age", "answers", "symptoms", "conditions")
#: The columns of the output, row for row: the input's row number first.
OUTPUT_COLUMNS = (
    "row",
    "status",
    "exercise_ids",
    "referral",
    "warnings",
    "recommendation",
    "error",
)

_RECOMMENDERS: dict[tuple[str | None, tuple[str, ...], bool], Recommender] = {}


def recommender_for(
    base: str | None = None, packs: tuple[str, ...] = (), *, require_screening: bool = True
) -> Recommender:
    """The process's recommender for this knowledge, built once per worker process."""
    key = (base, packs, require_screening)
    found = _RECOMMENDERS.get(key)
    if found is None:
        if base is None and not packs and require_screening:
            found = Recommender.default()
        else:
            kb = load_knowledge(base, list(packs))
            found = Recommender(kb, require_screening=require_screening)
        _RECOMMENDERS[key] = found
    return found


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _json_or(value: Any) -> Any:
    """A cell that may hold JSON text (from CSV or Parquet strings) as its value."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def report_of_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A report from a row: its ``report`` column (JSON), or flat columns for one site:
    ``location`` (required), ``side``, ``intensity``, ``age``, and ``answers`` (JSON),
    ``symptoms`` and ``conditions`` (JSON lists, or one text)."""
    raw = row.get("report")
    if not _missing(raw):
        report = _json_or(raw) if isinstance(raw, str) else raw
        if not isinstance(report, dict):
            raise ValueError("the report column holds no JSON object")
        return report
    site: dict[str, Any] = {"location": row.get("location")}
    for name in ("side", "intensity"):
        if not _missing(row.get(name)):
            site[name] = int(row[name]) if name == "intensity" else row[name]
    report = {"sites": [site]}
    if not _missing(row.get("age")):
        report["age"] = int(row["age"])
    for name in ("answers", "symptoms", "conditions"):
        value = row.get(name)
        if not _missing(value):
            value = _json_or(value)
            report[name] = [value] if isinstance(value, str) else value
    return report


def answer_rows(
    rows: Any,
    base: str | None = None,
    packs: tuple[str, ...] = (),
    *,
    require_screening: bool = True,
) -> Any:
    """A pandas DataFrame of answers, one per row of ``rows`` (a pandas DataFrame)."""
    import pandas as pd

    recommender = recommender_for(base, packs, require_screening=require_screening)
    out: list[dict[str, Any]] = []
    for row_number, row in zip(rows.index, rows.to_dict("records"), strict=True):
        answer: dict[str, Any] = {"row": int(row_number), "exercise_ids": [], "warnings": []}
        try:
            rec = recommender.recommend(report_of_row(row))
        except (RehabgraphError, ValueError, TypeError) as exc:
            answer.update(status="error", referral=None, recommendation=None, error=str(exc))
        else:
            answer.update(
                status=rec.status,
                exercise_ids=[e.exercise_id for e in rec.exercises],
                referral=rec.referral.urgency if rec.referral else None,
                warnings=list(rec.warnings),
                recommendation=rec.model_dump_json(),
                error=None,
            )
        out.append(answer)
    return pd.DataFrame(out, columns=list(OUTPUT_COLUMNS))
