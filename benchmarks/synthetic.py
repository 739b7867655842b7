"""Synthetic knowledge of any size, for measuring how rehabgraph scales.

A synthetic knowledge folder is the bundled knowledge (its rules, lexicon, safety questions and
every bundled fact) plus ``units`` synthetic body regions written into the same files, in the
same format a clinician writes. Each region has the fan-out of the bundled knowledge, about two
edges per node:

- 3 zones, 3 muscles, 1 imbalance, 3 exercises (10 nodes);
- 7 referrals (each muscle refers pain to two of the region's zones; the first muscle also to
  the next region's first zone, so the regions form one connected graph), 2 involvements
  (tight, weak), 3 targets (loosen, strengthen, strengthen), 2 corrections, 1 plan order
  (15 edges).

A query on a synthetic zone therefore gets an answer of the same shape at every size, and a query
on a bundled zone ("outer knee") gets exactly its bundled answer: what grows is only the
knowledge around them. The facts are invented; they cite one source that says so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rehabgraph import bundled_knowledge_path

__all__ = ["NODES_PER_UNIT", "synthetic_query", "units_for", "write_synthetic"]

NODES_PER_UNIT = 10
EDGES_PER_UNIT = 15
_SOURCE = "synthetic-benchmark"
_CITE = {"sources": [_SOURCE], "evidence": "expert-opinion"}
_WORDS = ("upper", "middle", "lower")
_NUMBERS = ("one", "two", "three")


def units_for(nodes: int, bundled_nodes: int) -> int:
    """How many synthetic regions bring the knowledge to about ``nodes`` nodes."""
    return max(1, (nodes - bundled_nodes) // NODES_PER_UNIT)


def synthetic_query(unit: int) -> dict[str, object]:
    """A report on one synthetic zone (its answer has the same shape at every size)."""
    return {"sites": [{"location": f"sector {unit} upper", "side": "left"}]}


def _flow(entry: dict[str, object]) -> str:
    """One entry as a YAML flow mapping (JSON is YAML), one line per entry."""
    return "  - " + json.dumps(entry, separators=(",", ":")) + "\n"


def write_synthetic(folder: Path, units: int) -> Path:
    """Write the bundled knowledge plus ``units`` synthetic regions into ``folder``."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(bundled_knowledge_path(), folder, ignore=shutil.ignore_patterns("schema"))
    with (folder / "sources.yaml").open("a") as f:
        f.write(
            _flow(
                {
                    "id": _SOURCE,
                    "title": "Synthetic benchmark facts (invented; never for people)",
                    "publisher": "rehabgraph benchmarks",
                    "kind": "reference",
                    "locator": "benchmarks/synthetic.py in the rehabgraph repository",
                }
            )
        )
    files = {name: (folder / f"{name}.yaml").open("a") for name in _FILES}
    try:
        for u in range(units):
            _unit(u, (u + 1) % units, (u - 1) % units, files)
    finally:
        for f in files.values():
            f.close()
    return folder


_FILES = ("zones", "muscles", "referrals", "imbalances", "exercises", "regions")


def _unit(u: int, nxt: int, prev: int, files: dict[str, object]) -> None:
    out = {name: [] for name in _FILES}  # type: dict[str, list[str]]
    zone = [f"sz{u}-{w}" for w in _WORDS]
    muscle = [f"sm{u}-{n}" for n in _NUMBERS]
    exercise = [f"se{u}-{n}" for n in _NUMBERS]
    imbalance = f"si{u}"
    for i, w in enumerate(_WORDS):
        out["zones"].append(
            _flow(
                {
                    "id": zone[i],
                    "name": f"sector {u} {w}",
                    "region": f"sector {u}",
                    "sided": True,
                    "aliases": [f"sector {u} {w} part", f"{w} sector {u}"],
                    **_CITE,
                }
            )
        )
        out["muscles"].append(
            _flow(
                {
                    "id": muscle[i],
                    "name": f"synthetic muscle {u} {_NUMBERS[i]}",
                    "group": "synthetic",
                    "description": "An invented muscle, for benchmarks.",
                    **_CITE,
                }
            )
        )
    pairs = [(0, zone[0]), (0, zone[1]), (1, zone[1]), (1, zone[2]), (2, zone[2]), (2, zone[0])]
    if nxt != u:
        pairs.append((0, f"sz{nxt}-{_WORDS[0]}"))
    for m, z in pairs:
        out["referrals"].append(_flow({"muscle": muscle[m], "zone": z, **_CITE}))
    out["imbalances"].append(
        _flow(
            {
                "id": imbalance,
                "name": f"synthetic imbalance {u}",
                "description": "An invented imbalance, for benchmarks.",
                "involves": [
                    {"muscle": muscle[0], "how": ["tight"], **_CITE},
                    {"muscle": muscle[1], "how": ["weak"], **_CITE},
                ],
                **_CITE,
            }
        )
    )
    actions = ("loosen", "strengthen", "strengthen")
    for i in range(3):
        entry: dict[str, object] = {
            "id": exercise[i],
            "name": f"synthetic exercise {u} {_NUMBERS[i]}",
            "summary": "An invented exercise, for benchmarks.",
            "sided": True,
            "steps": ["Do the invented movement.", "Rest."],
            "dosage": {"reps_min": 8, "reps_max": 12, "sets": 2},
            "stop_if": "Anything hurts.",
            "works": [f"sector {u}"],
            "targets": [{"muscle": muscle[i], "action": actions[i], **_CITE}],
            **_CITE,
        }
        if i < 2:
            entry["corrects"] = [{"imbalance": imbalance, **_CITE}]
        if i == 0:
            entry["before"] = [{"exercise": exercise[1], "reason": "loosen first", **_CITE}]
        out["exercises"].append(_flow(entry))
    # a region reaches itself and the region before it, whose first muscle refers pain here
    out["regions"].append(
        _flow(
            {"region": f"sector {u}", "reach": sorted({f"sector {u}", f"sector {prev}"}), **_CITE}
        )
    )
    for name, lines in out.items():
        files[name].writelines(lines)  # type: ignore[attr-defined]
