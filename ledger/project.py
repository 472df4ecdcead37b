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
from ledger.events import LedgerCreated, LedgerEvent
from ledger.expenditure import Expenditure
from ledger.money import ZERO, format_money
from ledger.programs import ProgramRules
from ledger.tranches import (
    OPEN,
    SURPLUS,
    Piece,
    Pool,
    Tranche,
    fifo_consumption,
    restoration,
    tranche_key,
)

PROJECT_NAMESPACE = uuid5(NAMESPACE_URL, "https://fundledger.example/projects")

ACTIVE, TERMINATED, ENDED = "ACTIVE", "TERMINATED", "ENDED"
FUNDING_ACTIONS = ("SUSPEND", "REDUCE", "RESTORE", "TERMINATE")


def project_id(code: str) -> UUID:
    """Deterministic id of a project, so a project code can be registered only once."""
    return uuid5(PROJECT_NAMESPACE, code)


class Project(Aggregate):
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
            project.closes[str(self.year)] = {"lines": self.lines, "pools": self.pools}
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

    # --- guards (P1, P2) -----------------------------------------------------------------------

    def check_accepts(self, kind: str, booked_on: date) -> None:
        """P1: terminated projects take nothing dated after termination; ended ones only
        reversals and surplus recoveries."""
        if self.final_closed and kind not in ("reversal", "surplus-recovery"):
            raise errors.PostingNotAccepted(
                f"Project {self.code} has ended (its final year {self.last_closed_year} is "
                f"closed); it accepts only reversals and surplus recoveries, not a {kind}.",
                project_status=self.status,
            )
        if (
            self.terminated_on is not None
            and kind in ("allocation", "contribution", "expenditure", "asset")
            and booked_on > self.terminated_on
        ):
            raise errors.PostingNotAccepted(
                f"Project {self.code} was terminated on {self.terminated_on.isoformat()}; "
                f"a {kind} dated {booked_on.isoformat()} cannot be accepted.",
                terminated_on=self.terminated_on.isoformat(),
            )

    def check_booking_date(self, booked_on: date) -> None:
        """P2: ``booked_on`` must fall in the open year (after the final close: any later date)."""
        year = booked_on.year
        if year < self.period_start_year:
            raise errors.BeforePeriod(
                f"{booked_on.isoformat()} is before the construction period of {self.code} "
                f"({self.period_start_year}–{self.period_end_year}).",
                period_start_year=self.period_start_year,
            )
        open_year = self.open_year
        if open_year is None:
            assert self.last_closed_year is not None
            if year <= self.last_closed_year:
                raise errors.YearClosed(
                    f"Fiscal year {year} of {self.code} is closed; after the final close only "
                    f"dates after {self.last_closed_year} are accepted.",
                    year=year,
                )
            return
        if year < open_year:
            raise errors.YearClosed(
                f"Fiscal year {year} of {self.code} is closed; the open year is {open_year}.",
                year=year,
                open_year=open_year,
            )
        if year > open_year:
            raise errors.YearNotOpen(
                f"Fiscal year {year} of {self.code} is not open yet; the open year is {open_year} "
                f"and must be closed first.",
                year=year,
                open_year=open_year,
            )

    def _check_posting(self, kind: str, booked_on: date) -> None:
        self.check_accepts(kind, booked_on)
        self.check_booking_date(booked_on)

    # --- commands ------------------------------------------------------------------------------

    def allocate(
        self,
        *,
        rules: ProgramRules,
        meta: dict[str, Any],
        source: str,
        appropriation_year: int,
        amount: Decimal,
        document_no: str,
        booked_on: date,
    ) -> None:
        """资金下达: fiscal money into the tranche (source, appropriation year)."""
        if not rules.is_fiscal(source):
            raise errors.FieldError(
                "source",
                f"{source} is not a fiscal source of program {rules.code}; allocations carry "
                f"fiscal money only ({', '.join(sorted(rules.fiscal_sources))})",
            )
        self._check_posting("allocation", booked_on)
        self._check_allocation_allowed(source, appropriation_year, amount)
        if source == self.platform_source:
            total = self.platform_allocated + amount
            if total > self.platform_entitlement:
                raise errors.PlatformEntitlementExceeded(
                    f"PLATFORM allocations would total {format_money(total)}, above the "
                    f"entitlement of {format_money(self.platform_entitlement)} "
                    f"(already allocated {format_money(self.platform_allocated)}).",
                    entitlement=format_money(self.platform_entitlement),
                    allocated=format_money(self.platform_allocated),
                    requested=format_money(amount),
                )
        self.trigger_event(
            self.FundsAllocated,
            source=source,
            appropriation_year=appropriation_year,
            amount=amount,
            document_no=document_no,
            booked_on=booked_on,
            **meta,
        )

    def _check_allocation_allowed(self, source: str, year: int, amount: Decimal) -> None:
        """P3: inside the period, not suspended, within a REDUCE cap, not into a surplus tranche."""
        if not self.period_start_year <= year <= self.period_end_year:
            raise errors.AllocationRejected(
                f"Appropriation year {year} is outside the construction period "
                f"{self.period_start_year}–{self.period_end_year} of {self.code}.",
                appropriation_year=year,
            )
        if year in self.suspended_years:
            raise errors.AllocationRejected(
                f"Allocations to {self.code} for {year} are suspended by a funding decision.",
                appropriation_year=year,
            )
        cap = self.caps.get(str(year))
        if cap is not None:
            total = self.fiscal_allocated_by_year.get(str(year), ZERO) + amount
            if total > cap:
                raise errors.AllocationRejected(
                    f"Fiscal allocations for {year} would total {format_money(total)}, above the "
                    f"reduced cap of {format_money(cap)}.",
                    appropriation_year=year,
                    cap=format_money(cap),
                )
        tranche = self.tranches.get(tranche_key(source, year))
        if tranche is not None and tranche.status == SURPLUS:
            raise errors.AllocationRejected(
                f"Tranche {source}-{year} of {self.code} has already become surplus; it cannot "
                f"receive more money.",
                appropriation_year=year,
            )

    def contribute(
        self,
        *,
        rules: ProgramRules,
        meta: dict[str, Any],
        source: str,
        amount: Decimal,
        booked_on: date,
        voucher_no: str,
        origin: str,
        origin_is_fiscal: bool,
    ) -> None:
        """配套 / non-fiscal contribution into the pool of ``source``."""
        if source not in rules.pool_sources:
            raise errors.FieldError(
                "source",
                f"{source} is not a non-fiscal source of program {rules.code} "
                f"({', '.join(sorted(rules.pool_sources))})",
            )
        self._check_posting("contribution", booked_on)
        if origin_is_fiscal:
            raise errors.FiscalOriginContribution(
                "Fiscal money cannot be contributed as matching or other non-fiscal funds "
                "(财政专项资金不得用作其他项目配套); it enters only as an allocation.",
            )
        self.trigger_event(
            self.ContributionReceived,
            source=source,
            amount=amount,
            voucher_no=voucher_no,
            origin=origin,
            origin_is_fiscal=origin_is_fiscal,
            booked_on=booked_on,
            **meta,
        )

    def spend(
        self,
        *,
        rules: ProgramRules,
        meta: dict[str, Any],
        expenditure_id: UUID,
        source: str,
        category: str,
        amount: Decimal,
        booked_on: date,
        voucher_no: str,
        payee: str,
        description: str,
    ) -> list[Piece]:
        """支出: consume the source's open tranches oldest appropriation year first."""
        if source not in rules.sources:
            raise errors.FieldError("source", f"{source} is not a source of program {rules.code}")
        if category not in rules.categories:
            raise errors.FieldError(
                "category", f"{category} is not an expenditure category of program {rules.code}"
            )
        self._check_posting("expenditure", booked_on)
        if not rules.category_allowed_for_source(category, source):
            raise errors.CategoryNotAllowedForSource(
                f"{category} may not be charged to {source}"
                + (
                    " (review and evaluation fees are paid by the university, not from fiscal "
                    "funds, 第十五条)."
                    if rules.is_fiscal(source)
                    else "."
                ),
                source=source,
                category=category,
            )
        available = self.available(source, rules)
        if amount > available:
            raise errors.InsufficientFunds(
                f"Expenditure of {format_money(amount)} exceeds the available balance of "
                f"{source}, {format_money(available)}.",
                source=source,
                available=format_money(available),
                requested=format_money(amount),
            )
        if rules.is_fiscal(source):
            pieces = fifo_consumption(self.open_tranches(source), amount)
        else:
            pieces = [Piece(source, None, amount)]
        self.trigger_event(
            self.ExpenditurePosted,
            expenditure_id=expenditure_id,
            source=source,
            category=category,
            amount=amount,
            voucher_no=voucher_no,
            payee=payee,
            description=description,
            consumed=[p.as_data() for p in pieces],
            booked_on=booked_on,
            **meta,
        )
        return pieces

    def reverse(
        self,
        *,
        meta: dict[str, Any],
        reversal_id: UUID,
        expenditure: Expenditure | None,
        expenditure_id: UUID,
        amount: Decimal,
        booked_on: date,
        reason: str,
        voucher_no: str,
    ) -> list[Piece]:
        """冲销: restore exactly the tranches the original consumed, the last consumed first."""
        if expenditure is not None and expenditure.project_id == self.id:
            if booked_on < expenditure.booked_on:
                raise errors.FieldError(
                    "booked_on",
                    f"a reversal cannot be dated before its expenditure "
                    f"({expenditure.booked_on.isoformat()})",
                )
        self._check_posting("reversal", booked_on)
        if expenditure is None or expenditure.project_id != self.id:
            raise errors.ReversalRejected(
                f"Expenditure {expenditure_id} does not exist in project {self.code}.",
                expenditure_id=str(expenditure_id),
            )
        expenditure.check_reversible(amount)
        prior_year = booked_on.year > expenditure.booked_on.year
        pieces = restoration(expenditure.unreversed, amount)
        for piece in pieces:
            into = "POOL"
            if piece.appropriation_year is not None:
                tranche = self._tranche(piece.source, piece.appropriation_year)
                into = tranche.status
            piece.extra = {"into": into, "prior_year": prior_year}
        self.trigger_event(
            self.ExpenditureReversed,
            reversal_id=reversal_id,
            expenditure_id=expenditure_id,
            expenditure_booked_on=expenditure.booked_on,
            category=expenditure.category,
            amount=amount,
            reason=reason,
            voucher_no=voucher_no,
            restored=[p.as_data() for p in pieces],
            booked_on=booked_on,
            **meta,
        )
        return pieces

    def register_asset(
        self,
        *,
        rules: ProgramRules,
        meta: dict[str, Any],
        asset_id: UUID,
        funding: list[tuple[Expenditure | None, UUID, Decimal]],
        booked_on: date,
        **facts: Any,
    ) -> None:
        """固定资产登记, funded by explicit amounts of capital expenditures (P8)."""
        self._check_posting("asset", booked_on)
        requested: dict[UUID, Decimal] = {}
        for card, expenditure_id, amount in funding:
            if card is None or card.project_id != self.id:
                raise errors.AssetRegistrationRejected(
                    f"Funding expenditure {expenditure_id} does not exist in project {self.code}.",
                    expenditure_id=str(expenditure_id),
                )
            if card.category not in rules.capital_categories:
                raise errors.AssetRegistrationRejected(
                    f"Expenditure {expenditure_id} is {card.category}, not a capital category "
                    f"({', '.join(sorted(rules.capital_categories))}); it cannot fund an asset.",
                    expenditure_id=str(expenditure_id),
                )
            requested[expenditure_id] = requested.get(expenditure_id, ZERO) + amount
            card.check_can_fund(requested[expenditure_id])
        original_value: Decimal = facts["original_value"]
        quantity: int = facts["quantity"]
        threshold = rules.capitalisation_threshold
        if original_value / quantity < threshold:
            raise errors.AssetRegistrationRejected(
                f"Unit value {format_money(original_value / quantity)} is below the "
                f"capitalisation threshold of {format_money(threshold)}.",
                threshold=format_money(threshold),
            )
        funded_total = sum((amount for _, _, amount in funding), ZERO)
        if funded_total != original_value:
            raise errors.AssetRegistrationRejected(
                f"funded_by amounts total {format_money(funded_total)} but the original value is "
                f"{format_money(original_value)}; they must be equal.",
                funded_total=format_money(funded_total),
            )
        self.trigger_event(
            self.AssetRegistered,
            asset_id=asset_id,
            funded_by=[
                {"expenditure_id": eid, "amount": amount, "category": card.category}  # type: ignore[union-attr]
                for card, eid, amount in funding
            ],
            booked_on=booked_on,
            **meta,
            **facts,
        )

    def recover_surplus(
        self,
        *,
        rules: ProgramRules,
        meta: dict[str, Any],
        source: str,
        appropriation_year: int,
        amount: Decimal,
        booked_on: date,
        document_no: str,
    ) -> None:
        """结余收回: the department takes back surplus awaiting recovery."""
        if not rules.is_fiscal(source):
            raise errors.FieldError("source", f"{source} is not a fiscal source of {rules.code}")
        self._check_posting("surplus-recovery", booked_on)
        tranche = self.tranches.get(tranche_key(source, appropriation_year))
        awaiting = tranche.surplus_awaiting if tranche else ZERO
        if amount > awaiting:
            raise errors.RecoveryExceedsSurplus(
                f"Recovery of {format_money(amount)} exceeds the surplus awaiting recovery of "
                f"{source}-{appropriation_year}, {format_money(awaiting)}.",
                surplus_awaiting=format_money(awaiting),
                requested=format_money(amount),
            )
        self.trigger_event(
            self.SurplusRecovered,
            source=source,
            appropriation_year=appropriation_year,
            amount=amount,
            document_no=document_no,
            booked_on=booked_on,
            **meta,
        )

    def decide_funding(
        self,
        *,
        meta: dict[str, Any],
        action: str,
        target_year: int | None,
        amount: Decimal | None,
        effective_on: date | None,
        booked_on: date,
        reason: str,
        document_no: str,
    ) -> None:
        """The department's SUSPEND / REDUCE / RESTORE / TERMINATE decision (§8)."""
        if action not in FUNDING_ACTIONS:
            raise errors.FieldError("action", f"must be one of {', '.join(FUNDING_ACTIONS)}")
        if action == "TERMINATE":
            if effective_on is None:
                raise errors.FieldError("effective_on", "required for TERMINATE")
        else:
            if target_year is None:
                raise errors.FieldError("target_year", f"required for {action}")
            if not self.period_start_year <= target_year <= self.period_end_year:
                raise errors.FieldError(
                    "target_year",
                    f"{target_year} is outside the period "
                    f"{self.period_start_year}–{self.period_end_year}",
                )
        if action == "REDUCE" and amount is None:
            raise errors.FieldError("amount", "the REDUCE cap is required")
        self._check_posting("funding-decision", booked_on)
        self.trigger_event(
            self.FundingDecisionRecorded,
            action=action,
            target_year=target_year,
            amount=amount if action == "REDUCE" else None,
            effective_on=effective_on if action == "TERMINATE" else None,
            reason=reason,
            document_no=document_no,
            booked_on=booked_on,
            **meta,
        )

    def change_lead(
        self, *, meta: dict[str, Any], new_lead: str, effective_on: date, booked_on: date,
        document_no: str,
    ) -> None:
        """A new centre lead, with its filing document (第二十四条)."""
        self._check_posting("lead-change", booked_on)
        self.trigger_event(
            self.LeadChanged,
            new_lead=new_lead,
            effective_on=effective_on,
            document_no=document_no,
            booked_on=booked_on,
            **meta,
        )

    def close_year(
        self, *, rules: ProgramRules, meta: dict[str, Any], year: int, today: date
    ) -> dict[str, Any]:
        """结转/结余 at the close of ``year`` (§6); returns the close body. Closing a year that
        is already closed returns its first result unchanged (the caller checks that first)."""
        if str(year) in self.closes:
            return self.close_result(year)
        if year < self.period_start_year or year > self.period_end_year or self.final_closed:
            raise errors.YearCloseRejected(
                f"{year} is not a year of {self.code} that can be closed (period "
                f"{self.period_start_year}–{self.period_end_year}, "
                f"last closed {self.last_closed_year}).",
                year=year,
            )
        if today <= date(year, 12, 31):
            raise errors.YearCloseRejected(
                f"Fiscal year {year} has not ended yet (today is {today.isoformat()}).",
                year=year,
            )
        if year != self.open_year:
            raise errors.YearCloseRejected(
                f"Fiscal year {self.open_year} of {self.code} must be closed before {year}.",
                year=year,
                open_year=self.open_year,
            )
        terminated = self.status == TERMINATED
        final = terminated or year == self.period_end_year
        lines = []
        for tranche in sorted(
            (t for t in self.tranches.values() if t.status == OPEN),
            key=lambda t: (t.source, t.appropriation_year),
        ):
            reason: str | None
            if terminated:
                reason = "TERMINATED"
            elif year == self.period_end_year:
                reason = "PROJECT_ENDED"
            elif year - tranche.appropriation_year + 1 >= rules.carry_over_max_budget_years:
                reason = "TWO_YEAR"
            else:
                reason = None
            lines.append(
                {
                    "source": tranche.source,
                    "appropriation_year": tranche.appropriation_year,
                    "amount": tranche.available,
                    "outcome": SURPLUS if reason else "CARRIED",
                    "reason": reason,
                }
            )
        pools = [
            {"source": pool.source, "amount": pool.available}
            for pool in sorted(self.pools.values(), key=lambda p: p.source)
        ]
        self.trigger_event(
            self.FiscalYearClosed,
            year=year,
            lines=lines,
            pools=pools,
            ends_project=final,
            booked_on=date(year, 12, 31),
            **meta,
        )
        return self.close_result(year)

    def close_result(self, year: int) -> dict[str, Any]:
        close = self.closes[str(year)]
        return {
            "project_code": self.code,
            "year": year,
            "lines": [dict(line) for line in close["lines"]],
            "pools": [dict(pool) for pool in close["pools"]],
        }
