"""The FastAPI application: wiring of routes, middleware, limits and the engine.

``create_app`` builds an app for given settings; ``app_from_env`` is the
factory uvicorn imports in each worker process (``--workers N``), reading
the same settings from the environment the ``serve`` command prepared.
Startup opens the store and builds the screening engine before the socket
accepts requests, so a server that answers /healthz can also screen.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from embargo import __version__
from embargo.api.audit import AuditWriter
from embargo.api.auth import Authenticator
from embargo.api.backend import Backend, StoreBackend
from embargo.api.engine import Engine, EngineHolder
from embargo.api.limits import BodySizeLimit, ClientError, RequestTimedOut
from embargo.api.metrics import Metrics, RequestMetrics
from embargo.api.routes import admin, scan, screening, status
from embargo.api.services import Services
from embargo.api.stamping import VersionStamp
from embargo.settings import Settings

log = logging.getLogger(__name__)
# uvicorn configures this logger, so operators see these lines next to its own.
_server_log = logging.getLogger("uvicorn.error")

NO_AUTH_ENV = "EMBARGO_SERVE_NO_AUTH"

DESCRIPTION = """\
Sanctions screening over HTTP, compatible with OpenSanctions' yente API
(`POST /match/{dataset}`, `GET /search/{dataset}`, `GET /entities/{id}`,
`GET /catalog`), plus text scanning (`POST /scan`), list updates while
serving (`POST /updatez`) and an audit trail (`GET /audit`).

Authenticate with `Authorization: ApiKey <key>`. Every response carries
`X-Embargo-Version` (engine) and `X-Embargo-Lists` (`dataset=version,...`,
the list versions the answer was computed from); JSON bodies carry the same
in `versions` and `engine_version`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    auth_enabled: bool = True,
    backend_factory: Callable[[Settings], Backend] | None = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    make_backend = backend_factory or StoreBackend
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backend = await anyio.to_thread.run_sync(make_backend, settings)

        def swapped(engine: Engine) -> None:
            if metrics.engine_builds.value() > 0:
                # The first engine was frozen out of the collector at start;
                # let it (and any cycles in it) be collected now it is replaced.
                gc.unfreeze()
            metrics.engine_builds.inc()
            warm = getattr(engine.scanner, "warm", None)
            if settings.scan_warmup and warm is not None:
                threading.Thread(
                    target=_warm_quietly, args=(warm,), name="embargo-scan-warmup", daemon=True
                ).start()

        holder = EngineHolder(backend.build_engine, backend.active_fingerprint, on_swap=swapped)
        engine = await anyio.to_thread.run_sync(holder.load)
        # Everything built so far (modules, the first index) lives as long as
        # the process: keep it out of the cyclic collector's full passes.
        gc.freeze()
        _server_log.info(
            "embargo %s: %d lists (%s), %s entities; engine built in %.1f s; authentication %s",
            __version__,
            len(engine.versions),
            engine.lists_header or "none loaded",
            f"{sum(v.entities for v in engine.versions):,}",
            engine.build_seconds,
            "on" if auth_enabled else "OFF (--no-auth)",
        )
        audit = AuditWriter(backend.write_audit, on_failure=lambda record, exc: metrics.audit_failures.inc())
        audit.start()
        executor = ThreadPoolExecutor(
            max_workers=max(4, (os.cpu_count() or 2) * 2), thread_name_prefix="screen"
        )
        app.state.services = Services(
            settings=settings,
            backend=backend,
            holder=holder,
            audit=audit,
            metrics=metrics,
            executor=executor,
        )
        app.state.authenticator = Authenticator(
            backend.verify_key, enabled=auth_enabled, cache_seconds=settings.api_key_cache_seconds
        )
        holder.start_polling(settings.engine_poll_seconds)
        try:
            yield
        finally:
            holder.stop()
            audit.stop()
            executor.shutdown(wait=False, cancel_futures=True)
            backend.close()

    app = FastAPI(
        title="embargo",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.include_router(screening.build(settings))
    app.include_router(scan.build(settings))
    app.include_router(status.build(settings))
    app.include_router(admin.build(settings))
    _install_error_handlers(app)
    _install_openapi(app, settings)

    def current_engine() -> Engine | None:
        svc = getattr(app.state, "services", None)
        return svc.holder.current if svc is not None and svc.holder.ready else None

    # Outermost first: metrics see every response, stamps go on 413s too.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(VersionStamp, current_engine=current_engine)
    app.add_middleware(RequestMetrics, metrics=metrics)
    return app


def _warm_quietly(warm: Callable[[], Any]) -> None:
    started = time.perf_counter()
    try:
        warm()
    except Exception:  # the first /scan will retry and report the error itself
        log.exception("text scanner warm-up failed")
        return
    _server_log.info("text scanner ready in %.1f s", time.perf_counter() - started)


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn embargo.api.app:app_from_env --factory`` (one call per worker)."""
    no_auth = os.environ.get(NO_AUTH_ENV, "").strip().lower() in {"1", "true", "yes"}
    return create_app(Settings.from_env(), auth_enabled=not no_auth)


def _install_error_handlers(app: FastAPI) -> None:
    async def client_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ClientError)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    async def timed_out(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=408)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot even decode (not UTF-8,
            # say); a malformed body is a 422 like any other here.
            detail = f"malformed request body: send UTF-8 JSON ({exc.detail})"
            return JSONResponse({"detail": detail}, status_code=422)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {
                "loc": [_printable(part) for part in e.get("loc", ())],
                "msg": _printable(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": f"internal error: {type(exc).__name__}"}, status_code=500)

    app.add_exception_handler(ClientError, client_error)
    app.add_exception_handler(RequestTimedOut, timed_out)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, unexpected)


def _printable(value: object) -> str | int:
    """An error location or message that survives UTF-8 (keys may hold unpaired surrogates)."""
    if isinstance(value, int):
        return value
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _install_openapi(app: FastAPI, settings: Settings) -> None:
    """Publish the configured limits in the schema so clients and testers see them."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.get("components", {}).get("schemas", {})
        match_request = components.get("MatchRequest", {}).get("properties", {})
        if "queries" in match_request:
            match_request["queries"]["maxProperties"] = settings.max_queries_per_batch
        scan_request = components.get("ScanRequest", {}).get("properties", {})
        if "text" in scan_request:
            scan_request["text"]["maxLength"] = settings.max_text_chars
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
