"""Malformed commands are validation errors naming the field, never a crash (and store nothing)."""

from __future__ import annotations

import pytest

from ledger import errors
from ledger.application import Ledger
from tests.factories import MEMORY_ENV, Clock, d, dept, memory_ledger, rejected

REGISTRATION = {
    "code": "SX1331-A-2099-001", "program": "1331-CIC", "university_code": "10108",
    "university_name": "山西大学", "name": "中心", "project_class": "A",
    "period_start_year": 2017, "period_end_year": 2020, "lead": "张教授", "platforms": [],
    "booked_on": d("2017-01-01"),
}


@pytest.mark.parametrize(("change", "field"), [
    ({"program": None}, "program"),
    ({"code": ""}, "code"),
    ({"period_start_year": "2017"}, "period_start_year"),
    ({"platforms": [{"kind": "MOE_ERC"}]}, "platforms[0].type"),
    ({"platforms": [{"type": "NO_SUCH"}]}, "platforms[0].type"),
    ({"colour": "blue"}, "colour"),
    ({"booked_on": "2017-01-01"}, "booked_on"),
    ({"project_class": "MAIN_BASE"}, "project_class"),
])
def test_a_malformed_registration_names_the_field(app, change, field):
    facts = {k: v for k, v in {**REGISTRATION, **change}.items() if v is not None}
    error = rejected(app, lambda: app.register_project(dept(), **facts))
    assert isinstance(error, errors.FieldError) and error.errors[0]["field"] == field


@pytest.mark.parametrize("amount", ["1e3", "0.001", "-5.00", "0", 10.5, "NaN", "1000000000000.01"])
def test_an_amount_that_is_not_money_is_rejected_with_its_field(app, amount):
    code = REGISTRATION["code"]
    app.register_project(dept(), **REGISTRATION)
    error = rejected(app, lambda: app.allocate(
        dept(), code, source="SUPPORT", appropriation_year=2017, amount=amount,
        document_no="doc", booked_on=d("2017-03-01")))
    assert isinstance(error, errors.FieldError) and error.errors[0]["field"] == "amount"


def test_a_zero_aggregate_cache_size_turns_the_cache_off():
    app = Ledger({**MEMORY_ENV, "AGGREGATE_CACHE_MAXSIZE": "0"}, today=Clock())
    assert app.repository.cache is None
    assert memory_ledger().repository.cache is not None  # the default keeps its cache


@pytest.mark.parametrize(("change", "field"), [
    ({"booked_on": "2017-04-01"}, "booked_on"),
    ({"booked_on": None}, "booked_on"),
    ({"appropriation_year": "2017"}, "appropriation_year"),
])
def test_dates_and_years_of_any_command_are_checked(app, change, field):
    app.register_project(dept(), **REGISTRATION)
    args = {"source": "SUPPORT", "appropriation_year": 2017, "amount": "1.00",
            "document_no": "doc", "booked_on": d("2017-03-01"), **change}
    error = rejected(app, lambda: app.allocate(dept(), REGISTRATION["code"], **args))
    assert isinstance(error, errors.FieldError) and error.errors[0]["field"] == field


def test_a_close_of_a_year_that_is_not_a_number_is_a_validation_error(app):
    app.register_project(dept(), **REGISTRATION)
    error = rejected(app, lambda: app.close_project_year(dept(), REGISTRATION["code"], "2017"))
    assert isinstance(error, errors.FieldError) and error.errors[0]["field"] == "year"
