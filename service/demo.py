"""``load_demo``: the worked example plus a realistic sample, loaded through the ledger's rules.

Shared by ``ledger demo`` and ``ledger serve --demo``. Every posting carries an idempotency key
and the sample is deterministic, so loading into a store that already holds the demo posts
nothing twice. Rejections (the worked example's four) are shown as they happen; year closes
are program-wide, one result per project.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.context import CommandContext
from service.demo_report import amount, render_account, render_close
from service.demo_sample import FIRST_YEAR, LAST_CLOSED_YEAR, LAST_YEAR, PROJECTS, build_plan
from service.example_scenario import (
    DEPARTMENT,
    PROJECT,
    Step,
    StepOutcome,
    load_example_scenario,
    run_step,
)

PROGRAMS = ("1331-CIC", "CJRH")
KEY_PREFIX = "demo"


@dataclass
class DemoSummary:
    """What a demo load did: counts of postings by outcome, the projects and the time taken."""

    projects: list[str] = field(default_factory=list)
    posted: int = 0
    replayed: int = 0
    rejected: int = 0
    closed: int = 0
    recoveries: int = 0
    seconds: float = 0.0

    def count(self, outcome: StepOutcome) -> None:
        if outcome.error is not None:
            self.rejected += 1
        elif outcome.result and outcome.result.get("replayed"):
            self.replayed += 1
        else:
            self.posted += 1


def describe(outcome: StepOutcome) -> str:
    """One line for a step: what was posted and whether it was accepted."""
    args = outcome.step.args
    what = " ".join(str(args[k]) for k in ("source", "category", "appropriation_year")
                    if k in args)
    money = f" {amount(Decimal(args['amount']))}" if "amount" in args else ""
    on = args.get("booked_on", "")
    head = f"{on} {args.get('project_code', args.get('code', ''))} {outcome.step.command} " \
           f"{what}{money}".rstrip()
    if outcome.error is not None:
        error = outcome.error
        return f"  ✗ {head} → 拒绝 {error.type} ({error.rule or '—'}): {error.detail}"
    return f"  ✓ {head}" + (" (已登记, 重放)" if outcome.result.get("replayed") else "")


def load_demo(app: Any, *, verbose: bool = True,
              out: Callable[[str], None] = print) -> DemoSummary:
    """Load the worked example and the sample into ``app``; returns what was done.

    ``verbose`` prints the worked example step by step, every rejection, and each year's closes.
    ``app.today()`` must be after 2020 (closes need the year to have ended).
    """
    started = time.perf_counter()
    summary = DemoSummary()

    def show(outcome: StepOutcome, always: bool = False) -> None:
        summary.count(outcome)
        if verbose and (always or outcome.error is not None):
            out(describe(outcome))

    if verbose:
        out("== 示例场景 example-scenario.md: SX1331-A-2017-001 山西大学 ==")
    load_example_scenario(app, on_step=lambda o: show(o, always=True), key_prefix=KEY_PREFIX)
    summary.projects.append(PROJECT)
    plan = build_plan()
    names: dict[str, dict[str, Any]] = {}
    for step in plan.registrations:
        show(run_step(app, step, names, KEY_PREFIX))
    summary.projects.extend(spec[0] for spec in PROJECTS)
    surplus: list[tuple[str, dict[str, Any]]] = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if verbose:
            out(f"== {year} 年度 ==")
        for step in plan.years.get(year, []):
            show(run_step(app, step, names, KEY_PREFIX))
        for code, line in surplus:
            summary.recoveries += recover(app, code, line, year, show)
        surplus = []
        if year <= LAST_CLOSED_YEAR:
            surplus = close_year(app, year, summary, verbose, out)
    summary.seconds = time.perf_counter() - started
    return summary


def close_year(app: Any, year: int, summary: DemoSummary, verbose: bool,
               out: Callable[[str], None]) -> list[tuple[str, dict[str, Any]]]:
    """Program-wide closes of ``year``; returns the surplus lines to recover next year (the
    closes before the last one; the last year's surplus stays awaiting recovery)."""
    ctx = CommandContext(DEPARTMENT, request_id=f"demo-close-{year}")
    surplus = []
    for program in PROGRAMS:
        for result in app.close_program_year(ctx, program, year):
            if result["result"] == "SKIPPED":
                continue
            summary.closed += result["result"] == "CLOSED"
            if verbose:
                out(render_close(result))
            # The worked example recovers its own surplus (2019-03-01); the rest is recovered
            # the following March, except the last close's, left awaiting recovery.
            if result["close"] and year < LAST_CLOSED_YEAR and result["project_code"] != PROJECT:
                surplus += [(result["project_code"], line) for line in result["close"]["lines"]
                            if line["outcome"] == "SURPLUS" and line["amount"] > 0]
    return surplus


def recover(app: Any, code: str, line: dict[str, Any], year: int,
            show: Callable[[StepOutcome], None]) -> bool:
    """结余收回 of one surplus line, booked on 15 March of the following year."""
    step = Step(f"{code}:recover:{line['source']}-{line['appropriation_year']}", DEPARTMENT,
                "recover_surplus", {
                    "project_code": code, "source": line["source"],
                    "appropriation_year": line["appropriation_year"], "amount": line["amount"],
                    "booked_on": date(year, 3, 15), "document_no": f"晋财教〔{year}〕3号"})
    outcome = run_step(app, step, {}, KEY_PREFIX)
    show(outcome)
    return bool(outcome.result) and not outcome.result.get("replayed")


def print_accounts(app: Any, codes: list[str], out: Callable[[str], None] = print) -> None:
    """Every project's account by source and tranche."""
    for code in codes:
        project = app.get_project(code)
        out(render_account(project, app.get_program(project.program)))
        out("")
