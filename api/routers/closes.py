"""Fiscal-year closes: one project, or every project of a program (domain.md §6, P10)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response

from api.deps import DepartmentToken, IdempotencyKey, LedgerDep, command_context
from api.problems import problem_document
from api.schemas.closes import ProgramCloseCreate, ProgramClosePublic, ProjectClosePublic
from api.schemas.common import PROBLEMS_WRITE
from api.writes import catch_up, finish_write

router = APIRouter(prefix="/v1", tags=["closes"], responses=PROBLEMS_WRITE)

YearPath = Annotated[int, Path(ge=1900, le=2200, description="Fiscal year to close.",
                               examples=[2018])]
CodePath = Annotated[str, Path(min_length=1, max_length=64, examples=["SX1331-A-2017-001"])]


def _close_body(body: dict[str, Any]) -> dict[str, Any]:
    """The close as api.md shapes it; the same body whether just closed or closed before."""
    return {k: body[k] for k in ("project_code", "year", "lines", "pools")}


@router.post("/projects/{code}/fiscal-years/{year}/close", response_model=ProjectClosePublic,
             status_code=201, responses={200: {"description": "The year was already closed; "
                                                              "the first result, unchanged."}})
def close_project_year(code: CodePath, year: YearPath, request: Request, response: Response,
                       ledger: LedgerDep, token: DepartmentToken, key: IdempotencyKey) -> Any:
    """Close one project's fiscal year: carry over or reclassify each tranche as surplus."""
    body, newly = ledger.close_project_year(command_context(request, token, key), code, year)
    replayed = body.pop("replayed", False)
    result = {**_close_body(body), "replayed": replayed}
    return finish_write(request, response, result, "year-close", 201 if newly else 200)


@router.post("/fiscal-years/{year}/close", response_model=ProgramClosePublic, status_code=200)
def close_program_year(
    year: YearPath,
    body: ProgramCloseCreate,
    request: Request,
    ledger: LedgerDep,
    token: DepartmentToken,
    key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                      description="Optional: closing is idempotent by rule "
                                      "P10 (a repeat answers ALREADY_CLOSED per project).")] = None,
) -> Any:
    """Close a fiscal year for every project of a program, one project at a time."""
    results = ledger.close_program_year(command_context(request, token, key), body.program, year)
    catch_up(request)
    for item in results:
        if item["result"] == "CLOSED":
            request.app.state.metrics.postings.labels("year-close").inc()
    return {
        "program": body.program,
        "year": year,
        "results": [
            {
                "project_code": item["project_code"],
                "result": item["result"],
                "close": None if item["close"] is None else _close_body(item["close"]),
                "problem": None if item["problem"] is None else problem_document(item["problem"]),
            }
            for item in results
        ],
    }
