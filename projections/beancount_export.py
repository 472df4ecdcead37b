"""The double-entry journal as a beancount file an independent tool can check.

Layout: options, one ``open`` per account (dated at its first use), the transactions in booking
order (date = ``booked_on``, narration in Chinese, metadata: log ``position``, ``event``
(originator id:version), ``voucher``, ``document``...), and after every closed fiscal year Y of a
project, dated 1 January Y+1, ``balance`` assertions for each of its accounts.

The assertion figures do not come from the postings: for the accounts the domain state
determines (funds, surplus held, income per source, total expenses) they come from replaying the
project's own events to 31 December Y (:func:`ledger.history.replay_project`). ``bean-check``
therefore compares this module's postings with the ledger's own arithmetic. Accounts the state
does not determine (expenses per category, the asset memorandum) are asserted at their journal
balance, which still pins the history: editing a past transaction in the file breaks them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from ledger import errors
from ledger.history import replay_project
from projections.double_entry import JournalEntry, account
from projections.double_entry_balances import domain_balances
from projections.double_entry_journal import Journal, read_journal, trial_balance

CURRENCY = "CNY"


def _quote(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))} {CURRENCY}"


def _meta_value(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else _quote(value)


def _transaction(entry: JournalEntry) -> list[str]:
    flag_line = f"{entry.booked_on.isoformat()} *"
    if entry.payee:
        flag_line += f" {_quote(entry.payee)}"
    flag_line += f" {_quote(entry.narration)}"
    if entry.memorandum:
        flag_line += " #memorandum"
    lines = [flag_line, f"  project: {_quote(entry.project_code)}"]
    lines += [f"  {key}: {_meta_value(value)}" for key, value in sorted(entry.meta.items())]
    width = max(len(p.account) for p in entry.postings) + 2
    lines += [f"  {p.account.ljust(width)}{_money(p.amount):>24}" for p in entry.postings]
    return lines


def year_end_assertions(journal: Journal, code: str) -> list[tuple[date, str, Decimal]]:
    """``(date, account, balance)`` at 1 January after each closed year of project ``code``."""
    ref = journal.projects[code]
    events = journal.project_events[code]
    entries = journal.for_project(code)
    closed_years = sorted({e.year for e in events if type(e).__name__ == "FiscalYearClosed"})
    assertions: list[tuple[date, str, Decimal]] = []
    for year in closed_years:
        year_end = date(year, 12, 31)
        state = domain_balances(replay_project(events, as_of=year_end), ref)
        posted = trial_balance(e for e in entries if e.booked_on <= year_end)
        figures = {**posted, **state}  # the domain's figure wins where it has one
        for name, amount in sorted(figures.items()):
            assertions.append((date(year + 1, 1, 1), name, amount))
    return assertions


def render_beancount(journal: Journal, *, title: str = "fundledger 专项资金复式账") -> str:
    """The beancount text of ``journal`` (every project in it)."""
    assertions = [a for code in journal.projects for a in year_end_assertions(journal, code)]
    first_use: dict[str, date] = {}

    def use(name: str, when: date) -> None:
        if name not in first_use or when < first_use[name]:
            first_use[name] = when

    for entry in journal.entries:
        for posting in entry.postings:
            use(posting.account, entry.booked_on)
    for when, name, _ in assertions:
        use(name, when)
    dated: list[tuple[date, int, int, list[str]]] = []
    for index, entry in enumerate(journal.entries):
        dated.append((entry.booked_on, 1, index, _transaction(entry)))
    for index, (when, name, amount) in enumerate(assertions):
        dated.append((when, 0, index, [f"{when.isoformat()} balance {name}  {_money(amount)}"]))
    dated.sort(key=lambda item: item[:3])
    out = [
        "; fundledger double-entry journal (domain.md §9), generated from the event log.",
        "; Do not edit: balance assertions come from the ledger's own replay.",
        f"option \"title\" {_quote(title)}",
        f"option \"operating_currency\" \"{CURRENCY}\"",
        "",
    ]
    if first_use:
        out.append(f"{min(first_use.values()).isoformat()} commodity {CURRENCY}")
    out += [f"{when.isoformat()} open {name} {CURRENCY}"
            for name, when in sorted(first_use.items(), key=lambda item: (item[1], item[0]))]
    for _, _, _, lines in dated:
        out.append("")
        out.extend(lines)
    return "\n".join(out) + "\n"


def beancount_journal(app: Any, project_code: str | None = None) -> str:
    """The beancount file of the ledger ``app``, or of one project (``NotFound`` if unknown)."""
    journal = read_journal(app, project_code)
    if project_code is not None and project_code not in journal.projects:
        raise errors.NotFound(f"Project {project_code} does not exist.", project=project_code)
    _check_distinct_accounts(journal)
    return render_beancount(journal)


def _check_distinct_accounts(journal: Journal) -> None:
    """Two project codes must never map onto the same account prefix (see ``component``)."""
    owners: dict[str, set[str]] = defaultdict(set)
    for code in journal.projects:
        owners[account("Assets", code)].add(code)
    clashes = {prefix: codes for prefix, codes in owners.items() if len(codes) > 1}
    if clashes:
        raise ValueError(f"project codes share beancount accounts: {clashes}")

