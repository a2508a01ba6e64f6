"""What is loaded and whether the service is fit to answer: /catalog, /healthz, /readyz, /metrics."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, PlainTextResponse

from embargo.api.auth import Principal, require
from embargo.api.engine import Engine, list_age_days, parse_when
from embargo.api.metrics import CONTENT_TYPE
from embargo.api.routes.errors import AUTH_ERRORS
from embargo.api.services import Services, services, stamp, use_engine
from embargo.api.yente import CatalogResponse, StatusResponse
from embargo.settings import Settings
from embargo.store import dataset_title


def _timestamp(value: str | None) -> str | None:
    """A store date or time as the full ISO timestamp yente's catalog uses."""
    when = parse_when(value)
    return when.isoformat() if when else None


def catalog_body(engine: Engine, max_age_days: float, now: datetime | None = None) -> dict[str, Any]:
    """yente's catalog shape: one entry per active list plus the ``default`` collection."""
    outdated = engine.stale_datasets(max_age_days, now)
    datasets: list[dict[str, Any]] = []
    for info in sorted(engine.versions, key=lambda v: v.dataset):
        age = list_age_days(info, now)
        datasets.append(
            {
                "name": info.dataset,
                "title": dataset_title(info.dataset),
                "version": str(info.version),
                "entity_count": info.entities,
                "updated_at": _timestamp(info.loaded_at),
                "last_export": _timestamp(info.published),
                "load": True,
                "index_version": str(info.version),
                "index_current": info.dataset not in outdated,
                "children": [],
                "published": info.published,
                "loaded_at": info.loaded_at,
                "sha256": info.sha256,
                "source": info.source,
                "age_days": round(age, 3) if age is not None else None,
            }
        )
    names = [d["name"] for d in datasets]
    last_update = max((v.loaded_at for v in engine.versions), default=None)
    datasets.append(
        {
            "name": "default",
            "title": "All active lists",
            "version": engine.lists_header or None,
            "entity_count": sum(v.entities for v in engine.versions),
            "updated_at": _timestamp(last_update),
            "load": True,
            "index_current": not outdated,
            "children": names,
        }
    )
    return {
        "datasets": datasets,
        "current": [n for n in names if n not in outdated],
        "outdated": outdated,
        "index_stale": False,
        "last_update": last_update,
        **stamp(engine),
    }


def readiness(engine: Engine | None, max_age_days: float) -> str | None:
    """Why the service should not receive screening traffic, or None when it may."""
    if engine is None:
        return "lists are still loading"
    if not engine.versions:
        return "no lists are loaded; run `embargo update` or load a list"
    stale = engine.stale_datasets(max_age_days)
    if stale:
        return f"lists older than {max_age_days:g} days (EMBARGO_MAX_LIST_AGE_DAYS): {', '.join(stale)}"
    return None


def build(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/catalog",
        response_model=CatalogResponse,
        responses={**AUTH_ERRORS},
        tags=["lists"],
        summary="Loaded lists: versions, publication dates, counts, last update",
    )
    async def catalog(principal: Principal = require("screen"), engine: Engine = Depends(use_engine)) -> Any:
        return JSONResponse(catalog_body(engine, settings.max_list_age_days))

    @router.get("/healthz", response_model=StatusResponse, tags=["system"], summary="The process is up")
    async def healthz() -> Any:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        response_model=StatusResponse,
        responses={503: {"model": StatusResponse, "description": "No lists loaded, or a list is too old."}},
        tags=["system"],
        summary="Lists are loaded and fresh enough to screen against",
    )
    async def readyz(svc: Services = Depends(services)) -> Any:
        engine = svc.holder.current if svc.holder.ready else None
        problem = readiness(engine, settings.max_list_age_days)
        if problem:
            return JSONResponse({"status": "not ready", "detail": problem}, status_code=503)
        return {"status": "ok"}

    @router.get(
        "/metrics",
        response_class=PlainTextResponse,
        responses={
            200: {"content": {CONTENT_TYPE.split(";")[0]: {}}, "description": "Prometheus text format"}
        },
        tags=["system"],
        summary="Prometheus metrics",
    )
    async def metrics(svc: Services = Depends(services)) -> Any:
        engine = svc.holder.current if svc.holder.ready else None
        return PlainTextResponse(svc.metrics.render(engine, datetime.now(UTC)), media_type=CONTENT_TYPE)

    return router
