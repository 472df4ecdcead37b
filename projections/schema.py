"""Schema migrations (yoyo-migrations) and the start-up check that the schema is current.

``migrations/`` owns every table, the event store's included (docs/projections.md): the service
runs the library with ``LEDGER_CREATE_TABLE=no`` once a database is migrated, and refuses to
start on a database whose schema is behind (``check_schema_current``).
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any
from urllib.parse import quote

from ledger.store import event_store_env
from projections.db import MIGRATIONS, pg_conninfo

YOYO_TABLE = "_yoyo_migration"
EVENT_STORE_MIGRATION = "0001.create-event-store"
EVENT_STORE_APPLIED = f"SELECT count(*) FROM {YOYO_TABLE} WHERE migration_id = ?"


class SchemaBehind(RuntimeError):
    """Raised when the database lacks migrations this code needs (run ``ledger migrate``)."""


def _yoyo_uri(database_url: str) -> tuple[str, str]:
    env = event_store_env(database_url)
    module = env["PERSISTENCE_MODULE"]
    if module.endswith("postgres"):
        auth = quote(env["POSTGRES_USER"], safe="")
        if env.get("POSTGRES_PASSWORD"):
            auth += ":" + quote(env["POSTGRES_PASSWORD"], safe="")
        uri = (
            f"postgresql+psycopg://{auth}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/"
            f"{quote(env['POSTGRES_DBNAME'], safe='')}"
        )
        if env.get("POSTGRES_SCHEMA"):
            uri += f"?schema={quote(env['POSTGRES_SCHEMA'], safe='')}"
        return uri, "postgres"
    if module.endswith("sqlite"):
        # yoyo opens f"file:{database}?cache=shared" (a SQLite URI): an absolute path must
        # reach it as "///abs/path", i.e. "sqlite://" + "/" + "///abs/path".
        path = os.path.abspath(env["SQLITE_DBNAME"])
        return "sqlite:////" + "/" + quote(path), "sqlite"
    raise ValueError("memory:// databases are not migrated (their read models are in memory)")


def _ensure_pg_schema(database_url: str) -> None:
    env = event_store_env(database_url)
    schema = env.get("POSTGRES_SCHEMA")
    if not schema:
        return
    import psycopg
    from psycopg import sql

    info = {k: v for k, v in pg_conninfo(env).items() if k != "options"}
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


def _backend_and_migrations(database_url: str) -> tuple[Any, Any]:
    from yoyo import get_backend, read_migrations

    uri, folder = _yoyo_uri(database_url)
    return get_backend(uri), read_migrations(str(MIGRATIONS / folder))


def pending_migrations(database_url: str) -> list[str]:
    """Ids of the migrations not yet applied to ``database_url``."""
    if event_store_env(database_url)["PERSISTENCE_MODULE"].endswith("popo"):
        return []
    if event_store_env(database_url)["PERSISTENCE_MODULE"].endswith("postgres"):
        _ensure_pg_schema(database_url)
    backend, migrations = _backend_and_migrations(database_url)
    return [m.id for m in backend.to_apply(migrations)]


def apply_migrations(database_url: str) -> list[str]:
    """Apply every pending migration (forward only); returns the ids applied."""
    if event_store_env(database_url)["PERSISTENCE_MODULE"].endswith("popo"):
        return []
    if event_store_env(database_url)["PERSISTENCE_MODULE"].endswith("postgres"):
        _ensure_pg_schema(database_url)
    backend, migrations = _backend_and_migrations(database_url)
    with backend.lock():
        todo = backend.to_apply(migrations)
        backend.apply_migrations(todo)
    return [m.id for m in todo]


def check_schema_current(database_url: str) -> None:
    """Raise ``SchemaBehind`` naming the missing migrations; the API calls this at start-up."""
    missing = pending_migrations(database_url)
    if missing:
        raise SchemaBehind(
            f"The database schema is behind: {len(missing)} migration(s) not applied "
            f"({', '.join(missing)}). Run `ledger migrate` first."
        )


def is_migrated(database_url: str) -> bool:
    """Whether ``ledger migrate`` created the event store's tables here (cheap, no side
    effect; a missing table or database means no).

    ``service.runtime`` uses it to run the library with ``CREATE_TABLE=no`` on migrated
    databases only, so un-migrated scratch databases (tests) still work.
    """
    env = event_store_env(database_url)
    module = env["PERSISTENCE_MODULE"]
    if module.endswith("sqlite"):
        if env["SQLITE_DBNAME"] == ":memory:":
            return False
        try:
            conn = sqlite3.connect(f"file:{env['SQLITE_DBNAME']}?mode=ro", uri=True)
        except sqlite3.OperationalError:
            return False
        try:
            row = conn.execute(EVENT_STORE_APPLIED, (EVENT_STORE_MIGRATION,)).fetchone()
            return bool(row[0])
        except sqlite3.DatabaseError:
            return False
        finally:
            conn.close()
    if module.endswith("postgres"):
        import psycopg

        try:
            with psycopg.connect(**pg_conninfo(env), connect_timeout=5) as conn:
                row = conn.execute(EVENT_STORE_APPLIED.replace("?", "%s"),
                                   (EVENT_STORE_MIGRATION,)).fetchone()
                return bool(row and row[0])
        except psycopg.Error:
            return False
    return False
