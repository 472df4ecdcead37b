"""Input hardening and store-failure mapping: hostile or broken requests never reach a 500.

``install_hardening(app, settings)`` adds, in one place:

- a body guard (pure ASGI middleware) for requests with a body: more than ``MAX_BODY_BYTES``
  → 413 ``payload-too-large`` (checked on ``Content-Length`` and again while streaming, so a
  chunked body cannot slip past); a JSON body that is not UTF-8 → 422 ``validation-error``
  (``body``: "not UTF-8"); JSON nested deeper than ``MAX_JSON_DEPTH`` → 422 before the parser
  recurses (Python's parser would hit its recursion limit, a 500); a NUL character (PostgreSQL
  text cannot hold it: stored in an event it would wedge the read models) → 422; a JSON number
  longer than ``MAX_NUMBER_DIGITS`` digits (decimal arithmetic on it fails, a 500) → 422;
- 503 ``store-unavailable`` + ``Retry-After`` for the store errors that reads raise directly:
  the library's own ``OperationalError``/``InterfaceError`` (it wraps psycopg's) and psycopg's
  ``InterfaceError`` (a connection closed under us); psycopg's ``OperationalError`` (including a
  ``statement_timeout`` cancel) and ``PoolTimeout`` are mapped by ``api.problems`` already;
- a server-side ``statement_timeout`` (default 30 s) for this process's PostgreSQL connections
  through libpq's ``PGOPTIONS`` (an operator's own value is kept). The pool checkout timeout is
  ``Settings.postgres_connect_timeout`` (``LEDGER_POSTGRES_CONNECT_TIMEOUT``, default 1 s instead
  of the library's 30 s: the library retries a failed read 10 times, so while the database is
  down a request is answered 503 after about 12 s instead of 5 minutes); see
  docs/reliability.md.

Amount, date, list-size and page-size rules live in the request schemas (``api/schemas``); this
module only guards what must be stopped before a schema ever sees the request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.problems import _unavailable, problem_response, validation_problem
from service.settings import Settings

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 20  # the largest amount, 1000000000000, has 13; a 400-digit one is an attack
STATEMENT_TIMEOUT = "30s"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_LONG_NUMBER = re.compile(rb"[0-9]{%d,}" % (MAX_NUMBER_DIGITS + 1))
_NUL = re.compile(rb"\x00|\\u0000")


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays/objects in ``body`` (strings skipped; no parsing); a body with
    too few brackets to pass the limit is not scanned and counts as depth 1."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0 if not body else 1
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _too_large() -> dict[str, Any]:
    return {"type": "payload-too-large", "title": "Payload too large", "status": 413,
            "detail": f"The request body is larger than {MAX_BODY_BYTES} bytes; split a batch "
            "into several requests.", "rule": None}


class BodyGuard:
    """Reads a request body once, rejects it when it is too big, not UTF-8 or nested too deep,
    and hands the very same bytes to the application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await problem_response(_too_large())(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await problem_response(_too_large())(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        rejection = self._reject(headers.get("content-type", ""), body)
        if rejection is not None:
            await rejection(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    def _reject(content_type: str, body: bytes) -> JSONResponse | None:
        if not body or "json" not in content_type.lower():
            return None
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as error:
            return _invalid_body(f"not UTF-8 (byte {error.start})",
                                 "The body must be JSON encoded as UTF-8.")
        if json_depth(body) > MAX_JSON_DEPTH:
            return _invalid_body(f"nested deeper than {MAX_JSON_DEPTH} levels",
                                 f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
        if _NUL.search(body):
            return _invalid_body("contains a NUL character (U+0000)",
                                 "Text fields must not contain NUL characters (U+0000).")
        if _LONG_NUMBER.search(_STRING.sub(b'""', body)):
            return _invalid_body(f"a JSON number longer than {MAX_NUMBER_DIGITS} digits",
                                 f"JSON numbers may have at most {MAX_NUMBER_DIGITS} digits; "
                                 "send amounts as strings such as \"300000.00\".")
        return None


def _invalid_body(message: str, detail: str) -> JSONResponse:
    return problem_response(validation_problem([{"field": "body", "message": message}], detail))


def configure_database_timeouts(settings: Settings) -> None:
    """Statement timeout for every libpq connection of this process (the event store's pool,
    the read models' and the tokens'), through ``PGOPTIONS``: the one option all three pools
    read. The pool checkout timeout is a setting (``Settings.postgres_connect_timeout``)."""
    if not settings.database_url.startswith(("postgresql:", "postgres:")):
        return
    options = os.environ.get("PGOPTIONS", "")
    if "statement_timeout" not in options:
        os.environ["PGOPTIONS"] = f"{options} -c statement_timeout={STATEMENT_TIMEOUT}".strip()


def install_store_failure_handlers(app: FastAPI) -> None:
    """503 + Retry-After for the store errors that ``api.problems`` does not map yet."""
    import psycopg
    from eventsourcing import persistence

    def unavailable(request: Request, error: Exception) -> JSONResponse:
        return _unavailable(request, error)

    for error_class in (persistence.OperationalError, persistence.InterfaceError,
                        psycopg.InterfaceError):
        app.add_exception_handler(error_class, unavailable)


def install_hardening(app: FastAPI, settings: Settings) -> None:
    """Everything of this module, for ``api.main.create_app``."""
    configure_database_timeouts(settings)
    install_store_failure_handlers(app)
    app.add_middleware(BodyGuard)
