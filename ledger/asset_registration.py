"""固定资产登记: a finance office registers a fixed asset funded by the project's capital
expenditures (P8), claiming its asset number within the university in the same transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from ledger import errors
from ledger.claims import AssetNumberClaim, asset_number_claim_id
from ledger.context import CommandContext
from ledger.engine import Changes, LedgerEngine, Outcome, amount_arg
from ledger.expenditure import Expenditure
from ledger.project import project_id


class AssetRegistrationUseCase(LedgerEngine):
    """The asset registration use case of the finance office."""

    def register_asset(
        self,
        ctx: CommandContext,
        project_code: str,
        *,
        asset_no: str,
        name: str,
        category_code: str,
        original_value: Decimal | str,
        quantity: int,
        unit: str,
        acquired_on: date,
        booked_on: date,
        location: str,
        custodian: str,
        funded_by: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """固定资产登记 funded by explicit amounts of the project's capital expenditures."""
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise errors.FieldError("quantity", "an integer of at least 1")
        if not funded_by:
            raise errors.FieldError("funded_by", "at least one funding expenditure is required")
        funding_args = [
            {
                "expenditure_id": item["expenditure_id"],
                "amount": amount_arg(f"funded_by[{i}].amount", item["amount"]),
            }
            for i, item in enumerate(funded_by)
        ]
        facts = {
            "asset_no": asset_no,
            "name": name,
            "category_code": category_code,
            "original_value": amount_arg("original_value", original_value),
            "quantity": quantity,
            "unit": unit,
            "acquired_on": acquired_on,
            "location": location,
            "custodian": custodian,
        }
        args = {"project_code": project_code, **facts, "booked_on": booked_on,
                "funded_by": funding_args}

        def decide(changes: Changes) -> Outcome:
            project = self._project(changes, project_code)
            cards = []
            for item in funding_args:
                card = changes.find(item["expenditure_id"])
                cards.append(card if isinstance(card, Expenditure) else None)
            asset_id = uuid4()
            project.register_asset(
                rules=self.program_rules(project.program),
                meta=ctx.event_meta(),
                asset_id=asset_id,
                funding=[
                    (card, item["expenditure_id"], item["amount"])
                    for card, item in zip(cards, funding_args)
                ],
                booked_on=booked_on,
                **facts,
            )
            claim_id = asset_number_claim_id(project.university_code, asset_no)
            error = errors.AssetRegistrationRejected(
                f"Asset number {asset_no} is already registered at university "
                f"{project.university_code}.",
                asset_no=asset_no,
            )
            if changes.exists(claim_id):
                raise error
            changes.add(
                AssetNumberClaim.claim(
                    meta=ctx.event_meta(),
                    booked_on=booked_on,
                    university_code=project.university_code,
                    asset_no=asset_no,
                    project_code=project.code,
                )
            )
            for card, item in zip(cards, funding_args):
                assert card is not None
                card.record_capitalisation(
                    meta=ctx.event_meta(), asset_id=asset_id, asset_no=asset_no,
                    amount=item["amount"], booked_on=booked_on,
                )
            result = {"asset_id": asset_id, **args}
            return Outcome(result, project, [(claim_id, error)])

        return self._execute(ctx, "register_asset", args, [project_id(project_code)], decide)
