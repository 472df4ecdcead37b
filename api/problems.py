"""RFC 9457 problem documents: the one place where errors become HTTP responses.

Domain errors carry their own ``type`` slug, ``rule``, ``status`` and ``detail``; this module only
renders them. Bad input of any kind (pydantic validation, malformed JSON, a bad header) becomes a
422 ``validation-error`` naming the field paths. Unexpected errors become a 500 without a stack
trace (logged server-side with the request id); an unreachable store becomes 503 + Retry-After.
"""

from __future__ import annotations

import logging
import sqlite3
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger import errors

PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = "5"

logger = logging.getLogger("api")


class AuthError(Exception):
    """Raised by the auth dependencies: 401 (no or bad token) or 403 (role lacks the right)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _plain(value: Any) -> Any:
    """Problem ``extra`` fields as JSON-friendly values (amounts stay strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def problem_document(error: errors.DomainError) -> dict[str, Any]:
    """The problem document of a domain error (also embedded in batch and close results)."""
    prepared = getattr(error, "problem", None)
    if isinstance(prepared, dict):  # a batch operation rejected before reaching the ledger
        return dict(prepared)
    if isinstance(error, errors.BatchOperationFailed):
        inner = problem_document(error.error)
        return {
            "type": error.type,
            "title": error.title,
            # An unreachable store stays 503 (retry later); anything else fails the batch: 422.
            "status": 503 if inner["status"] == 503 else 422,
            "detail": error.detail,
            "rule": error.error.rule,
            "index": error.index,
            "problem": inner,
        }
    body: dict[str, Any] = {
        "type": error.type,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "rule": error.rule,
    }
    if isinstance(error, errors.FieldError):
        body["errors"] = error.errors
    for key, value in error.extra.items():
        body.setdefault(key, _plain(value))
    return body


def validation_problem(items: list[dict[str, str]], detail: str | None = None) -> dict[str, Any]:
    """A 422 ``validation-error`` document listing ``{field, message}`` items."""
    first = items[0] if items else {"field": "body", "message": "invalid"}
    return {
        "type": "validation-error",
        "title": "The request is not valid",
        "status": 422,
        "detail": detail or f"{first['field']}: {first['message']}",
        "rule": None,
        "errors": items,
    }


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body, status_code=int(body["status"]), media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "funded_by", 0, "amount")`` → ``funded_by[0].amount``; headers and query
    parameters keep their location (``header.Idempotency-Key``, ``query.as_of``)."""
    parts = list(location)
    prefix = ""
    if parts and parts[0] in ("header", "query", "path"):
        prefix = f"{parts.pop(0)}."
    elif parts and parts[0] == "body":
        parts.pop(0)
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return prefix + (text or "body")


def pydantic_errors(raw: list[Any], prefix: str = "") -> list[dict[str, str]]:
    """``{field, message}`` items from pydantic's error list."""
    items = []
    for item in raw:
        path = _field_path(tuple(item.get("loc", ())))
        if item.get("type") == "json_invalid":
            path = "body"
        message = str(item.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        field = prefix.rstrip(".") if prefix and path == "body" else prefix + path
        items.append({"field": field, "message": message})
    return items


def _status_title(status: int) -> tuple[str, str]:
    return {
        401: ("unauthorized", "Authentication required"),
        403: ("forbidden", "Not allowed for this role"),
        404: ("not-found", "Not found"),
        405: ("method-not-allowed", "Method not allowed"),
        406: ("not-acceptable", "Not acceptable"),
        413: ("payload-too-large", "Payload too large"),
        415: ("unsupported-media-type", "Unsupported media type"),
    }.get(status, ("http-error", "HTTP error"))


def install_handlers(app: FastAPI) -> None:
    """Register the exception handlers; routes raise domain errors, never HTTPException."""

    @app.exception_handler(errors.DomainError)
    def _domain(request: Request, error: errors.DomainError) -> JSONResponse:
        body = problem_document(error)
        headers = {"Retry-After": RETRY_AFTER_SECONDS} if body["status"] == 503 else None
        return problem_response(body, headers)

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        items = pydantic_errors(list(error.errors()))
        if any(i["field"] == "body" and "JSON" in i["message"] for i in items):
            return problem_response(validation_problem(items, "The body is not valid JSON."))
        return problem_response(validation_problem(items))

    @app.exception_handler(AuthError)
    def _auth(request: Request, error: AuthError) -> JSONResponse:
        slug, title = _status_title(error.status)
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        body = {"type": slug, "title": title, "status": error.status, "detail": error.detail,
                "rule": None}
        return problem_response(body, headers)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        slug, title = _status_title(error.status_code)
        detail = error.detail if isinstance(error.detail, str) else title
        if error.status_code == 404:
            detail = f"No resource at {request.url.path}."
        body = {"type": slug, "title": title, "status": error.status_code, "detail": detail,
                "rule": None}
        return problem_response(body, dict(error.headers or {}) or None)

    @app.exception_handler(sqlite3.OperationalError)
    def _sqlite_down(request: Request, error: Exception) -> JSONResponse:
        return _unavailable(request, error)

    try:
        import psycopg
        import psycopg_pool
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    else:
        @app.exception_handler(psycopg.OperationalError)
        def _pg_down(request: Request, error: Exception) -> JSONResponse:
            return _unavailable(request, error)

        @app.exception_handler(psycopg_pool.PoolTimeout)
        def _pool_timeout(request: Request, error: Exception) -> JSONResponse:
            return _unavailable(request, error)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, error: Exception) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None)
        logger.error("unhandled error", exc_info=error, extra={"request_id": request_id})
        body = {
            "type": "internal-error",
            "title": "Internal error",
            "status": 500,
            "detail": f"The server failed to handle the request (request id {request_id}); "
            "it has been logged.",
            "rule": None,
        }
        return problem_response(body)


def _unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.warning("store unavailable: %s", type(error).__name__,
                   extra={"request_id": getattr(request.state, "request_id", None)})
    body = {
        "type": "store-unavailable",
        "title": "The ledger store is unavailable",
        "status": 503,
        "detail": "The database cannot be reached right now; retry the request shortly.",
        "rule": None,
    }
    return problem_response(body, {"Retry-After": RETRY_AFTER_SECONDS})
