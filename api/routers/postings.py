"""Postings into a project's account: allocations, contributions, expenditures, reversals,
assets, surplus recoveries, funding decisions and lead changes (api.md "Writes")."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response

from api.auth import visible_project
from api.deps import DepartmentToken, FinanceOfficeToken, IdempotencyKey, LedgerDep, command_context
from api.schemas.common import PROBLEMS_WRITE
from api.schemas.postings import (
    AllocationCreate,
    AllocationPublic,
    AssetCreate,
    AssetPublic,
    ContributionCreate,
    ContributionPublic,
    ExpenditureCreate,
    ExpenditurePublic,
    FundingDecisionCreate,
    FundingDecisionPublic,
    LeadChangeCreate,
    LeadChangePublic,
    ReversalCreate,
    ReversalPublic,
    SurplusRecoveryCreate,
    SurplusRecoveryPublic,
)
from api.writes import finish_write

router = APIRouter(prefix="/v1/projects/{code}", tags=["postings"], responses=PROBLEMS_WRITE)

CodePath = Annotated[str, Path(min_length=1, max_length=64, description="Project code.",
                               examples=["SX1331-A-2017-001"])]


@router.post("/allocations", response_model=AllocationPublic, status_code=201)
def post_allocation(code: CodePath, body: AllocationCreate, request: Request, response: Response,
                    ledger: LedgerDep, token: DepartmentToken, key: IdempotencyKey) -> Any:
    """Allocate fiscal money to the project for an appropriation year (资金下达)."""
    result = ledger.allocate(command_context(request, token, key), code, **body.model_dump())
    return finish_write(request, response, result, "allocation")


@router.post("/contributions", response_model=ContributionPublic, status_code=201)
def post_contribution(code: CodePath, body: ContributionCreate, request: Request,
                      response: Response, ledger: LedgerDep, token: FinanceOfficeToken,
                      key: IdempotencyKey) -> Any:
    """Record matching or other non-fiscal money received (学校配套)."""
    visible_project(ledger, token, code)
    result = ledger.contribute(command_context(request, token, key), code, **body.model_dump())
    return finish_write(request, response, result, "contribution")


@router.post("/expenditures", response_model=ExpenditurePublic, status_code=201)
def post_expenditure(code: CodePath, body: ExpenditureCreate, request: Request,
                     response: Response, ledger: LedgerDep, token: FinanceOfficeToken,
                     key: IdempotencyKey) -> Any:
    """Post an expenditure from one source; it consumes the oldest tranches first (支出)."""
    visible_project(ledger, token, code)
    result = ledger.post_expenditure(
        command_context(request, token, key), code, **body.model_dump())
    return finish_write(request, response, result, "expenditure")


@router.post("/expenditures/{expenditure_id}/reversals", response_model=ReversalPublic,
             status_code=201)
def post_reversal(code: CodePath, expenditure_id: UUID, body: ReversalCreate, request: Request,
                  response: Response, ledger: LedgerDep, token: FinanceOfficeToken,
                  key: IdempotencyKey) -> Any:
    """Reverse (part of) an expenditure, restoring the tranches it consumed (冲销)."""
    visible_project(ledger, token, code)
    result = ledger.reverse_expenditure(
        command_context(request, token, key), code, expenditure_id, **body.model_dump())
    return finish_write(request, response, result, "reversal")


@router.post("/assets", response_model=AssetPublic, status_code=201)
def post_asset(code: CodePath, body: AssetCreate, request: Request, response: Response,
               ledger: LedgerDep, token: FinanceOfficeToken, key: IdempotencyKey) -> Any:
    """Register a fixed asset funded by capital expenditures of the project (固定资产登记)."""
    visible_project(ledger, token, code)
    result = ledger.register_asset(command_context(request, token, key), code, **body.model_dump())
    return finish_write(request, response, result, "asset")


@router.post("/surplus-recoveries", response_model=SurplusRecoveryPublic, status_code=201)
def post_surplus_recovery(code: CodePath, body: SurplusRecoveryCreate, request: Request,
                          response: Response, ledger: LedgerDep, token: DepartmentToken,
                          key: IdempotencyKey) -> Any:
    """Record the recovery of surplus awaiting recovery (结余收回)."""
    result = ledger.recover_surplus(
        command_context(request, token, key), code, **body.model_dump())
    return finish_write(request, response, result, "surplus-recovery")


@router.post("/funding-decisions", response_model=FundingDecisionPublic, status_code=201)
def post_funding_decision(code: CodePath, body: FundingDecisionCreate, request: Request,
                          response: Response, ledger: LedgerDep, token: DepartmentToken,
                          key: IdempotencyKey) -> Any:
    """Record a SUSPEND, REDUCE, RESTORE or TERMINATE decision on the project."""
    result = ledger.record_funding_decision(
        command_context(request, token, key), code, **body.model_dump())
    return finish_write(request, response, result, "funding-decision")


@router.post("/lead-changes", response_model=LeadChangePublic, status_code=201)
def post_lead_change(code: CodePath, body: LeadChangeCreate, request: Request,
                     response: Response, ledger: LedgerDep, token: DepartmentToken,
                     key: IdempotencyKey) -> Any:
    """Record a new centre lead with its filing document."""
    result = ledger.change_lead(command_context(request, token, key), code, **body.model_dump())
    return finish_write(request, response, result, "lead-change")
