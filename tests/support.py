"""Shared test helpers."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from typing import Any

import rehabgraph
from rehabgraph import PainReport, Recommender


@cache
def unscreened() -> Recommender:
    """The bundled knowledge, for an app that screens for red flags elsewhere
    (``require_screening=False``): the tests that are about plans use it."""
    return Recommender(rehabgraph.load_knowledge(), require_screening=False)


def answered_no(recommender: Recommender, report: Any) -> dict[str, Any]:
    """The report with every screening question for its places answered no, as an app sends it
    after asking the person (an answer can open more questions, so ask until none is open)."""
    data = report.model_dump(mode="json") if isinstance(report, PainReport) else dict(report)
    data["answers"] = dict(data.get("answers") or {})
    while questions := recommender.screening(data):
        data["answers"].update({q.id: False for q in questions})
    return data


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`rehabgraph ARGS` in a fresh process, with no terminal on its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "rehabgraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def fhir_condition(text: str, site: str | None = None, status: str = "active") -> dict[str, Any]:
    """A FHIR R4B Condition as an EHR sends it: its words, a clinical status, a body site."""
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
        "code": {"text": text},
    }
    if site:
        resource["bodySite"] = [{"text": site}]
    return resource
