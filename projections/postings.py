"""Read model ``postings``: one row per movement of money with its business date.

The base of every time-based report: execution rates, carry-over ageing, matching and the
经费决算表 are sums over these rows filtered by ``year`` and ``booked_on`` (covering index
(year, fiscal, project_code, booked_on, kind, amount), migration 0004). Kinds (amounts always positive, in fen):

- ``ALLOCATED`` (fiscal, per tranche), ``CONTRIBUTED`` (pool);
- ``SPENT`` per consumed piece, with its category;
- ``REVERSED`` a same-year reversal (reduces that year's spending); a reversal booked in a later
  year is a prior-year refund: ``REFUND_OPEN`` (restored an open tranche: adds to the year's
  available money), ``REFUND_SURPLUS`` (restored into surplus awaiting recovery) or
  ``REFUND_POOL`` (a non-fiscal pool);
- at the close of Y: ``CARRIED_OUT`` (booked 31 Dec Y) and ``CARRIED_IN`` (year Y+1, booked
  1 Jan Y+1) per carried tranche and per pool; ``SURPLUS_FORMED`` (booked 31 Dec Y; the close's
  reason is kept in ``category``);
- ``RECOVERED`` surplus taken back by the department.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.project import Project
from ledger.tranches import SURPLUS
from projections.base import Handler, InsertBuffer, ReadModel, cents

COLUMNS = (
    "position", "seq", "project_code", "year", "booked_on", "source", "fiscal",
    "appropriation_year", "kind", "category", "amount",
)
REFUND_KIND = {"OPEN": "REFUND_OPEN", "SURPLUS": "REFUND_SURPLUS", "POOL": "REFUND_POOL"}


class PostingsModel(ReadModel):
    name = "postings"
    tables = ("rm_postings",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.rows = InsertBuffer(self.db, "rm_postings", COLUMNS)

    def handlers(self) -> dict[type, Handler]:
        return {
            Project.FundsAllocated: self.allocated,
            Project.ContributionReceived: self.contributed,
            Project.ExpenditurePosted: self.spent,
            Project.ExpenditureReversed: self.reversed,
            Project.FiscalYearClosed: self.closed,
            Project.SurplusRecovered: self.recovered,
        }

    def _add(
        self, position: int, seq: int, code: str, booked_on: date, source: str,
        appropriation_year: int | None, kind: str, category: str | None, amount: Any,
        year: int | None = None,
    ) -> None:
        self.rows.add(
            position, seq, code, year or booked_on.year, self.db.date_param(booked_on), source,
            0 if appropriation_year is None else 1, appropriation_year, kind, category,
            cents(amount),
        )

    def allocated(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        self._add(position, 0, code, e.booked_on, e.source, e.appropriation_year, "ALLOCATED",
                  None, e.amount)

    def contributed(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        self._add(position, 0, code, e.booked_on, e.source, None, "CONTRIBUTED", None, e.amount)

    def spent(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        for seq, piece in enumerate(e.consumed):
            self._add(position, seq, code, e.booked_on, piece["source"],
                      piece["appropriation_year"], "SPENT", e.category, piece["amount"])

    def reversed(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        for seq, piece in enumerate(e.restored):
            kind = REFUND_KIND[piece["into"]] if piece.get("prior_year") else "REVERSED"
            self._add(position, seq, code, e.booked_on, piece["source"],
                      piece["appropriation_year"], kind, e.category, piece["amount"])

    def closed(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        year_end, next_start = date(e.year, 12, 31), date(e.year + 1, 1, 1)
        seq = 0
        for line in e.lines:
            source, a, amount = line["source"], line["appropriation_year"], line["amount"]
            if line["outcome"] == SURPLUS:
                self._add(position, seq, code, year_end, source, a, "SURPLUS_FORMED",
                          line["reason"], amount)
                seq += 1
                continue
            self._add(position, seq, code, year_end, source, a, "CARRIED_OUT", None, amount)
            self._add(position, seq + 1, code, next_start, source, a, "CARRIED_IN", None, amount)
            seq += 2
        for pool in e.pools:
            self._add(position, seq, code, year_end, pool["source"], None, "CARRIED_OUT", None,
                      pool["amount"])
            self._add(position, seq + 1, code, next_start, pool["source"], None, "CARRIED_IN",
                      None, pool["amount"])
            seq += 2

    def recovered(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        self._add(position, 0, code, e.booked_on, e.source, e.appropriation_year, "RECOVERED",
                  None, e.amount)

    def flush(self, cursor: Any) -> None:
        self.rows.flush(cursor)

    def discard(self) -> None:
        self.rows.rows = []
