"""Use cases of a university finance office (财务处): contributions, expenditures and reversals
(asset registrations are in :mod:`ledger.asset_registration`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from ledger import errors
from ledger.asset_registration import AssetRegistrationUseCase
from ledger.claims import VoucherClaim, voucher_claim_id
from ledger.context import CommandContext
from ledger.engine import Changes, Outcome, amount_arg
from ledger.expenditure import Expenditure
from ledger.project import Project, project_id


def _voucher_error(project: Project, voucher_no: str) -> errors.VoucherNumberUsed:
    return errors.VoucherNumberUsed(
        f"Voucher number {voucher_no} is already used in project {project.code}.",
        voucher_no=voucher_no,
    )


class FinanceOfficeUseCases(AssetRegistrationUseCase):
    """Commands a finance office may give for its own university's projects."""

    def _claim_voucher(
        self, changes: Changes, ctx: CommandContext, project: Project, voucher_no: str,
        posting: str, booked_on: date,
    ) -> tuple[UUID, errors.DomainError]:
        """P11, checked after the account's own rules so the lowest-numbered rule is reported."""
        claim_id = voucher_claim_id(project.id, voucher_no)
        error = _voucher_error(project, voucher_no)
        if changes.exists(claim_id):
            raise error
        changes.add(
            VoucherClaim.claim(
                project_id=project.id,
                meta=ctx.event_meta(),
                booked_on=booked_on,
                project_code=project.code,
                voucher_no=voucher_no,
                posting=posting,
            )
        )
        return claim_id, error

    def contribute(
        self,
        ctx: CommandContext,
        project_code: str,
        *,
        source: str,
        amount: Decimal | str,
        booked_on: date,
        voucher_no: str,
        origin: str,
        origin_is_fiscal: bool,
    ) -> dict[str, Any]:
        """学校配套 and other non-fiscal contributions (counted only when received)."""
        args = {
            "project_code": project_code,
            "source": source,
            "amount": amount_arg("amount", amount),
            "booked_on": booked_on,
            "voucher_no": voucher_no,
            "origin": origin,
            "origin_is_fiscal": origin_is_fiscal,
        }

        def decide(changes: Changes) -> Outcome:
            project = self._project(changes, project_code)
            project.contribute(
                rules=self.program_rules(project.program),
                meta=ctx.event_meta(),
                **{k: v for k, v in args.items() if k != "project_code"},
            )
            claim = self._claim_voucher(changes, ctx, project, voucher_no, "contribution", booked_on)
            return Outcome({**args}, project, [claim])

        return self._execute(ctx, "contribute", args, [project_id(project_code)], decide)

    def post_expenditure(
        self,
        ctx: CommandContext,
        project_code: str,
        *,
        source: str,
        category: str,
        amount: Decimal | str,
        booked_on: date,
        voucher_no: str,
        payee: str,
        description: str,
    ) -> dict[str, Any]:
        """支出 from one source; consumes its open tranches oldest appropriation year first."""
        args = {
            "project_code": project_code,
            "source": source,
            "category": category,
            "amount": amount_arg("amount", amount),
            "booked_on": booked_on,
            "voucher_no": voucher_no,
            "payee": payee,
            "description": description,
        }

        def decide(changes: Changes) -> Outcome:
            project = self._project(changes, project_code)
            expenditure_id = uuid4()
            pieces = project.spend(
                rules=self.program_rules(project.program),
                meta=ctx.event_meta(),
                expenditure_id=expenditure_id,
                **{k: v for k, v in args.items() if k != "project_code"},
            )
            claim = self._claim_voucher(changes, ctx, project, voucher_no, "expenditure", booked_on)
            consumed = [p.as_data() for p in pieces]
            changes.add(
                Expenditure.open(
                    expenditure_id=expenditure_id,
                    meta=ctx.event_meta(),
                    booked_on=booked_on,
                    project_id=project.id,
                    source=source,
                    category=category,
                    amount=args["amount"],
                    consumed=consumed,
                )
            )
            result = {"expenditure_id": expenditure_id, **args, "consumed": consumed}
            return Outcome(result, project, [claim])

        return self._execute(ctx, "post_expenditure", args, [project_id(project_code)], decide)

    def reverse_expenditure(
        self,
        ctx: CommandContext,
        project_code: str,
        expenditure_id: UUID,
        *,
        amount: Decimal | str,
        booked_on: date,
        reason: str,
        voucher_no: str,
    ) -> dict[str, Any]:
        """冲销 of (part of) an expenditure; restores exactly the tranches it consumed."""
        args = {
            "project_code": project_code,
            "expenditure_id": expenditure_id,
            "amount": amount_arg("amount", amount),
            "booked_on": booked_on,
            "reason": reason,
            "voucher_no": voucher_no,
        }

        def decide(changes: Changes) -> Outcome:
            project = self._project(changes, project_code)
            card: Expenditure | None = changes.find(expenditure_id)
            if card is not None and not isinstance(card, Expenditure):
                card = None
            reversal_id = uuid4()
            pieces = project.reverse(
                meta=ctx.event_meta(),
                reversal_id=reversal_id,
                expenditure=card,
                expenditure_id=expenditure_id,
                amount=args["amount"],
                booked_on=booked_on,
                reason=reason,
                voucher_no=voucher_no,
            )
            assert card is not None
            restored = [p.as_data() for p in pieces]
            card.record_reversal(
                meta=ctx.event_meta(), reversal_id=reversal_id, amount=args["amount"],
                restored=restored, booked_on=booked_on,
            )
            claim = self._claim_voucher(changes, ctx, project, voucher_no, "reversal", booked_on)
            result = {"reversal_id": reversal_id, **args, "restored": restored}
            return Outcome(result, project, [claim])

        return self._execute(
            ctx, "reverse_expenditure", args, [project_id(project_code)], decide
        )
