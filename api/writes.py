"""What every write does after the ledger accepted it: replay header, metrics, read-your-writes.

The ledger itself makes writes idempotent (durably, in the same transaction); the API only maps
``replayed`` to the ``Idempotent-Replayed`` header. In embedded mode the projections are caught
up before answering so the caller's next read sees the write.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request, Response

logger = logging.getLogger("api")


def catch_up(request: Request) -> None:
    """Bring the projections up to date when they run inside this process (embedded mode)."""
    state = request.app.state
    if state.settings.projections != "embedded" or state.projections is None:
        return
    try:
        state.projections.catch_up()
    except Exception:  # the write is stored; a lagging read model must not turn it into an error
        logger.exception("projection catch-up failed after a write",
                         extra={"request_id": getattr(request.state, "request_id", None)})


def finish_write(
    request: Request, response: Response, result: dict[str, Any], kind: str, status: int = 201
) -> dict[str, Any]:
    """Set status and headers for an accepted write and return its body."""
    body = dict(result)
    replayed = bool(body.pop("replayed", False))
    response.status_code = status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        request.app.state.metrics.postings.labels(kind).inc()
    catch_up(request)
    return body
