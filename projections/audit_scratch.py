"""Rebuild every read model in a scratch area and compare it with the live tables, row by row.

Scratch area: a fresh schema ``audit_scratch_<hex>`` on PostgreSQL (migrated like the live one,
dropped afterwards), a scratch database file on SQLite (deleted afterwards). On PostgreSQL a
role that may not create schemas (the service's own ``fundledger_app`` role, deliberately) gets
an in-memory SQLite database instead: values are compared in a dialect-neutral form (dates as
ISO text, booleans as 0/1), so the comparison is the same.

The live side is read in one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on
SQLite) together with each model's tracking position, and the scratch engine is advanced to
exactly that position before comparing, so a running projection worker does not cause false
findings.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from projections.db import Database

Row = tuple[tuple[str, Any], ...]


def _norm(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def _read_tables(conn: Any, tables: list[str]) -> dict[str, Counter[Row]]:
    contents: dict[str, Counter[Row]] = {}
    for table in tables:
        cur = conn.execute(f"SELECT * FROM {table}")  # fixed table names of the models
        names = [d[0] for d in cur.description]
        contents[table] = Counter(
            tuple(sorted(zip(names, (_norm(v) for v in row), strict=True)))
            for row in cur.fetchall()
        )
    return contents


def live_snapshot(db: Database, tables: list[str]) -> tuple[dict[str, int], dict[str, Any]]:
    """Tracking positions and table contents of the live read models, read consistently."""
    conn = db.connect_writer()
    try:
        if db.is_postgres:
            import psycopg

            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        else:
            conn.execute("BEGIN")
        positions = dict(conn.execute("SELECT name, position FROM projection_tracking").fetchall())
        contents = _read_tables(conn, tables)
        conn.rollback() if db.is_postgres else conn.execute("COMMIT")
    finally:
        if not db.in_memory:
            conn.close()
    return {str(k): int(v) for k, v in positions.items()}, contents


@contextmanager
def scratch_area(database_url: str, db: Database) -> Iterator[str]:
    """A migrated, empty read-model database URL that is removed on exit."""
    from projections.schema import apply_migrations

    if db.is_postgres:
        schema = f"audit_scratch_{uuid.uuid4().hex[:12]}"
        url = database_url + ("&" if "?" in database_url else "?") + f"schema={schema}"
        try:
            apply_migrations(url)
        except Exception as error:
            if "permission denied" not in str(error).lower():
                raise
            _drop_schema(db, schema)
            yield "memory://"
            return
        try:
            yield url
        finally:
            _drop_schema(db, schema)
        return
    directory = tempfile.mkdtemp(prefix="fundledger-audit-")
    try:
        url = f"sqlite:///{directory}/scratch.sqlite"
        apply_migrations(url)
        yield url
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _drop_schema(db: Database, schema: str) -> None:
    import psycopg
    from psycopg import sql

    from projections.db import pg_conninfo

    info = {k: v for k, v in pg_conninfo(db.env).items() if k != "options"}
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def compare_projections(app: Any, database_url: str, report: Any) -> None:
    """Rebuild every read model from ``app``'s events and add a finding per differing row."""
    from projections.audit_verify import MAX_ROW_FINDINGS, Finding
    from projections.engine import MODEL_CLASSES, ProjectionEngine

    db = Database(database_url)
    if db.in_memory:
        db.close()
        return  # memory:// read models live inside the serving process only
    tables_of = {m.name: list(m.tables) for m in MODEL_CLASSES}
    all_tables = [t for tables in tables_of.values() for t in tables]
    try:
        positions, live = live_snapshot(db, all_tables)
    finally:
        db.close()
    found = 0
    with scratch_area(database_url, db) as scratch_url:
        engine = ProjectionEngine(app, scratch_url)
        try:
            reached = 0
            for target in sorted({positions.get(name, 0) for name in tables_of}):
                if target > reached:
                    engine.catch_up(max_events=target - reached)
                    reached = target
                models = [n for n in tables_of if positions.get(n, 0) == target]
                with engine.db.reader() as conn:
                    rebuilt = _read_tables(conn, [t for n in models for t in tables_of[n]])
                for model in models:
                    report.projections_compared.append(model)
                    for table in tables_of[model]:
                        for kind, rows in (("row-only-live", live[table] - rebuilt[table]),
                                           ("row-only-rebuilt", rebuilt[table] - live[table])):
                            for row in rows.elements():
                                found += 1
                                if found > MAX_ROW_FINDINGS:
                                    continue
                                values = dict(row)
                                report.findings.append(Finding(
                                    "projections", kind, values.get("position"),
                                    f"{table} ({model} at position {target}): row "
                                    + ("in the live table but not in the rebuild"
                                       if kind == "row-only-live"
                                       else "in the rebuild but not in the live table"),
                                    values,
                                ))
        finally:
            engine.close()
    if found > MAX_ROW_FINDINGS:
        report.findings.append(Finding("projections", "more-rows", None,
                                       f"{found - MAX_ROW_FINDINGS} further differing rows"))
