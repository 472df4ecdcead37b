"""example-scenario.md replayed through the HTTP API: every figure it lists, from the API.

Given the worked example posted over HTTP (SQLite file and PostgreSQL), when the reports and the
account are read back, then each figure of the scenario comes out, and each rejected posting
answered 422 with the scenario's problem type and rule.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.e2e.http_scenario import HttpOutcome, post_example_scenario
from tests.e2e.service import Service
from tests.scenario import PROJECT

REJECTIONS = {
    "2017 support evaluation fee": ("category-not-allowed-for-source", "P5"),
    "2017-12-30 after close": ("year-closed", "P2"),
    "2018 overdraft": ("insufficient-funds", "P5"),
    "2018 P alloc beyond entitlement": ("platform-entitlement-exceeded", "P4"),
}


@pytest.fixture(scope="module")
def service(module_service: Service) -> Service:
    return module_service


@pytest.fixture(scope="module")
def scenario(service: Service) -> dict[str, HttpOutcome]:
    """The example posted once per backend; the tests below only read (or re-close)."""
    return post_example_scenario(service)


def rate_row(service: Service, year: int, as_of: str) -> dict[str, Any]:
    response = service.get("department", "/v1/reports/execution-rates", year=year, as_of=as_of)
    assert response.status_code == 200, response.text
    (row,) = [r for r in response.json()["rows"] if r["project_code"] == PROJECT]
    return row


def matching_row(service: Service, year: int, as_of: str) -> dict[str, Any]:
    response = service.get("department", "/v1/reports/matching", year=year, as_of=as_of)
    assert response.status_code == 200, response.text
    (row,) = [r for r in response.json()["rows"] if r["project_code"] == PROJECT]
    return row


def line(close: dict[str, Any], source: str, year: int) -> dict[str, Any]:
    (found,) = [x for x in close["lines"]
                if x["source"] == source and x["appropriation_year"] == year]
    return found


def test_every_accepted_step_is_created_and_every_rejected_one_names_its_rule(
    scenario: dict[str, HttpOutcome],
) -> None:
    for label, outcome in scenario.items():
        if label in REJECTIONS:
            problem_type, rule = REJECTIONS[label]
            assert outcome.status == 422, (label, outcome.body)
            assert (outcome.body["type"], outcome.body["rule"]) == (problem_type, rule), label
            assert outcome.body["detail"]
        else:
            assert outcome.status == 201, (label, outcome.body)
            if label != "register" and not label.startswith("close"):
                assert outcome.body["position"] > 0 and outcome.body["recorded_at"]


def test_expenditures_consume_the_oldest_tranche_first_and_the_reversal_restores_it(
    scenario: dict[str, HttpOutcome],
) -> None:
    assert scenario["E1"].body["consumed"] == [
        {"source": "SUPPORT", "appropriation_year": 2017, "amount": "500000.00"}]
    assert scenario["E2"].body["consumed"] == [
        {"source": "SUPPORT", "appropriation_year": 2017, "amount": "700000.00"},
        {"source": "SUPPORT", "appropriation_year": 2018, "amount": "300000.00"}]
    restored = scenario["reverse E1"].body["restored"]
    assert [(r["source"], r["appropriation_year"], r["amount"]) for r in restored] == [
        ("SUPPORT", 2017, "100000.00")]
    overdraft = scenario["2018 overdraft"].body
    assert overdraft["available"] == "1700000.00" and "1700000.00" in overdraft["detail"]


def test_execution_rate_at_the_end_of_2017_is_at_risk_of_reduction(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    row = rate_row(service, 2017, "2017-12-31")
    assert (row["spent"], row["available"], row["rate"]) == ("1100000.00", "3300000.00", "33.33")
    assert (row["time_progress"], row["gap_pp"]) == ("100.00", "-66.67")
    assert row["status"] == "AT_RISK_OF_REDUCTION"


def test_close_of_2017_carries_both_tranches_and_the_matching_pool(
    scenario: dict[str, HttpOutcome],
) -> None:
    close = scenario["close 2017"].body
    assert line(close, "SUPPORT", 2017) == {"source": "SUPPORT", "appropriation_year": 2017,
                                             "amount": "1200000.00", "outcome": "CARRIED",
                                             "reason": None}
    assert line(close, "PLATFORM", 2017)["amount"] == "1000000.00"
    assert line(close, "PLATFORM", 2017)["outcome"] == "CARRIED"
    assert close["pools"] == [{"source": "MATCHING", "amount": "1480000.00"}]


def test_closing_a_closed_year_again_answers_200_with_the_first_body(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    again = service.post("department", f"/v1/projects/{PROJECT}/fiscal-years/2017/close")
    assert again.status_code == 200
    assert again.json() == scenario["close 2017"].body


def test_matching_at_the_end_of_2017_and_2018(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    end_2017 = matching_row(service, 2017, "2017-12-31")
    assert (end_2017["required"], end_2017["contributed"], end_2017["ratio"],
            end_2017["shortfall"]) == ("3300000.00", "1500000.00", "45.45", "1800000.00")
    end_2018 = matching_row(service, 2018, "2018-12-31")
    assert (end_2018["required"], end_2018["contributed"], end_2018["ratio"],
            end_2018["shortfall"]) == ("5300000.00", "3500000.00", "66.04", "1800000.00")


def test_execution_rate_in_mid_2018_is_lagging_and_fails_the_june_checkpoint(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    row = rate_row(service, 2018, "2018-06-30")
    assert (row["available"], row["spent"], row["rate"]) == ("4200000.00", "500000.00", "11.90")
    assert (row["time_progress"], row["gap_pp"], row["status"]) == ("49.59", "-37.68", "LAGGING")
    (june,) = [c for c in row["checkpoints"] if c["date"] == "2018-06-30"]
    assert (june["min_rate"], june["passed"]) == ("50.00", False)


def test_execution_rate_at_the_end_of_2018(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    row = rate_row(service, 2018, "2018-12-31")
    assert (row["spent"], row["available"], row["rate"]) == ("1800000.00", "4200000.00", "42.86")


def test_close_of_2018_makes_2017_money_surplus_and_carries_2018_money(
    scenario: dict[str, HttpOutcome],
) -> None:
    close = scenario["close 2018"].body
    assert line(close, "SUPPORT", 2017)["amount"] == "100000.00"
    assert line(close, "PLATFORM", 2017)["amount"] == "600000.00"
    for source in ("SUPPORT", "PLATFORM"):
        assert (line(close, source, 2017)["outcome"], line(close, source, 2017)["reason"]) == (
            "SURPLUS", "TWO_YEAR")
    assert line(close, "SUPPORT", 2018)["amount"] == "1700000.00"
    assert line(close, "SUPPORT", 2018)["outcome"] == "CARRIED"


def test_fiscal_money_is_conserved_at_the_end_of_2018_and_recovered_in_2019(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    end_2018 = service.get("auditor", f"/v1/projects/{PROJECT}/account", as_of="2018-12-31")
    assert end_2018.status_code == 200, end_2018.text
    fiscal = end_2018.json()["fiscal_total"]
    assert (fiscal["received"], fiscal["spent"], fiscal["available"],
            fiscal["surplus_awaiting"]) == ("5300000.00", "2900000.00", "1700000.00",
                                            "700000.00")
    now = service.get("auditor", f"/v1/projects/{PROJECT}/account").json()["fiscal_total"]
    assert (now["surplus_awaiting"], now["recovered"]) == ("0.00", "700000.00")


def test_unregistered_capital_spending_at_the_end_of_2018(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    response = service.get("department", "/v1/reports/unregistered-assets", as_of="2018-12-31")
    assert response.status_code == 200, response.text
    report = response.json()
    amounts = sorted(r["unregistered"] for r in report["rows"] if r["project_code"] == PROJECT)
    assert amounts == ["50000.00", "800000.00"]
    assert report["total_unregistered"] == "850000.00"
    assets = service.get("finance_office", f"/v1/projects/{PROJECT}/assets").json()["assets"]
    assert [(a["asset_no"], a["original_value"]) for a in assets] == [
        ("SXU-2018-0001", "950000.00")]


def test_final_accounts_of_2018_per_source(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    response = service.get("department", "/v1/reports/final-accounts", project=PROJECT,
                           year=2018)
    assert response.status_code == 200, response.text
    rows = {r["source"]: r for r in response.json()["rows"]}
    support, platform = rows["SUPPORT"], rows["PLATFORM"]
    assert (support["carried_in"], support["allocated"], support["spent"]) == (
        "1200000.00", "2000000.00", "1400000.00")
    assert support["spent_by_category"] == {"LABOUR": "400000.00", "EQUIPMENT": "1000000.00"}
    assert (support["formed_fixed_assets"], support["carried_out"],
            support["surplus_formed"]) == ("950000.00", "1700000.00", "100000.00")
    assert (platform["carried_in"], platform["allocated"], platform["spent"]) == (
        "1000000.00", "0.00", "400000.00")
    assert platform["spent_by_category"] == {"TESTING": "400000.00"}
    assert (platform["carried_out"], platform["surplus_formed"]) == ("0.00", "600000.00")


def test_execution_rate_export_has_the_chinese_columns_in_order(
    service: Service, scenario: dict[str, HttpOutcome],
) -> None:
    response = service.get("department", "/v1/reports/execution-rates", year=2018,
                           as_of="2018-12-31", format="csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:9] == ["项目编号", "高校", "类别", "可用资金", "已支出", "执行率", "序时进度",
                           "差距(百分点)", "状态"]
    assert any(r[0] == PROJECT and "42.86" in r for r in rows[1:])
    xlsx = service.get("department", "/v1/reports/execution-rates", year=2018, format="xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
