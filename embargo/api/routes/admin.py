"""Administrator routes: /updatez (update lists while serving) and /audit."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from embargo.api.auth import Principal, require
from embargo.api.routes.errors import AUTH_ERRORS, BODY_ERRORS, INPUT_ERRORS
from embargo.api.services import Services, services, stamp
from embargo.api.stamping import ENGINE_STATE_KEY
from embargo.api.yente import AuditResponse, ErrorResponse, UpdateRequest, UpdateResponse
from embargo.settings import Settings


def _outcome_dict(outcome: Any) -> dict[str, Any]:
    if hasattr(outcome, "to_dict"):
        data: dict[str, Any] = outcome.to_dict()
        return data
    return dict(outcome)


def build(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["admin"])

    @router.post(
        "/updatez",
        response_model=UpdateResponse,
        responses={
            **AUTH_ERRORS,
            409: {"model": ErrorResponse, "description": "Another update is running."},
            **BODY_ERRORS,
            **INPUT_ERRORS,
        },
        summary="Download and load newer lists, then switch to them without dropping requests",
    )
    async def updatez(
        http_request: Request,
        request: UpdateRequest | None = None,
        force: Annotated[bool, Query(description="As the body's `force` (yente passes it here).")] = False,
        principal: Principal = require("admin"),
        svc: Services = Depends(services),
    ) -> Any:
        # The body is optional: yente's updatez takes none, meaning "update everything".
        body = request or UpdateRequest()
        if force:
            body = body.model_copy(update={"force": True})
        if not svc.update_lock.acquire(blocking=False):
            raise HTTPException(status_code=409, detail="another list update is already running")

        def run() -> tuple[list[dict[str, Any]], bool]:
            # The lock is released here, not by the request: a client that
            # hangs up does not stop the update, nor let a second one start.
            try:
                before = svc.holder.current.fingerprint
                outcomes = svc.backend.update(body.datasets, body.urls, body.force)
                svc.holder.refresh_if_changed()  # or the poller got there first
                return [_outcome_dict(o) for o in outcomes], svc.holder.current.fingerprint != before
            finally:
                svc.update_lock.release()

        outcomes, changed = await asyncio.get_running_loop().run_in_executor(None, run)
        engine = svc.holder.current
        setattr(http_request.state, ENGINE_STATE_KEY, engine)
        svc.record(
            principal,
            "update",
            engine,
            body.model_dump(),
            {
                "changed": changed,
                "outcomes": [{k: o.get(k) for k in ("dataset", "status", "reason")} for o in outcomes],
            },
        )
        return JSONResponse({"outcomes": outcomes, "changed": changed, **stamp(engine)})

    @router.get(
        "/audit",
        response_model=AuditResponse,
        responses={**AUTH_ERRORS, **INPUT_ERRORS},
        summary="Newest audit-log entries",
    )
    async def audit(
        limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
        principal: Principal = require("admin"),
        svc: Services = Depends(services),
    ) -> Any:
        loop = asyncio.get_running_loop()

        def read() -> list[dict[str, Any]]:
            svc.audit.flush()  # show every request answered before this one
            return svc.backend.audit_log(limit)

        entries = await loop.run_in_executor(None, read)
        return {"entries": entries}

    return router
