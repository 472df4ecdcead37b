"""``POST /v1/batches``: many postings in one request, atomic or one by one.

Each operation is checked as its single write would be (role, body, project visibility) and
carries its own idempotency key. Atomic batches run through ``Ledger.run_atomic`` (one
``save()``, one transaction); a failure answers 422 naming the operation's index and problem.
An operation may not refer to an expenditure created earlier in the same batch (its id is not
known to the client before the batch runs; refusing it keeps batches order-independent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ValidationError

from api.auth import DEPARTMENT, FINANCE_OFFICE, visible_project
from api.deps import BatchToken, LedgerDep, command_context
from api.problems import problem_document, pydantic_errors, validation_problem
from api.schemas.batches import BatchCreate, BatchOperation, BatchPublic, ReversalBatchBody
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
    ReversalPublic,
    SurplusRecoveryCreate,
    SurplusRecoveryPublic,
)
from api.tokens import TokenInfo
from api.writes import catch_up
from ledger import errors
from ledger.application import Ledger

router = APIRouter(prefix="/v1", tags=["batches"], responses=PROBLEMS_WRITE)


@dataclass(frozen=True)
class OpKind:
    role: str
    create: type[BaseModel]
    public: type[BaseModel]
    method: str


OPS: dict[str, OpKind] = {
    "allocation": OpKind(DEPARTMENT, AllocationCreate, AllocationPublic, "allocate"),
    "surplus-recovery": OpKind(DEPARTMENT, SurplusRecoveryCreate, SurplusRecoveryPublic,
                               "recover_surplus"),
    "contribution": OpKind(FINANCE_OFFICE, ContributionCreate, ContributionPublic, "contribute"),
    "expenditure": OpKind(FINANCE_OFFICE, ExpenditureCreate, ExpenditurePublic,
                          "post_expenditure"),
    "reversal": OpKind(FINANCE_OFFICE, ReversalBatchBody, ReversalPublic, "reverse_expenditure"),
    "asset": OpKind(FINANCE_OFFICE, AssetCreate, AssetPublic, "register_asset"),
}


class OperationRejected(Exception):
    """An operation failed its checks before reaching the ledger; carries its problem."""

    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem["detail"])
        self.problem = problem


def _forbidden(index: int, op: str, token: TokenInfo, role: str) -> dict[str, Any]:
    return {"type": "forbidden", "title": "Not allowed for this role", "status": 403,
            "detail": f"Operation {index} ({op}) needs a {role} token, not {token.role}.",
            "rule": None}


def _referenced_expenditures(op: str, args: dict[str, Any]) -> list[UUID]:
    if op == "reversal":
        return [args["expenditure_id"]]
    if op == "asset":
        return [item["expenditure_id"] for item in args["funded_by"]]
    return []


def _prepare(ledger: Ledger, token: TokenInfo, index: int, operation: BatchOperation
             ) -> tuple[OpKind, dict[str, Any]]:
    """Role, body and visibility checks of one operation, as its single write would do."""
    kind = OPS[operation.op]
    if token.role != kind.role:
        raise OperationRejected(_forbidden(index, operation.op, token, kind.role))
    try:
        body = kind.create.model_validate(operation.body)
    except ValidationError as error:
        items = pydantic_errors(list(error.errors()), prefix=f"operations[{index}].body.")
        raise OperationRejected(validation_problem(items)) from None
    if kind.role == FINANCE_OFFICE:
        try:
            visible_project(ledger, token, operation.project)
        except errors.DomainError as error:
            raise OperationRejected(problem_document(error)) from None
    return kind, body.model_dump()


def _call(ledger: Ledger, request: Request, token: TokenInfo, operation: BatchOperation,
          kind: OpKind, args: dict[str, Any], created: set[UUID], index: int) -> dict[str, Any]:
    for expenditure_id in _referenced_expenditures(operation.op, args):
        if expenditure_id in created:
            raise errors.FieldError(
                f"operations[{index}].body.expenditure_id",
                f"expenditure {expenditure_id} is created in this same batch; post operations "
                "that refer to it in a later request")
    ctx = command_context(request, token, operation.idempotency_key)
    method: Callable[..., dict[str, Any]] = getattr(ledger, kind.method)
    if operation.op == "reversal":
        args = dict(args)
        result = method(ctx, operation.project, args.pop("expenditure_id"), **args)
    else:
        result = method(ctx, operation.project, **args)
    if operation.op == "expenditure":
        created.add(result["expenditure_id"])
    return result


def _entry(index: int, kind: OpKind, result: dict[str, Any]) -> dict[str, Any]:
    body = kind.public.model_validate(result).model_dump(mode="json", exclude={"replayed"})
    return {"index": index, "status": 201, "body": body, "replayed": bool(result.get("replayed"))}


@router.post("/batches", response_model=BatchPublic, status_code=201,
             responses={200: {"model": BatchPublic, "description": "Non-atomic batch: one result "
                              "per operation, each 201 or a problem document."}})
def post_batch(body: BatchCreate, request: Request, response: Response, ledger: LedgerDep,
               token: BatchToken) -> Any:
    """Post up to 1,000 operations at once (bulk import of a month of vouchers)."""
    if body.atomic:
        results = _atomic(ledger, request, token, body.operations)
        response.status_code = 201
    else:
        results = _one_by_one(ledger, request, token, body.operations)
        response.status_code = 200
    for entry, operation in zip(results, body.operations):
        if entry["status"] == 201 and not entry["replayed"]:
            request.app.state.metrics.postings.labels(operation.op).inc()
    catch_up(request)
    return {"results": results}


def _atomic(ledger: Ledger, request: Request, token: TokenInfo,
            operations: list[BatchOperation]) -> list[dict[str, Any]]:
    prepared = []
    for index, operation in enumerate(operations):
        try:
            prepared.append(_prepare(ledger, token, index, operation))
        except OperationRejected as rejected:
            raise errors.BatchOperationFailed(index, _AsDomainError(rejected.problem)) from None
    created: set[UUID] = set()
    calls = [
        (lambda i=i, op=op, kind=kind, args=args:
         _call(ledger, request, token, op, kind, args, created, i))
        for i, (op, (kind, args)) in enumerate(zip(operations, prepared))
    ]
    results = ledger.run_atomic(calls)
    return [_entry(i, kind, result) for i, ((kind, _), result) in enumerate(zip(prepared, results))]


def _one_by_one(ledger: Ledger, request: Request, token: TokenInfo,
                operations: list[BatchOperation]) -> list[dict[str, Any]]:
    created: set[UUID] = set()
    results = []
    for index, operation in enumerate(operations):
        try:
            kind, args = _prepare(ledger, token, index, operation)
            result = _call(ledger, request, token, operation, kind, args, created, index)
        except OperationRejected as rejected:
            results.append({"index": index, "status": rejected.problem["status"],
                            "body": rejected.problem, "replayed": False})
            continue
        except errors.DomainError as error:
            problem = problem_document(error)
            results.append({"index": index, "status": problem["status"], "body": problem,
                            "replayed": False})
            continue
        results.append(_entry(index, kind, result))
    return results


class _AsDomainError(errors.DomainError):
    """A pre-flight problem (403, 404, 422) wrapped so an atomic batch reports it like any other
    failing operation."""

    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem["detail"], rule=problem.get("rule"))
        self.problem = problem
        self.type = problem["type"]  # type: ignore[misc]
        self.title = problem["title"]  # type: ignore[misc]
        self.status = problem["status"]  # type: ignore[misc]

