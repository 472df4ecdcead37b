"""The hash chain over the event log, stored beside the events in ``audit_chain``.

Maintained exactly once, like a projection: each batch is one transaction on the read-model
database that locks the chain's tracking row (``projection_tracking.name = 'audit_chain'``,
``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), reads the raw
notifications after it, appends one row per event and advances the row. Two processes never
chain the same event twice and a crash loses nothing. The chain is not fed by the projection
engine because it covers *every* stored event as raw bytes (cards, claims and idempotency
records included), while read models see decoded events of the topics they handle.

The tracking position is the last chained event's position, so the previous hash is always the
hash stored at that position. The canonical form of an event is in
:mod:`projections.audit_canonical`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from projections.audit_canonical import GENESIS, link, notification_bytes
from projections.db import Database

NAME = "audit_chain"
BATCH = 1000


class ChainCorrupted(RuntimeError):
    """Raised when the stored chain cannot be extended (its last row is missing)."""


class AuditChain:
    """Appends and reads the hash chain of ``ledger_app``'s event log."""

    def __init__(self, ledger_app: Any, database_url: str, db: Database | None = None) -> None:
        self.app = ledger_app
        self.db = db or Database(database_url)
        self._own_db = db is None
        self._lock = threading.Lock()
        self._conn: Any = None
        self._db_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        if self.db.is_postgres:
            import psycopg

            self._db_errors += (psycopg.Error,)
        self._sql_track = self.db.sql(
            "SELECT position FROM projection_tracking WHERE name = ?"
            + (" FOR UPDATE" if self.db.is_postgres else "")
        )
        self._sql_hash = self.db.sql("SELECT hash FROM audit_chain WHERE position = ?")
        self._sql_insert = self.db.sql(
            "INSERT INTO audit_chain (position, hash, prev_hash) VALUES (?, ?, ?)"
        )
        self._sql_advance = self.db.sql(
            "UPDATE projection_tracking SET position = ? WHERE name = ? AND position = ?"
        )
        self._sql_ensure = self.db.sql(
            "INSERT INTO projection_tracking (name, position) VALUES (?, 0) "
            "ON CONFLICT (name) DO NOTHING"
        )

    # --- appending -----------------------------------------------------------------------------

    def catch_up(self) -> int:
        """Chain every stored event not chained yet; returns how many were appended."""
        appended = 0
        while True:
            count = self._append_batch()
            appended += count
            if count < BATCH:
                return appended

    def _append_batch(self) -> int:
        with self._lock, self.db.writer_lock():
            if self._conn is None:
                self._conn = self.db.connect_writer()
            cur = self._conn.cursor()
            try:
                if not self.db.is_postgres:
                    cur.execute("BEGIN IMMEDIATE")
                count = self._append(cur)
                self._commit(cur)
                return count
            except BaseException:
                try:
                    self._rollback(cur)
                except self._db_errors:  # a broken connection: open a new one next time
                    self._drop_connection()
                raise
            finally:
                with contextlib.suppress(Exception):  # its connection may be gone already
                    cur.close()

    def _append(self, cur: Any) -> int:
        cur.execute(self._sql_track, (NAME,))
        row = cur.fetchone()
        if row is None:
            cur.execute(self._sql_ensure, (NAME,))
            cur.execute(self._sql_track, (NAME,))
            row = cur.fetchone()
        position = int(row[0])
        head = int(self.app.recorder.max_notification_id() or 0)
        if head <= position:
            return 0
        prev = GENESIS
        if position > 0:
            cur.execute(self._sql_hash, (position,))
            found = cur.fetchone()
            if found is None:
                raise ChainCorrupted(f"audit_chain has no row at its tracked position {position}")
            prev = str(found[0])
        notifications = self.app.recorder.select_notifications(
            start=position, limit=BATCH, stop=head, inclusive_of_start=False
        )
        rows = []
        for notification in notifications:
            current = link(prev, notification_bytes(notification, self.app.mapper))
            rows.append((notification.id, current, prev))
            prev = current
        if rows:
            cur.executemany(self._sql_insert, rows)
            cur.execute(self._sql_advance, (rows[-1][0], NAME, position))
        return len(rows)

    def _commit(self, cur: Any) -> None:
        if self.db.is_postgres:
            self._conn.commit()
        else:
            cur.execute("COMMIT")

    def _drop_connection(self) -> None:
        if self._conn is not None and not self.db.in_memory:
            with contextlib.suppress(Exception):  # already unusable; nothing more to release
                self._conn.close()
        self._conn = None

    def _rollback(self, cur: Any) -> None:
        if self.db.is_postgres:
            self._conn.rollback()
        elif self._conn.in_transaction:
            cur.execute("ROLLBACK")

    # --- reading -------------------------------------------------------------------------------

    def head(self) -> tuple[int, str] | None:
        """``(position, hash)`` of the last chained event, or None for an empty log."""
        with self.db.reader() as conn:
            row = conn.execute(
                "SELECT position, hash FROM audit_chain ORDER BY position DESC LIMIT 1"
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def hashes_for(self, positions: Iterable[int]) -> dict[int, str]:
        """Chain hash per log position (catching up first if a position is not chained yet);
        positions with no stored event are absent from the result."""
        wanted = sorted({int(p) for p in positions})
        if not wanted:
            return {}
        found = self._select_hashes(wanted)
        if len(found) < len(wanted) and self.catch_up():
            found = self._select_hashes(wanted)
        return found

    def chain_hash(self, position: int) -> str | None:
        return self.hashes_for([position]).get(int(position))

    def _select_hashes(self, positions: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        with self.db.reader() as conn:
            for start in range(0, len(positions), 500):
                chunk = positions[start:start + 500]
                marks = ", ".join("?" for _ in chunk)
                query = self.db.sql(
                    f"SELECT position, hash FROM audit_chain WHERE position IN ({marks})"
                )
                found.update({int(p): str(h) for p, h in conn.execute(query, chunk).fetchall()})
        return found

    def rows(self, after: int = 0, page: int = 10_000) -> Iterator[tuple[int, str, str]]:
        """Every stored chain row ``(position, hash, prev_hash)`` in order."""
        query = self.db.sql(
            "SELECT position, hash, prev_hash FROM audit_chain WHERE position > ? "
            "ORDER BY position LIMIT ?"
        )
        while True:
            with self.db.reader() as conn:
                batch = conn.execute(query, (after, page)).fetchall()
            for position, hash_, prev in batch:
                yield int(position), str(hash_), str(prev)
            if len(batch) < page:
                return
            after = int(batch[-1][0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and not self.db.in_memory:
                self._conn.close()
            self._conn = None
            if self._own_db:
                self.db.close()
