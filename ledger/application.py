"""The application service: one method per use case, one ``save()`` each.

``Ledger`` combines the department's and the finance offices' use cases over the engine in
:mod:`ledger.engine`. One instance per process; it is thread-safe.
"""

from __future__ import annotations

from ledger.department import DepartmentUseCases
from ledger.finance_office import FinanceOfficeUseCases


class Ledger(DepartmentUseCases, FinanceOfficeUseCases):
    """fundledger's application service (the write side and history reads)."""

    name = "ledger"  # PostgreSQL tables ledger_events / ledger_snapshots; env prefix LEDGER_
