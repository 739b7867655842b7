"""How the service is set up, from arguments or the environment: several worker processes each
build their own app from the same settings (``REHABGRAPH_SERVE_*``), so ``rehabgraph serve
--workers N`` and ``uvicorn --factory rehabgraph.server:app_from_env`` run the same service."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

__all__ = ["ENV_PREFIX", "ServeSettings"]

ENV_PREFIX = "REHABGRAPH_SERVE_"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """What an app needs beyond the recommender's knowledge.

    ``cors_origins``: the browser origins allowed to call the service (CDS Hooks clients such as
    the public sandbox run in a browser); ``("*",)`` allows any. ``fhir_base``: the base of the
    canonical URLs the FHIR output names. ``jwt_issuers``: CDS Hooks clients whose JWT the CDS
    service requires, issuer -> the path of its JWK Set (empty: no JWT check).
    """

    base: str | None = None
    packs: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ("*",)
    fhir_base: str | None = None
    jwt_issuers: dict[str, str] = field(default_factory=dict)

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes."""
        return {
            f"{ENV_PREFIX}SETTINGS": json.dumps(
                {
                    "base": self.base,
                    "packs": list(self.packs),
                    "cors_origins": list(self.cors_origins),
                    "fhir_base": self.fhir_base,
                    "jwt_issuers": self.jwt_issuers,
                }
            )
        }

    @classmethod
    def from_env(cls) -> ServeSettings:
        raw = os.environ.get(f"{ENV_PREFIX}SETTINGS")
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(
            base=data.get("base"),
            packs=tuple(data.get("packs") or ()),
            cors_origins=tuple(data.get("cors_origins") or ("*",)),
            fhir_base=data.get("fhir_base"),
            jwt_issuers=dict(data.get("jwt_issuers") or {}),
        )
