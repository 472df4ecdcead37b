"""Schemas of ``POST /v1/batches``: bulk import of postings (a month of vouchers)."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.common import CreateModel, PublicModel
from api.schemas.postings import ReversalCreate
from api.schemas.types import Flag, ProjectCode

MAX_OPERATIONS = 1000

Op = Literal["allocation", "contribution", "expenditure", "reversal", "asset", "surplus-recovery"]


class BatchOperation(CreateModel):
    op: Op = Field(description="Which single write this operation is.", examples=["expenditure"])
    project: ProjectCode
    idempotency_key: str = Field(min_length=1, max_length=200, pattern=r"^[!-~]([ -~]*[!-~])?$",
                                 description="Works as the Idempotency-Key of the single write.",
                                 examples=["SXU-202307-0001"])
    body: dict[str, Any] = Field(description="The single write's body (a reversal adds "
                                 "`expenditure_id`).",
                                 examples=[{"source": "SUPPORT", "category": "TRAVEL",
                                            "amount": "3560.00", "booked_on": "2018-07-03",
                                            "voucher_no": "2018-07-001", "payee": "李华",
                                            "description": "赴北京参加学术会议差旅费"}])


class BatchCreate(CreateModel):
    """Several postings at once; atomic (all or nothing) or each on its own."""

    atomic: Flag = Field(description="True: all operations in one transaction, or none.",
                         examples=[True])
    operations: list[BatchOperation] = Field(min_length=1, max_length=MAX_OPERATIONS)


class ReversalBatchBody(ReversalCreate):
    """A reversal inside a batch names its expenditure in the body."""

    expenditure_id: UUID


class BatchResult(PublicModel):
    index: int = Field(description="Position of the operation in the request.", examples=[0])
    status: int = Field(description="201, or the problem's status.", examples=[201])
    body: dict[str, Any] = Field(description="The single write's response, or a problem "
                                 "document.")
    replayed: bool = Field(False, description="True when answered from the idempotency record.")


class BatchPublic(PublicModel):
    results: list[BatchResult]
