"""Reports over the read models, as JSON or as CSV / XLSX with Chinese headers.

Finance offices get their own university's figures only; asking for another university is 404
(as for another university's project).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from api.auth import FINANCE_OFFICE, visible_project
from api.deps import LedgerDep, ReaderToken, ReadModelsDep
from api.report_cache import cached_json
from api.schemas.common import PROBLEMS_READ
from api.schemas.reports import (
    CarryOverReport,
    ExecutionRateReport,
    FinalAccountsReport,
    MatchingReport,
    UnregisteredAssetsReport,
)
from api.schemas.types import BusinessDate
from api.tokens import TokenInfo
from ledger import errors

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=PROBLEMS_READ)

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_CONTENT = {200: {"content": {MEDIA["csv"]: {}, MEDIA["xlsx"]: {}},
                      "description": "The report (JSON, or CSV / XLSX per `format`)."}}

YearQuery = Annotated[int, Query(ge=1900, le=2200, description="Report (fiscal) year.",
                                 examples=[2018])]
AsOfQuery = Annotated[BusinessDate | None, Query(
    description="Business date the figures are taken at (default today, clamped to the year).",
    examples=["2018-06-30"])]
UniversityQuery = Annotated[str | None, Query(max_length=20, examples=["10108"])]
FormatQuery = Annotated[Literal["json", "csv", "xlsx"], Query(alias="format")]


def _university(token: TokenInfo, asked: str | None) -> str | None:
    """The university filter a caller may use: a finance office only its own."""
    if token.role != FINANCE_OFFICE:
        return asked
    if asked not in (None, token.university_code):
        raise errors.NotFound(f"University {asked} does not exist.", university=asked)
    return token.university_code


def _check_as_of(year: int, as_of: date | None) -> None:
    if as_of is not None and as_of < date(year, 1, 1):
        raise errors.FieldError("query.as_of", f"{as_of.isoformat()} is before the year {year} "
                                "begins")


def _report(request: Request, kind: str, model: type[BaseModel], params: dict[str, Any],
            fmt: str, compute: Callable[[], dict[str, Any]]) -> Any:
    """JSON from the report cache, or the CSV / XLSX export of a freshly computed report."""
    if fmt == "json":
        key = (kind, tuple(sorted(params.items())))
        return cached_json(request, key, model, compute)
    return _render(kind, compute(), fmt)


def _render(kind: str, report: dict[str, Any], fmt: str) -> Any:
    from projections import exports

    if fmt == "csv":
        content: bytes | str = exports.to_csv(kind, report)
    else:
        content = exports.to_xlsx(kind, report)
    if isinstance(content, str):
        content = content.encode("utf-8")
    return Response(content, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{kind}.{fmt}"'})


@router.get("/execution-rates", response_model=ExecutionRateReport, responses=FILE_CONTENT)
def execution_rates(
    request: Request,
    models: ReadModelsDep,
    token: ReaderToken,
    year: YearQuery,
    as_of: AsOfQuery = None,
    program: Annotated[str | None, Query(max_length=50, examples=["1331-CIC"])] = None,
    university: UniversityQuery = None,
    project_class: Annotated[str | None, Query(max_length=50, examples=["A"])] = None,
    fmt: FormatQuery = "json",
) -> Any:
    """执行率 per project with time progress, gap, status and checkpoints; weighted totals."""
    _check_as_of(year, as_of)
    params = {"year": year, "as_of": as_of, "program": program,
              "university": _university(token, university), "project_class": project_class}
    return _report(request, "execution-rates", ExecutionRateReport, params, fmt,
                   lambda: models.execution_rates(**params))


@router.get("/carry-overs", response_model=CarryOverReport, responses=FILE_CONTENT)
def carry_overs(request: Request, models: ReadModelsDep, token: ReaderToken, year: YearQuery,
                as_of: AsOfQuery = None, university: UniversityQuery = None,
                fmt: FormatQuery = "json") -> Any:
    """结转结余 ageing: per fiscal tranche its age, money at risk and surplus awaiting recovery."""
    _check_as_of(year, as_of)
    params = {"year": year, "as_of": as_of, "university": _university(token, university)}
    return _report(request, "carry-overs", CarryOverReport, params, fmt,
                   lambda: models.carry_overs(**params))


@router.get("/matching", response_model=MatchingReport, responses=FILE_CONTENT)
def matching(request: Request, models: ReadModelsDep, token: ReaderToken, year: YearQuery,
             as_of: AsOfQuery = None, university: UniversityQuery = None,
             fmt: FormatQuery = "json") -> Any:
    """学校配套 required, contributed, ratio and shortfall, cumulative and for the year."""
    _check_as_of(year, as_of)
    params = {"year": year, "as_of": as_of, "university": _university(token, university)}
    return _report(request, "matching", MatchingReport, params, fmt,
                   lambda: models.matching(**params))


@router.get("/unregistered-assets", response_model=UnregisteredAssetsReport,
            responses=FILE_CONTENT)
def unregistered_assets(request: Request, models: ReadModelsDep, token: ReaderToken, as_of: AsOfQuery = None,
                        university: UniversityQuery = None, fmt: FormatQuery = "json") -> Any:
    """Capital expenditures whose registered asset value is below their net amount."""
    params = {"as_of": as_of, "university": _university(token, university)}
    return _report(request, "unregistered-assets", UnregisteredAssetsReport, params, fmt,
                   lambda: models.unregistered_assets(**params))


@router.get("/final-accounts", response_model=FinalAccountsReport, responses=FILE_CONTENT)
def final_accounts(
    request: Request,
    ledger: LedgerDep,
    models: ReadModelsDep,
    token: ReaderToken,
    project: Annotated[str, Query(min_length=1, max_length=64, examples=["SX1331-A-2017-001"])],
    year: YearQuery,
    fmt: Annotated[Literal["json", "xlsx"], Query(alias="format")] = "json",
) -> Any:
    """经费决算表 of one project and year, per source."""
    visible_project(ledger, token, project)

    def compute() -> dict[str, Any]:
        report = models.final_accounts(project=project, year=year)
        if report is None:
            raise errors.NotFound(f"Project {project} does not exist.", project=project)
        return report

    return _report(request, "final-accounts", FinalAccountsReport,
                   {"project": project, "year": year}, fmt, compute)
