"""The fhir.resources R4B models rehabgraph uses, imported in one place with a clear error."""

from __future__ import annotations

from rehabgraph.errors import MissingDependencyError

try:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.careplan import CarePlan
    from fhir.resources.R4B.condition import Condition
    from fhir.resources.R4B.observation import Observation
    from fhir.resources.R4B.servicerequest import ServiceRequest
except ImportError:  # pragma: no cover - exercised without the extra installed
    raise MissingDependencyError("fhir.resources", "fhir") from None

__all__ = ["Bundle", "CarePlan", "Condition", "Observation", "ServiceRequest"]
