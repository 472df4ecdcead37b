"""Time-based reports of domain.md §7 over the ``postings`` and ``assets`` read models.

Each report is a handful of grouped queries (never one query per project): the execution-rate
report computes the available and spent money of every project at the as-of date and at every
checkpoint date, per source, in a single pass over the year's rows, streamed per project and
source from a covering index (migration 0005).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from projections import figures as f
from projections.base import yuan
from projections.db import Database

AVAILABLE_KINDS = ("CARRIED_IN", "ALLOCATED", "REFUND_OPEN")


class Reports:
    """Report queries; ``ReadModels`` adds the per-project reads."""

    def __init__(self, db: Database, ledger_app: Any) -> None:
        self.db = db
        self.app = ledger_app
        self._rate_sql: dict[int, str] = {}

    # --- reference data --------------------------------------------------------------------------

    def sources(self, program: str) -> list[dict[str, Any]]:
        return list(self.app.get_program(program).sources)

    def settings(self, program: str) -> dict[str, Any]:
        return self.app.get_program(program).settings

    def _projects(
        self, university: str | None = None, program: str | None = None,
        project_class: str | None = None,
    ) -> list[dict[str, Any]]:
        """The few project facts reports need (no JSON, no registration details): cheap for
        a thousand projects."""
        with self.db.reader() as conn:
            rows = conn.execute(
                "SELECT code, program, university_code, university_name, project_class, "
                "period_start_year, period_end_year, terminated_on FROM rm_projects "
                "ORDER BY code").fetchall()
        return [
            {"code": code, "program": prog, "university_code": uni, "university_name": uname,
             "project_class": cls, "period_start_year": start, "period_end_year": end,
             "terminated_on": self.db.to_date(terminated)}
            for code, prog, uni, uname, cls, start, end, terminated in rows
            if (university is None or uni == university)
            and (program is None or prog == program)
            and (project_class is None or cls == project_class)
        ]

    # --- execution rates ---------------------------------------------------------------------

    def _rates_statement(self, cutoffs: int) -> str:
        if cutoffs not in self._rate_sql:
            columns = []
            for _ in range(cutoffs):
                columns.append(
                    "SUM(CASE WHEN booked_on <= ? AND kind IN ('CARRIED_IN', 'ALLOCATED', "
                    "'CONTRIBUTED', 'REFUND_OPEN', 'REFUND_POOL') THEN amount ELSE 0 END)"
                )
                columns.append(
                    "SUM(CASE WHEN booked_on <= ? AND kind = 'SPENT' THEN amount "
                    "WHEN booked_on <= ? AND kind = 'REVERSED' THEN -amount ELSE 0 END)"
                )
            self._rate_sql[cutoffs] = self.db.sql(
                f"SELECT project_code, source, MAX(fiscal), {', '.join(columns)} "
                "FROM rm_postings WHERE year = ? AND booked_on <= ? AND kind IN ('CARRIED_IN', "
                "'ALLOCATED', 'CONTRIBUTED', 'REFUND_OPEN', 'REFUND_POOL', 'SPENT', 'REVERSED') "
                # streamed from the covering index rm_postings_rates_by_source_idx
                "GROUP BY project_code, source"
            )
        return self._rate_sql[cutoffs]

    def _sums_at(self, year: int, cutoffs: list[date]) -> dict[str, dict[str, Any]]:
        """project → {"fiscal": [(available, spent) in fen at each cutoff date],
        "sources": [(source, fiscal, available, spent) at the last cutoff]}."""
        params: list[Any] = []
        for cutoff in cutoffs:
            p = self.db.date_param(cutoff)
            params += [p, p, p]
        params += [year, self.db.date_param(max(cutoffs))]
        with self.db.reader() as conn:
            rows = conn.execute(self._rates_statement(len(cutoffs)), params).fetchall()
        result: dict[str, dict[str, Any]] = {}
        last = len(cutoffs) - 1
        for row in rows:
            code, source, fiscal = row[0], row[1], bool(row[2])
            sums = [(int(row[3 + 2 * i] or 0), int(row[4 + 2 * i] or 0))
                    for i in range(len(cutoffs))]
            entry = result.setdefault(code, {"fiscal": [(0, 0)] * len(cutoffs), "sources": []})
            entry["sources"].append((source, fiscal, *sums[last]))
            if fiscal:
                entry["fiscal"] = [(a + x, s + y) for (a, s), (x, y)
                                   in zip(entry["fiscal"], sums, strict=True)]
        return result

    def execution_rates(
        self, year: int, as_of: date | None = None, program: str | None = None,
        university: str | None = None, project_class: str | None = None,
    ) -> dict[str, Any]:
        day = f.report_date(year, as_of, self.app.today())
        projects = [
            p for p in self._projects(university, program, project_class)
            if p["period_start_year"] <= year <= p["period_end_year"]
        ]
        execution = {code: self.settings(code)["execution"]
                     for code in sorted({p["program"] for p in projects})}
        checkpoints = {code: f.checkpoint_dates(year, s, day) for code, s in execution.items()}
        cutoffs = sorted({day} | {when for cps in checkpoints.values() for when, _ in cps})
        sums = self._sums_at(year, cutoffs)
        index = {cutoff: i for i, cutoff in enumerate(cutoffs)}
        progress_of = {code: f.time_progress(day, s.get("time_progress", "day"))
                       for code, s in execution.items()}
        rows = []
        for p in projects:
            settings = execution[p["program"]]
            found = sums.get(p["code"], {"fiscal": [(0, 0)] * len(cutoffs), "sources": []})
            at = found["fiscal"]
            available, spent = at[index[day]]
            rate = f.ratio(Decimal(spent), Decimal(available))
            progress = progress_of[p["program"]]
            gap = f.gap_pp(rate, progress)
            rows.append({
                "project_code": p["code"], "university_code": p["university_code"],
                "university_name": p["university_name"], "project_class": p["project_class"],
                "program": p["program"], "available": yuan(available), "spent": yuan(spent),
                "rate": f.percent(rate), "time_progress": f.percent(progress),
                "gap_pp": None if gap is None else gap.quantize(f.PCT, rounding="ROUND_HALF_UP"),
                "status": f.status(rate, gap, day, settings),
                "checkpoints": [
                    f.checkpoint(when, minimum, f.ratio(Decimal(at[index[when]][1]),
                                                        Decimal(at[index[when]][0])))
                    for when, minimum in checkpoints[p["program"]]
                ],
                **_by_source(found["sources"]),
            })
        return {
            "year": year, "as_of": day,
            "time_progress": f.percent(f.time_progress(day)),
            "rows": rows,
            "totals": {
                "by_university": _totals(rows, "university_code"),
                "by_class": _totals(rows, "project_class"),
                "by_program": _totals(rows, "program"),
                "overall": _weighted(rows),
            },
        }

    # --- carry-over ageing -------------------------------------------------------------------

    def _tranches_at(self, day: date) -> dict[tuple[str, str, int], dict[str, int]]:
        """Every fiscal tranche as of ``day``: allocated, net spent, surplus, recovered, status."""
        with self.db.reader() as conn:
            rows = conn.execute(self.db.sql(
                "SELECT project_code, source, appropriation_year, "
                "SUM(CASE WHEN kind = 'ALLOCATED' THEN amount ELSE 0 END), "
                "SUM(CASE WHEN kind = 'SPENT' THEN amount WHEN kind IN ('REVERSED', "
                "'REFUND_OPEN', 'REFUND_SURPLUS') THEN -amount ELSE 0 END), "
                "SUM(CASE WHEN kind IN ('SURPLUS_FORMED', 'REFUND_SURPLUS') THEN amount "
                "ELSE 0 END), "
                "SUM(CASE WHEN kind = 'RECOVERED' THEN amount ELSE 0 END), "
                "MAX(CASE WHEN kind = 'SURPLUS_FORMED' THEN 1 ELSE 0 END) "
                "FROM rm_postings WHERE fiscal = 1 AND booked_on <= ? "
                "GROUP BY project_code, source, appropriation_year"),
                (self.db.date_param(day),)).fetchall()
        return {
            (code, source, a): {"allocated": int(al or 0), "spent": int(sp or 0),
                                "surplus": int(su or 0), "recovered": int(re or 0),
                                "is_surplus": bool(flag)}
            for code, source, a, al, sp, su, re, flag in rows
        }

    def carry_overs(
        self, year: int, as_of: date | None = None, university: str | None = None
    ) -> dict[str, Any]:
        day = f.report_date(year, as_of, self.app.today())
        projects = {p["code"]: p for p in self._projects(university)}
        tranches = self._tranches_at(day)
        year_end = date(year, 12, 31)
        max_years = {code: int(self.settings(code)["carry_over_max_budget_years"])
                     for code in {p["program"] for p in projects.values()}}
        rows = []
        for (code, source, a), t in sorted(tranches.items()):
            p = projects.get(code)
            if p is None:
                continue
            covers = p["period_start_year"] <= year <= p["period_end_year"]
            awaiting = t["surplus"] - t["recovered"]
            if t["is_surplus"]:
                if awaiting <= 0:
                    continue
                available, at_risk, status = 0, 0, "SURPLUS"
            else:
                if not covers:
                    continue
                available = t["allocated"] - t["spent"]
                terminated = p["terminated_on"] is not None and p["terminated_on"] <= day
                ends = (terminated or year >= p["period_end_year"]
                        or year - a + 1 >= max_years[p["program"]])
                at_risk, status = (available if ends else 0), "OPEN"
            rows.append({
                "project_code": code, "university_code": p["university_code"], "source": source,
                "appropriation_year": a, "status": status, "age_years": year - a,
                "available": yuan(available), "at_risk_amount": yuan(at_risk),
                "days_to_year_end": (year_end - day).days, "surplus_awaiting": yuan(awaiting),
            })
        return {"year": year, "as_of": day, "rows": rows,
                "total_at_risk": sum((r["at_risk_amount"] for r in rows), yuan(0)),
                "total_surplus_awaiting": sum((r["surplus_awaiting"] for r in rows), yuan(0))}

    # --- matching ------------------------------------------------------------------------------

    def matching(
        self, year: int, as_of: date | None = None, university: str | None = None
    ) -> dict[str, Any]:
        day = f.report_date(year, as_of, self.app.today())
        with self.db.reader() as conn:
            sums = conn.execute(self.db.sql(
                "SELECT project_code, source, kind, SUM(amount), "
                "SUM(CASE WHEN year = ? THEN amount ELSE 0 END) FROM rm_postings "
                "WHERE kind IN ('ALLOCATED', 'CONTRIBUTED') AND booked_on <= ? "
                "GROUP BY project_code, source, kind"), (year, self.db.date_param(day))
            ).fetchall()
        by_project: dict[str, list[tuple[str, str, int, int]]] = defaultdict(list)
        for code, source, kind, total, in_year in sums:
            by_project[code].append((source, kind, int(total or 0), int(in_year or 0)))
        awaiting = {code for (code, _, _), t in self._tranches_at(day).items()
                    if t["surplus"] > t["recovered"]}
        projects = self._projects(university)
        rules = {code: self.settings(code).get("matching")
                 for code in {p["program"] for p in projects}}
        rows = []
        for p in projects:
            rule = rules[p["program"]]
            covers = p["period_start_year"] <= year <= p["period_end_year"]
            if not rule or not (covers or p["code"] in awaiting):
                continue
            figures = matching_figures(by_project.get(p["code"], []), rule)
            rows.append({"project_code": p["code"], "university_code": p["university_code"],
                         **figures})
        return {"year": year, "as_of": day, "rows": rows}

    # --- assets ---------------------------------------------------------------------------------

    def unregistered_assets(
        self, as_of: date | None = None, university: str | None = None
    ) -> dict[str, Any]:
        day = as_of or self.app.today()
        projects = {p["code"]: p for p in self._projects(university)}
        capital = {
            c["code"]
            for program in {p["program"] for p in projects.values()}
            for c in self.app.get_program(program).categories if c.get("capital")
        }
        d = self.db.date_param(day)
        with self.db.reader() as conn:
            rows = conn.execute(self.db.sql(
                "SELECT e.project_code, e.expenditure_id, e.booked_on, e.category, e.amount, "
                "COALESCE(SUM(CASE WHEN m.kind = 'REVERSED' THEN m.amount END), 0), "
                "COALESCE(SUM(CASE WHEN m.kind = 'FUNDED' THEN m.amount END), 0) "
                "FROM rm_expenditures e LEFT JOIN rm_expenditure_movements m "
                "ON m.expenditure_id = e.expenditure_id AND m.booked_on <= ? "
                "WHERE e.booked_on <= ? "
                "GROUP BY e.project_code, e.expenditure_id, e.booked_on, e.category, e.amount, "
                "e.position ORDER BY e.position"), (d, d)).fetchall()
        items = []
        for code, eid, booked, category, amount, reversed_, registered in rows:
            if code not in projects or category not in capital:
                continue
            net = int(amount) - int(reversed_)
            if int(registered) >= net:
                continue
            items.append({
                "project_code": code, "university_code": projects[code]["university_code"],
                "expenditure_id": str(UUID(eid)), "booked_on": self.db.to_date(booked),
                "category": category, "net_amount": yuan(net), "registered": yuan(registered),
                "unregistered": yuan(net - int(registered)),
            })
        return {"as_of": day, "rows": items,
                "total_unregistered": sum((i["unregistered"] for i in items), yuan(0))}

    # --- 经费决算表 -----------------------------------------------------------------------------

    def final_accounts(self, project: str, year: int) -> dict[str, Any] | None:
        info = self.project(project)  # type: ignore[attr-defined]
        if info is None:
            return None
        year_end = self.db.date_param(date(year, 12, 31))
        with self.db.reader() as conn:
            in_year = conn.execute(self.db.sql(
                "SELECT source, kind, category, SUM(amount) FROM rm_postings "
                "WHERE project_code = ? AND year = ? GROUP BY source, kind, category"),
                (project, year)).fetchall()
            to_date = conn.execute(self.db.sql(
                "SELECT source, kind, SUM(amount), "
                "SUM(CASE WHEN year = ? THEN amount ELSE 0 END) FROM rm_postings "
                "WHERE project_code = ? AND booked_on <= ? AND kind IN ('SURPLUS_FORMED', "
                "'REFUND_SURPLUS', 'RECOVERED', 'ALLOCATED', 'CONTRIBUTED') "
                "GROUP BY source, kind"), (year, project, year_end)).fetchall()
            formed = conn.execute(self.db.sql(
                "SELECT e.source, SUM(m.amount) FROM rm_expenditure_movements m "
                "JOIN rm_expenditures e ON e.expenditure_id = m.expenditure_id "
                "WHERE e.project_code = ? AND e.year = ? AND m.kind = 'FUNDED' "
                "AND m.booked_on <= ? GROUP BY e.source"), (project, year, year_end)).fetchall()
        rows = final_account_rows(self.sources(info["program"]), in_year, to_date, formed)
        rule = self.settings(info["program"]).get("matching")
        matching = None
        if rule:
            m = matching_figures([(s, k, int(t or 0), int(y or 0)) for s, k, t, y in to_date],
                                 rule)
            matching = {key: m[key] for key in
                        ("year_required", "year_contributed", "required", "contributed")}
        return {"project_code": project, "year": year,
                "closed": (info["last_closed_year"] or 0) >= year, "rows": rows,
                "matching": matching}


def _by_source(sources: list[tuple[str, bool, int, int]]) -> dict[str, Any]:
    """The rate per source and over all sources (fiscal and not) at the as-of date."""
    available = sum(a for _, _, a, _ in sources)
    spent = sum(s for _, _, _, s in sources)
    return {
        "by_source": [
            {"source": source, "fiscal": fiscal, "available": yuan(a), "spent": yuan(s),
             "rate": f.percent_of(s, a)}
            for source, fiscal, a, s in sorted(sources)
        ],
        "all_sources": {"available": yuan(available), "spent": yuan(spent),
                        "rate": f.percent_of(spent, available)},
    }


def _weighted(rows: list[dict[str, Any]]) -> dict[str, Any]:
    available = sum((r["available"] for r in rows), yuan(0))
    spent = sum((r["spent"] for r in rows), yuan(0))
    return {"available": available, "spent": spent, "rate": f.percent(f.ratio(spent, available)),
            "projects": len(rows)}


def _totals(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return [{key: k, **_weighted(v)} for k, v in sorted(groups.items())]


def matching_figures(sums: list[tuple[str, str, int, int]], rule: dict[str, Any]
                     ) -> dict[str, Any]:
    """Matching (domain.md §7) from (source, kind, total, in-year) sums in fen."""
    ratio = Decimal(rule["ratio"])
    base = set(rule["base_sources"])
    alloc = sum(t for s, k, t, _ in sums if k == "ALLOCATED" and s in base)
    alloc_y = sum(y for s, k, _, y in sums if k == "ALLOCATED" and s in base)
    contrib = sum(t for s, k, t, _ in sums if k == "CONTRIBUTED" and s == rule["source"])
    contrib_y = sum(y for s, k, _, y in sums if k == "CONTRIBUTED" and s == rule["source"])
    required, year_required = yuan(alloc) * ratio, yuan(alloc_y) * ratio
    required, year_required = required.quantize(f.PCT), year_required.quantize(f.PCT)
    contributed, year_contributed = yuan(contrib), yuan(contrib_y)
    return {
        "required": required, "contributed": contributed,
        "ratio": f.percent(f.ratio(contributed, required)),
        "shortfall": max(yuan(0), required - contributed),
        "year_required": year_required, "year_contributed": year_contributed,
        "year_ratio": f.percent(f.ratio(year_contributed, year_required)),
        "year_shortfall": max(yuan(0), year_required - year_contributed),
    }


def final_account_rows(
    sources: list[dict[str, Any]], in_year: list[tuple[Any, ...]],
    to_date: list[tuple[Any, ...]], formed: list[tuple[Any, ...]],
) -> list[dict[str, Any]]:
    """One 经费决算表 row per source with any figure in the year (fen sums → yuan)."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source, kind, category, amount in in_year:
        sums[source][kind] += int(amount or 0)
        if kind == "SPENT":
            by_category[source][category] += int(amount or 0)
        elif kind == "REVERSED":
            by_category[source][category] -= int(amount or 0)
    cumulative: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source, kind, total, _ in to_date:
        cumulative[source][kind] += int(total or 0)
    fixed = {source: int(amount or 0) for source, amount in formed}
    rows = []
    for source in sources:
        code, s = source["code"], sums.get(source["code"], {})
        if not s and not fixed.get(code):
            continue
        c = cumulative.get(code, {})
        spent = s.get("SPENT", 0) - s.get("REVERSED", 0)
        refunds = s.get("REFUND_OPEN", 0) + s.get("REFUND_POOL", 0)
        received = s.get("ALLOCATED", 0) + s.get("CONTRIBUTED", 0)
        available = s.get("CARRIED_IN", 0) + received + refunds
        row: dict[str, Any] = {"source": code, "name": source.get("name"),
                               "fiscal": source["fiscal"], "carried_in": yuan(s.get("CARRIED_IN"))}
        if source["fiscal"]:
            row["allocated"] = yuan(s.get("ALLOCATED"))
        else:
            row["contributed"] = yuan(s.get("CONTRIBUTED"))
        row.update({
            "prior_year_refunds": yuan(refunds),
            "spent": yuan(spent),
            "spent_by_category": {k: yuan(v) for k, v in sorted(by_category[code].items()) if v},
            "formed_fixed_assets": yuan(fixed.get(code, 0)),
            "carried_out": yuan(s.get("CARRIED_OUT")),
            "surplus_formed": yuan(s.get("SURPLUS_FORMED")),
            "surplus_restored": yuan(s.get("REFUND_SURPLUS")),
            "surplus_recovered": yuan(s.get("RECOVERED")),
            "surplus_awaiting": yuan(c.get("SURPLUS_FORMED", 0) + c.get("REFUND_SURPLUS", 0)
                                     - c.get("RECOVERED", 0)),
            "rate": f.percent(f.ratio(Decimal(spent), Decimal(available))),
        })
        rows.append(row)
    return rows
