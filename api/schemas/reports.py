"""Response schemas of the reports (domain.md §7; api.md "Reads")."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from api.schemas.common import PublicModel
from api.schemas.types import Money, Percent


class Checkpoint(PublicModel):
    date: date
    min_rate: Percent
    rate: Percent
    passed: bool | None = Field(description="null when the rate is undefined (nothing available).")


class ExecutionRateRow(PublicModel):
    project_code: str = Field(examples=["SX1331-A-2017-001"])
    university_code: str = Field(examples=["10108"])
    project_class: str = Field(examples=["A"])
    program: str = Field(examples=["1331-CIC"])
    available: Money
    spent: Money
    rate: Percent = Field(description="Execution rate in percent (fiscal sources).")
    time_progress: Percent
    gap_pp: Percent = Field(description="rate − time progress, in percentage points.")
    status: str = Field(examples=["LAGGING"])
    checkpoints: list[Checkpoint]


class RateTotal(PublicModel):
    available: Money
    spent: Money
    rate: Percent


class RateTotals(PublicModel):
    by_university: list[RateTotal]
    by_class: list[RateTotal]
    by_program: list[RateTotal]
    overall: RateTotal


class ExecutionRateReport(PublicModel):
    """执行率: per project and weighted totals, with time progress and status."""

    year: int = Field(examples=[2018])
    as_of: date
    time_progress: Percent
    rows: list[ExecutionRateRow]
    totals: RateTotals


class CarryOverRow(PublicModel):
    project_code: str
    source: str
    appropriation_year: int
    status: str
    age_years: int
    available: Money
    at_risk_amount: Money
    days_to_year_end: int
    surplus_awaiting: Money


class CarryOverReport(PublicModel):
    """结转结余 ageing per fiscal tranche."""

    year: int
    as_of: date
    rows: list[CarryOverRow]


class MatchingRow(PublicModel):
    project_code: str
    required: Money
    contributed: Money
    ratio: Percent
    shortfall: Money
    year_required: Money
    year_contributed: Money
    year_ratio: Percent
    year_shortfall: Money


class MatchingReport(PublicModel):
    """学校配套 against the program's matching rule, cumulative and for the year."""

    year: int
    as_of: date
    rows: list[MatchingRow]


class UnregisteredRow(PublicModel):
    project_code: str
    expenditure_id: UUID
    booked_on: date
    category: str
    net_amount: Money
    registered: Money
    unregistered: Money


class UnregisteredAssetsReport(PublicModel):
    """Capital spending not (fully) registered as fixed assets (第十四条)."""

    as_of: date
    rows: list[UnregisteredRow]
    total_unregistered: Money


class FinalAccountsRow(PublicModel):
    source: str
    carried_in: Money | None = None
    allocated: Money | None = None
    contributed: Money | None = None
    prior_year_refunds: Money
    spent: Money
    spent_by_category: dict[str, Money]
    formed_fixed_assets: Money
    carried_out: Money
    surplus_formed: Money
    surplus_restored: Money
    surplus_recovered: Money
    surplus_awaiting: Money
    rate: Percent


class FinalAccountsReport(PublicModel):
    """经费决算表 of one project and year."""

    project_code: str
    year: int
    rows: list[FinalAccountsRow]
    matching: dict[str, Money | None] | None
