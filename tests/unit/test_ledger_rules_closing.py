"""Rules P9–P11 and the year-end close of domain.md §6 (given/when/then)."""

from __future__ import annotations

from decimal import Decimal

from ledger import errors
from ledger.context import CommandContext
from ledger.department import ALREADY_CLOSED, CLOSED, REJECTED, SKIPPED
from tests.factories import (
    DEPARTMENT,
    allocate,
    close,
    contribute,
    d,
    decide,
    dept,
    recover,
    register,
    rejected,
    spend,
    tranche,
)


def lines(body):
    return [(l["source"], l["appropriation_year"], l["amount"], l["outcome"], l["reason"])
            for l in body["lines"]]


# --- §6 close outcomes ---------------------------------------------------------------------


def test_first_year_money_is_carried_and_second_year_money_becomes_surplus(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    contribute(app, code, "40.00", "2017-03-02")
    first, newly = close(app, code, 2017)
    assert newly is True
    assert lines(first) == [("SUPPORT", 2017, Decimal("100.00"), "CARRIED", None)]
    assert first["pools"] == [{"source": "MATCHING", "amount": Decimal("40.00")}]

    allocate(app, code, "SUPPORT", 2018, "70.00", "2018-03-01")
    second, _ = close(app, code, 2018)

    assert lines(second) == [("SUPPORT", 2017, Decimal("100.00"), "SURPLUS", "TWO_YEAR"),
                             ("SUPPORT", 2018, Decimal("70.00"), "CARRIED", None)]
    assert tranche(app, code, "SUPPORT", 2017).surplus_awaiting == Decimal("100.00")


def test_an_empty_tranche_still_becomes_surplus_and_never_reopens(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    spend(app, code, "SUPPORT", "100.00", "2017-04-01")
    close(app, code, 2017)
    body, _ = close(app, code, 2018)
    assert lines(body) == [("SUPPORT", 2017, Decimal("0.00"), "SURPLUS", "TWO_YEAR")]
    assert tranche(app, code, "SUPPORT", 2017).status == "SURPLUS"


def test_terminated_project_turns_all_fiscal_money_into_surplus_at_the_next_close(app):
    code = register(app, start=2017, end=2020)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    decide(app, code, "TERMINATE", "2017-06-01", effective_on="2017-06-30")
    body, _ = close(app, code, 2017)
    assert lines(body) == [("SUPPORT", 2017, Decimal("100.00"), "SURPLUS", "TERMINATED")]
    assert rejected(app, lambda: close(app, code, 2018)).rule == "P10"


def test_one_budget_year_setting_makes_unspent_money_surplus_at_its_first_close(app):
    definition = {**app.get_program("1331-CIC").__dict__}
    app.define_program(
        dept(), code="STRICT", name="严格项目", sources=definition["sources"],
        categories=definition["categories"], project_classes=definition["project_classes"],
        settings={"carry_over_max_budget_years": 1},
    )
    code = register(app, program="STRICT", project_class="A")
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    body, _ = close(app, code, 2017)
    assert lines(body) == [("SUPPORT", 2017, Decimal("100.00"), "SURPLUS", "TWO_YEAR")]


# --- P9 -------------------------------------------------------------------------------------


def test_recovery_beyond_the_surplus_awaiting_is_rejected(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    close(app, code, 2017)
    close(app, code, 2018)
    recover(app, code, "SUPPORT", 2017, "60.00", "2019-02-01")
    error = rejected(app, lambda: recover(app, code, "SUPPORT", 2017, "40.01", "2019-02-02"))
    assert (error.rule, error.type) == ("P9", "recovery-exceeds-surplus")
    assert error.extra["surplus_awaiting"] == "40.00"


def test_recovery_from_an_open_tranche_is_rejected(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    assert rejected(app, lambda: recover(app, code, "SUPPORT", 2017, "1.00", "2017-05-01")
                    ).rule == "P9"


# --- P10 ------------------------------------------------------------------------------------


def test_close_before_the_year_has_ended_is_rejected(app, clock):
    code = register(app)
    clock.day = d("2017-12-31")
    error = rejected(app, lambda: close(app, code, 2017))
    assert (error.rule, error.type) == ("P10", "year-close-not-allowed")

    clock.day = d("2018-01-01")
    _, newly = close(app, code, 2017)
    assert newly is True


def test_close_of_a_year_before_the_previous_year_is_closed_is_rejected(app):
    code = register(app)
    assert rejected(app, lambda: close(app, code, 2018)).rule == "P10"


def test_closing_again_returns_the_first_result_unchanged(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    first, _ = close(app, code, 2017)
    before = app.recorder.max_notification_id()

    again, newly = close(app, code, 2017)

    assert newly is False
    assert lines(again) == lines(first) and again["pools"] == first["pools"]
    assert app.recorder.max_notification_id() == before


def test_program_wide_close_reports_each_project(app, clock):
    closed = register(app, start=2017, end=2020)
    already = register(app, start=2017, end=2020)
    blocked = register(app, start=2016, end=2020)  # 2016 still open: 2017 cannot be closed
    later = register(app, start=2019, end=2021)
    allocate(app, closed, "SUPPORT", 2017, "100.00", "2017-03-01")
    first, _ = close(app, already, 2017)

    results = {r["project_code"]: r for r in app.close_program_year(dept(), "1331-CIC", 2017)}

    assert results[closed]["result"] == CLOSED
    assert lines(results[closed]["close"]) == [("SUPPORT", 2017, Decimal("100.00"), "CARRIED",
                                                None)]
    assert results[already]["result"] == ALREADY_CLOSED
    assert lines(results[already]["close"]) == lines(first)
    assert results[blocked]["result"] == REJECTED
    assert results[blocked]["problem"].rule == "P10"
    assert results[later]["result"] == SKIPPED


# --- P11 ------------------------------------------------------------------------------------


def test_voucher_number_is_used_once_within_a_project_across_posting_kinds(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    contribute(app, code, "10.00", "2017-03-02", voucher="2017-03-001")
    error = rejected(app, lambda: spend(app, code, "SUPPORT", "1.00", "2017-04-01",
                                        voucher="2017-03-001"))
    assert (error.rule, error.type) == ("P11", "voucher-number-used")


def test_the_same_voucher_number_may_be_used_in_another_project(app):
    first, second = register(app), register(app)
    for code in (first, second):
        allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
        spend(app, code, "SUPPORT", "1.00", "2017-04-01", voucher="2017-04-001")
    assert tranche(app, second, "SUPPORT", 2017).available == Decimal("99.00")


def test_a_document_number_may_repeat_across_allocations(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")  # same 晋财教 document
    assert tranche(app, code, "SUPPORT", 2017).allocated == Decimal("200.00")


def test_a_rejected_voucher_reuse_stores_neither_posting_nor_claim(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    spend(app, code, "SUPPORT", "1.00", "2017-04-01", voucher="V-1")
    rejected(app, lambda: spend(app, code, "SUPPORT", "1.00", "2017-04-01", voucher="V-1"))
    assert tranche(app, code, "SUPPORT", 2017).available == Decimal("99.00")


def test_registering_a_project_twice_is_rejected(app):
    code = register(app)
    error = rejected(app, lambda: register(app, code))
    assert isinstance(error, errors.AlreadyExists)


def test_commands_carry_the_actor_and_request_into_events(app):
    code = register(app)
    ctx = CommandContext(DEPARTMENT, request_id="req-1", idempotency_key="k-1")
    app.allocate(ctx, code, source="SUPPORT", appropriation_year=2017, amount="5.00",
                 document_no="doc", booked_on=d("2017-02-01"))
    event = app.project_events(code)[-1]
    assert (event.request_id, event.idempotency_key, event.booked_on) == (
        "req-1", "k-1", d("2017-02-01"))
    assert event.actor["organisation"] == "department" and event.class_version == 1


def test_closing_again_answers_the_first_position_and_recorded_time(app):
    code = register(app)
    first, _ = close(app, code, 2017, key="close-1")

    again, newly = close(app, code, 2017, key="close-2")
    programme_wide = {r["project_code"]: r for r in app.close_program_year(dept(), "1331-CIC",
                                                                           2017)}

    assert newly is False and first["position"] is not None
    assert (again["position"], again["recorded_at"]) == (first["position"], first["recorded_at"])
    assert programme_wide[code]["close"]["position"] == first["position"]


def test_a_termination_effective_next_year_leaves_this_years_close_ordinary(app):
    code = register(app, start=2017, end=2020)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    decide(app, code, "TERMINATE", "2017-11-01", effective_on="2018-06-30")

    first, _ = close(app, code, 2017)
    spend(app, code, "SUPPORT", "10.00", "2018-06-30")  # before the termination takes effect
    second, _ = close(app, code, 2018)

    assert lines(first) == [("SUPPORT", 2017, Decimal("100.00"), "CARRIED", None)]
    assert lines(second) == [("SUPPORT", 2017, Decimal("90.00"), "SURPLUS", "TERMINATED")]
    assert app.get_project(code).open_year is None  # the terminated project has ended


def test_an_account_read_before_the_project_was_recorded_is_not_found(app):
    code = register(app)
    registered_at = app.project_events(code)[0].timestamp
    error = rejected(app, lambda: app.project_as_of(code, recorded_before=registered_at))
    assert isinstance(error, errors.NotFound) and error.status == 404


def test_an_as_of_read_counts_postings_by_business_date_whatever_their_recording_order(app):
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "100.00", "2017-02-01")
    spend(app, code, "SUPPORT", "30.00", "2017-06-01")
    spend(app, code, "SUPPORT", "20.00", "2017-03-01")  # recorded later, booked earlier

    def available_on(day):
        return app.project_as_of(code, as_of=d(day)).tranches["SUPPORT:2017"].available

    assert "SUPPORT:2017" not in app.project_as_of(code, as_of=d("2017-01-31")).tranches
    assert [available_on(day) for day in ("2017-02-28", "2017-03-01", "2017-06-01")] == [
        Decimal("100.00"), Decimal("80.00"), Decimal("50.00")]
