"""The projection engine: one batched loop over the event store's notification log, for SQLite
and PostgreSQL alike.

Each batch is one database transaction that (1) locks the tracking rows (``SELECT ... FOR
UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), (2) reads up to ``BATCH`` notifications
after the lowest position, (3) gives each event to the read models whose position is below it,
(4) writes the models' rows and (5) their new positions, then commits. An event is therefore
applied exactly once per model, even with several engines (API processes, a worker) running at
once, and a crash anywhere rolls the whole batch back. Why not the library's
``ProjectionRunner``: SQLite has no subscriptions, and one transaction per event runs at
~1.2k events/s against ~47k events/s batched (docs/projections.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from ledger.project import Project
from projections.accounts import AccountsModel
from projections.assets import AssetsModel
from projections.audit_chain import AuditChain
from projections.base import ProjectDirectory, ReadModel
from projections.db import Database
from projections.journal import JournalModel
from projections.postings import PostingsModel
from projections.projects import ProjectsModel

BATCH = 1000
# Log positions looked at per batch: the engine asks the store only for the topics it handles
# (about a third of the log: cards, claims and idempotency records are skipped in SQL), so a
# window of this many positions holds about BATCH events to apply.
WINDOW = 3 * BATCH
MODEL_CLASSES: tuple[type[ReadModel], ...] = (
    ProjectsModel, AccountsModel, PostingsModel, JournalModel, AssetsModel,
)
MODEL_NAMES = tuple(m.name for m in MODEL_CLASSES)


class ProjectionEngine:
    """Keeps every read model of ``database_url`` up to date with ``ledger_app``'s log."""

    def __init__(self, ledger_app: Any, database_url: str) -> None:
        self.app = ledger_app
        self.db = Database(database_url)
        self.audit_chain = AuditChain(ledger_app, database_url, db=self.db)
        self.directory = ProjectDirectory(self._lookup_project)
        self.models = [
            cls(self.db, self.directory, capital_categories=self._capital_categories)
            if cls is AssetsModel else cls(self.db, self.directory)
            for cls in MODEL_CLASSES
        ]
        self._dispatch: dict[str, list[tuple[ReadModel, Callable[[Any, int], None]]]] = {}
        for model in self.models:
            for event_class, handler in model.handlers().items():
                self._dispatch.setdefault(get_topic(event_class), []).append((model, handler))
        self._registered_topic = get_topic(Project.Registered)
        self._topics = sorted(self._dispatch)
        self._lock = threading.RLock()
        self._conn = self.db.connect_writer()
        self._sql_positions = self.db.sql(
            "SELECT name, position FROM projection_tracking ORDER BY name"
            + (" FOR UPDATE" if self.db.is_postgres else "")
        )
        self._sql_advance = self.db.sql(
            "UPDATE projection_tracking SET position = ? WHERE name = ? AND position < ?"
        )
        self._ensure_tracking_rows()
        self._load_directory()
        from projections.queries import ReadModels

        self.read_models = ReadModels(self.db, ledger_app)

    # --- set-up --------------------------------------------------------------------------------

    def _ensure_tracking_rows(self) -> None:
        insert = self.db.sql(
            "INSERT INTO projection_tracking (name, position) VALUES (?, 0) "
            "ON CONFLICT (name) DO NOTHING"
        )
        with self._transaction() as cur:
            cur.executemany(insert, [(name,) for name in MODEL_NAMES])

    def _load_directory(self) -> None:
        with self.db.reader() as conn:
            rows = conn.execute("SELECT project_id, code, program FROM rm_projects").fetchall()
        for project_id, code, program in rows:
            self.directory.add(UUID(str(project_id)), code, program)

    def _lookup_project(self, project_id: UUID) -> tuple[str, str]:
        project = self.app.repository.get(project_id)
        return project.code, project.program

    def _capital_categories(self, program: str) -> list[str]:
        return [c["code"] for c in self.app.get_program(program).categories if c.get("capital")]

    def _transaction(self) -> Any:
        return _Transaction(self)

    # --- positions -----------------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        with self.db.reader() as conn:
            rows = conn.execute("SELECT name, position FROM projection_tracking").fetchall()
        return {name: int(position) for name, position in rows if name in MODEL_NAMES}

    def head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def status(self) -> list[dict[str, Any]]:
        """Position, head and lag (in log positions) of each read model."""
        head = self.head()
        positions = self.positions()
        return [
            {"name": name, "position": positions.get(name, 0), "head": head,
             "lag_events": max(0, head - positions.get(name, 0))}
            for name in MODEL_NAMES
        ]

    # --- applying ------------------------------------------------------------------------------

    def catch_up(self, max_events: int | None = None) -> int:
        """Bring the read models and the audit hash chain up to the log (see
        :meth:`_catch_up_models`); the chain is extended at once so that an event cannot be
        altered unnoticed between being recorded and being chained."""
        passed = self._catch_up_models(max_events)
        self.audit_chain.catch_up()
        return passed

    def _catch_up_models(self, max_events: int | None = None) -> int:
        """Apply every event recorded before the call (or about ``max_events`` log
        positions); returns how many log positions were passed. Events recorded meanwhile are
        left to the next call, so a caller is never kept busy by other writers. Cheap when
        nothing is pending: two small reads, no transaction."""
        target = self.head()
        if target == 0 or min(self.positions().values(), default=0) >= target:
            return 0
        scanned = 0
        while max_events is None or scanned < max_events:
            window = WINDOW if max_events is None else min(WINDOW, max_events - scanned)
            count, reached = self._apply_batch(window, target)
            scanned += count
            if count == 0 or reached >= target:
                break
        return scanned

    def _apply_batch(self, window: int, target: int | None = None) -> tuple[int, int]:
        """One transaction: apply the handled events of the next ``window`` log positions (not
        beyond ``target``); returns (positions passed, the position reached)."""
        with self._lock, self._transaction() as cur:
            cur.execute(self._sql_positions)
            positions = {n: int(p) for n, p in cur.fetchall() if n in MODEL_NAMES}
            start = min(positions.values())
            # Read the head first: ids are assigned in commit order (the library's table lock
            # on PostgreSQL, a single writer on SQLite), so every id <= head is visible now.
            stop = min(start + window, self.head(), target or start + window)
            if stop <= start:
                return 0, start
            notifications = self.app.recorder.select_notifications(
                start=start, limit=window, stop=stop, topics=self._topics,
                inclusive_of_start=False,
            )
            try:
                self._dispatch_all(notifications, positions)
                for model in self.models:
                    model.flush(cur)
            except BaseException:
                for model in self.models:
                    model.discard()
                raise
            cur.executemany(
                self._sql_advance,
                [(stop, name, stop) for name, pos in positions.items() if pos < stop],
            )
            return stop - start, stop

    def _dispatch_all(self, notifications: Iterable[Any], positions: dict[str, int]) -> None:
        to_event = self.app.mapper.to_domain_event
        for notification in notifications:
            handlers = self._dispatch.get(notification.topic)
            if not handlers:
                continue
            event = None
            for model, handler in handlers:
                if notification.id <= positions[model.name]:
                    continue
                if event is None:
                    event = to_event(notification)
                    if notification.topic == self._registered_topic:
                        self.directory.add(event.originator_id, event.code, event.program)
                handler(event, notification.id)

    def wait_for(self, position: int | None, timeout: float = 2.0) -> bool:
        """Whether every read model reaches ``position`` within ``timeout`` seconds (polls the
        tracking rows every 5 ms; read-your-writes for the API)."""
        if position is None:
            return True
        deadline = time.monotonic() + timeout
        while True:
            if min(self.positions().values(), default=0) >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    # --- rebuild and worker ------------------------------------------------------------------

    def rebuild(self, names: Iterable[str] | None = None, progress: bool = False) -> int:
        """Empty the named read models (default: all), reset them to position 0 and replay the
        whole log into them; returns the positions scanned."""
        chosen = list(names) if names else list(MODEL_NAMES)
        unknown = sorted(set(chosen) - set(MODEL_NAMES))
        if unknown:
            raise ValueError(f"unknown projection(s) {', '.join(unknown)}; "
                             f"known: {', '.join(MODEL_NAMES)}")
        reset = self.db.sql("UPDATE projection_tracking SET position = 0 WHERE name = ?")
        with self._lock, self._transaction() as cur:
            cur.execute(self._sql_positions)
            for model in self.models:
                if model.name in chosen:
                    for table in model.tables:
                        cur.execute(f"DELETE FROM {table}")  # fixed table names, no values
                    cur.execute(reset, (model.name,))
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=self.head(), unit="ev", desc="rebuild " + ",".join(chosen))
        scanned = 0
        while True:
            count, _ = self._apply_batch(WINDOW)
            if count == 0:
                break
            scanned += count
            if bar is not None:
                bar.update(count)
        if bar is not None:
            bar.close()
        self._refresh_statistics([m for m in self.models if m.name in chosen])
        return scanned

    def _refresh_statistics(self, models: list[ReadModel]) -> None:
        """After a bulk rebuild: planner statistics, and on PostgreSQL the visibility map
        (VACUUM) so the reports' covering indexes are read without heap fetches."""
        tables = [table for model in models for table in model.tables]
        if self.db.in_memory or not tables:
            return
        if self.db.is_postgres:
            import psycopg

            from projections.db import pg_conninfo

            with psycopg.connect(**pg_conninfo(self.db.env), autocommit=True) as conn:
                conn.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")  # fixed table names
            return
        with self._lock, self.db.writer_lock():
            for table in tables:
                self._conn.execute(f"ANALYZE {table}")  # fixed table names

    def table_contents(self, names: Iterable[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the named read models' tables, sorted (to compare live tables with a
        rebuild: tests and ``audit verify``)."""
        chosen = set(names or MODEL_NAMES)
        contents: dict[str, list[tuple[Any, ...]]] = {}
        with self.db.reader() as conn:
            for model in self.models:
                if model.name not in chosen:
                    continue
                for table in model.tables:
                    rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # fixed names
                    contents[table] = sorted((tuple(r) for r in rows), key=repr)
        return contents

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.05) -> None:
        """The worker loop: catch up, then sleep until PostgreSQL NOTIFYs a new insert on the
        library's channel (or poll every ``poll_interval`` on SQLite)."""
        listener = self._listen() if self.db.is_postgres else None
        try:
            while not stop.is_set():
                self.catch_up()
                if listener is None:
                    stop.wait(poll_interval)
                    continue
                for _ in listener.notifies(timeout=0.5, stop_after=1):
                    break
        finally:
            if listener is not None:
                listener.close()

    def _listen(self) -> Any:
        import psycopg
        from psycopg import sql

        from projections.db import pg_conninfo

        conn = psycopg.connect(**pg_conninfo(self.db.env), autocommit=True)
        channel = getattr(self.app.recorder, "channel_name", "ledger_events")
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        return conn

    def close(self) -> None:
        self.audit_chain.close()
        with self._lock:
            if not self.db.in_memory:
                self._conn.close()
            self.db.close()


class _Transaction:
    """BEGIN (IMMEDIATE on SQLite: take the write lock first) ... COMMIT, or ROLLBACK."""

    def __init__(self, engine: ProjectionEngine) -> None:
        self.engine = engine
        self.cur: Any = None
        self._held: Any = None

    def __enter__(self) -> Any:
        self._held = self.engine.db.writer_lock()
        self._held.__enter__()
        try:
            conn = self.engine._conn
            if getattr(conn, "closed", False) or getattr(conn, "broken", False):
                self.engine._conn = self.engine.db.connect_writer()  # PostgreSQL came back
            self.cur = self.engine._conn.cursor()
            if not self.engine.db.is_postgres:
                self.cur.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._held.__exit__(None, None, None)
            raise
        return self.cur

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        conn = self.engine._conn
        try:
            if exc_type is None:
                conn.commit() if self.engine.db.is_postgres else self.cur.execute("COMMIT")
            elif self.engine.db.is_postgres:
                if not (conn.closed or conn.broken):
                    conn.rollback()
            else:
                self.cur.execute("ROLLBACK")
        finally:
            self.cur.close()
            self._held.__exit__(None, None, None)
