"""Least privilege on PostgreSQL: the service's role posts, but cannot change or remove a fact.

The database is migrated by the superuser (as ``ledger migrate`` is run by the owner); the
service then connects as a login role that is a member of ``fundledger_app``, exactly as
docs/audit.md tells a deployment to do. The fixtures here are shared by test_audit_verify.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import errors as pg_errors
from psycopg import sql

from ledger.application import Ledger
from projections.audit_chain import AuditChain
from projections.engine import ProjectionEngine
from projections.schema import apply_migrations
from service.runtime import ledger_env
from service.settings import Settings
from tests.factories import d, dept
from tests.scenario import SCENARIO_TODAY, load_example_scenario

EVENT_TABLES = ["ledger_events", "ledger_snapshots", "audit_chain"]
A_COLUMN = {"ledger_events": "topic", "ledger_snapshots": "topic", "audit_chain": "hash"}


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    return urlunsplit(parts._replace(netloc=f"{user}@{host}:{parts.port or 5432}"))


@pytest.fixture
def migrated_url(pg_database_url: str) -> str:
    """A fresh database migrated by its owner (the test server's superuser)."""
    apply_migrations(pg_database_url)
    return pg_database_url


@pytest.fixture
def app_role_url(migrated_url: str) -> Iterator[str]:
    """The URL of a login role that is a member of ``fundledger_app`` (trust auth on the test
    server, so no password)."""
    user = f"t_svc_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE fundledger_app").format(
            sql.Identifier(user)))
    try:
        yield as_user(migrated_url, user)
    finally:
        with psycopg.connect(migrated_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE usename = %s", (user,))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(user)))


@pytest.fixture
def service_ledger(app_role_url: str) -> Iterator[Ledger]:
    """The ledger as the service runs it: through the app role, on the migrated schema."""
    app = Ledger(ledger_env(Settings(database_url=app_role_url)), today=lambda: SCENARIO_TODAY)
    yield app
    app.close()


def test_the_service_role_posts_the_example_and_keeps_projections_and_chain(
    service_ledger: Ledger, app_role_url: str
) -> None:
    # given the service connected as a member of fundledger_app
    # when it posts the whole worked example and maintains projections and the chain
    load_example_scenario(service_ledger)
    engine = ProjectionEngine(service_ledger, app_role_url)
    chain = AuditChain(service_ledger, app_role_url)
    try:
        engine.catch_up()
        chained_afterwards = chain.catch_up()
        head = chain.head()
        positions = [n.id for n in service_ledger.recorder.select_notifications(start=1, limit=10_000)]
        hashes = chain.hashes_for(positions)
    finally:
        chain.close()
        engine.close()
    # then every event is stored, projected and chained
    last = service_ledger.recorder.max_notification_id()
    assert last is not None and last > 40
    assert min(row["position"] for row in engine.status()) == last
    assert chained_afterwards == 0  # the projection engine chained every event as it went
    assert len(hashes) == len(positions)
    assert head is not None and head[0] == last


@pytest.mark.parametrize("table", EVENT_TABLES)
@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET {column} = {column}",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
])
def test_the_service_role_is_refused_update_delete_and_truncate_on_event_tables(
    service_ledger: Ledger, app_role_url: str, table: str, statement: str
) -> None:
    # given stored events, snapshots-table and chain rows
    load_example_scenario(service_ledger)
    chain = AuditChain(service_ledger, app_role_url)
    chain.catch_up()
    chain.close()
    # when the service's role tries to change or remove them
    with psycopg.connect(app_role_url, autocommit=True) as conn:
        before = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(table))).fetchone()
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute(sql.SQL(statement).format(
                table=sql.Identifier(table), column=sql.Identifier(A_COLUMN[table])))
        # then nothing changed
        after = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(table))).fetchone()
    assert before == after


def test_even_the_owner_cannot_update_or_delete_events_while_the_triggers_are_enabled(
    service_ledger: Ledger, migrated_url: str
) -> None:
    load_example_scenario(service_ledger)
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        for statement in ("UPDATE ledger_events SET state = state WHERE notification_id = 5",
                          "DELETE FROM ledger_events WHERE notification_id = 5"):
            with pytest.raises(pg_errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement)


def test_the_service_role_has_no_delete_or_truncate_privilege_at_all(
    migrated_url: str,
) -> None:
    # the triggers are the second line: the privileges themselves do not allow it
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = 'fundledger_app' AND table_name = ANY(%s)", (EVENT_TABLES,)
        ).fetchall()
    granted = {(t, p) for t, p in rows}
    assert granted == {("ledger_events", "SELECT"), ("ledger_events", "INSERT"),
                       ("ledger_events", "UPDATE"), ("ledger_snapshots", "SELECT"),
                       ("ledger_snapshots", "INSERT"), ("audit_chain", "SELECT"),
                       ("audit_chain", "INSERT")}


def test_the_chain_writer_reconnects_after_its_connection_is_killed(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
) -> None:
    # given a chain writer whose connection the server terminates, and one more event
    load_example_scenario(service_ledger)
    chain = AuditChain(service_ledger, app_role_url)
    chain.catch_up()
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (chain._conn.info.backend_pid,))
    service_ledger.change_lead(dept(), "SX1331-A-2017-001", new_lead="王教授",
                               effective_on=d("2019-03-01"), booked_on=d("2019-03-01"),
                               document_no="晋教科〔2019〕2号")
    # when it catches up: the first attempt meets the dead connection, the next reconnects
    with pytest.raises(psycopg.OperationalError):
        chain.catch_up()
    assert chain.catch_up() > 0
    # then the new event is chained
    last = service_ledger.recorder.max_notification_id()
    assert chain.head() == (last, chain.chain_hash(last))
    chain.close()
