"""Read model ``journal`` (分户账): one line per posting and source, in log order.

Running balances per source are computed when read (a window sum over the project's lines), so
the stored lines never depend on each other and a batch needs no prior state.
"""

from __future__ import annotations

from typing import Any

from ledger.project import Project
from projections.base import Handler, InsertBuffer, ReadModel, cents

COLUMNS = (
    "position", "seq", "project_code", "booked_on", "year", "source", "entry", "category",
    "voucher_no", "document_no", "description", "inflow", "outflow",
)


class JournalModel(ReadModel):
    name = "journal"
    tables = ("rm_journal",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.rows = InsertBuffer(self.db, "rm_journal", COLUMNS)

    def handlers(self) -> dict[type, Handler]:
        return {
            Project.FundsAllocated: self.allocated,
            Project.ContributionReceived: self.contributed,
            Project.ExpenditurePosted: self.spent,
            Project.ExpenditureReversed: self.reversed,
            Project.SurplusRecovered: self.recovered,
        }

    def _line(
        self, e: Any, position: int, seq: int, source: str, entry: str, category: str | None,
        voucher_no: str | None, document_no: str | None, description: str | None,
        inflow: int, outflow: int,
    ) -> None:
        self.rows.add(
            position, seq, self.directory.code(e.originator_id), self.db.date_param(e.booked_on),
            e.booked_on.year, source, entry, category, voucher_no, document_no, description,
            inflow, outflow,
        )

    def allocated(self, e: Any, position: int) -> None:
        self._line(e, position, 0, e.source, "ALLOCATION", None, None, e.document_no,
                   f"拨款 {e.appropriation_year}年度", cents(e.amount), 0)

    def contributed(self, e: Any, position: int) -> None:
        self._line(e, position, 0, e.source, "CONTRIBUTION", None, e.voucher_no, None, e.origin,
                   cents(e.amount), 0)

    def spent(self, e: Any, position: int) -> None:
        self._line(e, position, 0, e.source, "EXPENDITURE", e.category, e.voucher_no, None,
                   e.description, 0, cents(e.amount))

    def reversed(self, e: Any, position: int) -> None:
        by_source: dict[str, int] = {}
        for piece in e.restored:
            by_source[piece["source"]] = by_source.get(piece["source"], 0) + cents(piece["amount"])
        for seq, (source, amount) in enumerate(sorted(by_source.items())):
            self._line(e, position, seq, source, "REVERSAL", e.category, e.voucher_no, None,
                       e.reason, amount, 0)

    def recovered(self, e: Any, position: int) -> None:
        self._line(e, position, 0, e.source, "SURPLUS_RECOVERY", None, None, e.document_no,
                   f"结余收回 {e.appropriation_year}年度", 0, cents(e.amount))

    def flush(self, cursor: Any) -> None:
        self.rows.flush(cursor)

    def discard(self) -> None:
        self.rows.rows = []
