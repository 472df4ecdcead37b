"""The double-entry mapping of domain.md §9, event by event (given / when / then)."""

from __future__ import annotations

import re
from decimal import Decimal

from projections.double_entry import account, component
from projections.double_entry_journal import read_journal, trial_balance
from tests.factories import (
    Clock,
    allocate,
    close,
    contribute,
    d,
    memory_ledger,
    recover,
    register,
    register_asset,
    reverse,
    spend,
)

BEANCOUNT_COMPONENT = re.compile(r"^[A-Z0-9][A-Za-z0-9-]*$")


def legs(entry) -> dict[str, Decimal]:
    return {p.account: p.amount for p in entry.postings}


def test_an_allocation_debits_the_fund_and_credits_allocation_income() -> None:
    app = memory_ledger()
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "2000000.00", "2017-09-15")
    [entry] = read_journal(app).entries
    assert legs(entry) == {
        f"Assets:{code}:Fund:SUPPORT": Decimal("2000000.00"),
        f"Income:{code}:Allocation:SUPPORT": Decimal("-2000000.00"),
    }
    assert entry.booked_on == d("2017-09-15")
    assert entry.narration.startswith("资金下达 支持经费 2017年度")


def test_matching_is_credited_to_matching_income_and_other_pools_to_contribution_income() -> None:
    app = memory_ledger()
    cic = register(app)
    cjrh = register(app, program="CJRH")
    contribute(app, cic, "300.00", "2017-03-01")
    contribute(app, cjrh, "200.00", "2017-03-01", source="SELF_RAISED")
    matching, self_raised = read_journal(app).entries
    assert legs(matching)[f"Income:{cic}:Matching"] == Decimal("-300.00")
    assert legs(self_raised)[f"Income:{cjrh}:Contribution:SELF-RAISED"] == Decimal("-200.00")


def test_an_expenditure_and_its_same_year_reversal_mirror_each_other() -> None:
    app = memory_ledger()
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "1000.00", "2017-01-10")
    spent = spend(app, code, "SUPPORT", "400.00", "2017-02-01", category="TRAVEL")
    reverse(app, code, spent["expenditure_id"], "150.00", "2017-03-01")
    _, expenditure, reversal = read_journal(app).entries
    assert legs(expenditure) == {f"Expenses:{code}:TRAVEL": Decimal("400.00"),
                                 f"Assets:{code}:Fund:SUPPORT": Decimal("-400.00")}
    assert legs(reversal) == {f"Assets:{code}:Fund:SUPPORT": Decimal("150.00"),
                              f"Expenses:{code}:TRAVEL": Decimal("-150.00")}
    assert reversal.narration.startswith("冲销")


def test_surplus_at_close_moves_money_to_surplus_held_and_recovery_debits_recovered() -> None:
    app = memory_ledger(Clock(d("2030-01-01")))
    code = register(app, start=2017, end=2017)
    allocate(app, code, "SUPPORT", 2017, "1000.00", "2017-01-10")
    spend(app, code, "SUPPORT", "300.00", "2017-02-01")
    close(app, code, 2017)
    recover(app, code, "SUPPORT", 2017, "500.00", "2018-02-01")
    *_, surplus, recovery = read_journal(app).entries
    assert legs(surplus) == {f"Assets:{code}:SurplusHeld:SUPPORT": Decimal("700.00"),
                             f"Assets:{code}:Fund:SUPPORT": Decimal("-700.00")}
    assert legs(recovery) == {f"Income:{code}:Recovered:SUPPORT": Decimal("500.00"),
                              f"Assets:{code}:SurplusHeld:SUPPORT": Decimal("-500.00")}


def test_a_prior_year_reversal_into_a_surplus_tranche_is_held_as_surplus() -> None:
    app = memory_ledger(Clock(d("2030-01-01")))
    code = register(app, start=2017, end=2017)
    allocate(app, code, "SUPPORT", 2017, "1000.00", "2017-01-10")
    spent = spend(app, code, "SUPPORT", "300.00", "2017-02-01")
    close(app, code, 2017)
    reverse(app, code, spent["expenditure_id"], "100.00", "2018-05-01")
    refund = read_journal(app).entries[-1]
    assert legs(refund) == {f"Assets:{code}:SurplusHeld:SUPPORT": Decimal("100.00"),
                            f"Expenses:{code}:MATERIALS": Decimal("-100.00")}
    assert refund.narration.startswith("以前年度支出收回")


def test_an_asset_registration_is_a_balanced_memorandum_entry() -> None:
    app = memory_ledger()
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "5000.00", "2017-01-10")
    spent = spend(app, code, "SUPPORT", "3000.00", "2017-02-01", category="EQUIPMENT")
    register_asset(app, code, [(spent["expenditure_id"], "2500.00")], "2017-02-10")
    asset = read_journal(app).entries[-1]
    assert asset.memorandum
    assert legs(asset) == {f"Assets:{code}:FixedAssets:EQUIPMENT": Decimal("2500.00"),
                           f"Equity:{code}:AssetFund": Decimal("-2500.00")}


def test_events_that_move_no_money_give_no_entries_and_the_books_still_balance() -> None:
    app = memory_ledger()
    register(app)
    journal = read_journal(app)
    assert journal.entries == []
    assert trial_balance(journal.entries) == {}


def test_account_components_are_valid_for_beancount_and_distinct_codes_stay_distinct() -> None:
    assert component("SX1331-A-2017-001") == "SX1331-A-2017-001"
    assert component("EVALUATION_FEE") == "EVALUATION-FEE"
    odd = ["sx1331/a 2017", "sx1331-a-2017", "项目一", "-X", "_"]
    made = [component(code) for code in odd]
    assert all(BEANCOUNT_COMPONENT.match(c) for c in made), made
    assert len(set(made)) == len(odd)
    assert account("Assets", "项目一", "Fund", "SUPPORT").startswith("Assets:X")


def test_the_trial_balance_of_the_example_balances_per_project_and_as_of_a_date() -> None:
    from projections.double_entry_report import ledger_trial_balance
    from tests.scenario import PROJECT, SCENARIO_TODAY, load_example_scenario

    # given the worked example
    app = memory_ledger(Clock(SCENARIO_TODAY))
    load_example_scenario(app)
    # when the trial balance is taken at the end of 2018 (after its close)
    report = ledger_trial_balance(app, PROJECT, d("2018-12-31"))
    rows = {r["account"]: (r["debit"], r["credit"]) for r in report["rows"]}
    # then debits equal credits and the funds are the account's 2018 year-end figures
    assert report["balanced"] and report["total_debit"] == report["total_credit"]
    assert rows[f"Assets:{PROJECT}:Fund:SUPPORT"] == (Decimal("1700000.00"), Decimal("0.00"))
    assert rows[f"Assets:{PROJECT}:SurplusHeld:PLATFORM"] == (Decimal("600000.00"),
                                                             Decimal("0.00"))
    assert rows[f"Income:{PROJECT}:Allocation:SUPPORT"] == (Decimal("0.00"), Decimal("4000000.00"))
    assert f"Income:{PROJECT}:Recovered:SUPPORT" not in rows  # recovered only in 2019
