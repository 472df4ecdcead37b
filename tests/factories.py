"""Factories for ledger tests: a controllable clock, actors, and one-line builders of postings.

Tests state the facts they need in the business language (``allocate(app, "SUPPORT", 2017,
"100.00", "2017-03-01")``) and leave the envelope (context, voucher numbers, payees) to these
helpers. Random project codes isolate tests that share a store.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from ledger.application import Ledger
from ledger.context import Actor, CommandContext
from ledger.errors import DomainError

MEMORY_ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
DEPARTMENT = Actor(token_id="t-dept", role="department", organisation="department")
_vouchers = itertools.count(1)


class Clock:
    """The server's clock as the ledger sees it (``Ledger(today=clock)``); tests move it."""

    def __init__(self, day: date = date(2030, 1, 1)) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def office(university: str = "10108") -> Actor:
    return Actor(token_id=f"t-{university}", role="finance_office", organisation=university)


def dept(key: str | None = None) -> CommandContext:
    return CommandContext(DEPARTMENT, idempotency_key=key)


def fo(key: str | None = None, university: str = "10108") -> CommandContext:
    return CommandContext(office(university), idempotency_key=key)


def d(text: str) -> date:
    return date.fromisoformat(text)


def memory_ledger(clock: Clock | None = None, **env: str) -> Ledger:
    """An in-memory ledger (no database) with a controllable clock."""
    return Ledger({**MEMORY_ENV, **env}, today=clock or Clock())


def new_code(prefix: str = "SX1331-A") -> str:
    return f"{prefix}-{uuid4().hex[:8]}"


def register(
    app: Ledger,
    code: str | None = None,
    *,
    program: str = "1331-CIC",
    start: int = 2017,
    end: int = 2020,
    platforms: list[str] | None = None,
    project_class: str | None = None,
    university: str = "10108",
) -> str:
    """Register a project and return its code."""
    code = code or new_code()
    app.register_project(
        dept(),
        code=code,
        program=program,
        university_code=university,
        university_name="山西大学",
        name=f"测试项目 {code}",
        project_class=project_class or ("A" if program == "1331-CIC" else "MAIN_BASE"),
        period_start_year=start,
        period_end_year=end,
        lead="张教授",
        platforms=[{"type": t} for t in (platforms or [])],
        booked_on=date(start, 1, 1),
    )
    return code


def allocate(app: Ledger, code: str, source: str, year: int, amount: str, booked_on: str,
             key: str | None = None) -> dict[str, Any]:
    return app.allocate(dept(key), code, source=source, appropriation_year=year, amount=amount,
                        document_no="晋财教〔2017〕1号", booked_on=d(booked_on))


def contribute(app: Ledger, code: str, amount: str, booked_on: str, *, source: str = "MATCHING",
               voucher: str | None = None, fiscal: bool = False) -> dict[str, Any]:
    return app.contribute(fo(), code, source=source, amount=amount, booked_on=d(booked_on),
                          voucher_no=voucher or f"C-{next(_vouchers)}", origin="学校自有资金",
                          origin_is_fiscal=fiscal)


def spend(app: Ledger, code: str, source: str, amount: str, booked_on: str, *,
          category: str = "MATERIALS", voucher: str | None = None, key: str | None = None
          ) -> dict[str, Any]:
    return app.post_expenditure(
        fo(key), code, source=source, category=category, amount=amount, booked_on=d(booked_on),
        voucher_no=voucher or f"V-{next(_vouchers)}", payee="供应商", description="测试支出",
    )


def reverse(app: Ledger, code: str, expenditure_id: Any, amount: str, booked_on: str, *,
            voucher: str | None = None) -> dict[str, Any]:
    return app.reverse_expenditure(fo(), code, expenditure_id, amount=amount,
                                   booked_on=d(booked_on), reason="退回",
                                   voucher_no=voucher or f"R-{next(_vouchers)}")


def register_asset(app: Ledger, code: str, funded_by: list[tuple[Any, str]], booked_on: str, *,
                   value: str | None = None, quantity: int = 1, asset_no: str | None = None
                   ) -> dict[str, Any]:
    total = value or str(sum(Decimal(a) for _, a in funded_by))
    return app.register_asset(
        fo(), code, asset_no=asset_no or f"A-{next(_vouchers)}", name="仪器", category_code="201",
        original_value=total, quantity=quantity, unit="台", acquired_on=d(booked_on),
        booked_on=d(booked_on), location="实验室", custodian="李老师",
        funded_by=[{"expenditure_id": e, "amount": a} for e, a in funded_by],
    )


def close(app: Ledger, code: str, year: int, key: str | None = None
          ) -> tuple[dict[str, Any], bool]:
    return app.close_project_year(dept(key), code, year)


def recover(app: Ledger, code: str, source: str, year: int, amount: str, booked_on: str
            ) -> dict[str, Any]:
    return app.recover_surplus(dept(), code, source=source, appropriation_year=year,
                               amount=amount, booked_on=d(booked_on), document_no="晋财教〔2019〕5号")


def decide(app: Ledger, code: str, action: str, booked_on: str, *, target_year: int | None = None,
           amount: str | None = None, effective_on: str | None = None) -> dict[str, Any]:
    return app.record_funding_decision(
        dept(), code, action=action, target_year=target_year, amount=amount,
        effective_on=d(effective_on) if effective_on else None, booked_on=d(booked_on),
        reason="LOW_EXECUTION", document_no="晋教科〔2019〕1号",
    )


def tranche(app: Ledger, code: str, source: str, year: int) -> Any:
    return app.get_project(code).tranches[f"{source}:{year}"]


def max_position(app: Ledger) -> int:
    """The highest notification id in the store (unchanged when nothing was stored)."""
    return app.recorder.max_notification_id() or 0


def rejected(app: Ledger, call: Any) -> DomainError:
    """Run ``call`` expecting a domain error; checks that nothing was stored (P: a violation
    stores nothing) and returns the error for the caller's assertions."""
    before = max_position(app)
    try:
        call()
    except DomainError as error:
        assert max_position(app) == before, "a rejected command stored events"
        return error
    raise AssertionError("the command was accepted but must be rejected")


def account_state(project: Any) -> dict[str, Any]:
    """The business state of an account (library bookkeeping such as version left out), for
    comparing accounts built in different ways (live, replayed, from snapshots, as of a date)."""
    state = {k: v for k, v in vars(project).items() if not k.startswith("_")}
    state["tranches"] = {k: vars(t) for k, t in project.tranches.items()}
    state["pools"] = {k: vars(p) for k, p in project.pools.items()}
    return state
