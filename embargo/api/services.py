"""The per-process objects every route uses, reachable from a request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from embargo import __version__
from embargo.api.audit import AuditRecord, AuditWriter
from embargo.api.auth import Principal
from embargo.api.backend import Backend
from embargo.api.engine import Engine, EngineHolder
from embargo.api.limits import RequestTimedOut
from embargo.api.metrics import Metrics
from embargo.api.stamping import ENGINE_STATE_KEY
from embargo.settings import Settings


@dataclass
class Audit:
    """What a screening request answered, in summary (filled in by the route)."""

    answered: Any = None


@dataclass
class Services:
    settings: Settings
    backend: Backend
    holder: EngineHolder
    audit: AuditWriter
    metrics: Metrics
    executor: ThreadPoolExecutor
    update_lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def audited(self, principal: Principal, action: str, engine: Engine, asked: Any) -> Iterator[Audit]:
        """Audit one screening request, including one that fails or times out.

        The block sets ``answered`` on the yielded object; a request that
        raises instead is recorded with the error it answered.
        """
        audit = Audit()
        try:
            yield audit
        except Exception as exc:
            status = getattr(exc, "status_code", 408 if isinstance(exc, RequestTimedOut) else 500)
            self.record(
                principal,
                action,
                engine,
                asked,
                {"error": status, "detail": str(getattr(exc, "detail", exc))},
            )
            raise
        self.record(principal, action, engine, asked, audit.answered)

    def record(self, principal: Principal, action: str, engine: Engine, asked: Any, answered: Any) -> None:
        self.audit.submit(
            AuditRecord(
                actor=principal.key_id,
                action=action,
                request=asked,
                response_summary=answered,
                versions=engine.version_map,
            )
        )


def services_of(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def services(request: Request) -> Services:
    """Dependency form of :func:`services_of` (async, so FastAPI runs it inline, not in a thread)."""
    return services_of(request)


async def use_engine(request: Request) -> Engine:
    """Take the current engine once for this request and remember it for the stamp."""
    engine = services_of(request).holder.current
    setattr(request.state, ENGINE_STATE_KEY, engine)
    return engine


def stamp(engine: Engine) -> dict[str, Any]:
    """The version fields every JSON body carries."""
    return {"versions": engine.version_map, "engine_version": __version__}
