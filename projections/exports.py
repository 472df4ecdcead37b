"""Reports as CSV (UTF-8 with BOM, so spreadsheet programs open it right) and XLSX (openpyxl),
with Chinese column headers.

One column table per report kind: (header, how to get the value from a row). The
execution-rate export starts with exactly the columns api.md fixes, in its order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.programs import CATEGORY_NAMES

Column = tuple[str, Callable[[dict[str, Any]], Any]]

STATUS_NAMES = {"ON_TRACK": "正常", "LAGGING": "滞后", "AT_RISK_OF_REDUCTION": "减拨风险",
                "OPEN": "未结余", "SURPLUS": "结余"}
SOURCE_NAMES = {"SUPPORT": "支持经费", "PLATFORM": "平台经费", "MATCHING": "学校配套",
                "CENTRAL_BUDGET": "中央预算内投资", "PROVINCIAL_SUBSIDY": "省级补助",
                "LOCAL_BOND": "地方政府专项债券", "LOAN": "贷款", "SELF_RAISED": "自筹",
                "ENTERPRISE": "企业投入", "SERVICE_INCOME": "有偿服务收入"}


def _key(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(name)


def _checkpoints(row: dict[str, Any]) -> str:
    parts = []
    for cp in row.get("checkpoints", []):
        rate = "—" if cp["rate"] is None else f"{cp['rate']}%"
        verdict = {True: "达标", False: "未达标", None: "无可用资金"}[cp["passed"]]
        parts.append(f"{cp['date']:%m-%d} ≥{cp['min_rate']}%: {rate} {verdict}")
    return "; ".join(parts)


COLUMNS: dict[str, list[Column]] = {
    "execution-rates": [
        ("项目编号", _key("project_code")), ("高校", _key("university_code")),
        ("类别", _key("project_class")), ("可用资金", _key("available")),
        ("已支出", _key("spent")), ("执行率", _key("rate")),
        ("序时进度", _key("time_progress")), ("差距(百分点)", _key("gap_pp")),
        ("状态", lambda r: STATUS_NAMES.get(r["status"], r["status"])),
        ("高校名称", _key("university_name")), ("计划", _key("program")),
        ("检查点", _checkpoints),
    ],
    "carry-overs": [
        ("项目编号", _key("project_code")), ("高校", _key("university_code")),
        ("资金来源", lambda r: SOURCE_NAMES.get(r["source"], r["source"])),
        ("预算年度", _key("appropriation_year")),
        ("状态", lambda r: STATUS_NAMES.get(r["status"], r["status"])),
        ("账龄(年)", _key("age_years")), ("可用余额", _key("available")),
        ("年末将结余金额", _key("at_risk_amount")), ("距年末天数", _key("days_to_year_end")),
        ("待收回结余", _key("surplus_awaiting")),
    ],
    "matching": [
        ("项目编号", _key("project_code")), ("高校", _key("university_code")),
        ("应配套(累计)", _key("required")), ("已到位(累计)", _key("contributed")),
        ("到位率(累计)", _key("ratio")), ("缺口(累计)", _key("shortfall")),
        ("应配套(本年)", _key("year_required")), ("已到位(本年)", _key("year_contributed")),
        ("到位率(本年)", _key("year_ratio")), ("缺口(本年)", _key("year_shortfall")),
    ],
    "unregistered-assets": [
        ("项目编号", _key("project_code")), ("高校", _key("university_code")),
        ("支出编号", _key("expenditure_id")), ("记账日期", _key("booked_on")),
        ("支出科目", lambda r: CATEGORY_NAMES.get(r["category"], r["category"])),
        ("支出净额", _key("net_amount")), ("已登记资产", _key("registered")),
        ("未登记金额", _key("unregistered")),
    ],
    "final-accounts": [
        ("资金来源", lambda r: SOURCE_NAMES.get(r["source"], r["source"])),
        ("上年结转", _key("carried_in")),
        ("本年拨入/到位", lambda r: r.get("allocated", r.get("contributed"))),
        ("以前年度支出收回", _key("prior_year_refunds")), ("本年支出", _key("spent")),
        ("其中:形成固定资产", _key("formed_fixed_assets")), ("结转下年", _key("carried_out")),
        ("本年形成结余", _key("surplus_formed")), ("收回转入结余", _key("surplus_restored")),
        ("结余收回", _key("surplus_recovered")), ("待收回结余", _key("surplus_awaiting")),
        ("执行率", _key("rate")),
    ],
}
KINDS = tuple(COLUMNS)


def _columns(kind: str, report: dict[str, Any]) -> list[Column]:
    if kind not in COLUMNS:
        raise ValueError(f"unknown report kind {kind!r}; known: {', '.join(KINDS)}")
    columns = list(COLUMNS[kind])
    if kind == "final-accounts":  # one column per expenditure category that occurs
        categories = sorted({c for r in report["rows"] for c in r["spent_by_category"]})
        for category in categories:
            columns.append((f"支出-{CATEGORY_NAMES.get(category, category)}",
                            lambda r, c=category: r["spent_by_category"].get(c)))
    return columns


def table(kind: str, report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a report export, values as they are (Decimal, date, str...)."""
    columns = _columns(kind, report)
    return ([h for h, _ in columns], [[get(row) for _, get in columns] for row in report["rows"]])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(kind: str, report: dict[str, Any]) -> bytes:
    """The report as CSV, UTF-8 with a BOM, Chinese headers."""
    headers, rows = table(kind, report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([[_text(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(kind: str, report: dict[str, Any]) -> bytes:
    """The report as an XLSX workbook: one sheet, bold Chinese headers, amounts as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = table(kind, report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    for column, header in zip(sheet.columns, headers, strict=True):
        sheet.column_dimensions[column[0].column_letter].width = max(12, 2 * len(header) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (Decimal, int, str, date)):
        return value
    return str(value)
