"""Response schemas of the reads: projects, account, journal, assets, events.

Field lists follow api.md and domain.md §7; read models may add fields (``extra="allow"``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import Field, model_serializer

from api.schemas.common import PublicModel
from api.schemas.types import Money, _two_places


def jsonable(value: Any) -> Any:
    """Plain JSON values for free-form data (event bodies): amounts as two-decimal strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return _two_places(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


class ProjectPublic(PublicModel):
    """A project's registration facts, status and lead."""

    project_code: str = Field(examples=["SX1331-A-2017-001"])
    program: str = Field(examples=["1331-CIC"])
    university_code: str = Field(examples=["10108"])
    university_name: str = Field(examples=["山西大学"])
    name: str = Field(examples=["山西省煤基清洁能源协同创新中心"])
    project_class: str = Field(examples=["A"])
    period_start_year: int = Field(examples=[2017])
    period_end_year: int = Field(examples=[2020])
    lead: str = Field(examples=["王强"])
    platforms: list[dict[str, Any]] = Field(examples=[[{"type": "MOE_ERC",
                                                       "name": "教育部工程研究中心"}]])
    platform_entitlement: Money
    status: str = Field(description="`ACTIVE`, `TERMINATED` or `ENDED`.", examples=["ACTIVE"])
    terminated_on: date | None = None
    last_closed_year: int | None = Field(None, examples=[2018])
    registered_on: date | None = None


class Totals(PublicModel):
    received: Money
    spent: Money
    available: Money
    surplus_awaiting: Money
    recovered: Money


class TranchePublic(PublicModel):
    appropriation_year: int = Field(examples=[2017])
    allocated: Money
    spent: Money
    available: Money
    status: str = Field(examples=["OPEN"])
    carried_into_year: Money
    surplus: Money
    recovered: Money
    surplus_awaiting: Money


class SourceAccount(PublicModel):
    source: str = Field(examples=["SUPPORT"])
    fiscal: bool
    tranches: list[TranchePublic] | None = Field(None, description="Fiscal sources only.")
    contributed: Money | None = Field(None, description="Non-fiscal sources only.")
    spent: Money | None = None
    available: Money | None = None
    totals: Totals

    @model_serializer(mode="wrap")
    def _only_own_kind(self, handler: Any) -> Any:
        """A fiscal source shows its tranches, a pool its figures; never the other's nulls."""
        data = handler(self)
        for key in ("tranches", "contributed", "spent", "available"):
            if data.get(key, 0) is None:
                data.pop(key)
        return data


class AccountPublic(PublicModel):
    """The project's dedicated account (单独建账) per source, as of a date."""

    project_code: str
    as_of: date
    recorded_before: datetime | None = None
    sources: list[SourceAccount]
    fiscal_total: Totals
    total: Totals


class JournalLine(PublicModel):
    position: int
    booked_on: date
    year: int
    source: str
    entry: str = Field(examples=["EXPENDITURE"])
    category: str | None
    voucher_no: str | None
    document_no: str | None
    description: str | None
    inflow: Money
    outflow: Money
    balance: Money = Field(description="Running balance of the source after this line.")


class JournalPublic(PublicModel):
    """分户账: journal lines with the running balance per source."""

    project_code: str
    lines: list[JournalLine]


class AssetFunding(PublicModel):
    expenditure_id: UUID
    amount: Money


class AssetRecord(PublicModel):
    asset_id: UUID
    asset_no: str = Field(examples=["SXU-2018-EQ-0042"])
    name: str = Field(examples=["高效液相色谱仪"])
    category_code: str
    original_value: Money
    quantity: int
    unit: str
    acquired_on: date
    booked_on: date
    location: str
    custodian: str
    funded_by: list[AssetFunding]


class AssetRegister(PublicModel):
    project_code: str
    assets: list[AssetRecord]


class EventPublic(PublicModel):
    position: int = Field(description="Global log position.", examples=[17])
    type: str = Field(examples=["ExpenditurePosted"])
    version: int = Field(description="Version of the project aggregate after this event.")
    booked_on: str | None = Field(examples=["2018-07-15"])
    data: dict[str, Any] = Field(description="The event's facts (amounts as strings).")
    actor: dict[str, Any] | None = Field(
        examples=[{"token_id": "tok_3f9a1c2b7d4e", "role": "finance_office",
                   "organisation": "10108", "name": "山西大学财务处"}])
    request_id: str | None
    idempotency_key: str | None
    recorded_at: datetime
    hash: str | None = Field(None, description="Link of the tamper-evident hash chain "
                             "(not yet recorded: null).")


class EventPage(PublicModel):
    project_code: str
    events: list[EventPublic]
    next_after: int | None = Field(description="Pass as `after` for the next page; null at the "
                                   "end.")


class AuditFinding(PublicModel):
    check: str = Field(description="Which check found it (chain, snapshots, double-entry, "
                       "projections).", examples=["chain"])
    kind: str = Field(description="What kind of difference.", examples=["hash-mismatch"])
    position: int | None = Field(description="Log position concerned, if one.", examples=[17])
    detail: str = Field(description="What is wrong.",
                        examples=["stored event 17 does not match its chain link"])
    row: dict[str, Any] | None = Field(None, description="The differing row, if any.")


class AuditReport(PublicModel):
    """Outcome of ``ledger audit verify``: ``ok`` only when nothing at all was found."""

    ok: bool = Field(description="True when no check found anything.", examples=[True])
    events_checked: int = Field(description="Events whose chain links were recomputed.",
                                examples=[1831])
    chain_head: str | None = Field(description="Stored chain head `POSITION:HASH`.")
    recomputed_head: str | None = Field(description="Head recomputed from the events.")
    unchained_events: int = Field(description="Events not chained yet.", examples=[0])
    first_broken_position: int | None = Field(description="Lowest position with a finding.")
    projections_compared: list[str] = Field(description="Read models rebuilt and compared.")
    findings: list[AuditFinding] = Field(description="Everything found wrong, in order.")
