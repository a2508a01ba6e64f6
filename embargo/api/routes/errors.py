"""Error responses every route may give, declared once for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from embargo.api.yente import ErrorResponse

AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No API key, or an invalid or revoked one."},
    403: {"model": ErrorResponse, "description": "The key's role may not use this endpoint."},
}
INPUT_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "Malformed JSON, wrong types, or a limit exceeded."},
}
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorResponse, "description": "Request body over EMBARGO_MAX_REQUEST_BYTES."},
}
TIMEOUT_ERRORS: dict[int | str, dict[str, Any]] = {
    408: {"model": ErrorResponse, "description": "The request ran past EMBARGO_REQUEST_TIMEOUT."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such dataset or entity."},
}
