"""Dependency aliases used by the routers (``Annotated`` types, one place)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request

from api.auth import ADMIN, AUDITOR, DEPARTMENT, FINANCE_OFFICE, READERS, actor_of, require
from api.tokens import TokenInfo
from ledger.application import Ledger
from ledger.context import CommandContext

IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"


def get_ledger(request: Request) -> Ledger:
    return request.app.state.ledger


def get_projections(request: Request) -> Any:
    return request.app.state.projections


def get_read_models(request: Request) -> Any:
    return request.app.state.projections.read_models


def idempotency_key(
    key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            pattern=IDEMPOTENCY_KEY_PATTERN,
            description="1–200 printable ASCII characters, unique per intended posting within "
            "the token's organisation. The same key with the same body replays the first "
            "response (`Idempotent-Replayed: true`); with another body it is 409.",
            examples=["SXU-2018-07-15-0001"],
        ),
    ],
) -> str:
    return key


LedgerDep = Annotated[Ledger, Depends(get_ledger)]
ProjectionsDep = Annotated[Any, Depends(get_projections)]
ReadModelsDep = Annotated[Any, Depends(get_read_models)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]

DepartmentToken = Annotated[TokenInfo, Depends(require(DEPARTMENT))]
FinanceOfficeToken = Annotated[TokenInfo, Depends(require(FINANCE_OFFICE))]
ReaderToken = Annotated[TokenInfo, Depends(require(*READERS))]
HistoryToken = Annotated[TokenInfo, Depends(require(AUDITOR, DEPARTMENT))]
AuditorToken = Annotated[TokenInfo, Depends(require(AUDITOR))]
AdminToken = Annotated[TokenInfo, Depends(require(ADMIN))]
BatchToken = Annotated[TokenInfo, Depends(require(DEPARTMENT, FINANCE_OFFICE))]


def command_context(request: Request, token: TokenInfo, key: str | None) -> CommandContext:
    """The envelope of a command: who, under which request id and idempotency key."""
    return CommandContext(actor=actor_of(token), request_id=request.state.request_id,
                          idempotency_key=key)
