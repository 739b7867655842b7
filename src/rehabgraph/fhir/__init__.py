"""FHIR R4B on the way out (and in): CarePlans, a knowledge Bundle, reports from Conditions.

Needs the ``fhir`` extra (``pip install "rehabgraph[fhir]"``, fhir.resources). Every function
returns fhir.resources R4B models, so what it writes is validated as it is built.
"""

from rehabgraph.fhir.careplan import to_care_plan, to_service_request
from rehabgraph.fhir.conditions import report_from_conditions
from rehabgraph.fhir.definitions import activity_url, knowledge_bundle
from rehabgraph.fhir.sessions import history_from_observations, to_observations

__all__ = [
    "activity_url",
    "history_from_observations",
    "knowledge_bundle",
    "report_from_conditions",
    "to_care_plan",
    "to_observations",
    "to_service_request",
]
