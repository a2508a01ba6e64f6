"""API-key authentication and roles.

Keys travel as ``Authorization: ApiKey <key>``, the header yente clients
already send; ``Bearer <key>`` is accepted too. Two roles exist: ``screen``
may ask screening questions, ``admin`` may also update lists and read the
audit log. Verifying a key costs a store read, so results are cached for
``api_key_cache_seconds``: a revoked key stops working within that time.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

ROLES = ("screen", "admin")
_RANK = {"screen": 1, "admin": 2}
SCHEMES = ("apikey", "bearer")

# Declared in the OpenAPI schema so that generated clients (and schema-driven
# testers) know where the key goes. auto_error=False: we answer ourselves,
# with 401 rather than FastAPI's 403 for a missing header.
api_key_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="ApiKey",
    description="`ApiKey <key>`; create keys with `embargo keys create --role screen|admin`.",
)


@dataclass(frozen=True)
class Principal:
    """Who is asking: the key id (never the key) and its role."""

    key_id: str
    role: str

    def allows(self, role: str) -> bool:
        return _RANK.get(self.role, 0) >= _RANK[role]


LOCAL = Principal(key_id="local", role="admin")


def parse_authorization(header: str | None) -> str | None:
    """The key from an ``Authorization`` header, or None when there is none."""
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() not in SCHEMES or not credentials:
        return None
    return credentials


class Authenticator:
    """Turns a presented key into a :class:`Principal`, with a short cache.

    ``verify`` returns the principal for a valid key and None otherwise; it
    is the store's check. ``enabled=False`` (``embargo serve --no-auth``)
    lets every request through as the local administrator.
    """

    def __init__(
        self,
        verify: Callable[[str], Principal | None],
        *,
        enabled: bool = True,
        cache_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._verify = verify
        self.enabled = enabled
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[bytes, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def authenticate(self, key: str) -> Principal | None:
        # Cache by digest so the clear key is not kept in memory longer than needed.
        token = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        now = self._clock()
        with self._lock:
            hit = self._cache.get(token)
        if hit is not None and hit[0] > now:
            return hit[1]
        principal = self._verify(key)
        with self._lock:
            if len(self._cache) > 10_000:  # bound memory under a stream of bad keys
                self._cache.clear()
            self._cache[token] = (now + self._cache_seconds, principal)
        return principal


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status_code=401, detail=message, headers={"WWW-Authenticate": "ApiKey"})


def require(role: str) -> Any:
    """A FastAPI dependency admitting callers whose key has at least ``role``."""
    if role not in _RANK:
        raise ValueError(f"unknown role {role!r}")

    async def dependency(request: Request, header: str | None = Depends(api_key_header)) -> Principal:
        auth: Authenticator = request.app.state.authenticator
        if not auth.enabled:
            principal = LOCAL
        else:
            key = parse_authorization(header)
            if key is None:
                raise _unauthorized("missing API key: send the header 'Authorization: ApiKey <key>'")
            found = auth.authenticate(key)
            if found is None:
                raise _unauthorized("invalid or revoked API key")
            principal = found
        if not principal.allows(role):
            raise HTTPException(
                status_code=403, detail=f"this key has role '{principal.role}'; '{role}' is required"
            )
        request.state.principal = principal
        return principal

    return Depends(dependency)
