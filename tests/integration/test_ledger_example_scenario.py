"""Every figure of example-scenario.md that the write side knows, on every event store.

Given the worked example's facts (tests/scenario.py), when they are posted one by one, then the
tranche balances after each step, the tranches each expenditure consumed, the rejections, the
close lines of 2017 and 2018, conservation of fiscal money, the recoveries and the asset are
exactly those of the example.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.backends import (  # noqa: F401 (fixtures)
    clock_fixture,
    database_url_fixture,
    ledger_app_fixture,
)
from tests.factories import max_position
from tests.scenario import PROJECT, SCENARIO_TODAY, load_example_scenario

M = Decimal

# Balances the example states after a step (tranche "SOURCE:YEAR" or pool "SOURCE").
BALANCES_AFTER = {
    "2017 S alloc": {"SUPPORT:2017": "2000000.00"},
    "2017 P alloc": {"PLATFORM:2017": "1300000.00"},
    "2017 matching": {"MATCHING": "1500000.00"},
    "2017 equipment": {"SUPPORT:2017": "1200000.00"},
    "2017 materials": {"PLATFORM:2017": "1000000.00"},
    "2017 matching evaluation fee": {"MATCHING": "1480000.00"},
    "2018 S alloc": {"SUPPORT:2018": "2000000.00", "SUPPORT:2017": "1200000.00"},
    "E1": {"SUPPORT:2017": "700000.00", "SUPPORT:2018": "2000000.00"},
    "E2": {"SUPPORT:2017": "0.00", "SUPPORT:2018": "1700000.00"},
    "2018 overdraft": {"SUPPORT:2018": "1700000.00"},
    "2018 P alloc beyond entitlement": {"PLATFORM:2017": "1000000.00"},
    "reverse E1": {"SUPPORT:2017": "100000.00", "SUPPORT:2018": "1700000.00"},
    "2018 testing": {"PLATFORM:2017": "600000.00"},
}
REJECTIONS = {
    "2017 support evaluation fee": ("category-not-allowed-for-source", "P5"),
    "2017-12-30 after close": ("year-closed", "P2"),
    "2018 overdraft": ("insufficient-funds", "P5"),
    "2018 P alloc beyond entitlement": ("platform-entitlement-exceeded", "P4"),
}


def available(project, key):
    if ":" in key:
        return project.tranches[key].available
    return project.pools[key].available


def close_lines(body):
    return [(l["source"], l["appropriation_year"], l["amount"], l["outcome"], l["reason"])
            for l in body["lines"]]


def load(app, clock):
    clock.day = SCENARIO_TODAY
    seen = {}

    def check(outcome):
        label = outcome.step.label
        seen[label] = outcome
        for key, amount in BALANCES_AFTER.get(label, {}).items():
            assert available(app.get_project(PROJECT), key) == M(amount), (label, key)

    ids = load_example_scenario(app, on_step=check)
    return ids, seen


class TestExampleScenario:
    def test_balances_after_each_step_and_the_rejections(self, ledger_app, clock):
        _, seen = load(ledger_app, clock)

        rejected = {label: (o.error.type, o.error.rule) for label, o in seen.items() if o.error}
        assert rejected == REJECTIONS
        assert seen["2018 overdraft"].error.extra["available"] == "1700000.00"
        assert seen["2018 P alloc beyond entitlement"].error.extra["entitlement"] == "1300000.00"

    def test_expenditures_consume_tranches_oldest_appropriation_year_first(self, ledger_app,
                                                                           clock):
        _, seen = load(ledger_app, clock)
        consumed = {label: [(p["source"], p["appropriation_year"], p["amount"])
                            for p in seen[label].result["consumed"]] for label in ("E1", "E2")}
        assert consumed == {
            "E1": [("SUPPORT", 2017, M("500000.00"))],
            "E2": [("SUPPORT", 2017, M("700000.00")), ("SUPPORT", 2018, M("300000.00"))],
        }
        restored = seen["reverse E1"].result["restored"]
        assert [(p["appropriation_year"], p["amount"], p["into"]) for p in restored] == [
            (2017, M("100000.00"), "OPEN")]

    def test_close_lines_of_2017_and_2018(self, ledger_app, clock):
        ids, _ = load(ledger_app, clock)

        assert close_lines(ids["close-2017"]) == [
            ("PLATFORM", 2017, M("1000000.00"), "CARRIED", None),
            ("SUPPORT", 2017, M("1200000.00"), "CARRIED", None),
        ]
        assert ids["close-2017"]["pools"] == [{"source": "MATCHING", "amount": M("1480000.00")}]
        assert close_lines(ids["close-2018"]) == [
            ("PLATFORM", 2017, M("600000.00"), "SURPLUS", "TWO_YEAR"),
            ("SUPPORT", 2017, M("100000.00"), "SURPLUS", "TWO_YEAR"),
            ("SUPPORT", 2018, M("1700000.00"), "CARRIED", None),
        ]

    def test_fiscal_money_is_conserved_at_the_close_of_2018(self, ledger_app, clock):
        load(ledger_app, clock)
        at_close = ledger_app.project_as_of(PROJECT, as_of=date(2018, 12, 31))
        tranches = at_close.tranches.values()

        allocated = sum(t.allocated for t in tranches)
        spent = sum(t.spent for t in tranches)
        carried = sum(t.available for t in tranches)
        surplus = sum(t.surplus for t in tranches)

        assert (allocated, spent, carried, surplus) == (
            M("5300000.00"), M("2900000.00"), M("1700000.00"), M("700000.00"))
        assert allocated == spent + carried + surplus

    def test_recoveries_of_2019_leave_no_surplus_awaiting(self, ledger_app, clock):
        load(ledger_app, clock)
        tranches = ledger_app.get_project(PROJECT).tranches
        assert {k: t.surplus_awaiting for k, t in tranches.items()} == {
            "SUPPORT:2017": M("0.00"), "PLATFORM:2017": M("0.00"), "SUPPORT:2018": M("0.00")}
        assert sum(t.recovered for t in tranches.values()) == M("700000.00")

    def test_the_asset_is_registered_against_e2(self, ledger_app, clock):
        ids, _ = load(ledger_app, clock)
        registered = [e for e in ledger_app.project_events(PROJECT)
                      if type(e).__name__ == "AssetRegistered"]
        assert [(e.asset_id, e.original_value, e.funded_by[0]["expenditure_id"])
                for e in registered] == [(ids["asset-E2"], M("950000.00"), ids["E2"])]
        card = ledger_app.repository.get(ids["E2"])
        assert card.net_amount - card.capitalised == M("50000.00")

    def test_loading_the_scenario_twice_posts_nothing_twice(self, ledger_app, clock):
        first, _ = load(ledger_app, clock)
        position = max_position(ledger_app)

        again = load_example_scenario(ledger_app)

        assert max_position(ledger_app) == position
        assert (again["E1"], again["E2"]) == (first["E1"], first["E2"])
