"""Request and response schemas of the postings into a project's account."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from api.schemas.common import CreateModel, PublicModel, Recorded
from api.schemas.types import Amount, BusinessDate, Code, Flag, Money, Year, text

SOURCE = Field(description="Funding source code of the project's program.", examples=["SUPPORT"])
DOCUMENT_NO = text(100, "Number of the funding document (文号); may repeat across projects.",
                   "晋财教〔2017〕101号")
VOUCHER_NO = text(64, "Accounting voucher number (凭证号), unique within the project (P11).",
                  "2017-11-001")
BOOKED_ON = Field(description="Business date: the date on the voucher or document; must fall in "
                  "the project's open year (P2).", examples=["2017-09-15"])


class AllocationCreate(CreateModel):
    """资金下达: fiscal money allocated to a project for an appropriation year (department)."""

    source: Code = Field(description="A fiscal source of the program.", examples=["SUPPORT"])
    appropriation_year: Year = Field(description="Budget year the money belongs to (tranche).")
    amount: Amount
    document_no: str = DOCUMENT_NO
    booked_on: BusinessDate = BOOKED_ON


class AllocationPublic(Recorded):
    project_code: str = Field(examples=["SX1331-A-2017-001"])
    source: str = Field(examples=["SUPPORT"])
    appropriation_year: int = Field(examples=[2017])
    amount: Money
    document_no: str = Field(examples=["晋财教〔2017〕101号"])
    booked_on: BusinessDate


class ContributionCreate(CreateModel):
    """学校配套 and other non-fiscal money received (finance office)."""

    source: Code = Field(description="A non-fiscal source of the program (`MATCHING` for "
                         "1331-CIC).", examples=["MATCHING"])
    amount: Amount
    booked_on: BusinessDate = BOOKED_ON
    voucher_no: str = VOUCHER_NO
    origin: str = text(200, "Where the money comes from.", "学校自有资金")
    origin_is_fiscal: Flag = Field(description="True if the money is fiscal; fiscal money cannot "
                                   "be a contribution (P6).", examples=[False])


class ContributionPublic(Recorded):
    project_code: str
    source: str = Field(examples=["MATCHING"])
    amount: Money
    booked_on: BusinessDate
    voucher_no: str
    origin: str
    origin_is_fiscal: bool


class ConsumedPiece(PublicModel):
    source: str = Field(examples=["SUPPORT"])
    appropriation_year: int | None = Field(
        description="Tranche's appropriation year; null for a non-fiscal pool.", examples=[2017])
    amount: Money


class ExpenditureCreate(CreateModel):
    """支出 from one source; consumes its open tranches oldest appropriation year first."""

    source: Code = SOURCE
    category: Code = Field(description="Expenditure category allowed for the source (§3).",
                           examples=["EQUIPMENT"])
    amount: Amount
    booked_on: BusinessDate = BOOKED_ON
    voucher_no: str = VOUCHER_NO
    payee: str = text(200, "Who was paid.", "北京精密仪器有限公司")
    description: str = text(1000, "What the money was spent on.", "购置高效液相色谱仪一台")


class ExpenditurePublic(Recorded):
    expenditure_id: UUID = Field(description="Id of the expenditure (used by reversals and "
                                 "asset registrations).")
    project_code: str
    source: str
    category: str
    amount: Money
    booked_on: BusinessDate
    voucher_no: str
    payee: str
    description: str
    consumed: list[ConsumedPiece] = Field(description="The tranches (or pool) the expenditure "
                                          "consumed, oldest appropriation year first.")


class ReversalCreate(CreateModel):
    """冲销 of (part of) an expenditure; restores the tranches it consumed."""

    amount: Amount
    booked_on: BusinessDate = BOOKED_ON
    reason: str = text(500, "Why the expenditure is reversed.", "供应商退回部分货款")
    voucher_no: str = VOUCHER_NO


class RestoredPiece(ConsumedPiece):
    into: str = Field(description="`OPEN`, `SURPLUS` or `POOL`: where the money went back.",
                      examples=["OPEN"])
    prior_year: bool = Field(description="True for a reversal booked in a later year "
                             "(以前年度支出收回).")


class ReversalPublic(Recorded):
    reversal_id: UUID
    expenditure_id: UUID
    project_code: str
    amount: Money
    booked_on: BusinessDate
    reason: str
    voucher_no: str
    restored: list[RestoredPiece]


class Funding(CreateModel):
    expenditure_id: UUID = Field(description="A capital expenditure of the project.")
    amount: Amount


class AssetCreate(CreateModel):
    """固定资产登记, funded by explicit amounts of the project's capital expenditures."""

    asset_no: str = text(64, "Asset number (资产编号), unique within the university.",
                         "SXU-2018-EQ-0042")
    name: str = text(200, "Asset name.", "高效液相色谱仪")
    category_code: str = Field(min_length=1, max_length=16, pattern=r"^[A-Z0-9]{1,16}$",
                               description="GB/T 14885-2022 classification code.",
                               examples=["A02100301"])
    original_value: Amount
    quantity: int = Field(ge=1, le=1_000_000, strict=True, description="Number of units.",
                          examples=[1])
    unit: str = text(20, "Unit of measure.", "台")
    acquired_on: BusinessDate = Field(examples=["2018-08-05"])
    booked_on: BusinessDate = BOOKED_ON
    location: str = text(200, "Where the asset is kept.", "山西大学化学化工学院 A 座 305 室")
    custodian: str = text(100, "Who keeps it.", "张伟")
    funded_by: list[Funding] = Field(min_length=1, max_length=100,
                                     description="Funding expenditures; amounts sum to "
                                     "`original_value` (P8).")


class FundingPublic(PublicModel):
    expenditure_id: UUID
    amount: Money


class AssetPublic(Recorded):
    asset_id: UUID
    project_code: str
    asset_no: str
    name: str
    category_code: str
    original_value: Money
    quantity: int
    unit: str
    acquired_on: BusinessDate
    booked_on: BusinessDate
    location: str
    custodian: str
    funded_by: list[FundingPublic]


class SurplusRecoveryCreate(CreateModel):
    """结余收回: the department records the recovery of surplus awaiting recovery."""

    source: Code = Field(description="The fiscal source of the surplus tranche.",
                         examples=["SUPPORT"])
    appropriation_year: Year
    amount: Amount
    booked_on: BusinessDate = BOOKED_ON
    document_no: str = DOCUMENT_NO


class SurplusRecoveryPublic(Recorded):
    project_code: str
    source: str
    appropriation_year: int
    amount: Money
    booked_on: BusinessDate
    document_no: str


class FundingDecisionCreate(CreateModel):
    """SUSPEND / REDUCE / RESTORE / TERMINATE decisions of the department (§8)."""

    action: Literal["SUSPEND", "REDUCE", "RESTORE", "TERMINATE"] = Field(examples=["REDUCE"])
    target_year: Year | None = Field(None, description="Appropriation year concerned (all but "
                                     "TERMINATE).")
    amount: Amount | None = Field(None, description="REDUCE: the cap on that year's fiscal "
                                  "allocations.")
    effective_on: BusinessDate | None = Field(None, description="TERMINATE: the effective date.")
    booked_on: BusinessDate = BOOKED_ON
    reason: str = text(200, "Reason code or text.", "LOW_EXECUTION")
    document_no: str = DOCUMENT_NO


class FundingDecisionPublic(Recorded):
    project_code: str
    action: str
    target_year: int | None
    amount: Money | None
    effective_on: BusinessDate | None
    booked_on: BusinessDate
    reason: str
    document_no: str


class LeadChangeCreate(CreateModel):
    """A new centre lead, filed with its document (第二十四条)."""

    new_lead: str = text(200, "The new lead.", "李明")
    effective_on: BusinessDate
    booked_on: BusinessDate = BOOKED_ON
    document_no: str = DOCUMENT_NO


class LeadChangePublic(Recorded):
    project_code: str
    new_lead: str
    effective_on: BusinessDate
    booked_on: BusinessDate
    document_no: str
