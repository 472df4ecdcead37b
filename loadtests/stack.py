"""The ledger as the benchmarks run it: a migrated database, API tokens, projects with money,
``ledger serve`` (uvicorn, 2 workers) and, in worker mode, ``ledger projections run``.

Set-up writes go through the ``Ledger`` application directly (thousands of projects in seconds);
everything measured goes through HTTP. Tokens come from the ``ledger tokens create`` CLI, the
way an operator makes them. All processes are children of the bench and are stopped by it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from loadtests import infra

UNIVERSITY = "10108"
UNIVERSITY_NAME = "山西大学"
BOOKED_ON = "2017-04-01"


def ledger_cli(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run the ``ledger`` command; its stdout."""
    out = subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=infra.REPO,
                         env={**os.environ, **env}, capture_output=True, text=True,
                         timeout=timeout, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"ledger {' '.join(args)} failed: {out.stderr[-1000:]}")
    return out.stdout


@dataclass
class Stack:
    """A running ledger: where it listens, its tokens and its processes."""

    database_url: str
    port: int = 0
    tokens: dict[str, str] = field(default_factory=dict)
    api: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-logs-")))

    def env(self) -> dict[str, str]:
        return {"LEDGER_DATABASE_URL": self.database_url}

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def api_pids(self) -> list[int]:
        return infra.process_tree_pids(self.api.pid) if self.api else []


def migrate(database_url: str) -> None:
    ledger_cli("migrate", env={"LEDGER_DATABASE_URL": database_url})


def create_tokens(database_url: str) -> dict[str, str]:
    env = {"LEDGER_DATABASE_URL": database_url}
    return {
        "finance_office": ledger_cli("tokens", "create", "--role", "finance_office",
                                     "--university", UNIVERSITY, "--name", "bench 财务处",
                                     env=env).strip().splitlines()[-1],
        "department": ledger_cli("tokens", "create", "--role", "department", "--name",
                                 "bench 教育厅", env=env).strip().splitlines()[-1],
        "auditor": ledger_cli("tokens", "create", "--role", "auditor", "--name", "bench 审计",
                              env=env).strip().splitlines()[-1],
    }


def open_ledger(database_url: str) -> Any:
    from service.runtime import build_ledger
    from service.settings import Settings

    return build_ledger(Settings(database_url=database_url))


def seed_projects(database_url: str, codes: list[str], *, amount: str = "100000000.00",
                  years: tuple[int, ...] = (2017,), start: int = 2017, end: int = 2020,
                  ledger: Any = None) -> None:
    """Register ``codes`` (1331-CIC class A, one university) and allocate SUPPORT money for each
    of ``years``; in one atomic batch per 100 projects so thousands take seconds."""
    from ledger.context import Actor, CommandContext

    department = CommandContext(Actor(token_id="bench", role="department",
                                      organisation="department"))
    app = ledger or open_ledger(database_url)
    try:
        for offset in range(0, len(codes), 100):
            chunk = codes[offset: offset + 100]
            ops: list[Any] = []
            for code in chunk:
                ops.append(lambda code=code: app.register_project(
                    department, code=code, program="1331-CIC", university_code=UNIVERSITY,
                    university_name=UNIVERSITY_NAME, name=f"压测项目 {code}", project_class="A",
                    period_start_year=start, period_end_year=end, lead="张教授", platforms=[],
                    booked_on=date(start, 1, 1)))
                for year in years:
                    ops.append(lambda code=code, year=year: app.allocate(
                        department, code, source="SUPPORT", appropriation_year=year,
                        amount=Decimal(amount), document_no=f"晋财教〔{year}〕1号",
                        booked_on=date(year, 3, 1)))
            app.run_atomic(ops)
    finally:
        if ledger is None:
            app.close()


def catch_up_projections(database_url: str) -> None:
    ledger_cli("projections", "rebuild", "--quiet", env={"LEDGER_DATABASE_URL": database_url},
               timeout=1800)


@contextmanager
def running(database_url: str, *, workers: int = 2, projection_worker: bool = True,
            extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """``ledger serve`` on a free loopback port (+ the projection worker); stopped on exit."""
    stack = Stack(database_url)
    stack.port = infra.free_port()
    env = {**stack.env(), "LEDGER_PROJECTIONS": "worker" if projection_worker else "embedded",
           "LEDGER_LOG_LEVEL": "warning", **(extra_env or {})}
    with ExitStack() as stop:
        if projection_worker:
            stack.worker = stop.enter_context(_worker(env, stack.log_dir / "worker.log"))
        command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1",
                   "--port", str(stack.port), "--workers", str(workers)]
        stack.api = stop.enter_context(infra.server(command, stack.port, env=env,
                                                    log=stack.log_dir / "api.log",
                                                    ready_path="/healthz"))
        yield stack


@contextmanager
def _worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "projections", "run"],
                                   cwd=infra.REPO, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            time.sleep(0.5)
            if process.poll() is not None:
                raise RuntimeError(f"projection worker exited: {log.read_text()[-1000:]}")
            yield process
        finally:
            infra.stop_process(process)


@contextmanager
def prepared(prefix: str, codes: list[str], **seed: Any) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database with ``codes`` registered and funded."""
    with infra.fresh_database(prefix) as url:
        migrate(url)
        if codes:
            seed_projects(url, codes, **seed)
        yield url


def expenditure_body(seq: int, client: int, amount: str = "1.00") -> dict[str, Any]:
    return {"source": "SUPPORT", "category": "MATERIALS", "amount": amount,
            "booked_on": BOOKED_ON, "voucher_no": f"B{client}-{seq}", "payee": "供应商",
            "description": "压测支出"}


def check_expenditure(status: int, body: Any) -> str | None:
    """An accepted expenditure: 201 and a body naming its id, amount and a log position."""
    if status != 201:
        detail = body.get("type") if isinstance(body, dict) else body
        return f"HTTP {status} {detail}"
    if not isinstance(body, dict) or not body.get("expenditure_id") or not body.get("position"):
        return "201 without expenditure_id/position"
    if body.get("amount") not in ("1.00", "0.01"):
        return f"unexpected amount {body.get('amount')!r}"
    return None
