"""Corrections and records on spent money: reversals (冲销, P7) and fixed-asset
registrations (固定资产登记, P8), both checked against the expenditure card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger import errors
from ledger.expenditure import Expenditure
from ledger.money import ZERO, format_money
from ledger.programs import ProgramRules
from ledger.tranches import Piece, restoration


class AccountCorrections:
    """Commands on expenditures already posted."""

    # Mixed into ledger.project.Project, whose state and nested events these methods use.

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
        if (expenditure is not None and expenditure.project_id == self.id
                and booked_on < expenditure.booked_on):
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
