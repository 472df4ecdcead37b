"""Guards of a project's account: which postings it accepts (P1), in which year (P2), and
which allocations (P3). Checks only; they raise typed errors and change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger import errors
from ledger.money import ZERO, format_money
from ledger.tranches import SURPLUS, tranche_key


class AccountGuards:
    """P1, P2 and P3 as methods of the account."""

    # Mixed into ledger.project.Project, whose state and nested events these methods use.

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
