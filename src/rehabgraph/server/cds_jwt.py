"""The JWT check of CDS Hooks 2.0 (PyJWT): an EHR signs a JWT for each request, with its own
keys (ES384 or RS384), naming itself (``iss``) and this service's URL (``aud``). Configured with
each trusted issuer's JWK Set (a JSON file); without issuers, the check is off."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rehabgraph.errors import MissingDependencyError
from rehabgraph.server.settings import ServeSettings

__all__ = ["JwtCheck"]

_ALGORITHMS = ["ES384", "RS384", "ES256", "RS256", "ES512", "RS512"]
_REQUIRED = ["iss", "sub", "aud", "exp", "iat", "jti"]


@dataclass(frozen=True, slots=True)
class JwtCheck:
    """The trusted issuers and their keys; ``refuse`` says why a request is refused, or None."""

    keys: dict[str, object] | None  # issuer -> its jwt.PyJWKSet; None: no check

    @classmethod
    def from_settings(cls, settings: ServeSettings) -> JwtCheck:
        if not settings.jwt_issuers:
            return cls(None)
        try:
            import jwt
        except ImportError:  # pragma: no cover - the server extra brings PyJWT
            raise MissingDependencyError("pyjwt", "server") from None
        keys: dict[str, object] = {}
        for issuer, path in settings.jwt_issuers.items():
            keys[issuer] = jwt.PyJWKSet.from_dict(json.loads(Path(path).read_text()))
        return cls(keys)

    def refuse(self, authorization: str | None, url: str) -> str | None:
        """Why this request's JWT is not accepted for ``url``, or None when it is (or when
        there is no check)."""
        if self.keys is None:
            return None
        import jwt

        if not authorization or not authorization.lower().startswith("bearer "):
            return "a bearer JWT from a trusted CDS client is required"
        token = authorization.split(" ", 1)[1].strip()
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
            keyset = self.keys.get(str(claims.get("iss")))
            if keyset is None:
                return f"JWT issuer {claims.get('iss')!r} is not trusted"
            key = _key(keyset, header.get("kid"))
            if key is None:
                return "no key of the issuer matches the JWT's kid"
            jwt.decode(
                token,
                key,
                algorithms=_ALGORITHMS,
                audience=url.split("?", 1)[0],
                issuer=str(claims.get("iss")),
                options={"require": _REQUIRED},
            )
        except jwt.PyJWTError as exc:
            return f"invalid JWT: {exc}"
        return None


def _key(keyset: object, kid: object) -> Any:
    keys = list(getattr(keyset, "keys", []))
    for k in keys:
        if kid is None or getattr(k, "key_id", None) == kid:
            return getattr(k, "key", None)
    return None
