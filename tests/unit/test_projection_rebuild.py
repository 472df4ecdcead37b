"""Rebuilding the read models from event zero gives exactly the live tables (property test).

Given a random history of allocations, contributions, expenditures, reversals, asset
registrations, year closes and surplus recoveries (rejected commands included), with the engine
catching up after every command as it does in embedded mode, when every read model is rebuilt
from zero, then every table is identical to the live one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import DomainError
from tests.factories import dept, fo
from tests.integration.test_projection_support import open_store

SOURCES = ("SUPPORT", "PLATFORM", "MATCHING")
CATEGORIES = ("EQUIPMENT", "MATERIALS", "LABOUR", "EVALUATION_FEE")
operation = st.tuples(
    st.sampled_from(["allocate", "allocate", "contribute", "spend", "spend", "spend", "spend",
                     "reverse", "reverse", "asset", "close", "recover"]),
    st.sampled_from(SOURCES),
    st.sampled_from(CATEGORIES),
    st.integers(min_value=1, max_value=400).map(lambda n: Decimal(n * 1000)),
    st.integers(min_value=0, max_value=364),
)


def _booked_on(app: Any, code: str, day: int, state: dict[str, Any]) -> date:
    """A date in the open year, never before the previous command's (reversals follow their
    expenditures)."""
    year = app.get_project(code).open_year or 2022
    booked_on = date.fromordinal(date(year, 1, 1).toordinal() + day)
    last = state.get("last")
    if last is not None and last.year == year:
        booked_on = max(booked_on, last)
    state["last"] = booked_on
    return booked_on


def run(app: Any, code: str, op: tuple[str, str, str, Decimal, int], state: dict[str, Any],
        n: int) -> None:
    kind, source, category, amount, day = op
    booked_on = _booked_on(app, code, day, state)
    project = app.get_project(code)
    if kind == "allocate":
        app.allocate(dept(), code, source="SUPPORT" if source == "MATCHING" else source,
                     appropriation_year=booked_on.year, amount=amount,
                     document_no=f"DOC-{n}", booked_on=booked_on)
    elif kind == "contribute":
        app.contribute(fo(), code, source="MATCHING", amount=amount, booked_on=booked_on,
                       voucher_no=f"V-{n}", origin="学校", origin_is_fiscal=False)
    elif kind == "spend":
        result = app.post_expenditure(fo(), code, source=source, category=category,
                                      amount=amount, booked_on=booked_on, voucher_no=f"V-{n}",
                                      payee="p", description="d")
        state["expenditures"].append((result["expenditure_id"], category, amount))
    elif kind == "reverse" and state["expenditures"]:
        eid, _, spent = state["expenditures"][day % len(state["expenditures"])]
        app.reverse_expenditure(fo(), code, eid, amount=min(amount, spent) / 2,
                                booked_on=booked_on, reason="r", voucher_no=f"V-{n}")
    elif kind == "asset":
        capital = [e for e in state["expenditures"] if e[1] == "EQUIPMENT"]
        if capital:
            eid, _, spent = capital[day % len(capital)]
            value = min(amount, spent)
            app.register_asset(fo(), code, asset_no=f"A-{n}-{code}", name="设备", category_code="1",
                               original_value=value, quantity=1, unit="台",
                               acquired_on=booked_on, booked_on=booked_on, location="l",
                               custodian="c",
                               funded_by=[{"expenditure_id": eid, "amount": value}])
    elif kind == "close" and project.open_year is not None:
        app.close_project_year(dept(), code, project.open_year)
    elif kind == "recover":
        for tranche in project.tranches.values():
            if tranche.surplus_awaiting > 0:
                app.recover_surplus(dept(), code, source=tranche.source,
                                    appropriation_year=tranche.appropriation_year,
                                    amount=tranche.surplus_awaiting, booked_on=booked_on,
                                    document_no=f"R-{n}")
                break


def register(app: Any, code: str) -> None:
    app.register_project(dept(), code=code, program="1331-CIC", university_code="10108",
                         university_name="山西大学", name="随机项目", project_class="A",
                         period_start_year=2017, period_end_year=2021, lead="某",
                         platforms=[{"type": "MOE_ERC"}], booked_on=date(2017, 1, 1))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=5, max_size=40))
def test_rebuild_from_zero_equals_the_live_tables_after_a_random_history(ops: list[Any]) -> None:
    # given a random history, projected live after every command
    app, engine = open_store("memory://", date(2030, 1, 1))
    register(app, "RND-1")
    app.allocate(dept(), "RND-1", source="SUPPORT", appropriation_year=2017,
                 amount=Decimal(500000), document_no="D-0", booked_on=date(2017, 1, 1))
    engine.catch_up()
    state: dict[str, Any] = {"expenditures": []}
    for n, op in enumerate(ops):
        try:
            run(app, "RND-1", op, state, n)
        except DomainError:
            pass  # a rejected command stores nothing
        engine.catch_up()
    live = engine.table_contents()
    # when every read model is rebuilt from event zero
    engine.rebuild()
    # then every table is identical to the live one
    assert engine.table_contents() == live
    assert live["rm_projects"], "the history registered a project"
