"""The double-entry view of the ledger (domain.md §9): every event as balanced postings.

The ledger itself keeps tranches and pools, not accounts; this module is the translation an
accountant or auditor reads. :func:`entries_for_event` is pure: given one decoded event and what
it needs to know about the event's project (code, matching source, display names), it returns
journal entries whose postings sum to exactly zero (positive = debit, negative = credit).

Chart per project P and source S (names as in domain.md §9, made valid for beancount by
:func:`account`):

- ``Assets:P:Fund:S``               money of S still in the account (open tranches, pools)
- ``Assets:P:SurplusHeld:S``        surplus (结余) awaiting recovery
- ``Income:P:Allocation:S``         fiscal allocations (资金下达)
- ``Income:P:Matching``             the program's matching source (学校配套)
- ``Income:P:Contribution:S``       other non-fiscal contributions
- ``Income:P:Recovered:S``          recoveries (结余收回), a debit: money leaving the project
- ``Expenses:P:<category>``         expenditure net of reversals
- ``Assets:P:FixedAssets:<cat>`` / ``Equity:P:AssetFund``   memorandum of registered assets
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.programs import CATEGORY_NAMES
from ledger.project import Project

ZERO = Decimal("0.00")
_VALID_COMPONENT = re.compile(r"^[A-Z0-9][A-Za-z0-9-]*$")


def component(raw: str) -> str:
    """One account-name component valid for beancount (capital or digit first, then letters,
    digits, dashes).

    Codes of the domain are mostly valid already (``SX1331-A-2017-001``); ``_`` becomes ``-``
    (``EVALUATION_FEE`` → ``EVALUATION-FEE``). Anything else that must change gets a short hash
    of the original appended, so two different codes never share an account.
    """
    text = str(raw)
    if _VALID_COMPONENT.match(text):
        return text
    simple = text.replace("_", "-")
    if _VALID_COMPONENT.match(simple):
        return simple
    cleaned = re.sub(r"[^A-Za-z0-9-]", "-", text).strip("-") or "X"
    if not re.match(r"[A-Z0-9]", cleaned[0]):
        cleaned = "X" + cleaned
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{cleaned}-{digest.upper()}"


def account(kind: str, project_code: str, *rest: str) -> str:
    """An account name ``Kind:Project:Rest...`` with every component made valid."""
    return ":".join([kind, component(project_code), *(component(r) for r in rest)])


@dataclass(frozen=True)
class Posting:
    """One leg of an entry: ``amount`` > 0 is a debit, < 0 a credit (yuan, 2 places)."""

    account: str
    amount: Decimal


@dataclass(frozen=True)
class JournalEntry:
    """One balanced transaction derived from one event (an event may give none)."""

    project_code: str
    booked_on: date
    kind: str
    narration: str
    postings: tuple[Posting, ...]
    payee: str = ""
    memorandum: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def imbalance(self) -> Decimal:
        return sum((p.amount for p in self.postings), ZERO)


@dataclass
class ProjectRef:
    """What the mapping needs to know about an event's project beyond the event itself."""

    code: str
    matching_source: str | None = None
    source_names: dict[str, str] = field(default_factory=dict)
    category_names: dict[str, str] = field(default_factory=lambda: dict(CATEGORY_NAMES))

    def source_name(self, source: str) -> str:
        return self.source_names.get(source, source)

    def category_name(self, category: str) -> str:
        return self.category_names.get(category, category)


def fund(ref: ProjectRef, source: str) -> str:
    return account("Assets", ref.code, "Fund", source)


def surplus_held(ref: ProjectRef, source: str) -> str:
    return account("Assets", ref.code, "SurplusHeld", source)


def contribution_income(ref: ProjectRef, source: str) -> str:
    if source == ref.matching_source:
        return account("Income", ref.code, "Matching")
    return account("Income", ref.code, "Contribution", source)


def _pair(debit: str, credit: str, amount: Decimal) -> tuple[Posting, ...]:
    return (Posting(debit, amount), Posting(credit, -amount))


def _grouped(legs: list[tuple[str, Decimal]]) -> tuple[Posting, ...]:
    """Legs on the same account merged, in first-seen order, zero legs dropped."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for name, amount in legs:
        totals[name] += amount
    return tuple(Posting(name, amount) for name, amount in totals.items() if amount != ZERO)


def entries_for_event(event: Any, ref: ProjectRef) -> list[JournalEntry]:
    """The journal entries of one project event (none for events that move no money).

    Pure: the result depends only on the event and ``ref``. Every entry balances exactly.
    """
    handler = _HANDLERS.get(type(event).__name__) if isinstance(event, Project.Event) else None
    if handler is None:
        return []
    return [e for e in handler(event, ref) if e.postings]


def _entry(event: Any, ref: ProjectRef, narration: str, postings: tuple[Posting, ...],
           **extra: Any) -> JournalEntry:
    meta = {k: v for k, v in extra.pop("meta", {}).items() if v not in (None, "")}
    return JournalEntry(
        project_code=ref.code,
        booked_on=event.booked_on,
        kind=type(event).__name__,
        narration=narration,
        postings=postings,
        meta={"event": f"{event.originator_id}:{event.originator_version}", **meta},
        **extra,
    )


def _allocated(e: Any, ref: ProjectRef) -> list[JournalEntry]:
    legs = _pair(fund(ref, e.source), account("Income", ref.code, "Allocation", e.source),
                 Decimal(e.amount))
    text = f"资金下达 {ref.source_name(e.source)} {e.appropriation_year}年度"
    return [_entry(e, ref, text, legs, meta={"document": e.document_no})]


def _contributed(e: Any, ref: ProjectRef) -> list[JournalEntry]:
    legs = _pair(fund(ref, e.source), contribution_income(ref, e.source), Decimal(e.amount))
    text = f"{ref.source_name(e.source)}到账（来源：{e.origin}）"
    return [_entry(e, ref, text, legs, meta={"voucher": e.voucher_no})]


def _spent(e: Any, ref: ProjectRef) -> list[JournalEntry]:
    legs = _pair(account("Expenses", ref.code, e.category), fund(ref, e.source), Decimal(e.amount))
    text = f"支出 {ref.category_name(e.category)}（{ref.source_name(e.source)}）：{e.description}"
    meta = {"voucher": e.voucher_no, "expenditure": str(e.expenditure_id)}
    return [_entry(e, ref, text.strip(), legs, payee=e.payee, meta=meta)]


def _reversed(e: Any, ref: ProjectRef) -> list[JournalEntry]:
    legs: list[tuple[str, Decimal]] = []
    for piece in e.restored:
        amount = Decimal(piece["amount"])
        into = surplus_held if piece.get("into") == "SURPLUS" else fund
        legs.append((into(ref, piece["source"]), amount))
    legs.append((account("Expenses", ref.code, e.category), -Decimal(e.amount)))
    prior = "以前年度支出收回" if e.booked_on.year > e.expenditure_booked_on.year else "冲销"
    text = f"{prior} {ref.category_name(e.category)}：{e.reason}"
    meta = {"voucher": e.voucher_no, "expenditure": str(e.expenditure_id)}
    return [_entry(e, ref, text, _grouped(legs), meta=meta)]


def _asset(e: Any, ref: ProjectRef) -> list[JournalEntry]:
    legs = [(account("Assets", ref.code, "FixedAssets", item.get("category", "UNSPECIFIED")),
             Decimal(item["amount"])) for item in e.funded_by]
    legs.append((account("Equity", ref.code, "AssetFund"), -Decimal(e.original_value)))
    text = f"固定资产登记（备查）{e.name} ×{e.quantity}{e.unit}"
    meta = {"asset": e.asset_no}
    return [_entry(e, ref, text, _grouped(legs), memorandum=True, meta=meta)]


def _closed(e: Any, ref: ProjectRef) -> list[JournalEntry]:
    legs: list[tuple[str, Decimal]] = []
    for line in e.lines:
        if line["outcome"] == "SURPLUS":
            amount = Decimal(line["amount"])
            legs += [(surplus_held(ref, line["source"]), amount), (fund(ref, line["source"]), -amount)]
    return [_entry(e, ref, f"{e.year}年度结转结余：转入结余", _grouped(legs))]


def _recovered(e: Any, ref: ProjectRef) -> list[JournalEntry]:
    legs = _pair(account("Income", ref.code, "Recovered", e.source), surplus_held(ref, e.source),
                 Decimal(e.amount))
    text = f"结余收回 {ref.source_name(e.source)} {e.appropriation_year}年度"
    return [_entry(e, ref, text, legs, meta={"document": e.document_no})]


_HANDLERS = {
    "FundsAllocated": _allocated,
    "ContributionReceived": _contributed,
    "ExpenditurePosted": _spent,
    "ExpenditureReversed": _reversed,
    "AssetRegistered": _asset,
    "FiscalYearClosed": _closed,
    "SurplusRecovered": _recovered,
}
