"""The ``Project`` aggregate: one project's dedicated account (单独建账、专款专用).

Command methods check every rule of domain.md §5 that the account itself can decide, raise a
typed error naming the rule and the amounts, and only then trigger an event. Event ``apply``
code only moves figures: it re-runs on every replay and must never reject an old fact.
Rules that need other aggregates (voucher and asset-number uniqueness, the expenditure card)
are combined by :mod:`ledger.application`, which passes those aggregates in.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger import errors
from ledger.account_corrections import AccountCorrections
from ledger.account_decisions import FUNDING_ACTIONS, AccountDecisions  # noqa: F401 (re-export)
from ledger.account_guards import AccountGuards
from ledger.account_postings import AccountPostings
from ledger.events import LedgerCreated, LedgerEvent
from ledger.money import ZERO
from ledger.programs import ProgramRules
from ledger.tranches import (
    OPEN,
    SURPLUS,
    Pool,
    Tranche,
    tranche_key,
)

PROJECT_NAMESPACE = uuid5(NAMESPACE_URL, "https://fundledger.example/projects")

ACTIVE, TERMINATED, ENDED = "ACTIVE", "TERMINATED", "ENDED"


def project_id(code: str) -> UUID:
    """Deterministic id of a project, so a project code can be registered only once."""
    return uuid5(PROJECT_NAMESPACE, code)


class Project(AccountGuards, AccountPostings, AccountCorrections, AccountDecisions, Aggregate):
    """A project's account: tranches per (fiscal source, appropriation year), pools per
    non-fiscal source, the open fiscal year, status and the department's decisions."""

    # --- events ----------------------------------------------------------------------------

    class Registered(LedgerCreated):
        code: str
        program: str
        university_code: str
        university_name: str
        name: str
        project_class: str
        period_start_year: int
        period_end_year: int
        lead: str
        platforms: list[dict[str, Any]]
        platform_entitlement: Decimal
        platform_source: str | None

    class FundsAllocated(LedgerEvent):
        source: str
        appropriation_year: int
        amount: Decimal
        document_no: str

        def apply(self, project: Project) -> None:
            tranche = project._tranche(self.source, self.appropriation_year)
            tranche.allocated += self.amount
            year = str(self.appropriation_year)
            project.fiscal_allocated_by_year[year] = (
                project.fiscal_allocated_by_year.get(year, ZERO) + self.amount
            )
            if self.source == project.platform_source:
                project.platform_allocated += self.amount

    class ContributionReceived(LedgerEvent):
        source: str
        amount: Decimal
        voucher_no: str
        origin: str
        origin_is_fiscal: bool

        def apply(self, project: Project) -> None:
            project._pool(self.source).contributed += self.amount

    class ExpenditurePosted(LedgerEvent):
        expenditure_id: UUID
        source: str
        category: str
        amount: Decimal
        voucher_no: str
        payee: str
        description: str
        consumed: list[dict[str, Any]]

        def apply(self, project: Project) -> None:
            for piece in self.consumed:
                project._holding(piece["source"], piece["appropriation_year"]).spent += Decimal(
                    piece["amount"]
                )

    class ExpenditureReversed(LedgerEvent):
        reversal_id: UUID
        expenditure_id: UUID
        expenditure_booked_on: date
        category: str
        amount: Decimal
        reason: str
        voucher_no: str
        restored: list[dict[str, Any]]

        def apply(self, project: Project) -> None:
            for piece in self.restored:
                amount = Decimal(piece["amount"])
                holding = project._holding(piece["source"], piece["appropriation_year"])
                holding.spent -= amount
                if isinstance(holding, Tranche) and piece["prior_year"]:
                    holding.prior_year_refunds += amount
                if piece["into"] == SURPLUS:
                    assert isinstance(holding, Tranche)
                    holding.surplus += amount

    class AssetRegistered(LedgerEvent):
        asset_id: UUID
        asset_no: str
        name: str
        category_code: str
        original_value: Decimal
        quantity: int
        unit: str
        acquired_on: date
        location: str
        custodian: str
        funded_by: list[dict[str, Any]]

        def apply(self, project: Project) -> None:
            project.asset_count += 1

    class FiscalYearClosed(LedgerEvent):
        year: int
        lines: list[dict[str, Any]]
        pools: list[dict[str, Any]]
        ends_project: bool

        def apply(self, project: Project) -> None:
            for line in self.lines:
                if line["outcome"] == SURPLUS:
                    tranche = project._tranche(line["source"], line["appropriation_year"])
                    tranche.status = SURPLUS
                    tranche.surplus += Decimal(line["amount"])
                    tranche.surplus_reason = line["reason"]
            project.last_closed_year = self.year
            project.closes[str(self.year)] = {
                "lines": self.lines,
                "pools": self.pools,
                # where the close is in the log, so closing again can answer its first result
                "version": self.originator_version,
                "recorded_at": self.timestamp,
            }
            if self.ends_project:
                project.final_closed = True
                if project.status == ACTIVE:
                    project.status = ENDED

    class SurplusRecovered(LedgerEvent):
        source: str
        appropriation_year: int
        amount: Decimal
        document_no: str

        def apply(self, project: Project) -> None:
            project._tranche(self.source, self.appropriation_year).recovered += self.amount

    class FundingDecisionRecorded(LedgerEvent):
        action: str
        target_year: int | None
        amount: Decimal | None
        effective_on: date | None
        reason: str
        document_no: str

        def apply(self, project: Project) -> None:
            year = str(self.target_year)
            if self.action == "SUSPEND":
                project.suspended_years.append(self.target_year)
            elif self.action == "REDUCE":
                project.caps[year] = self.amount
            elif self.action == "RESTORE":
                project.suspended_years = [
                    y for y in project.suspended_years if y != self.target_year
                ]
                project.caps.pop(year, None)
            elif self.action == "TERMINATE":
                project.status = TERMINATED
                project.terminated_on = self.effective_on

    class LeadChanged(LedgerEvent):
        new_lead: str
        effective_on: date
        document_no: str

        def apply(self, project: Project) -> None:
            project.lead = self.new_lead

    # --- construction ----------------------------------------------------------------------

    def __init__(
        self,
        code: str,
        program: str,
        university_code: str,
        university_name: str,
        name: str,
        project_class: str,
        period_start_year: int,
        period_end_year: int,
        lead: str,
        platforms: list[dict[str, Any]],
        platform_entitlement: Decimal,
        platform_source: str | None,
    ) -> None:
        self.code = code
        self.program = program
        self.university_code = university_code
        self.university_name = university_name
        self.name = name
        self.project_class = project_class
        self.period_start_year = period_start_year
        self.period_end_year = period_end_year
        self.lead = lead
        self.platforms = platforms
        self.platform_entitlement = platform_entitlement
        # Fixed at registration so a later settings change cannot reinterpret old allocations.
        self.platform_source = platform_source
        self.platform_allocated = ZERO
        self.status = ACTIVE
        self.terminated_on: date | None = None
        self.last_closed_year: int | None = None
        self.final_closed = False
        self.closes: dict[str, dict[str, Any]] = {}
        self.tranches: dict[str, Tranche] = {}
        self.pools: dict[str, Pool] = {}
        self.fiscal_allocated_by_year: dict[str, Decimal] = {}
        self.suspended_years: list[int] = []
        self.caps: dict[str, Decimal] = {}
        self.asset_count = 0

    @classmethod
    def register(
        cls, *, rules: ProgramRules, meta: dict[str, Any], booked_on: date, **facts: Any
    ) -> Project:
        """Register a project of a program (department). Shape checks are done by the caller."""
        if facts["project_class"] not in rules.project_classes:
            raise errors.FieldError(
                "project_class",
                f"{facts['project_class']} is not a class of program {rules.code} "
                f"({', '.join(sorted(rules.project_classes))})",
            )
        if facts["period_start_year"] > facts["period_end_year"]:
            raise errors.FieldError("period_end_year", "the period must not end before it starts")
        entitlements = rules.settings["platform_entitlements"]
        for i, platform in enumerate(facts["platforms"]):
            if platform["type"] not in entitlements:
                raise errors.FieldError(
                    f"platforms[{i}].type",
                    f"{platform['type']} is not a platform type of program {rules.code}",
                )
        project = cls._create(
            cls.Registered,
            id=project_id(facts["code"]),
            booked_on=booked_on,
            platform_entitlement=rules.platform_entitlement([p["type"] for p in facts["platforms"]]),
            platform_source=rules.platform_source,
            **meta,
            **facts,
        )
        return project

    # --- state helpers -----------------------------------------------------------------------

    def _tranche(self, source: str, appropriation_year: int) -> Tranche:
        key = tranche_key(source, appropriation_year)
        if key not in self.tranches:
            self.tranches[key] = Tranche(source, appropriation_year)
        return self.tranches[key]

    def _pool(self, source: str) -> Pool:
        if source not in self.pools:
            self.pools[source] = Pool(source)
        return self.pools[source]

    def _holding(self, source: str, appropriation_year: int | None) -> Tranche | Pool:
        if appropriation_year is None:
            return self._pool(source)
        return self._tranche(source, appropriation_year)

    def open_tranches(self, source: str) -> list[Tranche]:
        return [t for t in self.tranches.values() if t.source == source and t.status == OPEN]

    def available(self, source: str, rules: ProgramRules) -> Decimal:
        if rules.is_fiscal(source):
            return sum((t.available for t in self.open_tranches(source)), ZERO)
        pool = self.pools.get(source)
        return pool.available if pool else ZERO

    @property
    def open_year(self) -> int | None:
        """The first year of the period not yet closed; None once the final year is closed."""
        if self.final_closed:
            return None
        if self.last_closed_year is None:
            return self.period_start_year
        return self.last_closed_year + 1
