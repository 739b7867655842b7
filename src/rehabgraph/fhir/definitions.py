"""knowledge_bundle: the exercises as ActivityDefinitions and the rules as a PlanDefinition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rehabgraph.fhir.text import canonical, narrative, sentences
from rehabgraph.graph.base import KnowledgeBase
from rehabgraph.knowledge.models import Dosage, Rule, Source
from rehabgraph.knowledge.text import one_line

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle

__all__ = ["activity_url", "knowledge_bundle", "related_artifact", "rule_sources", "timing"]


def activity_url(exercise_id: str, base: str | None = None) -> str:
    """The canonical URL of an exercise's ActivityDefinition, under the canonical base
    (``base``, else $REHABGRAPH_FHIR_BASE, else an example base to replace)."""
    return canonical("ActivityDefinition", exercise_id, base)


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


def knowledge_bundle(kb: KnowledgeBase, base: str | None = None) -> Bundle:
    """A collection Bundle: one ActivityDefinition per exercise (steps, dosage, stop rule, sources
    as relatedArtifact) and one PlanDefinition whose actions are the traversal rules.

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
        resource: dict[str, Any] = {
            "resourceType": "ActivityDefinition",
            "id": ex.id,
            "text": narrative(
                ex.name, [one_line(ex.summary), *steps, f"Stop if: {one_line(ex.stop_if)}"]
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
        when = timing(ex.dosage)
        if when:
            resource["timingTiming"] = when
        entries.append({"fullUrl": url, "resource": resource})
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
