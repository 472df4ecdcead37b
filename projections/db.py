"""The read-model database behind a ``LEDGER_DATABASE_URL``, for both dialects.

One ``Database`` per engine. It hides the few differences the projections meet:
- placeholders: every statement is written once with ``?`` and converted to ``%s`` for psycopg
  when it is composed (once per dialect, at start-up; values are always bound, never formatted);
- dates: PostgreSQL ``date`` columns take ``date`` objects, SQLite stores ISO text;
- connections: the engine's own write connection (one transaction per batch), and read
  connections for queries (a pool on PostgreSQL, one per thread on a SQLite file, the shared
  one under a lock for ``memory://``, whose read models live in an in-memory SQLite database).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ledger.store import event_store_env

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

POSTGRES, SQLITE = "postgres", "sqlite"


def pg_conninfo(env: dict[str, str]) -> dict[str, Any]:
    """psycopg connection keywords from the event store's env (schema as the search path)."""
    info: dict[str, Any] = {
        "dbname": env["POSTGRES_DBNAME"],
        "host": env["POSTGRES_HOST"],
        "port": env["POSTGRES_PORT"],
        "user": env["POSTGRES_USER"],
    }
    if env.get("POSTGRES_PASSWORD"):
        info["password"] = env["POSTGRES_PASSWORD"]
    schema = env.get("POSTGRES_SCHEMA")
    if schema:
        info["options"] = f"-c search_path={schema}"
    return info


class Database:
    """Connections and dialect helpers for the read models of one database URL."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.env = event_store_env(database_url)
        module = self.env["PERSISTENCE_MODULE"]
        self.dialect = POSTGRES if module.endswith("postgres") else SQLITE
        self.in_memory = module.endswith("popo") or self.env.get("SQLITE_DBNAME") == ":memory:"
        self._local = threading.local()
        self._lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        self._pool: Any = None
        self._iso: dict[date, str] = {}
        if self.in_memory:
            self._shared = self._sqlite_connect(":memory:")
            apply_sqlite_migrations(self._shared)

    # --- dialect -------------------------------------------------------------------------------

    @property
    def is_postgres(self) -> bool:
        return self.dialect == POSTGRES

    def sql(self, statement: str) -> str:
        """A statement written with ``?`` placeholders, in this dialect's parameter style."""
        return statement.replace("?", "%s") if self.is_postgres else statement

    def date_param(self, value: date | None) -> Any:
        """A date as this dialect stores it (SQLite: ISO text, memoised: dates repeat a lot)."""
        if value is None or self.is_postgres:
            return value
        text = self._iso.get(value)
        if text is None:
            text = self._iso[value] = value.isoformat()
        return text

    @staticmethod
    def to_date(value: Any) -> date | None:
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(value)

    # --- connections ---------------------------------------------------------------------------

    def _sqlite_connect(self, path: str) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA busy_timeout = 30000")
        # Read models are rebuildable: in WAL mode NORMAL never corrupts, it may only lose the
        # last batches on power loss, which the engine then applies again (the event store's
        # own connection keeps the library's setting).
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def connect_writer(self) -> Any:
        """A new connection for the engine's batch transactions (the caller closes it)."""
        if self._shared is not None:
            return self._shared
        if self.is_postgres:
            import psycopg

            return psycopg.connect(**pg_conninfo(self.env), autocommit=False)
        return self._sqlite_connect(self.env["SQLITE_DBNAME"])

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Serialises use of the shared in-memory connection (a no-op lock otherwise)."""
        if self._shared is None:
            yield
            return
        with self._lock:
            yield

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """A connection for queries (read-only use, autocommit)."""
        if self._shared is not None:
            with self._lock:
                yield self._shared
            return
        if self.is_postgres:
            if self._pool is None:
                with self._lock:
                    if self._pool is None:
                        from psycopg_pool import ConnectionPool

                        self._pool = ConnectionPool(
                            kwargs={**pg_conninfo(self.env), "autocommit": True},
                            min_size=1, max_size=8, open=True,
                            # after a database restart, hand out live connections only
                            check=ConnectionPool.check_connection,
                        )
            with self._pool.connection() as conn:
                yield conn
            return
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._sqlite_connect(self.env["SQLITE_DBNAME"])
            self._local.conn = conn
        yield conn

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def apply_sqlite_migrations(conn: sqlite3.Connection) -> None:
    """Create every table of ``migrations/sqlite`` in a fresh (in-memory) database."""
    for path in sorted((MIGRATIONS / "sqlite").glob("*.sql")):
        if path.name.endswith(".rollback.sql"):
            continue
        conn.executescript(path.read_text(encoding="utf-8"))


def is_postgres_url(database_url: str) -> bool:
    return urlparse(database_url).scheme in ("postgres", "postgresql")
