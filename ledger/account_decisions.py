"""The department's acts on an account: surplus recovery (结余收回, P9), funding decisions,
lead changes, and the fiscal-year close with carry-over and surplus (结转/结余, P10, §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger import errors
from ledger.money import ZERO, format_money
from ledger.programs import ProgramRules
from ledger.tranches import OPEN, SURPLUS, tranche_key

FUNDING_ACTIONS = ("SUSPEND", "REDUCE", "RESTORE", "TERMINATE")


class AccountDecisions:
    """Department commands and the year-end close."""

    # Mixed into ledger.project.Project, whose state and nested events these methods use.

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
        # Terminated by the end of this year: a termination taking effect in a later year
        # leaves this year's close ordinary (postings up to the effective date stay possible).
        terminated = self.terminated_on is not None and self.terminated_on <= date(year, 12, 31)
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
        """The body of the close of ``year`` as first decided (with when it was recorded)."""
        close = self.closes[str(year)]
        return {
            "project_code": self.code,
            "year": year,
            "lines": [dict(line) for line in close["lines"]],
            "pools": [dict(pool) for pool in close["pools"]],
            "recorded_at": close.get("recorded_at"),
        }

    def close_version(self, year: int) -> int | None:
        """The account version of the event that closed ``year`` (to find its log position)."""
        return self.closes[str(year)].get("version")
