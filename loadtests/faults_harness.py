"""The fault-injection run: real processes, real PostgreSQL, kill -9 and database restarts.

1. A private PostgreSQL cluster (its own port) gets a fresh database, migrated by ``ledger
   migrate``; a few projects are registered and funded; tokens come from ``ledger tokens create``.
2. ``ledger serve --workers 2`` (``LEDGER_PROJECTIONS=worker``) and ``ledger projections run``
   start as separate processes; client threads post idempotent expenditures over HTTP
   (:mod:`loadtests.faults_client`).
3. A fault thread, at random moments spread over the run, kill -9s the API's whole process tree
   and restarts it (every other API kill, with 2+ workers, is one uvicorn worker instead, which
   the uvicorn master replaces), kill -9s the projection worker and restarts it, and stops
   PostgreSQL (alternately ``-m fast`` and ``-m immediate``) for a couple of seconds, probing the
   API while the database is down (it must answer 503 with ``Retry-After``, never 500). A
   watchdog restarts a process that died by itself and counts it.
4. New postings stop at the end of the duration; in-flight ones are retried until acknowledged
   (a grace period), the projection worker catches up, the processes stop, and
   :mod:`loadtests.faults_check` judges the log.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from loadtests import faults_processes as procs
from loadtests.faults_check import Verdict, judge
from loadtests.faults_client import Client, ClientLog, run_clients
from loadtests.faults_cluster import DEFAULT_PORT, Cluster, own_cluster
from loadtests.infra import free_port
from loadtests.stack import create_tokens, migrate, seed_projects


@dataclass
class FaultPlan:
    kills: int = 3
    duration: float = 30.0
    db_restarts: int = 1
    clients: int = 8
    workers: int = 2
    projects: int = 4
    pg_port: int = DEFAULT_PORT
    grace: float = 60.0
    db_down_seconds: float = 2.0
    seed: int | None = None
    log_dir: Path | None = None


@dataclass
class FaultRecord:
    """What the fault thread did and saw."""

    events: list[str] = field(default_factory=list)
    down_statuses: dict[str, int] = field(default_factory=dict)
    self_restarts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def note(self, start: float, text: str) -> None:
        self.events.append(f"{time.monotonic() - start:7.2f}s {text}")


def schedule(plan: FaultPlan, rng: random.Random) -> list[tuple[float, str]]:
    """Fault moments spread over the middle 80 % of the run, in time order."""
    faults = [("kill-api-worker" if plan.workers > 1 and i % 2 else "kill-api", i)
              for i in range(plan.kills)]
    faults += [("kill-worker", i) for i in range(max(1, plan.kills // 2) if plan.kills else 0)]
    faults += [("restart-db-" + ("fast" if i % 2 == 0 else "immediate"), i)
               for i in range(plan.db_restarts)]
    slots = sorted(rng.uniform(0.1, 0.9) * plan.duration for _ in faults)
    rng.shuffle(faults)
    return [(at, kind) for at, (kind, _) in zip(slots, faults, strict=True)]


def probe_while_down(port: int, token: str, record: FaultRecord, seconds: float) -> None:
    """Reads and writes against the API while PostgreSQL is down; status counts recorded."""
    client = Client(port, token, timeout=20)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, headers = client.post(
            "/v1/projects/FAULT-000/expenditures",
            {"source": "SUPPORT", "category": "MATERIALS", "amount": "1.00",
             "booked_on": "2017-04-01", "voucher_no": f"PROBE-{uuid.uuid4().hex[:8]}",
             "payee": "x", "description": "probe while the database is down"},
            f"probe-{uuid.uuid4().hex}")
        label = f"{status}" + ("+retry-after" if "retry-after" in headers else "")
        record.down_statuses[label] = record.down_statuses.get(label, 0) + 1
        time.sleep(0.2)
    client.close()


def run_faults(plan: FaultPlan, progress: Callable[[str], None] = lambda _: None
               ) -> tuple[Verdict, FaultRecord]:
    seed = plan.seed if plan.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    run_id = uuid.uuid4().hex[:8]
    log_dir = plan.log_dir or Path(f"/tmp/faults-{run_id}")
    log_dir.mkdir(parents=True, exist_ok=True)
    progress(f"faults: run {run_id}, seed {seed}, logs in {log_dir}")
    record = FaultRecord()
    with own_cluster(plan.pg_port) as cluster, cluster.database() as url:
        migrate(url)
        projects = [f"FAULT-{i:03d}" for i in range(plan.projects)]
        seed_projects(url, projects, amount="1000000000.00")
        tokens = create_tokens(url)
        port = free_port()
        env = {"LEDGER_DATABASE_URL": url, "LEDGER_PROJECTIONS": "worker",
               "LEDGER_LOG_LEVEL": "warning"}
        api = procs.api_server(port, plan.workers, env, log_dir / "api.log")
        worker = procs.projection_worker(env, log_dir / "worker.log")
        api.start()
        worker.start()
        if not procs.wait_listening(port):
            raise RuntimeError(f"the API did not come up; see {log_dir / 'api.log'}")
        client_log = ClientLog()
        stop_new, give_up, faults_done = threading.Event(), threading.Event(), threading.Event()
        threads = run_clients(plan.clients, run_id, port, tokens["finance_office"], projects,
                              client_log, stop_new, give_up)
        start = time.monotonic()
        fault_thread = threading.Thread(
            target=_inject, name="faults-injector", daemon=True,
            args=(plan, rng, cluster, api, worker, port, tokens["finance_office"], record, start,
                  faults_done, progress))
        fault_thread.start()
        watchdog = threading.Thread(target=_watchdog, daemon=True, name="faults-watchdog",
                                    args=(api, worker, cluster, record, give_up))
        watchdog.start()
        time.sleep(plan.duration)
        faults_done.wait(timeout=plan.grace)
        fault_thread.join(timeout=plan.grace)
        stop_new.set()
        progress(f"faults: load stopped after {time.monotonic() - start:.1f}s; finishing retries")
        deadline = time.monotonic() + plan.grace
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        give_up.set()
        for thread in threads:
            thread.join(timeout=20)
        _wait_projections(url, worker, timeout=plan.grace)
        api.stop()
        worker.stop()
        watchdog.join(timeout=5)
        unexpected = sum(n for status, n in client_log.statuses.items()
                         if status.isdigit() and int(status) >= 500 and status != "503")
        unexpected += sum(n for status, n in record.down_statuses.items()
                          if status not in ("0", "503+retry-after"))
        progress(f"faults: statuses {dict(client_log.statuses)}")
        progress(f"faults: while the database was down {record.down_statuses}")
        progress(f"faults: api starts={api.starts} kills={api.kills}, worker starts="
                 f"{worker.starts} kills={worker.kills}, died by themselves "
                 f"{record.self_restarts or 'never'}")
        verdict = judge(url, client_log, f"faults-{run_id}-", log_dir / "audit.log", unexpected)
        verdict.problems.extend(f"fault not injected: {failure}" for failure in record.failures)
        for line in record.events:
            progress(f"faults: {line}")
        for problem in verdict.problems:
            progress(f"faults: PROBLEM {problem}")
        progress(f"faults: phantoms={verdict.phantoms} wrong_ids={verdict.wrong_ids} "
                 f"read_model_mismatches={verdict.read_model_mismatches} "
                 f"audit_verify={'clean' if verdict.audit_ok else 'FINDINGS (see audit.log)'}")
    return verdict, record


def _inject(plan: FaultPlan, rng: random.Random, cluster: Cluster, api: procs.Supervised,
            worker: procs.Supervised, port: int, token: str, record: FaultRecord, start: float,
            done: threading.Event, progress: Callable[[str], None]) -> None:
    try:
        for at, kind in schedule(plan, rng):
            time.sleep(max(0.0, start + at - time.monotonic()))
            if kind == "kill-api-worker":
                victim = api.kill_one_worker(rng)
                record.note(start, f"kill -9 api worker pid {victim} (uvicorn replaces it)")
            elif kind == "kill-api":
                api.held = True
                n = api.kill()
                record.note(start, f"kill -9 api ({n} processes)")
                time.sleep(rng.uniform(0.0, 1.0))
                api.start()
                api.held = False
                record.note(start, f"api restarted, listening={procs.wait_listening(port)}")
            elif kind == "kill-worker":
                worker.held = True
                worker.kill()
                record.note(start, "kill -9 projection worker")
                time.sleep(rng.uniform(0.0, 1.0))
                worker.start()
                worker.held = False
            else:
                mode = kind.rsplit("-", 1)[1]
                try:
                    cluster.stop(mode)
                except RuntimeError as error:
                    record.failures.append(str(error))
                    record.note(start, f"FAILED to stop postgres -m {mode}")
                else:
                    record.note(start, f"postgres stopped -m {mode}")
                    probe_while_down(port, token, record, plan.db_down_seconds)
                cluster.start()
                record.note(start, "postgres started")
            progress(f"faults: {record.events[-1]}")
    finally:
        done.set()


def _watchdog(api: procs.Supervised, worker: procs.Supervised, cluster: Cluster,
              record: FaultRecord, give_up: threading.Event) -> None:
    """Restart a process that died by itself (not killed by the harness); count it."""
    while not give_up.is_set():
        for proc in (api, worker):
            if proc.held or proc.alive() or proc.process is None or not cluster.running():
                continue
            time.sleep(0.5)
            if not proc.held and not proc.alive():
                record.self_restarts[proc.name] = record.self_restarts.get(proc.name, 0) + 1
                proc.start()
        give_up.wait(0.5)


def _wait_projections(url: str, worker: procs.Supervised, timeout: float) -> None:
    """Until the projection worker has processed the whole log (restarting it if it is dead)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not worker.alive():
            worker.start()
        if _projection_lag(url) == 0:
            return
        time.sleep(0.3)


def _projection_lag(url: str) -> int:
    """Log positions not yet processed by the slowest read model (-1 when unreadable)."""
    from projections.engine import MODEL_NAMES

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT coalesce(max(notification_id), 0) FROM ledger_events"
                               ).fetchone()
            tracked = dict(conn.execute("SELECT name, position FROM projection_tracking"
                                        ).fetchall())
    except psycopg.Error:
        return -1
    head = int(row[0]) if row else 0
    return max(head - int(tracked.get(name, 0)) for name in MODEL_NAMES)
