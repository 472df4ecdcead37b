"""What every read model shares: buffered writes applied once per batch, and money in fen.

A read model's handlers never touch the database: they append rows (or deltas) to buffers, and
the engine calls ``flush(cursor)`` once per batch inside the transaction that also advances the
model's tracking position. That is what makes a 1,000-event batch one short transaction (COPY on
PostgreSQL, ``executemany`` on SQLite) instead of 1,000 round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from projections.db import Database

Handler = Callable[[Any, int], None]
CENT = Decimal("0.01")


def cents(amount: Any) -> int:
    """Decimal yuan (or its string) → integer fen; amounts are exact to 2 places."""
    if type(amount) is not Decimal:
        amount = Decimal(amount)
    return int(amount.scaleb(2))


def yuan(value: int | None) -> Decimal:
    """Integer fen → Decimal yuan with 2 places (``None`` → 0.00); scaleb keeps the digits,
    so the result has exactly two decimals."""
    return Decimal(int(value or 0)).scaleb(-2)


class ProjectDirectory:
    """Project id → (code, program). Events of a project carry only its id.

    Filled from ``rm_projects`` once, then from ``Project.Registered`` events as the engine sees
    them; an unknown id falls back to loading the aggregate (slow, but never wrong).
    """

    def __init__(self, lookup: Callable[[UUID], tuple[str, str]]) -> None:
        self._by_id: dict[UUID, tuple[str, str]] = {}
        self._lookup = lookup
        # Several read models ask for the same event's project in a row: remember the last.
        self._last: tuple[UUID | None, str] = (None, "")

    def add(self, project_id: UUID, code: str, program: str) -> None:
        self._by_id[project_id] = (code, program)

    def program(self, project_id: UUID) -> str:
        self.code(project_id)
        return self._by_id[project_id][1]

    def code(self, project_id: UUID) -> str:
        last_id, last_code = self._last
        if project_id is last_id:
            return last_code
        found = self._by_id.get(project_id)
        if found is None:
            found = self._lookup(project_id)
            self._by_id[project_id] = found
        self._last = (project_id, found[0])
        return found[0]


class InsertBuffer:
    """Rows for one table, written in one go: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, db: Database, table: str, columns: tuple[str, ...]) -> None:
        self.db = db
        self.rows: list[tuple[Any, ...]] = []
        names = ", ".join(columns)
        self._copy = f"COPY {table} ({names}) FROM STDIN"
        marks = ", ".join("?" for _ in columns)
        self._insert = db.sql(f"INSERT INTO {table} ({names}) VALUES ({marks})")

    def add(self, *row: Any) -> None:
        self.rows.append(row)

    def flush(self, cursor: Any) -> None:
        if not self.rows:
            return
        if self.db.is_postgres:
            with cursor.copy(self._copy) as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            cursor.executemany(self._insert, self.rows)
        self.rows = []


class ReadModel:
    """One read model: its tables, one handler per event type, and its buffered writes."""

    name: str = ""
    tables: tuple[str, ...] = ()

    def __init__(self, db: Database, directory: ProjectDirectory) -> None:
        self.db = db
        self.directory = directory

    def handlers(self) -> dict[type, Handler]:
        """Event class → handler(event, position)."""
        raise NotImplementedError

    def flush(self, cursor: Any) -> None:
        """Write what the handlers buffered (inside the batch transaction)."""
        raise NotImplementedError

    def discard(self) -> None:
        """Forget buffered writes (the batch transaction was rolled back)."""
        raise NotImplementedError
