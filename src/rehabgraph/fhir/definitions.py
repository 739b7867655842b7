"""knowledge_bundle: the exercises as ActivityDefinitions and the rules as a PlanDefinition."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rehabgraph.fhir.text import canonical, narrative, sentences
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.models import Dosage, Exercise, Rule, Source
from rehabgraph.knowledge.text import one_line

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle

__all__ = [
    "activity_url",
    "equipment_system",
    "illustration_url",
    "knowledge_bundle",
    "related_artifact",
    "rule_sources",
    "timing",
]

_SVG = "image/svg+xml"


def activity_url(exercise_id: str, base: str | None = None) -> str:
    """The canonical URL of an exercise's ActivityDefinition, under the canonical base
    (``base``, else $REHABGRAPH_FHIR_BASE, else an example base to replace)."""
    return canonical("ActivityDefinition", exercise_id, base)


def equipment_system(base: str | None = None) -> str:
    """The canonical URL of the equipment CodeSystem (``knowledge_bundle`` carries it)."""
    return canonical("CodeSystem", "rehabgraph-equipment", base)


def illustration_url(exercise_id: str, base: str | None = None) -> str:
    """Where an exercise's line drawing (SVG) is served, under the canonical base: a FHIR
    Binary an integrator serves from ``rehabgraph.viz.exercise_svg``."""
    return canonical("Binary", f"{exercise_id}-drawing", base)


def timing(dosage: Dosage) -> dict[str, Any] | None:
    """A FHIR Timing for a dosage that says how often; None when it does not."""
    if not dosage.times_per_day:
        return None
    return {"repeat": {"frequency": dosage.times_per_day, "period": 1, "periodUnit": "d"}}


def related_artifact(source: Source) -> dict[str, Any]:
    artifact: dict[str, Any] = {"type": "citation", "label": source.id, "display": source.title}
    if source.url:
        artifact["url"] = source.url
    citation = "; ".join(
        x
        for x in (
            ", ".join(source.authors),
            source.publisher,
            str(source.year or ""),
            source.locator or "",
        )
        if x
    )
    if source.doi:
        citation = f"{citation}; doi:{source.doi}" if citation else f"doi:{source.doi}"
    if citation:
        artifact["citation"] = citation
    return artifact


def rule_sources(kb: KnowledgeBase, rule: Rule) -> list[str]:
    """What a rule rests on: its own sources, or for a guideline rule with none, the
    guidelines' (each recommendation it walks cites its guideline)."""
    if rule.sources or rule.family != "guideline":
        return list(rule.sources)
    guidelines = kb.knowledge.guidelines.values()
    return list(dict.fromkeys(s for g in guidelines for s in g.sources))


def knowledge_bundle(
    kb: KnowledgeBase,
    base: str | None = None,
    illustration: Callable[[str], bytes] | None = None,
) -> Bundle:
    """A collection Bundle: one ActivityDefinition per exercise (steps, dosage, stop rule, sources
    as relatedArtifact) and one PlanDefinition whose actions are the traversal rules.

    An exercise's equipment are its ``participant`` entries of type device (coded in the
    knowledge's equipment CodeSystem, which the Bundle carries); its difficulty is said in
    ``usage``; its line drawing is a ``relatedArtifact`` of type documentation whose attachment
    points at ``illustration_url`` (an SVG). Give ``illustration`` (an exercise id -> SVG bytes,
    such as ``lambda i: rehabgraph.viz.exercise_svg(i, kb)``) to carry each drawing inline too.

    >>> from rehabgraph import load_knowledge
    >>> bundle = knowledge_bundle(load_knowledge())
    >>> bundle.entry[0].resource.get_resource_type()
    'ActivityDefinition'
    """
    from rehabgraph.fhir.models import Bundle

    k = kb.knowledge
    entries = []
    for ex in k.exercises.values():
        steps = [f"{i}. {one_line(s)}" for i, s in enumerate(ex.steps, 1)]
        url = activity_url(ex.id, base)
        detail = _detail(ex, k)
        resource: dict[str, Any] = {
            "resourceType": "ActivityDefinition",
            "id": ex.id,
            "text": narrative(
                ex.name,
                [one_line(ex.summary), *detail, *steps, f"Stop if: {one_line(ex.stop_if)}"],
            ),
            "url": url,
            "version": k.version,
            "name": "".join(part.capitalize() for part in ex.id.split("-")),
            "title": ex.name,
            "status": "active",
            "description": one_line(ex.summary),
            "kind": "ServiceRequest",
            # what to do, and when to stop, where FHIR puts a patient's instructions
            "dosage": [
                {
                    "text": sentences(ex.dosage.describe()),
                    "patientInstruction": sentences(*steps, f"Stop if: {one_line(ex.stop_if)}"),
                }
            ],
            "relatedArtifact": [related_artifact(k.sources[s]) for s in ex.sources],
        }
        if ex.difficulty is not None:
            resource["usage"] = sentences(*detail[-1:])
        if ex.equipment:
            resource["participant"] = [_device(k, e, base) for e in ex.equipment]
        if ex.id in k.poses:
            resource["relatedArtifact"].append(_drawing(ex, base, illustration))
        when = timing(ex.dosage)
        if when:
            resource["timingTiming"] = when
        entries.append({"fullUrl": url, "resource": resource})
    if k.equipment:
        system = equipment_system(base)
        entries.append({"fullUrl": system, "resource": _equipment_codes(k, system)})
    rules_url = canonical("PlanDefinition", "rehabgraph-rules", base)
    plan = {
        "resourceType": "PlanDefinition",
        "id": "rehabgraph-rules",
        "text": narrative(
            "rehabgraph traversal rules", [f"{r.id}: {one_line(r.description)}" for r in k.rules]
        ),
        "url": rules_url,
        "version": k.version,
        "name": "RehabgraphRules",
        "title": "rehabgraph traversal rules",
        "status": "active",
        "description": "The rules that walk the knowledge graph from a pain zone to an exercise.",
        "action": [
            {
                "id": rule.id,
                "title": rule.id,
                "description": one_line(rule.description),
                "textEquivalent": one_line(rule.description),
                "documentation": [related_artifact(k.sources[s]) for s in rule_sources(kb, rule)],
            }
            for rule in k.rules
        ],
    }
    entries.append({"fullUrl": rules_url, "resource": plan})
    return Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})


def _detail(ex: Exercise, k: Knowledge) -> list[str]:
    """What the exercise needs and how hard it is, as lines of the narrative."""
    lines = []
    if ex.equipment is not None:
        names = ", ".join(k.equipment[e].name for e in ex.equipment)
        lines.append(f"You need: {names or 'nothing (body only)'}")
    if ex.difficulty is not None:
        level = k.difficulties.get(ex.difficulty)
        means = f". {one_line(level.means)}" if level is not None else ""
        lines.append(f"Difficulty: {ex.difficulty}{means}")
    return lines


def _device(k: Knowledge, equipment_id: str, base: str | None) -> dict[str, Any]:
    """A thing the exercise needs, as a participant of type device."""
    name = k.equipment[equipment_id].name
    coding = {"system": equipment_system(base), "code": equipment_id, "display": name}
    return {"type": "device", "role": {"coding": [coding], "text": name}}


def _drawing(
    ex: Exercise, base: str | None, illustration: Callable[[str], bytes] | None
) -> dict[str, Any]:
    """The line drawing, as documentation: a link to the SVG, and the SVG itself if given."""
    title = f"Line drawing of the {ex.name}: start and end"
    attachment: dict[str, Any] = {
        "contentType": _SVG,
        "url": illustration_url(ex.id, base),
        "title": title,
    }
    if illustration is not None:
        data = illustration(ex.id)
        attachment["data"] = base64.b64encode(data).decode("ascii")
        attachment["size"] = len(data)
        # FHIR R4's Attachment.hash is the SHA-1 of the data, base64: not used for security
        sha1 = hashlib.sha1(data, usedforsecurity=False).digest()
        attachment["hash"] = base64.b64encode(sha1).decode("ascii")
    return {"type": "documentation", "label": "drawing", "display": title, "document": attachment}


def _equipment_codes(k: Knowledge, system: str) -> dict[str, Any]:
    """The knowledge's equipment as a CodeSystem: each id a code, its name the display."""
    return {
        "resourceType": "CodeSystem",
        "id": "rehabgraph-equipment",
        "text": narrative(
            "What rehabgraph's exercises need", [f"{e.id}: {e.name}" for e in k.equipment.values()]
        ),
        "url": system,
        "version": k.version,
        "name": "RehabgraphEquipment",
        "title": "What rehabgraph's exercises need",
        "status": "active",
        "description": "The equipment an exercise of the knowledge names (equipment.yaml).",
        "caseSensitive": True,
        "content": "complete",
        "concept": [
            {
                "code": e.id,
                "display": e.name,
                **({"definition": one_line(e.description)} if e.description else {}),
            }
            for e in k.equipment.values()
        ],
    }
