"""Read model ``assets``: the asset register, and expenditures with their reversals and asset
fundings (dated), from which unregistered capital spending and formed fixed assets are read.

Only capital expenditures (categories their program flags ``capital``; a program's categories
never change after it is defined) are kept, with their reversals: nothing else can fund an
asset. Expenditure ids are stored as 32-digit hex (cheaper to produce than the dashed form,
which queries give back)."""

from __future__ import annotations

import json
from typing import Any

from ledger.project import Project
from projections.base import Handler, InsertBuffer, ReadModel, cents

ASSET_COLUMNS = (
    "asset_id", "project_code", "asset_no", "name", "category_code", "original_value",
    "quantity", "unit", "acquired_on", "location", "custodian", "booked_on", "funded_by",
    "position",
)
EXPENDITURE_COLUMNS = (
    "expenditure_id", "project_code", "booked_on", "year", "source", "category", "amount",
    "voucher_no", "position",
)
MOVEMENT_COLUMNS = (
    "position", "seq", "expenditure_id", "project_code", "booked_on", "kind", "amount",
)


class AssetsModel(ReadModel):
    name = "assets"
    tables = ("rm_assets", "rm_expenditures", "rm_expenditure_movements")

    def __init__(self, *args: Any, capital_categories: Any = None) -> None:
        super().__init__(*args)
        self._capital_of = capital_categories
        self._capital: dict[str, frozenset[str]] = {}
        self.assets = InsertBuffer(self.db, "rm_assets", ASSET_COLUMNS)
        self.expenditures = InsertBuffer(self.db, "rm_expenditures", EXPENDITURE_COLUMNS)
        self.movements = InsertBuffer(self.db, "rm_expenditure_movements", MOVEMENT_COLUMNS)

    def handlers(self) -> dict[type, Handler]:
        return {
            Project.ExpenditurePosted: self.spent,
            Project.ExpenditureReversed: self.reversed,
            Project.AssetRegistered: self.registered,
        }

    def _is_capital(self, e: Any) -> bool:
        program = self.directory.program(e.originator_id)
        categories = self._capital.get(program)
        if categories is None:
            categories = self._capital[program] = frozenset(self._capital_of(program))
        return e.category in categories

    def spent(self, e: Any, position: int) -> None:
        if not self._is_capital(e):
            return
        self.expenditures.add(
            e.expenditure_id.hex, self.directory.code(e.originator_id),
            self.db.date_param(e.booked_on), e.booked_on.year, e.source, e.category,
            cents(e.amount), e.voucher_no, position,
        )

    def reversed(self, e: Any, position: int) -> None:
        if not self._is_capital(e):
            return
        self.movements.add(
            position, 0, e.expenditure_id.hex, self.directory.code(e.originator_id),
            self.db.date_param(e.booked_on), "REVERSED", cents(e.amount),
        )

    def registered(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        funded_by = [
            {"expenditure_id": str(f["expenditure_id"]), "amount": str(f["amount"])}
            for f in e.funded_by
        ]
        self.assets.add(
            str(e.asset_id), code, e.asset_no, e.name, e.category_code,
            cents(e.original_value), e.quantity, e.unit, self.db.date_param(e.acquired_on),
            e.location, e.custodian, self.db.date_param(e.booked_on),
            json.dumps(funded_by, ensure_ascii=False), position,
        )
        for seq, funding in enumerate(e.funded_by):
            self.movements.add(
                position, seq + 1, funding["expenditure_id"].hex, code,
                self.db.date_param(e.booked_on), "FUNDED", cents(funding["amount"]),
            )

    def flush(self, cursor: Any) -> None:
        self.assets.flush(cursor)
        self.expenditures.flush(cursor)
        self.movements.flush(cursor)

    def discard(self) -> None:
        for buffer in (self.assets, self.expenditures, self.movements):
            buffer.rows = []
