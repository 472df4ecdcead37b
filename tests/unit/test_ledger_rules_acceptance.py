"""Rules P1–P4: which postings an account accepts, in which year, and which allocations.

Each test: given an account, when a command is given, then the outcome (a rejected command names
its rule and problem type and stores nothing).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger import errors
from tests.factories import (
    allocate,
    close,
    contribute,
    decide,
    recover,
    register,
    register_asset,
    rejected,
    reverse,
    spend,
    tranche,
)


def test_unknown_project_is_not_found(app):
    error = rejected(app, lambda: allocate(app, "NO-SUCH", "SUPPORT", 2017, "1.00", "2017-01-02"))
    assert isinstance(error, errors.NotFound) and error.status == 404


# --- P1 -------------------------------------------------------------------------------------


def test_terminated_project_accepts_postings_booked_on_the_termination_date(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "1000.00", "2017-03-01")
    decide(app, code, "TERMINATE", "2017-05-01", effective_on="2017-06-30")

    spend(app, code, "SUPPORT", "100.00", "2017-06-30")
    allocate(app, code, "SUPPORT", 2017, "50.00", "2017-06-30")
    contribute(app, code, "10.00", "2017-06-30")

    assert tranche(app, code, "SUPPORT", 2017).available == Decimal("950.00")


@pytest.mark.parametrize("posting", ["allocation", "contribution", "expenditure", "asset"])
def test_terminated_project_accepts_nothing_booked_after_the_termination_date(app, posting):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "10000.00", "2017-03-01")
    equipment = spend(app, code, "SUPPORT", "5000.00", "2017-04-01", category="EQUIPMENT")
    decide(app, code, "TERMINATE", "2017-05-01", effective_on="2017-06-30")
    calls = {
        "allocation": lambda: allocate(app, code, "SUPPORT", 2017, "1.00", "2017-07-01"),
        "contribution": lambda: contribute(app, code, "1.00", "2017-07-01"),
        "expenditure": lambda: spend(app, code, "SUPPORT", "1.00", "2017-07-01"),
        "asset": lambda: register_asset(
            app, code, [(equipment["expenditure_id"], "5000.00")], "2017-07-01"),
    }

    error = rejected(app, calls[posting])

    assert (error.rule, error.type) == ("P1", "project-not-accepting-postings")


def test_terminated_project_still_accepts_a_reversal_after_the_termination_date(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "1000.00", "2017-03-01")
    spent = spend(app, code, "SUPPORT", "400.00", "2017-04-01")
    decide(app, code, "TERMINATE", "2017-05-01", effective_on="2017-06-30")

    reverse(app, code, spent["expenditure_id"], "100.00", "2017-08-01")

    assert tranche(app, code, "SUPPORT", 2017).available == Decimal("700.00")


def test_ended_project_accepts_only_reversals_and_surplus_recoveries(app):
    code = register(app, start=2017, end=2017)
    allocate(app, code, "SUPPORT", 2017, "1000.00", "2017-03-01")
    spent = spend(app, code, "SUPPORT", "400.00", "2017-04-01")
    body, _ = close(app, code, 2017)
    assert [(line["outcome"], line["reason"]) for line in body["lines"]] == [
        ("SURPLUS", "PROJECT_ENDED")
    ]

    for call in (
        lambda: spend(app, code, "SUPPORT", "1.00", "2018-01-05"),
        lambda: allocate(app, code, "SUPPORT", 2017, "1.00", "2018-01-05"),
        lambda: contribute(app, code, "1.00", "2018-01-05"),
        lambda: decide(app, code, "SUSPEND", "2018-01-05", target_year=2017),
    ):
        assert rejected(app, call).rule == "P1"

    reverse(app, code, spent["expenditure_id"], "100.00", "2019-02-01")
    recover(app, code, "SUPPORT", 2017, "700.00", "2019-03-01")
    assert app.get_project(code).status == "ENDED"
    assert tranche(app, code, "SUPPORT", 2017).surplus_awaiting == Decimal("0.00")


# --- P2 -------------------------------------------------------------------------------------


def test_posting_before_the_construction_period_is_rejected(app):
    code = register(app, start=2017)
    error = rejected(app, lambda: allocate(app, code, "SUPPORT", 2017, "1.00", "2016-12-31"))
    assert (error.rule, error.type) == ("P2", "before-period")


def test_posting_in_a_year_after_the_open_year_waits_for_the_close(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    error = rejected(app, lambda: spend(app, code, "SUPPORT", "1.00", "2018-01-02"))
    assert (error.rule, error.type) == ("P2", "year-not-open")


def test_posting_into_a_closed_year_is_rejected(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    close(app, code, 2017)
    error = rejected(app, lambda: spend(app, code, "SUPPORT", "1.00", "2017-12-31"))
    assert (error.rule, error.type) == ("P2", "year-closed")


def test_the_lowest_numbered_broken_rule_is_reported(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    close(app, code, 2017)
    # Both P2 (closed year) and P5 (more than available) are broken: P2 wins.
    error = rejected(app, lambda: spend(app, code, "SUPPORT", "999.00", "2017-12-30"))
    assert error.rule == "P2"


# --- P3 -------------------------------------------------------------------------------------


def test_allocation_for_an_appropriation_year_outside_the_period_is_rejected(app):
    code = register(app, start=2017, end=2020)
    error = rejected(app, lambda: allocate(app, code, "SUPPORT", 2021, "1.00", "2017-03-01"))
    assert (error.rule, error.type) == ("P3", "allocation-not-allowed")


def test_suspended_year_takes_no_allocation_until_restored(app):
    code = register(app)
    decide(app, code, "SUSPEND", "2017-02-01", target_year=2017)
    error = rejected(app, lambda: allocate(app, code, "SUPPORT", 2017, "1.00", "2017-03-01"))
    assert error.rule == "P3"

    decide(app, code, "RESTORE", "2017-04-01", target_year=2017)
    allocate(app, code, "SUPPORT", 2017, "1.00", "2017-05-01")
    assert tranche(app, code, "SUPPORT", 2017).allocated == Decimal("1.00")


def test_reduce_caps_all_fiscal_sources_of_the_year_together(app):
    code = register(app, platforms=["MOE_ERC"])
    decide(app, code, "REDUCE", "2017-02-01", target_year=2017, amount="1000.00")
    allocate(app, code, "SUPPORT", 2017, "600.00", "2017-03-01")
    allocate(app, code, "PLATFORM", 2017, "400.00", "2017-03-01")

    error = rejected(app, lambda: allocate(app, code, "SUPPORT", 2017, "0.01", "2017-03-02"))

    assert error.rule == "P3" and error.extra["cap"] == "1000.00"


def test_allocation_to_a_tranche_that_became_surplus_is_rejected(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    close(app, code, 2017)
    close(app, code, 2018)  # S-2017 becomes surplus (TWO_YEAR), even with money in it
    error = rejected(app, lambda: allocate(app, code, "SUPPORT", 2017, "1.00", "2019-01-05"))
    assert (error.rule, error.type) == ("P3", "allocation-not-allowed")


def test_allocation_booked_early_for_a_later_year_is_consumed_last(app):
    code = register(app, start=2019, end=2020)
    allocate(app, code, "SUPPORT", 2020, "500.00", "2019-02-01")
    allocate(app, code, "SUPPORT", 2019, "300.00", "2019-03-01")

    result = spend(app, code, "SUPPORT", "400.00", "2019-04-01")

    assert [(p["appropriation_year"], p["amount"]) for p in result["consumed"]] == [
        (2019, Decimal("300.00")),
        (2020, Decimal("100.00")),
    ]


# --- P4 -------------------------------------------------------------------------------------


def test_platform_allocations_up_to_the_entitlement_are_accepted(app):
    code = register(app, platforms=["MOE_ERC", "PROV_ALLIANCE"])
    allocate(app, code, "PLATFORM", 2017, "1300000.00", "2017-03-01")
    assert app.get_project(code).platform_allocated == Decimal("1300000.00")


def test_platform_allocations_beyond_the_entitlement_are_rejected(app):
    code = register(app, platforms=["PROV_ETRC"])
    allocate(app, code, "PLATFORM", 2017, "200000.00", "2017-03-01")

    error = rejected(app, lambda: allocate(app, code, "PLATFORM", 2017, "100000.01", "2017-04-01"))

    assert (error.rule, error.type) == ("P4", "platform-entitlement-exceeded")
    assert error.extra["entitlement"] == "300000.00"


def test_project_without_platforms_gets_no_platform_money(app):
    code = register(app, platforms=[])
    error = rejected(app, lambda: allocate(app, code, "PLATFORM", 2017, "1.00", "2017-03-01"))
    assert error.rule == "P4"
