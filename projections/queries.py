"""``ReadModels``: every read the API and the CLI make, as plain dicts and lists.

Amounts are ``Decimal`` yuan with 2 places, percentages ``Decimal`` percent rounded half-up to 2
places (``None`` when undefined), dates ``date``. Current figures come from the read-model
tables; an account ``as_of`` a business date or ``recorded_before`` a time is answered by
replaying that project's events (``Ledger.project_as_of``). Reports live in
:mod:`projections.reports`; this module holds the per-project reads.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from ledger import errors
from ledger.tranches import OPEN, Pool, Tranche
from projections.base import cents, yuan
from projections.db import Database
from projections.reports import Reports

PROJECT_COLUMNS = (
    "code", "program", "university_code", "university_name", "name", "project_class",
    "period_start_year", "period_end_year", "lead", "platforms", "platform_entitlement",
    "status", "terminated_on", "last_closed_year", "registered_on",
)


class ReadModels(Reports):
    """Queries over the read models of one database (thread-safe; one per engine)."""

    def __init__(self, db: Database, ledger_app: Any) -> None:
        super().__init__(db, ledger_app)
        select = f"SELECT {', '.join(PROJECT_COLUMNS)} FROM rm_projects"
        self._sql_project = db.sql(select + " WHERE code = ?")
        self._sql_projects = select + " ORDER BY code"

    # --- projects --------------------------------------------------------------------------------

    def _project_row(self, row: tuple[Any, ...]) -> dict[str, Any]:
        item = dict(zip(PROJECT_COLUMNS, row, strict=True))
        item["project_code"] = item["code"]
        item["platforms"] = json.loads(item["platforms"])
        item["platform_entitlement"] = yuan(item["platform_entitlement"])
        item["terminated_on"] = self.db.to_date(item["terminated_on"])
        item["registered_on"] = self.db.to_date(item["registered_on"])
        return item

    def list_projects(
        self, program: str | None = None, university: str | None = None,
        project_class: str | None = None,
    ) -> list[dict[str, Any]]:
        with self.db.reader() as conn:
            rows = conn.execute(self._sql_projects).fetchall()
        items = [self._project_row(r) for r in rows]
        return [
            p for p in items
            if (program is None or p["program"] == program)
            and (university is None or p["university_code"] == university)
            and (project_class is None or p["project_class"] == project_class)
        ]

    def project(self, code: str) -> dict[str, Any] | None:
        with self.db.reader() as conn:
            row = conn.execute(self._sql_project, (code,)).fetchone()
        return None if row is None else self._project_row(row)

    # --- account -------------------------------------------------------------------------------

    def account(
        self, code: str, as_of: date | None = None, recorded_before: datetime | None = None
    ) -> dict[str, Any] | None:
        """The account (api.md): per source its tranches or pool, totals, fiscal_total, total."""
        project = self.project(code)
        if project is None:
            return None
        day = as_of or self.app.today()
        if as_of is not None or recorded_before is not None:
            try:
                replayed = self.app.project_as_of(
                    code, as_of=as_of, recorded_before=recorded_before
                )
            except (LookupError, errors.NotFound):  # recorded before the registration itself
                return None
            tranches = list(replayed.tranches.values())
            pools = list(replayed.pools.values())
            close = replayed.closes.get(str(day.year - 1), {"lines": []})
            carried = {
                (line["source"], line["appropriation_year"]): line["amount"]
                for line in close["lines"] if line["outcome"] == "CARRIED"
            }
        else:
            tranches, pools, carried = self._current_holdings(code, day.year)
        body = account_body(self.sources(project["program"]), tranches, pools, carried)
        return {"project_code": code, "as_of": day, "recorded_before": recorded_before, **body}

    def _current_holdings(
        self, code: str, year: int
    ) -> tuple[list[Tranche], list[Pool], dict[tuple[str, int], Any]]:
        with self.db.reader() as conn:
            t_rows = conn.execute(self.db.sql(
                "SELECT source, appropriation_year, allocated, spent, prior_year_refunds, "
                "status, surplus, recovered, surplus_reason FROM rm_tranches "
                "WHERE project_code = ?"), (code,)).fetchall()
            p_rows = conn.execute(self.db.sql(
                "SELECT source, contributed, spent FROM rm_pools WHERE project_code = ?"),
                (code,)).fetchall()
            c_rows = conn.execute(self.db.sql(
                "SELECT source, appropriation_year, SUM(amount) FROM rm_postings "
                "WHERE project_code = ? AND year = ? AND kind = 'CARRIED_IN' AND fiscal = 1 "
                "GROUP BY source, appropriation_year"), (code, year)).fetchall()
        tranches = [
            Tranche(s, a, yuan(al), yuan(sp), yuan(pr), st, yuan(su), yuan(re), reason)
            for s, a, al, sp, pr, st, su, re, reason in t_rows
        ]
        pools = [Pool(s, yuan(c), yuan(sp)) for s, c, sp in p_rows]
        carried = {(s, a): yuan(amount) for s, a, amount in c_rows}
        return tranches, pools, carried

    # --- journal and assets ------------------------------------------------------------------

    def journal(
        self, code: str, year: int | None = None, source: str | None = None
    ) -> list[dict[str, Any]]:
        """分户账: lines in log order with the running balance of their source."""
        with self.db.reader() as conn:
            rows = conn.execute(self.db.sql(
                "SELECT position, seq, booked_on, year, source, entry, category, voucher_no, "
                "document_no, description, inflow, outflow, "
                "SUM(inflow - outflow) OVER (PARTITION BY source ORDER BY position, seq) "
                "FROM rm_journal WHERE project_code = ? ORDER BY position, seq"), (code,)
            ).fetchall()
        lines = []
        for pos, seq, booked, yr, src, entry, cat, voucher, doc, desc, inflow, outflow, bal in rows:
            if (year is not None and yr != year) or (source is not None and src != source):
                continue
            lines.append({
                "position": pos, "seq": seq, "booked_on": self.db.to_date(booked), "year": yr,
                "source": src, "entry": entry, "category": cat, "voucher_no": voucher,
                "document_no": doc, "description": desc, "inflow": yuan(inflow),
                "outflow": yuan(outflow), "balance": yuan(bal),
            })
        return lines

    def assets(self, code: str) -> list[dict[str, Any]]:
        """The project's asset register, in registration order."""
        with self.db.reader() as conn:
            rows = conn.execute(self.db.sql(
                "SELECT asset_id, asset_no, name, category_code, original_value, quantity, unit, "
                "acquired_on, location, custodian, booked_on, funded_by, position "
                "FROM rm_assets WHERE project_code = ? ORDER BY position"), (code,)).fetchall()
        return [
            {
                "asset_id": aid, "project_code": code, "asset_no": no, "name": name,
                "category_code": cat, "original_value": yuan(value), "quantity": qty,
                "unit": unit, "acquired_on": self.db.to_date(acquired), "location": loc,
                "custodian": cust, "booked_on": self.db.to_date(booked),
                "funded_by": [
                    {"expenditure_id": f["expenditure_id"], "amount": yuan(cents(f["amount"]))}
                    for f in json.loads(funded)
                ],
            }
            for aid, no, name, cat, value, qty, unit, acquired, loc, cust, booked, funded, _
            in rows
        ]


def _tranche_item(t: Tranche, carried: dict[tuple[str, int], Any]) -> dict[str, Any]:
    spent = t.spent + t.prior_year_refunds
    return {
        "appropriation_year": t.appropriation_year,
        "allocated": t.allocated,
        "spent": spent,
        "prior_year_refunds": t.prior_year_refunds,
        "available": t.allocated - t.spent if t.status == OPEN else yuan(0),
        "status": t.status,
        "carried_into_year": carried.get((t.source, t.appropriation_year), yuan(0)),
        "surplus": t.surplus,
        "recovered": t.recovered,
        "surplus_awaiting": t.surplus - t.recovered,
        "surplus_reason": t.surplus_reason,
    }


TOTAL_KEYS = ("received", "spent", "available", "surplus_awaiting", "recovered")


def _add_totals(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key in TOTAL_KEYS:
        into[key] += other[key]


def account_body(
    sources: list[dict[str, Any]], tranches: list[Tranche], pools: list[Pool],
    carried: dict[tuple[str, int], Any],
) -> dict[str, Any]:
    """The account's sources and totals from tranches and pools (current or replayed)."""
    fiscal_total = {k: yuan(0) for k in TOTAL_KEYS}
    total = {k: yuan(0) for k in TOTAL_KEYS}
    items = []
    for source in sources:
        code = source["code"]
        if source["fiscal"]:
            own = sorted((t for t in tranches if t.source == code),
                         key=lambda t: t.appropriation_year)
            rows = [_tranche_item(t, carried) for t in own]
            totals = {
                "received": sum((r["allocated"] for r in rows), yuan(0)),
                "spent": sum((r["spent"] for r in rows), yuan(0)),
                "available": sum((r["available"] for r in rows), yuan(0)),
                "surplus_awaiting": sum((r["surplus_awaiting"] for r in rows), yuan(0)),
                "recovered": sum((r["recovered"] for r in rows), yuan(0)),
            }
            items.append({"source": code, "name": source.get("name"), "fiscal": True,
                          "tranches": rows, "totals": totals})
            _add_totals(fiscal_total, totals)
        else:
            pool = next((p for p in pools if p.source == code), Pool(code, yuan(0), yuan(0)))
            totals = {"received": pool.contributed, "spent": pool.spent,
                      "available": pool.contributed - pool.spent,
                      "surplus_awaiting": yuan(0), "recovered": yuan(0)}
            items.append({"source": code, "name": source.get("name"), "fiscal": False,
                          "contributed": pool.contributed, "spent": pool.spent,
                          "available": pool.contributed - pool.spent, "totals": totals})
        _add_totals(total, totals)
    return {"sources": items, "fiscal_total": fiscal_total, "total": total}
