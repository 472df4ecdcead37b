"""Postings into a project's account: allocations (资金下达), contributions (配套) and
expenditures (支出, FIFO over the source's open tranches)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger import errors
from ledger.money import format_money
from ledger.programs import ProgramRules
from ledger.tranches import Piece, fifo_consumption


class AccountPostings:
    """Commands that bring money in or spend it (P3–P6)."""

    # Mixed into ledger.project.Project, whose state and nested events these methods use.

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
