"""Read model ``accounts``: current balances per project, fiscal tranche and non-fiscal pool.

Handlers add deltas in memory; a batch writes one upsert per touched tranche or pool
(``allocated = allocated + delta``...), so the rows equal the ``Project`` aggregate's tranches
and pools (``ledger.tranches``) field for field, and applying a batch is commutative.
"""

from __future__ import annotations

from typing import Any

from ledger.project import Project
from ledger.tranches import SURPLUS
from projections.base import Handler, ReadModel, cents

# Tranche delta slots.
ALLOCATED, SPENT, REFUNDS, SURPLUS_AMT, RECOVERED = range(5)


class AccountsModel(ReadModel):
    name = "accounts"
    tables = ("rm_tranches", "rm_pools")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.tranches: dict[tuple[str, str, int], list[Any]] = {}
        self.pools: dict[tuple[str, str], list[int]] = {}
        self.sql_tranche = self.db.sql(
            "INSERT INTO rm_tranches (project_code, source, appropriation_year, allocated, spent, "
            "prior_year_refunds, surplus, recovered, status, surplus_reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (project_code, source, appropriation_year) DO UPDATE SET "
            "allocated = rm_tranches.allocated + excluded.allocated, "
            "spent = rm_tranches.spent + excluded.spent, "
            "prior_year_refunds = rm_tranches.prior_year_refunds + excluded.prior_year_refunds, "
            "surplus = rm_tranches.surplus + excluded.surplus, "
            "recovered = rm_tranches.recovered + excluded.recovered, "
            "status = CASE WHEN excluded.status = 'SURPLUS' THEN 'SURPLUS' "
            "ELSE rm_tranches.status END, "
            "surplus_reason = COALESCE(excluded.surplus_reason, rm_tranches.surplus_reason)"
        )
        self.sql_pool = self.db.sql(
            "INSERT INTO rm_pools (project_code, source, contributed, spent) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (project_code, source) DO UPDATE SET "
            "contributed = rm_pools.contributed + excluded.contributed, "
            "spent = rm_pools.spent + excluded.spent"
        )

    def handlers(self) -> dict[type, Handler]:
        return {
            Project.FundsAllocated: self.allocated,
            Project.ContributionReceived: self.contributed,
            Project.ExpenditurePosted: self.spent,
            Project.ExpenditureReversed: self.reversed,
            Project.FiscalYearClosed: self.closed,
            Project.SurplusRecovered: self.recovered,
        }

    def _tranche(self, code: str, source: str, year: int) -> list[Any]:
        key = (code, source, year)
        delta = self.tranches.get(key)
        if delta is None:
            delta = self.tranches[key] = [0, 0, 0, 0, 0, "OPEN", None]
        return delta

    def _pool(self, code: str, source: str) -> list[int]:
        key = (code, source)
        delta = self.pools.get(key)
        if delta is None:
            delta = self.pools[key] = [0, 0]
        return delta

    def allocated(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        self._tranche(code, e.source, e.appropriation_year)[ALLOCATED] += cents(e.amount)

    def contributed(self, e: Any, position: int) -> None:
        self._pool(self.directory.code(e.originator_id), e.source)[0] += cents(e.amount)

    def spent(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        for piece in e.consumed:
            amount = cents(piece["amount"])
            if piece["appropriation_year"] is None:
                self._pool(code, piece["source"])[1] += amount
            else:
                self._tranche(code, piece["source"], piece["appropriation_year"])[SPENT] += amount

    def reversed(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        for piece in e.restored:
            amount = cents(piece["amount"])
            if piece["appropriation_year"] is None:
                self._pool(code, piece["source"])[1] -= amount
                continue
            delta = self._tranche(code, piece["source"], piece["appropriation_year"])
            delta[SPENT] -= amount
            if piece.get("prior_year"):
                delta[REFUNDS] += amount
            if piece.get("into") == SURPLUS:
                delta[SURPLUS_AMT] += amount

    def closed(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        for line in e.lines:
            if line["outcome"] == SURPLUS:
                delta = self._tranche(code, line["source"], line["appropriation_year"])
                delta[SURPLUS_AMT] += cents(line["amount"])
                delta[5] = SURPLUS
                delta[6] = line["reason"]

    def recovered(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        self._tranche(code, e.source, e.appropriation_year)[RECOVERED] += cents(e.amount)

    def flush(self, cursor: Any) -> None:
        if self.tranches:
            cursor.executemany(
                self.sql_tranche, [(*key, *delta) for key, delta in sorted(self.tranches.items())]
            )
        if self.pools:
            cursor.executemany(
                self.sql_pool, [(*key, *delta) for key, delta in sorted(self.pools.items())]
            )
        self.discard()

    def discard(self) -> None:
        self.tranches = {}
        self.pools = {}
