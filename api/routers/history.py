"""Audit reads: a project's raw events with their log positions, and the beancount export."""

from __future__ import annotations

from bisect import bisect_right
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse

from api.deps import AuditorToken, HistoryToken, LedgerDep
from api.schemas.common import PROBLEMS_READ
from api.schemas.reads import AuditReport, EventPage, jsonable
from ledger import errors
from ledger.store import position_of

router = APIRouter(prefix="/v1", tags=["audit"], responses=PROBLEMS_READ)

CodePath = Annotated[str, Path(min_length=1, max_length=64, examples=["SX1331-A-2017-001"])]
META = ("originator_id", "originator_version", "timestamp", "actor", "request_id",
        "idempotency_key")


class _Positions:
    """Log positions of one aggregate's events, looked up lazily (positions grow with version)."""

    def __init__(self, ledger: Any, events: list[Any]) -> None:
        self.ledger, self.events = ledger, events
        self._cache: dict[int, int] = {}

    def __getitem__(self, index: int) -> int:
        if index not in self._cache:
            event = self.events[index]
            found = position_of(self.ledger.recorder, event.originator_id,
                                event.originator_version)
            self._cache[index] = found if found is not None else 0
        return self._cache[index]

    def __len__(self) -> int:
        return len(self.events)


def _event_body(event: Any, position: int, chain_hash: str | None) -> dict[str, Any]:
    data = {k: jsonable(v) for k, v in vars(event).items() if k not in META}
    return {
        "position": position,
        "type": type(event).__qualname__.split(".")[-1],
        "version": event.originator_version,
        "booked_on": data.get("booked_on"),
        "data": data,
        "actor": jsonable(getattr(event, "actor", None)),
        "request_id": getattr(event, "request_id", None),
        "idempotency_key": getattr(event, "idempotency_key", None),
        "recorded_at": event.timestamp,
        "hash": chain_hash,
    }


@router.get("/projects/{code}/events", response_model=EventPage)
def project_events(
    code: CodePath,
    request: Request,
    ledger: LedgerDep,
    token: HistoryToken,
    after: Annotated[int, Query(ge=0, description="Only events after this log position.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 100,
) -> Any:
    """The project's raw events in order, with log position, actor and recorded time."""
    events = ledger.project_events(code)
    positions = _Positions(ledger, events)
    start = bisect_right(positions, after)  # type: ignore[arg-type]
    chosen = range(start, min(start + limit, len(events)))
    hashes = request.app.state.audit_chain.hashes_for([positions[i] for i in chosen])
    page = [_event_body(events[i], positions[i], hashes.get(positions[i])) for i in chosen]
    next_after = page[-1]["position"] if page and start + limit < len(events) else None
    return {"project_code": code, "events": page, "next_after": next_after}


@router.get("/exports/journal.beancount", response_class=PlainTextResponse,
            responses={200: {"content": {"text/plain": {}},
                             "description": "The double-entry journal as a beancount file."}})
def export_beancount(
    ledger: LedgerDep,
    token: HistoryToken,
    project: Annotated[str | None, Query(max_length=64, description="Only this project.",
                                         examples=["SX1331-A-2017-001"])] = None,
) -> Any:
    """The double-entry journal (domain.md §9) as beancount text, checkable by bean-check."""
    from projections.beancount_export import beancount_journal

    if project is not None:
        ledger.get_project(project)  # 404 for an unknown project
    text = beancount_journal(ledger, project)
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="journal.beancount"'})


@router.get("/audit/verify", response_model=AuditReport)
def verify_history(
    request: Request,
    ledger: LedgerDep,
    token: AuditorToken,
    head: Annotated[str | None, Query(
        max_length=80, description="A chain head published earlier (`POSITION:HASH`, from "
        "`ledger audit head`): detects truncation of the log.",
        examples=["1042:3f7a0c…"])] = None,
    projections: Annotated[bool, Query(description="Also rebuild the read models in a scratch "
                                       "area and compare them (slower).")] = True,
) -> Any:
    """Recompute the hash chain, check the double entry and rebuild the projections; report
    every difference (``ok`` false with the first broken position)."""
    from projections.audit_verify import parse_head, verify

    try:
        expected = parse_head(head) if head else None
    except ValueError as error:
        raise errors.FieldError("query.head", str(error)) from None
    state = request.app.state
    report = verify(ledger, state.settings.database_url, expected_head=expected,
                    projections=projections, chain=state.audit_chain)
    return report.to_dict()
