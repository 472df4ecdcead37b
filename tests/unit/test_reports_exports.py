"""CSV and XLSX exports open with their Chinese headers and carry the report's figures.

Given the worked example projected in memory, when reports are exported, then reading the files
back (csv with the BOM, openpyxl) gives the Chinese headers of api.md in order and the figures.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from projections.exports import to_csv, to_xlsx
from projections.queries import ReadModels
from tests.integration.test_projection_support import open_store
from tests.scenario import PROJECT, SCENARIO_TODAY, load_example_scenario

EXECUTION_HEADERS = ["项目编号", "高校", "类别", "可用资金", "已支出", "执行率", "序时进度",
                     "差距(百分点)", "状态"]


@pytest.fixture(scope="module")
def read_models() -> ReadModels:
    app, engine = open_store("memory://", SCENARIO_TODAY)
    load_example_scenario(app)
    engine.catch_up()
    return engine.read_models


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_execution_rate_csv_starts_with_the_columns_of_the_contract(read_models: ReadModels
                                                                     ) -> None:
    report = read_models.execution_rates(2018, as_of=date(2018, 6, 30))
    rows = _csv_rows(to_csv("execution-rates", report))
    assert rows[0][:9] == EXECUTION_HEADERS
    assert rows[1][:9] == [PROJECT, "10108", "A", "4200000.00", "500000.00", "11.90", "49.59",
                           "-37.68", "滞后"]


def test_execution_rate_xlsx_reads_back_with_chinese_headers(read_models: ReadModels) -> None:
    report = read_models.execution_rates(2017, as_of=date(2017, 12, 31))
    rows = _xlsx_rows(to_xlsx("execution-rates", report))
    assert rows[0][:9] == EXECUTION_HEADERS
    assert rows[1][0] == PROJECT
    assert float(rows[1][5]) == pytest.approx(33.33)


@pytest.mark.parametrize("kind", ["carry-overs", "matching", "unregistered-assets"])
def test_every_report_exports_to_csv_and_xlsx_with_the_same_headers(
    read_models: ReadModels, kind: str
) -> None:
    report = {
        "carry-overs": lambda: read_models.carry_overs(2018, as_of=date(2018, 12, 31)),
        "matching": lambda: read_models.matching(2018, as_of=date(2018, 12, 31)),
        "unregistered-assets": lambda: read_models.unregistered_assets(as_of=date(2018, 12, 31)),
    }[kind]()
    from_csv, from_xlsx = _csv_rows(to_csv(kind, report)), _xlsx_rows(to_xlsx(kind, report))
    assert from_csv[0] == list(from_xlsx[0])
    assert from_csv[0][0] == "项目编号"
    assert len(from_csv) == len(report["rows"]) + 1 == len(from_xlsx)


def test_final_accounts_xlsx_has_a_column_per_category_spent(read_models: ReadModels) -> None:
    report = read_models.final_accounts(PROJECT, 2018)
    assert report is not None
    rows = _xlsx_rows(to_xlsx("final-accounts", report))
    header = rows[0]
    assert header[:3] == ["资金来源", "上年结转", "本年拨入/到位"]
    support = next(r for r in rows[1:] if r[0] == "支持经费")
    assert float(support[header.index("支出-设备费")]) == 1000000.0
    assert float(support[header.index("本年支出")]) == 1400000.0
