"""POST /scan: screen a text, answering the same report as ``embargo scan --json``."""

import hashlib
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse

from embargo.api.auth import Principal, require
from embargo.api.engine import Engine
from embargo.api.limits import Deadline, check_text_length, run_bounded
from embargo.api.routes.errors import AUTH_ERRORS, BODY_ERRORS, INPUT_ERRORS, TIMEOUT_ERRORS
from embargo.api.services import Services, services, stamp, use_engine
from embargo.api.yente import ErrorResponse, ScanRequest, ScanResponse
from embargo.settings import Settings


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    """What came back, in short: which listed parties, how many others, which risks."""
    entities = [e for e in report.get("entities", []) if isinstance(e, dict)]
    return {
        "entities": [
            {"id": e.get("id"), "score": e.get("score"), "other_ids": e.get("other_ids", [])}
            for e in entities
        ][:100],
        "unlisted": len(report.get("unlisted", [])),
        "risks": sorted({str(r.get("category")) for r in report.get("risks", []) if isinstance(r, dict)}),
    }


def build(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["screening"])

    @router.post(
        "/scan",
        response_model=ScanResponse,
        responses={
            **AUTH_ERRORS,
            404: {"model": ErrorResponse, "description": "Text scanning is not installed."},
            **TIMEOUT_ERRORS,
            **BODY_ERRORS,
            **INPUT_ERRORS,
        },
        summary="Find listed parties and risk terms in a text",
    )
    async def scan(
        body: ScanRequest,
        principal: Principal = require("screen"),
        engine: Engine = Depends(use_engine),
        svc: Services = Depends(services),
    ) -> Any:
        check_text_length(len(body.text), settings.max_text_chars)
        scanner = engine.scanner
        if scanner is None:
            raise HTTPException(status_code=404, detail="text scanning is not available in this installation")
        asked = {
            "chars": len(body.text),
            "format": body.format,
            "sha256": hashlib.sha256(body.text.encode("utf-8", "surrogatepass")).hexdigest(),
            "start": body.text[:200],
        }
        with svc.audited(principal, "scan", engine, asked) as audit:
            deadline = Deadline(settings.request_timeout)
            report = await run_bounded(svc.executor, deadline, lambda: scanner(body.text, body.format))
            audit.answered = _summary(report)
        return JSONResponse({**report, **stamp(engine)})

    return router
