"""The expenditure card: what one expenditure consumed, what is reversed and what is capitalised.

Keeping these per expenditure (not inside ``Project``) keeps the project aggregate bounded in
size however long its history, so loading an account costs the same after 100 or 100,000
postings. The card's events are saved in the same transaction as the project's event they
accompany; projections read the project's events, the card serves the P7 and P8 checks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger import errors
from ledger.events import LedgerCreated, LedgerEvent
from ledger.money import ZERO, format_money


class Expenditure(Aggregate):
    """One expenditure of one project (id = the expenditure id)."""

    class Opened(LedgerCreated):
        project_id: UUID
        source: str
        category: str
        amount: Decimal
        consumed: list[dict[str, Any]]

    class Reversed(LedgerEvent):
        reversal_id: UUID
        amount: Decimal
        restored: list[dict[str, Any]]

        def apply(self, card: Expenditure) -> None:
            card.reversed += self.amount
            for piece in self.restored:
                for item in reversed(card.unreversed):
                    if (
                        item["source"] == piece["source"]
                        and item["appropriation_year"] == piece["appropriation_year"]
                        and Decimal(item["amount"]) > ZERO
                    ):
                        item["amount"] = Decimal(item["amount"]) - Decimal(piece["amount"])
                        break

    class Capitalised(LedgerEvent):
        asset_id: UUID
        asset_no: str
        amount: Decimal

        def apply(self, card: Expenditure) -> None:
            card.capitalised += self.amount

    def __init__(
        self,
        project_id: UUID,
        source: str,
        category: str,
        amount: Decimal,
        consumed: list[dict[str, Any]],
        booked_on: date,
    ) -> None:
        self.project_id = project_id
        self.source = source
        self.category = category
        self.amount = amount
        self.booked_on = booked_on
        self.unreversed = [dict(piece) for piece in consumed]
        self.reversed = ZERO
        self.capitalised = ZERO

    @classmethod
    def open(
        cls, *, expenditure_id: UUID, meta: dict[str, Any], booked_on: date, **facts: Any
    ) -> Expenditure:
        return cls._create(cls.Opened, id=expenditure_id, booked_on=booked_on, **meta, **facts)

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.reversed

    def check_reversible(self, amount: Decimal) -> None:
        """P7: no more than is unreversed, and never below the asset value it funds."""
        if amount > self.net_amount:
            raise errors.ReversalRejected(
                f"Reversal of {format_money(amount)} exceeds the unreversed amount "
                f"{format_money(self.net_amount)} of expenditure {self.id}.",
                unreversed=format_money(self.net_amount),
                requested=format_money(amount),
            )
        if self.net_amount - amount < self.capitalised:
            raise errors.ReversalRejected(
                f"Reversal of {format_money(amount)} would leave expenditure {self.id} at "
                f"{format_money(self.net_amount - amount)}, below the asset value of "
                f"{format_money(self.capitalised)} it funds.",
                asset_value=format_money(self.capitalised),
                requested=format_money(amount),
            )

    def check_can_fund(self, amount: Decimal) -> None:
        """P8: funded amounts never exceed the expenditure's net amount."""
        if self.capitalised + amount > self.net_amount:
            raise errors.AssetRegistrationRejected(
                f"Expenditure {self.id} has {format_money(self.net_amount - self.capitalised)} "
                f"not yet registered as assets; it cannot fund {format_money(amount)}.",
                expenditure_id=str(self.id),
                unregistered=format_money(self.net_amount - self.capitalised),
            )

    def record_reversal(
        self, *, meta: dict[str, Any], reversal_id: UUID, amount: Decimal,
        restored: list[dict[str, Any]], booked_on: date,
    ) -> None:
        self.trigger_event(
            self.Reversed, reversal_id=reversal_id, amount=amount, restored=restored,
            booked_on=booked_on, **meta,
        )

    def record_capitalisation(
        self, *, meta: dict[str, Any], asset_id: UUID, asset_no: str, amount: Decimal,
        booked_on: date,
    ) -> None:
        self.trigger_event(
            self.Capitalised, asset_id=asset_id, asset_no=asset_no, amount=amount,
            booked_on=booked_on, **meta,
        )
