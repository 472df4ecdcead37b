"""Rules P5–P8: spending, contributions, reversals and asset registration (given/when/then)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger import errors
from tests.factories import (
    allocate,
    close,
    contribute,
    register,
    register_asset,
    rejected,
    reverse,
    spend,
    tranche,
)


@pytest.fixture
def funded(app):
    """A 1331 project with SUPPORT 2017 of 1,000,000.00 and MATCHING of 100,000.00."""
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "1000000.00", "2017-03-01")
    contribute(app, code, "100000.00", "2017-03-02")
    return code


# --- P5 -------------------------------------------------------------------------------------


def test_expenditure_beyond_available_fiscal_balance_is_rejected(app, funded):
    spend(app, funded, "SUPPORT", "999999.00", "2017-04-01")
    error = rejected(app, lambda: spend(app, funded, "SUPPORT", "1.01", "2017-04-02"))
    assert (error.rule, error.type) == ("P5", "insufficient-funds")
    assert (error.extra["available"], error.extra["requested"]) == ("1.00", "1.01")


def test_expenditure_of_exactly_the_available_balance_empties_the_tranche(app, funded):
    spend(app, funded, "SUPPORT", "1000000.00", "2017-04-01")
    assert tranche(app, funded, "SUPPORT", 2017).available == Decimal("0.00")


def test_evaluation_fee_may_not_be_charged_to_fiscal_money(app, funded):
    error = rejected(app, lambda: spend(app, funded, "SUPPORT", "5.00", "2017-04-01",
                                        category="EVALUATION_FEE"))
    assert (error.rule, error.type) == ("P5", "category-not-allowed-for-source")


def test_evaluation_fee_may_be_charged_to_matching_money(app, funded):
    spend(app, funded, "MATCHING", "5.00", "2017-04-01", category="EVALUATION_FEE")
    assert app.get_project(funded).pools["MATCHING"].available == Decimal("99995.00")


def test_local_bond_money_funds_only_capital_categories(app):
    code = register(app, program="CJRH")
    allocate(app, code, "LOCAL_BOND", 2017, "1000.00", "2017-03-01")
    error = rejected(app, lambda: spend(app, code, "LOCAL_BOND", "1.00", "2017-04-01",
                                        category="TRAVEL"))
    assert error.type == "category-not-allowed-for-source"
    spend(app, code, "LOCAL_BOND", "1.00", "2017-04-01", category="INFRASTRUCTURE")


def test_service_income_funds_only_equipment_training_consumables_and_compensation(app):
    code = register(app, program="CJRH")
    contribute(app, code, "1000.00", "2017-03-01", source="SERVICE_INCOME")
    assert rejected(app, lambda: spend(app, code, "SERVICE_INCOME", "1.00", "2017-04-01",
                                       category="MATERIALS")).rule == "P5"
    for category in ("EQUIPMENT", "TRAINING_CONSUMABLES", "COMPENSATION"):
        spend(app, code, "SERVICE_INCOME", "1.00", "2017-04-01", category=category)


def test_category_outside_the_program_is_a_validation_error(app, funded):
    error = rejected(app, lambda: spend(app, funded, "SUPPORT", "1.00", "2017-04-01",
                                        category="COMPENSATION"))
    assert isinstance(error, errors.FieldError) and error.errors[0]["field"] == "category"


# --- P6 -------------------------------------------------------------------------------------


def test_contribution_of_fiscal_origin_is_rejected(app, funded):
    error = rejected(app, lambda: contribute(app, funded, "10.00", "2017-04-01", fiscal=True))
    assert (error.rule, error.type) == ("P6", "fiscal-origin-not-allowed")


def test_fiscal_source_cannot_be_contributed(app, funded):
    error = rejected(app, lambda: contribute(app, funded, "10.00", "2017-04-01", source="SUPPORT"))
    assert isinstance(error, errors.FieldError)


# --- P7 -------------------------------------------------------------------------------------


def test_same_year_reversal_restores_the_last_consumed_tranche_first(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    close(app, code, 2017)
    allocate(app, code, "SUPPORT", 2018, "100.00", "2018-03-01")
    spent = spend(app, code, "SUPPORT", "150.00", "2018-04-01")

    result = reverse(app, code, spent["expenditure_id"], "60.00", "2018-05-01")

    assert [(p["appropriation_year"], p["amount"], p["prior_year"]) for p in result["restored"]] \
        == [(2018, Decimal("50.00"), False), (2017, Decimal("10.00"), False)]
    assert tranche(app, code, "SUPPORT", 2017).available == Decimal("10.00")
    assert tranche(app, code, "SUPPORT", 2018).available == Decimal("100.00")


def test_reversal_beyond_the_unreversed_amount_is_rejected(app, funded):
    spent = spend(app, funded, "SUPPORT", "100.00", "2017-04-01")
    reverse(app, funded, spent["expenditure_id"], "60.00", "2017-05-01")
    error = rejected(app, lambda: reverse(app, funded, spent["expenditure_id"], "40.01",
                                          "2017-05-02"))
    assert (error.rule, error.type) == ("P7", "reversal-not-allowed")


def test_reversal_of_another_projects_expenditure_is_rejected(app, funded):
    other = register(app)
    allocate(app, other, "SUPPORT", 2017, "100.00", "2017-03-01")
    theirs = spend(app, other, "SUPPORT", "100.00", "2017-04-01")
    error = rejected(app, lambda: reverse(app, funded, theirs["expenditure_id"], "1.00",
                                          "2017-05-01"))
    assert error.rule == "P7"


def test_reversal_cannot_bring_an_expenditure_below_the_asset_value_it_funds(app, funded):
    spent = spend(app, funded, "SUPPORT", "10000.00", "2017-04-01", category="EQUIPMENT")
    register_asset(app, funded, [(spent["expenditure_id"], "9000.00")], "2017-04-02")

    error = rejected(app, lambda: reverse(app, funded, spent["expenditure_id"], "1000.01",
                                          "2017-05-01"))
    assert error.rule == "P7" and error.extra["asset_value"] == "9000.00"
    reverse(app, funded, spent["expenditure_id"], "1000.00", "2017-05-01")


def test_reversal_in_a_later_year_into_an_open_tranche_is_a_prior_year_refund(app, funded):
    spent = spend(app, funded, "SUPPORT", "300.00", "2017-04-01")
    close(app, funded, 2017)

    result = reverse(app, funded, spent["expenditure_id"], "100.00", "2018-02-01")

    assert result["restored"][0]["prior_year"] is True
    s2017 = tranche(app, funded, "SUPPORT", 2017)
    assert (s2017.status, s2017.prior_year_refunds) == ("OPEN", Decimal("100.00"))
    assert s2017.available == Decimal("999800.00")
    spend(app, funded, "SUPPORT", "999800.00", "2018-03-01")  # the refund can be spent again


def test_reversal_in_a_later_year_into_a_surplus_tranche_adds_to_surplus_awaiting(app, funded):
    spent = spend(app, funded, "SUPPORT", "300.00", "2017-04-01")
    close(app, funded, 2017)
    close(app, funded, 2018)  # S-2017 becomes surplus with 999,700.00
    result = reverse(app, funded, spent["expenditure_id"], "100.00", "2019-02-01")

    assert result["restored"][0]["into"] == "SURPLUS"
    s2017 = tranche(app, funded, "SUPPORT", 2017)
    assert (s2017.surplus_awaiting, s2017.available) == (Decimal("999800.00"), Decimal("0.00"))


def test_reversal_cannot_be_dated_before_its_expenditure(app, funded):
    spent = spend(app, funded, "SUPPORT", "300.00", "2017-04-01")
    error = rejected(app, lambda: reverse(app, funded, spent["expenditure_id"], "1.00",
                                          "2017-03-31"))
    assert isinstance(error, errors.FieldError)


# --- P8 -------------------------------------------------------------------------------------


def test_asset_funded_by_two_capital_expenditures_is_registered(app, funded):
    one = spend(app, funded, "SUPPORT", "3000.00", "2017-04-01", category="EQUIPMENT")
    two = spend(app, funded, "MATCHING", "2000.00", "2017-04-01", category="INFRASTRUCTURE")
    register_asset(app, funded, [(one["expenditure_id"], "3000.00"),
                                 (two["expenditure_id"], "1500.00")], "2017-04-03")
    assert app.get_project(funded).asset_count == 1


def test_asset_funded_by_a_non_capital_expenditure_is_rejected(app, funded):
    spent = spend(app, funded, "SUPPORT", "3000.00", "2017-04-01", category="MATERIALS")
    error = rejected(app, lambda: register_asset(
        app, funded, [(spent["expenditure_id"], "3000.00")], "2017-04-02"))
    assert (error.rule, error.type) == ("P8", "asset-registration-not-allowed")


def test_asset_below_the_capitalisation_threshold_per_unit_is_rejected(app, funded):
    spent = spend(app, funded, "SUPPORT", "3000.00", "2017-04-01", category="EQUIPMENT")
    error = rejected(app, lambda: register_asset(
        app, funded, [(spent["expenditure_id"], "3000.00")], "2017-04-02", quantity=4))
    assert error.rule == "P8" and error.extra["threshold"] == "1000.00"
    register_asset(app, funded, [(spent["expenditure_id"], "3000.00")], "2017-04-02", quantity=3)


def test_asset_whose_funding_does_not_sum_to_its_value_is_rejected(app, funded):
    spent = spend(app, funded, "SUPPORT", "3000.00", "2017-04-01", category="EQUIPMENT")
    error = rejected(app, lambda: register_asset(
        app, funded, [(spent["expenditure_id"], "2000.00")], "2017-04-02", value="3000.00"))
    assert error.rule == "P8"


def test_asset_funding_beyond_the_expenditures_net_amount_is_rejected(app, funded):
    spent = spend(app, funded, "SUPPORT", "3000.00", "2017-04-01", category="EQUIPMENT")
    reverse(app, funded, spent["expenditure_id"], "1000.00", "2017-04-02")
    error = rejected(app, lambda: register_asset(
        app, funded, [(spent["expenditure_id"], "2000.01")], "2017-04-03"))
    assert error.rule == "P8" and error.extra["unregistered"] == "2000.00"


def test_asset_number_is_unique_within_the_university(app, funded):
    spent = spend(app, funded, "SUPPORT", "9000.00", "2017-04-01", category="EQUIPMENT")
    register_asset(app, funded, [(spent["expenditure_id"], "3000.00")], "2017-04-02",
                   asset_no="SXU-1")
    sibling = register(app)  # another project of the same university
    allocate(app, sibling, "SUPPORT", 2017, "5000.00", "2017-03-01")
    theirs = spend(app, sibling, "SUPPORT", "5000.00", "2017-04-01", category="EQUIPMENT")

    error = rejected(app, lambda: register_asset(
        app, sibling, [(theirs["expenditure_id"], "3000.00")], "2017-04-02", asset_no="SXU-1"))

    assert error.rule == "P8" and error.extra["asset_no"] == "SXU-1"
    elsewhere = register(app, university="10112")
    allocate(app, elsewhere, "SUPPORT", 2017, "5000.00", "2017-03-01")
    other = spend(app, elsewhere, "SUPPORT", "5000.00", "2017-04-01", category="EQUIPMENT")
    register_asset(app, elsewhere, [(other["expenditure_id"], "3000.00")], "2017-04-02",
                   asset_no="SXU-1")  # the same number at another university is fine
