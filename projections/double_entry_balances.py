"""Account balances as the ledger's own domain state states them (not from the postings).

The Project aggregate keeps tranches and pools; from them the balance of every account the chart
derives from that state follows directly. These figures are what the journal must agree with:
the beancount export turns them into year-end ``balance`` assertions (so beancount's checker
compares our postings with the domain's figures), and the tests compare them with the journal.
Accounts the state does not determine (expenses per category, the asset memorandum) are left out;
their parent total ``Expenses:P`` is included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from ledger.project import Project
from projections.double_entry import (
    ZERO,
    ProjectRef,
    account,
    contribution_income,
    fund,
    surplus_held,
)
from projections.double_entry_journal import Journal, trial_balance


def domain_balances(project: Project, ref: ProjectRef) -> dict[str, Decimal]:
    """Debit-positive balance per account of ``project`` as its state has them.

    Income accounts are credits (negative); recoveries are debits of ``Income:P:Recovered:S``.
    Zero balances are included so that an account that must be empty is asserted empty.
    """
    balances: dict[str, Decimal] = defaultdict(lambda: ZERO)
    spent = ZERO
    for tranche in project.tranches.values():
        balances[fund(ref, tranche.source)] += tranche.available
        balances[surplus_held(ref, tranche.source)] += tranche.surplus_awaiting
        balances[account("Income", ref.code, "Allocation", tranche.source)] -= tranche.allocated
        if tranche.recovered:
            balances[account("Income", ref.code, "Recovered", tranche.source)] += tranche.recovered
        spent += tranche.spent
    for pool in project.pools.values():
        balances[fund(ref, pool.source)] += pool.available
        balances[contribution_income(ref, pool.source)] -= pool.contributed
        spent += pool.spent
    balances[account("Expenses", ref.code)] = spent
    return dict(balances)


def subtotal(balances: dict[str, Decimal], parent: str) -> Decimal:
    """The total of ``parent`` and every account below it (as beancount's ``balance`` does)."""
    return sum(
        (amount for name, amount in balances.items()
         if name == parent or name.startswith(parent + ":")),
        ZERO,
    )


def check_journal_against_domain(
    journal: Journal, project_of: Callable[[str], Project]
) -> list[str]:
    """Differences between the journal's balances and each project's current domain state
    (``project_of(code)``, e.g. ``app.get_project``); empty when they agree."""
    problems = []
    for code, ref in journal.projects.items():
        posted = trial_balance(journal.for_project(code))
        for name, expected in sorted(domain_balances(project_of(code), ref).items()):
            got = subtotal(posted, name)
            if got != expected:
                problems.append(f"{name}: journal {got}, ledger {expected}")
    return problems
