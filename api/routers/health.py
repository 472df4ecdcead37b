"""Liveness, readiness, Prometheus metrics, and the admin's view of the tokens."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import Field

from api.deps import AdminToken
from api.schemas.common import PROBLEMS_READ, PublicModel

router = APIRouter(tags=["operations"])
logger = logging.getLogger("api")


class Health(PublicModel):
    status: str = Field(examples=["ok"])


class Readiness(PublicModel):
    status: str = Field(description="`ready` or `unavailable`.", examples=["ready"])
    store: str = Field(description="`ok` or the failure.", examples=["ok"])
    head_position: int | None = Field(description="Last log position in the event store.",
                                      examples=[1042])
    projections: str = Field(examples=["ok"])
    projection_position: int | None = Field(description="Last position applied to the read "
                                            "models.", examples=[1042])
    lag: int | None = Field(description="Events not yet applied to the read models.",
                            examples=[0])


class TokenPublic(PublicModel):
    token_id: str = Field(examples=["tok_3f9a1c2b7d4e"])
    role: str = Field(examples=["finance_office"])
    university_code: str | None = Field(examples=["10108"])
    name: str = Field(examples=["山西大学财务处"])
    created_at: str
    revoked_at: str | None


@router.get("/healthz", response_model=Health)
def healthz() -> Any:
    """Liveness: the process answers."""
    return {"status": "ok"}


def projection_position(status: Any) -> int | None:
    """The last applied position from ``ProjectionEngine.status()`` (the lowest over models)."""
    if isinstance(status, list):
        found = [item.get("position") for item in status if isinstance(item, dict)]
        numbers = [int(p) for p in found if isinstance(p, int)]
        return min(numbers) if numbers else None
    if isinstance(status, dict):
        for key in ("position", "min_position", "tracking_position"):
            if isinstance(status.get(key), int):
                return int(status[key])
        positions = [v.get("position") for v in status.values()
                     if isinstance(v, dict) and isinstance(v.get("position"), int)]
        if positions:
            return min(positions)
    position = getattr(status, "position", None)
    return position if isinstance(position, int) else None


def readiness(request: Request) -> dict[str, Any]:
    """Store and projections reachable? The token store answers first: its pool gives up after
    a few seconds, while the library's recorder retries for much longer when the database is
    down, and a readiness probe must answer quickly."""
    state = request.app.state
    report: dict[str, Any] = {"status": "ready", "store": "ok", "head_position": None,
                              "projections": "ok", "projection_position": None, "lag": None}
    try:
        state.tokens.ping()
        report["head_position"] = int(state.ledger.recorder.max_notification_id() or 0)
    except Exception as error:  # noqa: BLE001 - any failure to reach the store: not ready
        report.update(status="unavailable", store=type(error).__name__,
                      projections="unknown")
        return report
    try:
        report["projection_position"] = projection_position(state.projections.status())
    except Exception as error:  # noqa: BLE001 - any failure of the read side: not ready
        report.update(status="unavailable", projections=type(error).__name__)
    if report["head_position"] is not None and report["projection_position"] is not None:
        report["lag"] = max(0, report["head_position"] - report["projection_position"])
    return report


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Store or projections down."}})
def readyz(request: Request) -> Any:
    """Readiness: the event store and the projections are reachable; reports projection lag."""
    report = readiness(request)
    if report["status"] != "ready":
        return JSONResponse(report, status_code=503, headers={"Retry-After": "5"})
    return report


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}},
                             "description": "Prometheus text exposition."}})
def metrics(request: Request) -> Response:
    """Prometheus metrics: request latency, postings by type, projection lag."""
    started = time.perf_counter()
    lag = readiness(request)["lag"]
    if lag is not None:
        request.app.state.metrics.lag.set(lag)
    body = generate_latest(request.app.state.metrics.registry)
    logger.debug("metrics rendered", extra={"ms": (time.perf_counter() - started) * 1000})
    return Response(body, media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/tokens", response_model=list[TokenPublic], responses=PROBLEMS_READ,
            tags=["tokens"])
def list_tokens(request: Request, token: AdminToken) -> Any:
    """List the API tokens (never their secrets); create and revoke them with `ledger tokens`."""
    return [vars(info) for info in request.app.state.tokens.list()]
