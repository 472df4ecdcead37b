"""The trial balance (试算平衡表) report: per account, per project and for the whole ledger.

Built from the journal of the event log (not from the read models), so it is as trustworthy as
the events. Debit-balance accounts show in ``debit``, credit-balance accounts in ``credit``;
``total_debit == total_credit`` always (``balanced``), which ``ledger audit verify`` also checks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger import errors
from projections.double_entry import ZERO
from projections.double_entry_journal import Journal, read_journal, trial_balance


def trial_balance_report(journal: Journal, *, project_code: str | None = None,
                         as_of: date | None = None) -> dict[str, Any]:
    """``{project_code, as_of, rows: [{account, debit, credit}], total_debit, total_credit,
    balanced, projects: [{project_code, total_debit, total_credit, balanced}]}``."""
    codes = [project_code] if project_code else sorted(journal.projects)
    rows: list[dict[str, Any]] = []
    projects = []
    total_debit = total_credit = ZERO
    for code in codes:
        entries = [e for e in journal.for_project(code) if as_of is None or e.booked_on <= as_of]
        debit = credit = ZERO
        for name, balance in trial_balance(entries).items():
            row = {"account": name, "debit": max(balance, ZERO), "credit": max(-balance, ZERO)}
            rows.append(row)
            debit += row["debit"]
            credit += row["credit"]
        projects.append({"project_code": code, "total_debit": debit, "total_credit": credit,
                         "balanced": debit == credit})
        total_debit += debit
        total_credit += credit
    return {
        "project_code": project_code,
        "as_of": as_of,
        "rows": rows,
        "total_debit": total_debit,
        "total_credit": total_credit,
        "balanced": total_debit == total_credit,
        "projects": projects,
    }


def ledger_trial_balance(app: Any, project_code: str | None = None,
                         as_of: date | None = None) -> dict[str, Any]:
    """The trial balance of the ledger ``app`` (``NotFound`` for an unknown project)."""
    journal = read_journal(app, project_code)
    if project_code is not None and project_code not in journal.projects:
        raise errors.NotFound(f"Project {project_code} does not exist.", project=project_code)
    return trial_balance_report(journal, project_code=project_code, as_of=as_of)


def render_text(report: dict[str, Any]) -> str:
    """A plain-text table of the report (for the CLI)."""
    width = max([len(r["account"]) for r in report["rows"]] + [20])
    lines = [f"{'科目 account'.ljust(width)} {'借方 debit':>20} {'贷方 credit':>20}"]
    for row in report["rows"]:
        lines.append(f"{row['account'].ljust(width)} {_fmt(row['debit']):>20} "
                     f"{_fmt(row['credit']):>20}")
    lines.append(f"{'合计 total'.ljust(width)} {_fmt(report['total_debit']):>20} "
                 f"{_fmt(report['total_credit']):>20}")
    lines.append("balanced" if report["balanced"] else "NOT BALANCED")
    return "\n".join(lines) + "\n"


def _fmt(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):,}"
