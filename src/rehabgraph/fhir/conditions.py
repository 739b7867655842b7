"""report_from_conditions: a PainReport from FHIR Conditions and Observations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from rehabgraph.api.loading import load_knowledge
from rehabgraph.api.parts import RecommenderParts
from rehabgraph.api.reading import CODE_SYSTEMS
from rehabgraph.api.report import SNOMED_CT, PainReport
from rehabgraph.engine import combine_sides
from rehabgraph.errors import InvalidReportError
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.problem_models import ProblemCode

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


def report_from_conditions(
    source: Any, kb: KnowledgeBase | None = None, patient: str | None = None
) -> PainReport:
    """A PainReport from FHIR R4B Conditions or Observations (a Bundle, one resource, a list).

    A report is one person's: with ``patient`` (an id, or "Patient/id"), resources of anyone
    else are left out; without it, resources naming two patients are an InvalidReportError.

    Each bodySite of each active resource becomes a site: its SNOMED CT body-structure code is
    used when the knowledge carries it, its text or display otherwise; a SNOMED CT laterality
    qualifier among its codings gives the side. Red flags are read from every channel, since
    free text can only add caution:

    - a resource's code, in words, becomes a symptom (with or without a bodySite), so a red
      flag recorded as a Condition ("numbness between my legs") refers;
    - a code the knowledge lists for a red flag (``codes`` in safety.yaml) answers it yes;
    - a resolved or remission Condition is read as history ("history of ..."): it counts only
      for the flags whose history counts (a past cancer), never for the others;
    - an Observation's value is read with its words (a body temperature of 38.5 Cel);
    - a record entered in error, or a refuted one, is not used at all.

    >>> report_from_conditions({"resourceType": "Condition", "subject": {"reference": "Patient/1"},
    ...     "bodySite": [{"text": "outer knee", "coding": [{"system": "http://snomed.info/sct",
    ...     "code": "24028007", "display": "Right"}]}]}).sites[0].side
    'right'
    """
    from rehabgraph.fhir.models import Condition, Observation

    models: dict[str, type[Condition | Observation]] = {
        "Condition": Condition,
        "Observation": Observation,
    }
    kb = kb or load_knowledge()
    knowledge = kb.knowledge
    side_of = {code: side for side, code in knowledge.lexicon.side_codes.items()}
    flag_codes: dict[tuple[str, str], list[str]] = {}
    for q in knowledge.questions.values():
        for code in q.codes:
            flag_codes.setdefault((CODE_SYSTEMS[code.system], code.code), []).append(q.id)
    problem_codes = {(CODE_SYSTEMS[p.system], p.code): p for p in knowledge.problems}
    parts = RecommenderParts.of(kb)  # the reader, as every location is read
    record = frozenset(
        s for w in knowledge.lexicon.record_words for s in parts.reader.fold_phrase(w)
    )
    sites: list[dict[str, Any]] = []
    symptoms: list[str] = []
    answers: dict[str, bool] = {}
    for resource in _one_patient(_resources(source), patient):
        if not _in_use(resource, models):
            continue
        words = _words(resource.get("code") or {})
        if _codes(resource.get("clinicalStatus")) & {"inactive", "resolved", "remission"}:
            symptoms.extend(f"history of {w}" for w in words)
            continue
        codings = (resource.get("code") or {}).get("coding", [])
        for coding in codings:
            answers.update(
                dict.fromkeys(flag_codes.get((coding.get("system"), coding.get("code")), ()), True)
            )
        value = _value(resource)
        symptoms.extend(f"{w} {value}" if value else w for w in words)
        body_sites = [_site(b, side_of) for b in _body_sites(resource)]
        if not body_sites:  # a problem-list entry: its code says where (problems.yaml)
            body_sites = _coded_sites(codings, problem_codes)
        sites.extend(s for site in body_sites for s in _whole_region(site, parts, record))
    if not sites and not answers and not symptoms:
        raise InvalidReportError("no active Condition or Observation with a bodySite")
    if not sites:  # a flag may still be read from the words; the report needs a site
        sites.append({"location": symptoms[0] if symptoms else "unknown"})
    return PainReport.model_validate(
        {"sites": sites, "symptoms": list(dict.fromkeys(symptoms))[:50], "answers": answers}
    )


def _one_patient(resources: list[dict[str, Any]], patient: str | None) -> list[dict[str, Any]]:
    """The resources of one patient: ``patient``'s, or all when they name only one."""

    def who(resource: Mapping[str, Any]) -> str:
        reference = str((resource.get("subject") or {}).get("reference") or "")
        return reference.rsplit("/", 1)[-1]

    if patient is not None:
        wanted = patient.rsplit("/", 1)[-1]
        return [r for r in resources if who(r) in ("", wanted)]
    named = sorted({who(r) for r in resources} - {""})
    if len(named) > 1:
        raise InvalidReportError(
            f"these resources are of {len(named)} patients ({', '.join(named[:5])}): a report "
            "is one person's; pass patient= to choose"
        )
    return resources


def _coded_sites(
    codings: Iterable[Mapping[str, Any]], problem_codes: Mapping[tuple[str, str], ProblemCode]
) -> list[dict[str, Any]]:
    """The sites a problem-list code means: one per zone, with the code's side."""
    for coding in codings:
        problem = problem_codes.get((str(coding.get("system")), str(coding.get("code"))))
        if problem is not None:
            side = {"side": problem.side} if problem.side else {}
            return [{"location": zone, **side} for zone in problem.zones]
    return []


def _whole_region(
    site: dict[str, Any], parts: RecommenderParts, record: frozenset[str]
) -> list[dict[str, Any]]:
    """A site named only by a broad word ("Knee", "Right knee structure", "Pain in right knee")
    as every zone of it: a record says no more than that, and a plan for the whole region is
    what it asks for. The words are read as the reader reads every location (folded, filler
    and side words aside, with the lexicon's record words); other sites are left as they are."""
    text = site.get("location") or (site.get("code") or {}).get("display") or ""
    reader = parts.reader
    key = tuple(s for s in reader.fold_phrase(text) if s not in reader.filler and s not in record)
    found = parts.resolver.regions.get(key)
    if not found:
        return [site]
    chosen = site.get("side") or combine_sides(set(reader.read(text).sides))
    return [{"location": zone, **({"side": chosen} if chosen else {})} for zone in found[1]]


def _in_use(resource: Mapping[str, Any], models: Mapping[str, type[BaseModel]]) -> bool:
    """A resource of a kind in ``models`` that validates and was not entered in error or
    refuted; raises InvalidReportError for one that does not validate."""
    kind = resource.get("resourceType")
    model = models.get(kind) if isinstance(kind, str) else None
    if model is None:
        return False
    try:
        model.model_validate(resource)
    except ValueError as exc:  # fhir.resources raises pydantic's ValidationError
        first = str(exc).splitlines()[:3]
        raise InvalidReportError(f"invalid FHIR {kind}: {' '.join(first)}") from None
    return not (
        _codes(resource.get("verificationStatus")) & {"entered-in-error", "refuted"}
        or resource.get("status") == "entered-in-error"
    )


def _body_sites(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    body_sites = resource.get("bodySite") or []
    if isinstance(body_sites, Mapping):  # Observation.bodySite is one CodeableConcept
        return [body_sites]
    return list(body_sites)


_UNITS = {"Cel": "C", "[degF]": "F", "degF": "F", "degC": "C", "kg": "kg", "[lb_av]": "pounds"}


def _value(resource: Mapping[str, Any]) -> str:
    """An Observation's value in words the reader knows ("38.5 C"), or ''."""
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, Mapping) or quantity.get("value") is None:
        return ""
    unit = str(quantity.get("code") or quantity.get("unit") or "")
    return f"{quantity['value']} {_UNITS.get(unit, unit)}".strip()


def _codes(concept: Any) -> set[str]:
    """Every code of a CodeableConcept (clinicalStatus, verificationStatus)."""
    if not isinstance(concept, Mapping):
        return set()
    return {c.get("code") for c in concept.get("coding", []) if c.get("code")}


def _words(code: Mapping[str, Any]) -> list[str]:
    """What a CodeableConcept says in words: its text, else its codings' displays."""
    if code.get("text"):
        return [code["text"]]
    return [c["display"] for c in code.get("coding", []) if c.get("display")]
