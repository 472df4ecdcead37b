"""Every reported figure of example-scenario.md, read from the projections, on SQLite and
PostgreSQL (the in-memory variant lives in tests/unit/test_projection_scenario_memory.py).

Given the worked example posted through the ledger (tests/scenario.py), when the projection
engine has caught up, then the execution rates, matching ratios, unregistered assets and the
2018 经费决算表 are exactly those of the example.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from projections.queries import ReadModels
from tests.integration.test_projection_support import (  # noqa: F401 (fixtures)
    Store,
    db_url_fixture,
    store_fixture,
)
from tests.scenario import PROJECT, SCENARIO_TODAY, load_example_scenario

M = Decimal


def _only_row(report: dict[str, Any]) -> dict[str, Any]:
    rows = [r for r in report["rows"] if r["project_code"] == PROJECT]
    assert len(rows) == 1
    return rows[0]


def check_execution_rates(rm: ReadModels) -> None:
    end_2017 = _only_row(rm.execution_rates(2017, as_of=date(2017, 12, 31)))
    assert (end_2017["spent"], end_2017["available"]) == (M("1100000.00"), M("3300000.00"))
    assert (end_2017["rate"], end_2017["time_progress"], end_2017["gap_pp"]) == (
        M("33.33"), M("100.00"), M("-66.67"))
    assert end_2017["status"] == "AT_RISK_OF_REDUCTION"

    mid_2018 = rm.execution_rates(2018, as_of=date(2018, 6, 30))
    row = _only_row(mid_2018)
    assert mid_2018["as_of"] == date(2018, 6, 30)
    assert (row["available"], row["spent"]) == (M("4200000.00"), M("500000.00"))
    assert (row["rate"], row["time_progress"], row["gap_pp"]) == (
        M("11.90"), M("49.59"), M("-37.68"))
    assert row["status"] == "LAGGING"
    assert row["checkpoints"] == [
        {"date": date(2018, 6, 30), "min_rate": M("50.00"), "rate": M("11.90"), "passed": False}
    ]

    end_2018 = _only_row(rm.execution_rates(2018, as_of=date(2018, 12, 31)))
    assert (end_2018["spent"], end_2018["available"], end_2018["rate"]) == (
        M("1800000.00"), M("4200000.00"), M("42.86"))
    by_source = {s["source"]: (s["available"], s["spent"], s["rate"])
                 for s in end_2018["by_source"]}
    assert by_source == {
        "SUPPORT": (M("3200000.00"), M("1400000.00"), M("43.75")),
        "PLATFORM": (M("1000000.00"), M("400000.00"), M("40.00")),
        "MATCHING": (M("3480000.00"), M("0.00"), M("0.00")),
    }
    assert end_2018["all_sources"] == {
        "available": M("7680000.00"), "spent": M("1800000.00"), "rate": M("23.44")}


def check_matching(rm: ReadModels) -> None:
    end_2017 = _only_row(rm.matching(2017, as_of=date(2017, 12, 31)))
    assert (end_2017["required"], end_2017["contributed"], end_2017["ratio"],
            end_2017["shortfall"]) == (M("3300000.00"), M("1500000.00"), M("45.45"),
                                       M("1800000.00"))
    end_2018 = _only_row(rm.matching(2018, as_of=date(2018, 12, 31)))
    assert (end_2018["required"], end_2018["contributed"], end_2018["ratio"],
            end_2018["shortfall"]) == (M("5300000.00"), M("3500000.00"), M("66.04"),
                                       M("1800000.00"))


def check_unregistered_assets(rm: ReadModels) -> None:
    report = rm.unregistered_assets(as_of=date(2018, 12, 31))
    assert sorted(r["unregistered"] for r in report["rows"]) == [M("50000.00"), M("800000.00")]
    assert report["total_unregistered"] == M("850000.00")


def check_final_accounts_2018(rm: ReadModels) -> None:
    report = rm.final_accounts(PROJECT, 2018)
    assert report is not None
    rows = {r["source"]: r for r in report["rows"]}
    support, platform = rows["SUPPORT"], rows["PLATFORM"]
    assert (support["carried_in"], support["allocated"], support["spent"]) == (
        M("1200000.00"), M("2000000.00"), M("1400000.00"))
    assert support["spent_by_category"] == {"EQUIPMENT": M("1000000.00"),
                                            "LABOUR": M("400000.00")}
    assert support["formed_fixed_assets"] == M("950000.00")
    assert (support["carried_out"], support["surplus_formed"]) == (
        M("1700000.00"), M("100000.00"))
    assert (platform["carried_in"], platform["allocated"], platform["spent"]) == (
        M("1000000.00"), M("0.00"), M("400000.00"))
    assert platform["spent_by_category"] == {"TESTING": M("400000.00")}
    assert (platform["carried_out"], platform["surplus_formed"]) == (M("0.00"), M("600000.00"))
    for row in report["rows"]:  # carried_in + received + refunds − spent = carried_out + surplus
        received = row.get("allocated", row.get("contributed"))
        assert (row["carried_in"] + received + row["prior_year_refunds"] - row["spent"]
                == row["carried_out"] + row["surplus_formed"])


def check_every_figure(rm: ReadModels) -> None:
    check_execution_rates(rm)
    check_matching(rm)
    check_unregistered_assets(rm)
    check_final_accounts_2018(rm)


def test_every_figure_of_the_worked_example_comes_out_of_the_projections(store: Store) -> None:
    # given the worked example, posted through the ledger
    app, engine = store(SCENARIO_TODAY)
    load_example_scenario(app)
    # when the engine catches up
    assert engine.catch_up() > 0
    # then every figure of the example is read from the read models
    check_every_figure(engine.read_models)
    assert all(s["lag_events"] == 0 for s in engine.status())


def test_current_account_equals_the_replayed_account_at_today(store: Store) -> None:
    # given the worked example, projected
    app, engine = store(SCENARIO_TODAY)
    load_example_scenario(app)
    engine.catch_up()
    rm = engine.read_models
    # when the account is read from the tables and by replaying to today
    live = rm.account(PROJECT)
    replayed = rm.account(PROJECT, as_of=SCENARIO_TODAY)
    # then both agree, and surplus awaiting is 0 after the 2019 recoveries
    assert live is not None and replayed is not None
    live.pop("recorded_before"), replayed.pop("recorded_before")
    assert live == replayed
    assert live["fiscal_total"]["surplus_awaiting"] == M("0.00")
    assert live["fiscal_total"]["recovered"] == M("700000.00")


@pytest.mark.parametrize("as_of,available", [(date(2018, 6, 30), "2700000.00"),
                                             (date(2018, 12, 31), "1700000.00")])
def test_account_as_of_a_business_date_is_replayed_to_that_date(
    store: Store, as_of: date, available: str
) -> None:
    # given the worked example
    app, engine = store(SCENARIO_TODAY)
    load_example_scenario(app)
    engine.catch_up()
    # when the SUPPORT balance is read as of a date in 2018
    account = engine.read_models.account(PROJECT, as_of=as_of)
    # then it is the balance the example states at that date
    assert account is not None
    support = next(s for s in account["sources"] if s["source"] == "SUPPORT")
    assert support["totals"]["available"] == M(available)


def test_the_journal_runs_a_balance_per_source_that_ends_at_the_money_held(store: Store) -> None:
    # given the worked example, projected
    app, engine = store(SCENARIO_TODAY)
    load_example_scenario(app)
    engine.catch_up()
    rm = engine.read_models
    # when the SUPPORT journal is read
    lines = rm.journal(PROJECT, source="SUPPORT")
    # then each balance is the previous one plus inflow minus outflow, in log order
    balance = M("0.00")
    for line in lines:
        balance += line["inflow"] - line["outflow"]
        assert line["balance"] == balance
    # and it ends at what the account holds for SUPPORT (available + surplus awaiting)
    account = rm.account(PROJECT)
    assert account is not None
    support = next(s for s in account["sources"] if s["source"] == "SUPPORT")["totals"]
    assert balance == support["available"] + support["surplus_awaiting"] == M("1700000.00")
    assert [line["entry"] for line in rm.journal(PROJECT, year=2019)] == [
        "SURPLUS_RECOVERY", "SURPLUS_RECOVERY"]


def test_an_account_recorded_before_the_project_existed_is_not_found(store: Store) -> None:
    # given the worked example
    app, engine = store(SCENARIO_TODAY)
    load_example_scenario(app)
    engine.catch_up()
    first = app.project_events(PROJECT)[0].timestamp
    # when the account is asked for as recorded before its registration, and just after
    before = engine.read_models.account(PROJECT, recorded_before=first)
    after = engine.read_models.account(PROJECT, recorded_before=first + timedelta(microseconds=1))
    # then it did not exist yet, and then it existed with nothing in it
    assert before is None
    assert after is not None and after["total"]["received"] == M("0.00")
