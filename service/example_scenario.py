"""The worked example of example-scenario.md as data, and one function that loads it.

One place for the scenario so that ledger, projection, API and demo code reuse the same facts:
``EXAMPLE_STEPS`` lists every fact in booking order (with the rejections the ledger must give),
``load_example_scenario(app)`` posts them through the application service and returns the ids the
later steps and the tests refer to (``E1``, ``E2``, the asset...). Every step carries an
idempotency key, so loading twice into one store posts nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger import errors
from ledger.context import Actor, CommandContext

PROJECT = "SX1331-A-2017-001"
UNIVERSITY = "10108"
DEPARTMENT = Actor(token_id="demo-department", role="department", organisation="department",
                   name="山西省教育厅")
FINANCE_OFFICE = Actor(token_id="demo-10108", role="finance_office", organisation=UNIVERSITY,
                       name="山西大学财务处")
# A clock after every close of the scenario (the close of 2018 needs 31 Dec 2018 passed).
SCENARIO_TODAY = date(2019, 3, 1)


@dataclass(frozen=True)
class Step:
    """One fact of the scenario: who posts it, which use case, its arguments, and the outcome.

    ``name`` labels a result the later steps use (``E1``); ``rejected_with`` is the problem type
    the ledger must answer with; ``refs`` maps an argument to the ``name`` of an earlier result
    whose id it takes (e.g. the expenditure a reversal names).
    """

    label: str
    actor: Actor
    command: str
    args: dict[str, Any]
    name: str | None = None
    rejected_with: str | None = None
    refs: dict[str, str] = field(default_factory=dict)


def _d(text: str) -> date:
    return date.fromisoformat(text)


REGISTRATION: dict[str, Any] = {
    "code": PROJECT,
    "program": "1331-CIC",
    "university_code": UNIVERSITY,
    "university_name": "山西大学",
    "name": "山西大学 协同创新中心（示例）",
    "project_class": "A",
    "period_start_year": 2017,
    "period_end_year": 2020,
    "lead": "张教授",
    "platforms": [{"type": "MOE_ERC"}, {"type": "PROV_ALLIANCE"}],
    "booked_on": _d("2017-09-01"),
}


def _allocation(booked_on: str, source: str, year: int, amount: str, doc: str) -> dict[str, Any]:
    return {"project_code": PROJECT, "source": source, "appropriation_year": year,
            "amount": amount, "document_no": doc, "booked_on": _d(booked_on)}


def _expenditure(booked_on: str, source: str, category: str, amount: str, voucher: str
                 ) -> dict[str, Any]:
    return {"project_code": PROJECT, "source": source, "category": category, "amount": amount,
            "booked_on": _d(booked_on), "voucher_no": voucher, "payee": "示例供应商",
            "description": f"{category} {voucher}"}


def _contribution(booked_on: str, amount: str, voucher: str) -> dict[str, Any]:
    return {"project_code": PROJECT, "source": "MATCHING", "amount": amount,
            "booked_on": _d(booked_on), "voucher_no": voucher, "origin": "学校自有资金",
            "origin_is_fiscal": False}


EXAMPLE_STEPS: list[Step] = [
    Step("register", DEPARTMENT, "register_project", REGISTRATION),
    Step("2017 S alloc", DEPARTMENT, "allocate",
         _allocation("2017-09-15", "SUPPORT", 2017, "2000000.00", "晋财教〔2017〕101号")),
    Step("2017 P alloc", DEPARTMENT, "allocate",
         _allocation("2017-09-15", "PLATFORM", 2017, "1300000.00", "晋财教〔2017〕101号")),
    Step("2017 matching", FINANCE_OFFICE, "contribute",
         _contribution("2017-10-10", "1500000.00", "2017-10-001")),
    Step("2017 equipment", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2017-11-20", "SUPPORT", "EQUIPMENT", "800000.00", "2017-11-001"),
         name="E0"),
    Step("2017 materials", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2017-12-05", "PLATFORM", "MATERIALS", "300000.00", "2017-12-001")),
    Step("2017 matching evaluation fee", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2017-12-20", "MATCHING", "EVALUATION_FEE", "20000.00", "2017-12-002")),
    Step("2017 support evaluation fee", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2017-12-21", "SUPPORT", "EVALUATION_FEE", "5000.00", "2017-12-003"),
         rejected_with="category-not-allowed-for-source"),
    Step("close 2017", DEPARTMENT, "close_project_year", {"project_code": PROJECT, "year": 2017},
         name="close-2017"),
    Step("2017-12-30 after close", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2017-12-30", "SUPPORT", "MATERIALS", "1000.00", "2017-12-004"),
         rejected_with="year-closed"),
    Step("2018 S alloc", DEPARTMENT, "allocate",
         _allocation("2018-03-01", "SUPPORT", 2018, "2000000.00", "晋财教〔2018〕12号")),
    Step("E1", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2018-04-10", "SUPPORT", "LABOUR", "500000.00", "2018-04-001"), name="E1"),
    Step("2018 matching", FINANCE_OFFICE, "contribute",
         _contribution("2018-05-01", "2000000.00", "2018-05-001")),
    Step("E2", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2018-07-15", "SUPPORT", "EQUIPMENT", "1000000.00", "2018-07-001"),
         name="E2"),
    Step("2018 overdraft", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2018-07-16", "SUPPORT", "OTHER", "2000000.00", "2018-07-002"),
         rejected_with="insufficient-funds"),
    Step("2018 P alloc beyond entitlement", DEPARTMENT, "allocate",
         _allocation("2018-07-20", "PLATFORM", 2018, "100000.00", "晋财教〔2018〕30号"),
         rejected_with="platform-entitlement-exceeded"),
    Step("reverse E1", FINANCE_OFFICE, "reverse_expenditure",
         {"project_code": PROJECT, "amount": "100000.00", "booked_on": _d("2018-08-01"),
          "reason": "退回多付劳务费", "voucher_no": "2018-08-001"},
         refs={"expenditure_id": "E1"}),
    Step("asset for E2", FINANCE_OFFICE, "register_asset",
         {"project_code": PROJECT, "asset_no": "SXU-2018-0001", "name": "高性能计算服务器",
          "category_code": "2010104", "original_value": "950000.00", "quantity": 1,
          "unit": "台", "acquired_on": _d("2018-08-05"), "booked_on": _d("2018-08-10"),
          "location": "协同创新中心机房", "custodian": "李老师",
          "funded_by": [{"expenditure_id": "E2", "amount": "950000.00"}]},
         name="asset-E2"),
    Step("2018 testing", FINANCE_OFFICE, "post_expenditure",
         _expenditure("2018-12-31", "PLATFORM", "TESTING", "400000.00", "2018-12-001")),
    Step("close 2018", DEPARTMENT, "close_project_year", {"project_code": PROJECT, "year": 2018},
         name="close-2018"),
    Step("recover S-2017", DEPARTMENT, "recover_surplus",
         {"project_code": PROJECT, "source": "SUPPORT", "appropriation_year": 2017,
          "amount": "100000.00", "booked_on": _d("2019-03-01"), "document_no": "晋财教〔2019〕5号"}),
    Step("recover P-2017", DEPARTMENT, "recover_surplus",
         {"project_code": PROJECT, "source": "PLATFORM", "appropriation_year": 2017,
          "amount": "600000.00", "booked_on": _d("2019-03-01"), "document_no": "晋财教〔2019〕5号"}),
]


@dataclass
class StepOutcome:
    """What one step did: its result, or the domain error it was rejected with."""

    step: Step
    result: dict[str, Any] | None = None
    error: errors.DomainError | None = None


def _resolve(value: Any, names: dict[str, dict[str, Any]]) -> Any:
    """Replace a reference to an earlier named result by that result's id."""
    if isinstance(value, str) and value in names:
        result = names[value]
        return result.get("expenditure_id") or result.get("asset_id")
    if isinstance(value, list):
        return [_resolve(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, names) for k, v in value.items()}
    return value


def run_step(app: Any, step: Step, names: dict[str, dict[str, Any]], key_prefix: str
             ) -> StepOutcome:
    """Post one step; a domain error is returned (not raised) so callers can show it."""
    args = dict(step.args)
    for arg, ref in step.refs.items():
        args[arg] = _resolve(ref, names)
    if step.command == "register_asset":
        args["funded_by"] = _resolve(args["funded_by"], names)
    ctx = CommandContext(step.actor, idempotency_key=f"{key_prefix}:{step.label}")
    code = args.pop("project_code", None)
    try:
        if step.command == "register_project":
            result = app.register_project(ctx, **args)
        elif step.command == "close_project_year":
            result, _newly = app.close_project_year(ctx, code, args["year"])
        elif step.command == "reverse_expenditure":
            expenditure_id = args.pop("expenditure_id")
            result = app.reverse_expenditure(ctx, code, expenditure_id, **args)
        else:
            result = getattr(app, step.command)(ctx, code, **args)
    except errors.DomainError as error:
        return StepOutcome(step, error=error)
    if step.name:
        names[step.name] = result
    return StepOutcome(step, result=result)


def load_example_scenario(
    app: Any,
    *,
    on_step: Callable[[StepOutcome], None] | None = None,
    key_prefix: str = "example",
) -> dict[str, Any]:
    """Post every step of the worked example; returns the named results' ids.

    ``E1``/``E2`` (and ``E0``, the 2017 equipment) are expenditure ids, ``asset-E2`` the asset id,
    ``close-2017``/``close-2018`` the close bodies, ``project`` the project code. A step whose
    outcome differs from the scenario (accepted when it must be rejected or the reverse) raises
    ``AssertionError``: the loader doubles as a check. ``app.today()`` must be after 2018.
    Loading again into the same store posts nothing (every step has an idempotency key).
    """
    names: dict[str, dict[str, Any]] = {}
    reloading = False
    for step in EXAMPLE_STEPS:
        outcome = run_step(app, step, names, key_prefix)
        if on_step is not None:
            on_step(outcome)
        reloading = reloading or bool(outcome.result and outcome.result.get("replayed"))
        got = outcome.error.type if outcome.error else None
        # Loading again replays every accepted step; a rejected one may then fail differently
        # (its year is closed by now), which is no error of the loader.
        if got != step.rejected_with and not (reloading and step.rejected_with and got):
            raise AssertionError(
                f"step {step.label!r}: expected {step.rejected_with or 'success'}, got "
                f"{got or 'success'}" + (f" ({outcome.error.detail})" if outcome.error else "")
            )
    ids: dict[str, Any] = {"project": PROJECT}
    for name, result in names.items():
        ids[name] = result.get("expenditure_id") or result.get("asset_id") or result
    return ids
