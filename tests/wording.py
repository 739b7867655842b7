"""The lay-wording corpus (tests/vignettes/wording-*.yaml): its file format, and how each
phrasing becomes a report in the channel it names."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

import rehabgraph
from tests.support import fhir_condition

VIGNETTES = Path(__file__).parent / "vignettes"
TODAY = date(2026, 11, 29)

Channel = Literal[
    "symptom",
    "condition",
    "location",
    "second-site",
    "fhir-condition",
    "fhir-condition-site",
    "fhir-remission",
]
Expect = Literal["refer", "denied", "not-affirmed", "condition", "zones", "unread", "plan"]


class Phrasing(BaseModel):
    """One phrasing; unknown keys are refused, so a misspelt key cannot pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    zone: str
    channel: Channel
    expect: Expect
    flag: str | None = None
    urgency: Literal["emergency", "urgent", "routine"] | None = None
    modifier: Literal["historical", "family", "hypothetical", "uncertain"] | None = None
    condition: str | None = None
    applies: bool | None = None
    zones: list[str] | None = None
    source: str = Field(alias="from", description="Where the wording comes from.")

    @model_validator(mode="after")
    def _complete(self) -> Phrasing:
        need = {
            "refer": ("flag",),
            "denied": ("flag",),
            "not-affirmed": ("flag", "modifier"),
            "condition": ("condition", "applies"),
            "zones": ("zones",),
        }.get(self.expect, ())
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"expect {self.expect} needs {', '.join(missing)}")
        return self


class WordingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phrasings: list[Phrasing]


def load() -> list[tuple[str, Phrasing]]:
    out = []
    for file in sorted(VIGNETTES.glob("wording-*.yaml")):
        data = WordingFile.model_validate(yaml.safe_load(file.read_text()))
        out += [(f"{file.stem}:{i}", p) for i, p in enumerate(data.phrasings)]
    return out


def report_for(p: Phrasing, kb: rehabgraph.KnowledgeBase) -> Any:
    """The report an app would send with this phrasing in its channel."""
    zone = kb.knowledge.zones[p.zone].name
    base: dict[str, Any] = {"reported_on": TODAY.isoformat()}
    if p.channel == "symptom":
        return {**base, "sites": [{"location": p.zone}], "symptoms": [p.text]}
    if p.channel == "condition":
        return {**base, "sites": [{"location": p.zone}], "conditions": [p.text]}
    if p.channel == "location":
        where = p.text if p.expect == "zones" else f"{zone} pain and {p.text}"
        return {**base, "sites": [{"location": where}]}
    if p.channel == "second-site":
        return {**base, "sites": [{"location": p.zone}, {"location": p.text}]}
    from rehabgraph.fhir import report_from_conditions

    condition = fhir_condition

    if p.channel == "fhir-condition":
        resources = [condition(f"{zone} pain", zone), condition(p.text, None)]
    elif p.channel == "fhir-condition-site":
        resources = [condition(p.text, zone)]
    else:
        resources = [condition(f"{zone} pain", zone), condition(p.text, None, "remission")]
    report = report_from_conditions(resources, kb)
    return report.model_copy(update={"reported_on": TODAY})
