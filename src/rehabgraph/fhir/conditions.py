"""report_from_conditions: a PainReport from FHIR Conditions and Observations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rehabgraph.api.loading import load_knowledge
from rehabgraph.api.report import SNOMED_CT, PainReport
from rehabgraph.errors import InvalidReportError
from rehabgraph.graph.base import KnowledgeBase

__all__ = ["report_from_conditions"]


def _resources(source: Any) -> list[dict[str, Any]]:
    """Condition and Observation dicts from a Bundle, a list, or fhir.resources models."""
    if hasattr(source, "model_dump"):
        source = source.model_dump(mode="json", exclude_none=True)
    if isinstance(source, Mapping):
        if source.get("resourceType") == "Bundle":
            return [e["resource"] for e in source.get("entry", []) if "resource" in e]
        return [dict(source)]
    if isinstance(source, Iterable) and not isinstance(source, str | bytes):
        out: list[dict[str, Any]] = []
        for item in source:
            out.extend(_resources(item))
        return out
    raise InvalidReportError("expected a FHIR Bundle, a Condition or Observation, or a list")


def _site(body_site: Mapping[str, Any], side_of: Mapping[str, str]) -> dict[str, Any]:
    """One site: the SNOMED CT structure code (if any), the text, and a laterality coding."""
    site: dict[str, Any] = {}
    for coding in body_site.get("coding", []):
        if coding.get("system") != SNOMED_CT or not coding.get("code"):
            continue
        if coding["code"] in side_of:
            site["side"] = side_of[coding["code"]]
        elif "code" not in site:
            site["code"] = {
                "system": SNOMED_CT,
                "code": coding["code"],
                "display": coding.get("display"),
            }
    if body_site.get("text"):
        site["location"] = body_site["text"]
    if "code" not in site and "location" not in site:
        raise InvalidReportError("a bodySite needs a SNOMED CT body-structure coding or text")
    return site


def report_from_conditions(source: Any, kb: KnowledgeBase | None = None) -> PainReport:
    """A PainReport from FHIR R4B Conditions or Observations (a Bundle, one resource, a list).

    Each bodySite of each resource that is not inactive or resolved becomes a site: its SNOMED
    CT body-structure code is used when the knowledge carries it, its text or display otherwise;
    a SNOMED CT laterality qualifier among its codings gives the side. A resource with no
    bodySite (say a Condition "numbness between my legs") gives its code's words as a symptom,
    so red flags recorded that way still escalate; words the knowledge does not know are listed
    in the Recommendation's ``dropped``.

    >>> report_from_conditions({"resourceType": "Condition", "subject": {"reference": "Patient/1"},
    ...     "bodySite": [{"text": "outer knee", "coding": [{"system": "http://snomed.info/sct",
    ...     "code": "24028007", "display": "Right"}]}]}).sites[0].side
    'right'
    """
    from rehabgraph.fhir.models import Condition, Observation

    lexicon = (kb or load_knowledge()).knowledge.lexicon
    side_of = {code: side for side, code in lexicon.side_codes.items()}
    sites: list[dict[str, Any]] = []
    symptoms: list[str] = []
    for resource in _resources(source):
        kind = resource.get("resourceType")
        if kind not in ("Condition", "Observation"):
            continue
        model = Condition if kind == "Condition" else Observation
        try:
            model.model_validate(resource)
        except ValueError as exc:  # fhir.resources raises pydantic's ValidationError
            first = str(exc).splitlines()[:3]
            raise InvalidReportError(f"invalid FHIR {kind}: {' '.join(first)}") from None
        codings = (resource.get("clinicalStatus") or {}).get("coding") or [{}]
        if codings[0].get("code") in ("inactive", "resolved", "remission"):
            continue
        body_sites = resource.get("bodySite") or []
        if isinstance(body_sites, Mapping):  # Observation.bodySite is one CodeableConcept
            body_sites = [body_sites]
        for body_site in body_sites:
            sites.append(_site(body_site, side_of))
        if not body_sites:
            symptoms.extend(_words(resource.get("code") or {}))
    if not sites:
        raise InvalidReportError("no active Condition or Observation with a bodySite")
    return PainReport.model_validate({"sites": sites, "symptoms": list(dict.fromkeys(symptoms))})


def _words(code: Mapping[str, Any]) -> list[str]:
    """What a CodeableConcept says in words: its text, else its codings' displays."""
    if code.get("text"):
        return [code["text"]]
    return [c["display"] for c in code.get("coding", []) if c.get("display")]
