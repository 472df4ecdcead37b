"""Printing accounts for people: each project's dedicated account by source and tranche.

Plain text with Chinese labels, aligned by display width (a CJK character takes two columns),
so the table reads well in a terminal. Used by ``ledger demo``.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

PROJECT_STATUS = {"ACTIVE": "执行中", "TERMINATED": "已终止", "ENDED": "已结项"}
TRANCHE_STATUS = {"OPEN": "开放", "SURPLUS": "结余"}
COLUMNS = [("资金来源", 26, "<"), ("拨款年度", 8, ">"), ("下达/到账", 15, ">"),
           ("净支出", 15, ">"), ("可用余额", 15, ">"), ("状态", 6, "^"), ("结余", 14, ">"),
           ("已收回", 14, ">"), ("待收回", 14, ">")]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def pad(text: str, size: int, align: str) -> str:
    gap = max(size - width(text), 0)
    if align == "<":
        return text + " " * gap
    if align == ">":
        return " " * gap + text
    return " " * (gap // 2) + text + " " * (gap - gap // 2)


def amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def row(cells: list[str]) -> str:
    return "  ".join(pad(c, size, align) for c, (_, size, align) in zip(cells, COLUMNS))


def render_account(project: Any, program: Any) -> str:
    """One project's account: a header line, then one row per tranche and pool, then totals."""
    names = {s["code"]: s["name"] for s in program.sources}
    classes = {c["code"]: c["name"] for c in program.project_classes}
    lines = [
        (f"━━ {project.code} · {project.university_name} ({project.university_code}) · "
         f"{program.name} · {classes.get(project.project_class, project.project_class)} · "
         f"{project.period_start_year}–{project.period_end_year} · "
         f"{PROJECT_STATUS.get(project.status, project.status)} · 负责人 {project.lead}"),
        f"   {project.name}；开放年度 {project.open_year or '—'}",
        "   " + row([title for title, _, _ in COLUMNS]),
    ]
    fiscal = [Decimal(0)] * 6
    for tranche in sorted(project.tranches.values(),
                          key=lambda t: (t.source, t.appropriation_year)):
        figures = [tranche.allocated, tranche.spent, tranche.available, tranche.surplus,
                   tranche.recovered, tranche.surplus_awaiting]
        fiscal = [a + b for a, b in zip(fiscal, figures)]
        lines.append("   " + row([
            f"{names.get(tranche.source, '')} {tranche.source}", str(tranche.appropriation_year),
            *map(amount, figures[:3]), TRANCHE_STATUS.get(tranche.status, tranche.status),
            *map(amount, figures[3:])]))
    if project.tranches:
        lines.append("   " + row(["财政资金合计", "", *map(amount, fiscal[:3]), "",
                                  *map(amount, fiscal[3:])]))
    for pool in sorted(project.pools.values(), key=lambda p: p.source):
        lines.append("   " + row([f"{names.get(pool.source, '')} {pool.source}", "—",
                                  amount(pool.contributed), amount(pool.spent),
                                  amount(pool.available), "—", "", "", ""]))
    return "\n".join(lines)


def render_close(result: dict[str, Any]) -> str:
    """One line per project of a program-wide close (CLOSED / ALREADY_CLOSED / ...)."""
    outcome = result["result"]
    if result.get("problem") is not None:
        return f"   {result['project_code']}: {outcome} ({result['problem'].type}: " \
               f"{result['problem'].detail})"
    close = result.get("close") or {"lines": []}
    parts = [f"{l['source']}-{l['appropriation_year']} {amount(l['amount'])} "
             f"{'结转' if l['outcome'] == 'CARRIED' else '结余'}" for l in close["lines"]]
    return f"   {result['project_code']}: {outcome}" + (f" — {'; '.join(parts)}" if parts else "")
