# ruff: noqa: F811  (pytest fixtures imported from test_audit_privileges are parameters here)
"""``ledger audit verify`` finds tampering done behind the service's back, and names where.

The tampering is done as the database superuser directly in SQL, with the append-only triggers
disabled first: exactly what an operator with full access could do.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest

from ledger.application import Ledger
from ledger.store import event_store_env
from projections.audit_chain import AuditChain
from projections.audit_verify import verify
from projections.engine import ProjectionEngine
from projections.schema import apply_migrations
from service.cli import main as ledger_cli
from service.runtime import ledger_env
from service.settings import Settings
from tests.integration.test_audit_privileges import (  # noqa: F401 (fixtures)
    app_role_url,
    migrated_url,
    service_ledger,
)
from tests.scenario import SCENARIO_TODAY, load_example_scenario

EXPENDITURE = "ledger.project:Project.ExpenditurePosted"


def post_and_chain(app: Ledger, url: str) -> str:
    """Post the worked example, bring projections and chain up to date; returns the head."""
    load_example_scenario(app)
    engine = ProjectionEngine(app, url)
    chain = AuditChain(app, url)
    try:
        engine.catch_up()
        chain.catch_up()
        head = chain.head()
    finally:
        chain.close()
        engine.close()
    assert head is not None
    return f"{head[0]}:{head[1]}"


def superuser_sql(url: str, *statements: str) -> None:
    """Run statements as the owner/superuser with the append-only triggers switched off."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE ledger_events DISABLE TRIGGER ALL")
        conn.execute("ALTER TABLE audit_chain DISABLE TRIGGER ALL")
        for statement in statements:
            conn.execute(statement)
        conn.execute("ALTER TABLE ledger_events ENABLE TRIGGER ALL")
        conn.execute("ALTER TABLE audit_chain ENABLE TRIGGER ALL")


def position_of_topic(url: str, topic: str, nth: int = 0) -> int:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT notification_id FROM ledger_events WHERE topic = %s "
                            "ORDER BY notification_id", (topic,)).fetchall()
    return int(rows[nth][0])


def run_cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    monkeypatch.setenv("LEDGER_DATABASE_URL", url)
    return ledger_cli(["audit", "verify", *args])


def kinds_at(report: Any) -> set[tuple[str, int | None]]:
    return {(f.kind, f.position) for f in report.findings}


def test_a_clean_history_verifies_with_no_finding(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    head = post_and_chain(service_ledger, app_role_url)
    # as the service's role (scratch rebuild in memory) and as the owner (scratch schema)
    assert run_cli(monkeypatch, app_role_url, "--head", head) == 0
    assert run_cli(monkeypatch, migrated_url, "--head", head) == 0
    assert "OK: no finding" in capsys.readouterr().out
    with psycopg.connect(migrated_url) as conn:
        left = conn.execute("SELECT count(*) FROM information_schema.schemata "
                            "WHERE schema_name LIKE 'audit_scratch_%'").fetchone()
    assert left == (0,)


def test_an_updated_event_is_detected_at_its_position(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # given a chained history
    post_and_chain(service_ledger, app_role_url)
    target = position_of_topic(migrated_url, EXPENDITURE)
    # when the superuser rewrites the amount inside one stored event's state
    superuser_sql(migrated_url, "UPDATE ledger_events SET state = convert_to(replace("
                  "convert_from(state, 'UTF8'), '800000.00', '700000.00'), 'UTF8') "
                  f"WHERE notification_id = {target}")
    # then verify fails and names that position first
    assert run_cli(monkeypatch, app_role_url) == 1
    out = capsys.readouterr().out
    assert f"FINDING [chain/event-changed] position {target}:" in out
    assert f"first broken position: {target}" in out
    report = verify(service_ledger, app_role_url, projections=False)
    assert kinds_at(report) == {("event-changed", target)}


def test_a_deleted_event_is_detected_at_its_position(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    post_and_chain(service_ledger, app_role_url)
    target = position_of_topic(migrated_url, EXPENDITURE, nth=1)
    superuser_sql(migrated_url, f"DELETE FROM ledger_events WHERE notification_id = {target}")
    assert run_cli(monkeypatch, migrated_url) == 1
    out = capsys.readouterr().out
    assert f"FINDING [chain/event-missing] position {target}:" in out
    assert f"first broken position: {target}" in out
    # the read models still hold the deleted expenditure: the rebuild differs from them
    assert "FINDING [projections/row-only-live]" in out


def test_a_truncated_log_is_detected_with_and_without_its_chain_rows(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
) -> None:
    head = post_and_chain(service_ledger, app_role_url)
    last = int(head.split(":")[0])
    cut = last - 4
    # when the tail is deleted but its chain rows remain
    superuser_sql(migrated_url, f"DELETE FROM ledger_events WHERE notification_id > {cut}")
    report = verify(service_ledger, app_role_url, projections=False)
    assert report.first_broken_position == cut + 1
    assert ("event-missing", last) in kinds_at(report)
    # and when the chain rows of the tail are deleted as well, the published head catches it
    superuser_sql(migrated_url, f"DELETE FROM audit_chain WHERE position > {cut}",
                  f"UPDATE projection_tracking SET position = {cut} WHERE name = 'audit_chain'")
    assert verify(service_ledger, app_role_url, projections=False).ok
    with_head = verify(service_ledger, app_role_url, projections=False,
                       expected_head=(last, head.split(":")[1]))
    assert kinds_at(with_head) == {("head-missing", last)}


def test_a_rewritten_chain_is_caught_by_the_published_head_and_the_projections(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
) -> None:
    head = post_and_chain(service_ledger, app_role_url)
    target = position_of_topic(migrated_url, EXPENDITURE)
    # when an event is changed and the chain recomputed over the change from that point on
    superuser_sql(migrated_url,
                  "UPDATE ledger_events SET state = convert_to(replace(convert_from(state, "
                  f"'UTF8'), '800000.00', '700000.00'), 'UTF8') WHERE notification_id = {target}",
                  f"DELETE FROM audit_chain WHERE position >= {target}",
                  "UPDATE projection_tracking SET position = (SELECT max(position) FROM "
                  "audit_chain) WHERE name = 'audit_chain'")
    chain = AuditChain(service_ledger, app_role_url)
    chain.catch_up()
    chain.close()
    # then the chain alone is consistent, but the published head and the rebuild are not
    position, hash_ = head.split(":")
    report = verify(service_ledger, migrated_url, expected_head=(int(position), hash_))
    kinds = {f.kind for f in report.findings}
    assert ("head-mismatch", int(position)) in kinds_at(report)
    assert {"row-only-live", "row-only-rebuilt"} <= kinds
    assert not {"event-changed", "event-missing"} & kinds


def test_a_changed_read_model_row_is_reported_row_by_row(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
) -> None:
    post_and_chain(service_ledger, app_role_url)
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute("UPDATE rm_tranches SET spent = spent + 1 WHERE source = 'SUPPORT' "
                     "AND appropriation_year = 2018")
    report = verify(service_ledger, migrated_url)
    differing = [(f.kind, f.row["source"], f.row["appropriation_year"]) for f in report.findings]
    assert sorted(differing) == [("row-only-live", "SUPPORT", 2018),
                                 ("row-only-rebuilt", "SUPPORT", 2018)]


def test_concurrent_chain_writers_chain_every_event_exactly_once(
    service_ledger: Ledger, app_role_url: str,
) -> None:
    load_example_scenario(service_ledger)
    chains = [AuditChain(service_ledger, app_role_url) for _ in range(4)]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda c=c: counts.append(c.catch_up())) for c in chains]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for chain in chains:
        chain.close()
    events = len(service_ledger.recorder.select_notifications(start=1, limit=10_000))
    assert sum(counts) == events
    assert verify(service_ledger, app_role_url, projections=False).ok


def test_an_auditor_can_recompute_the_head_from_the_documented_recipe(
    service_ledger: Ledger, app_role_url: str, migrated_url: str,
) -> None:
    # given a published head
    head = post_and_chain(service_ledger, app_role_url)
    # when an auditor follows docs/audit.md with plain SQL, json and hashlib only
    def unwrap(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"_type_", "_data_"}:
                return unwrap(value["_data_"])
            return {k: unwrap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [unwrap(v) for v in value]
        return value

    current = "0" * 64
    with psycopg.connect(migrated_url) as conn:
        rows = conn.execute("SELECT notification_id, topic, originator_id, originator_version, "
                            "state FROM ledger_events ORDER BY notification_id").fetchall()
    for position, topic, originator_id, version, state in rows:
        data = unwrap(json.loads(bytes(state)))
        record = {"position": position, "topic": topic, "originator_id": str(originator_id),
                  "originator_version": version, "recorded_at": data.pop("timestamp", None),
                  "actor": data.pop("actor", None), "data": data}
        canonical = json.dumps(record, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
        current = hashlib.sha256(bytes.fromhex(current) + canonical).hexdigest()
    # then the result is the published head
    assert f"{rows[-1][0]}:{current}" == head


def test_tampering_with_a_sqlite_store_is_detected_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # given a migrated SQLite store with the example, projections and chain up to date
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    apply_migrations(url)
    app = Ledger(ledger_env(Settings(database_url=url)), today=lambda: SCENARIO_TODAY)
    head = post_and_chain(app, url)
    assert run_cli(monkeypatch, url, "--head", head) == 0
    assert ledger_cli(["audit", "chain"]) == 0
    capsys.readouterr()
    assert ledger_cli(["audit", "head"]) == 0
    assert capsys.readouterr().out.strip() == head
    # when one event is edited, one deleted and the tail cut off behind the service's back
    import sqlite3

    conn = sqlite3.connect(event_store_env(url)["SQLITE_DBNAME"])
    conn.executescript("DROP TRIGGER stored_events_no_update; DROP TRIGGER stored_events_no_delete;")
    rows = conn.execute("SELECT rowid FROM stored_events WHERE topic = ? ORDER BY rowid",
                        (EXPENDITURE,)).fetchall()
    edited, deleted = rows[0][0], rows[1][0]
    conn.execute("UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), "
                 "'800000.00', '700000.00') AS BLOB) WHERE rowid = ?", (edited,))
    conn.execute("DELETE FROM stored_events WHERE rowid = ?", (deleted,))
    last = int(head.split(":")[0])
    conn.execute("DELETE FROM stored_events WHERE rowid > ?", (last - 3,))
    conn.commit()
    conn.close()
    # then verify exits non-zero and names each position
    assert run_cli(monkeypatch, url, "--head", head) == 1
    out = capsys.readouterr().out
    assert f"[chain/event-changed] position {edited}:" in out
    assert f"[chain/event-missing] position {deleted}:" in out
    assert f"[chain/head-missing] position {last}:" in out
    assert f"first broken position: {edited}" in out
    app.close()


def test_a_changed_snapshot_is_detected_at_the_position_of_its_version(
    app_role_url: str, migrated_url: str,
) -> None:
    # given a ledger that snapshots a project every 3 events
    from ledger.programs import Program
    from ledger.project import Project
    from tests.factories import Clock, allocate, register

    class OftenSnapshotted(Ledger):
        name = "ledger"  # same tables and env prefix as the service
        snapshotting_intervals: ClassVar[dict[type, int]] = {Project: 3, Program: 200}

    app = OftenSnapshotted(ledger_env(Settings(database_url=app_role_url)), today=Clock())
    code = register(app)
    for _ in range(4):
        allocate(app, code, "SUPPORT", 2017, "100.00", "2017-03-01")
    assert verify(app, app_role_url, projections=False).ok
    # when the superuser raises the allocated figure inside the stored snapshot at version 3
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE ledger_snapshots DISABLE TRIGGER ALL")
        conn.execute("UPDATE ledger_snapshots SET state = convert_to(replace(convert_from(state, "
                     "'UTF8'), '\"200.00\"', '\"900.00\"'), 'UTF8') WHERE originator_version = 3")
        conn.execute("ALTER TABLE ledger_snapshots ENABLE TRIGGER ALL")
    # then the ledger would decide with a wrong balance, and verify says where
    fresh = OftenSnapshotted(ledger_env(Settings(database_url=app_role_url)), today=Clock(),
                             seed=False)
    report = verify(fresh, app_role_url, projections=False)
    project_events = fresh.project_events(code)
    from ledger.store import position_of

    at_version_3 = position_of(fresh.recorder, project_events[2].originator_id, 3)
    assert kinds_at(report) == {("snapshot-differs", at_version_3)}
    fresh.close()
    app.close()


def test_hashes_asked_for_before_the_chain_caught_up_are_chained_on_demand() -> None:
    # given the in-memory service: read models and chain share the engine's database
    app = Ledger(event_store_env("memory://"), today=lambda: SCENARIO_TODAY)
    engine = ProjectionEngine(app, "memory://")
    chain = AuditChain(app, "memory://", db=engine.db)
    load_example_scenario(app)
    last = app.recorder.max_notification_id()
    # when the API asks for the hashes of the last events before anything was chained
    hashes = chain.hashes_for([last - 1, last, last + 100])
    # then they are there (the position with no event is simply absent), and they verify
    assert set(hashes) == {last - 1, last}
    assert chain.head() == (last, hashes[last])
    report = verify(app, "memory://", chain=chain)
    assert report.ok and report.recomputed_head == (last, hashes[last])
    chain.close()
    engine.close()
    app.close()
