"""Schemas every resource shares: problem documents and the fields of a recorded posting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.glossary import describe_fields


def _document(schema: dict[str, Any], model: Any = None) -> None:
    describe_fields(schema)


class CreateModel(BaseModel):
    """Base of request bodies: unknown fields are rejected so a typo never goes unnoticed."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_document)


class PublicModel(BaseModel):
    """Base of response bodies: further fields may be added without breaking clients."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_document)


class FieldProblem(PublicModel):
    field: str = Field(description="Path of the offending field, e.g. `funded_by[0].amount`, "
                       "`header.Idempotency-Key`, `query.as_of`.", examples=["amount"])
    message: str = Field(description="What is wrong with it.",
                         examples=["amount must be greater than zero"])


class Problem(PublicModel):
    """RFC 9457 problem details (media type application/problem+json)."""

    type: str = Field(description="Stable slug of the problem.", examples=["insufficient-funds"])
    title: str = Field(description="Short summary of the problem type.",
                       examples=["Insufficient funds in the source"])
    status: int = Field(description="HTTP status code.", examples=[422])
    detail: str = Field(description="One sentence a finance clerk can act on.",
                        examples=[("Expenditure of 2000000.00 exceeds the available balance of "
                                   "SUPPORT, 1700000.00.")])
    rule: str | None = Field(None, description="Rule id of domain.md §5 (P1–P11), if any.",
                             examples=["P5"])
    errors: list[FieldProblem] | None = Field(
        None, description="Field errors (validation-error only).")


class Recorded(PublicModel):
    """What every successful write returns beside its own fields."""

    position: int | None = Field(
        description="Global log position of the posting's event (strictly increasing).",
        examples=[1042])
    recorded_at: datetime | None = Field(
        description="When the ledger stored the posting (RFC 3339, UTC).",
        examples=["2018-07-15T08:30:12.123456Z"])


def _problem_response(description: str) -> dict[str, object]:
    return {"model": Problem, "description": description,
            "content": {"application/problem+json": {}}}


PROBLEMS_READ: dict[int | str, dict[str, object]] = {
    401: _problem_response("Missing or invalid bearer token."),
    403: _problem_response("The token's role may not use this route."),
    404: _problem_response("Unknown project, or another university's project."),
    422: _problem_response("Malformed input (`validation-error` with `errors[]`)."),
    503: _problem_response("The store is unavailable; retry after `Retry-After` seconds."),
}

PROBLEMS_WRITE: dict[int | str, dict[str, object]] = {
    **PROBLEMS_READ,
    409: _problem_response("`idempotency-key-reused` (same key, different body) or "
                           "`concurrent-update` (retries exhausted)."),
    422: _problem_response("Malformed input (`validation-error`) or a domain rule violation "
                           "(`rule` names it, e.g. `insufficient-funds`, P5)."),
}
