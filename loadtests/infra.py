"""What every benchmark needs: a PostgreSQL database, a free loopback port, a server subprocess.

PostgreSQL comes from ``LEDGER_DATABASE_URL`` when it names a postgresql:// URL, else from the
private test cluster (``scripts/pg.sh start``, the same way the tests start it). Each bench
works in its own fresh database so runs never see each other's data.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

REPO = Path(__file__).resolve().parent.parent
PGBIN = Path(os.environ.get("LEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))


def server_url() -> str:
    """The URL of a PostgreSQL server to benchmark on (started if it is the test cluster)."""
    url = os.environ.get("LEDGER_DATABASE_URL", "")
    if url.startswith(("postgresql://", "postgres://")):
        return url
    subprocess.run(["bash", str(REPO / "scripts/pg.sh"), "start"], check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    out = subprocess.run(["bash", str(REPO / "scripts/pg.sh"), "url"], check=True,
                         capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def with_dbname(url: str, dbname: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{dbname}"))


@contextmanager
def fresh_database(prefix: str = "bench") -> Iterator[str]:
    """A new empty database on the benchmark server, dropped afterwards."""
    base = server_url()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_dbname(base, name)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"server did not listen on 127.0.0.1:{port} within {timeout} s")


def uvicorn_command(app: str, port: int, workers: int = 2, factory: bool = False) -> list[str]:
    """uvicorn as ``ledger serve`` runs it: uvloop, httptools, no access log, N workers."""
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
               "--no-access-log", "--log-level", "warning"]
    if factory:
        command.append("--factory")
    return command


@contextmanager
def server(command: Sequence[str], port: int, env: dict[str, str] | None = None,
           log: Path | None = None, ready_path: str | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (listening on ``port``) in its own process group; stop it afterwards."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(list(command), env={**os.environ, **(env or {})}, cwd=REPO,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, process)
        if ready_path:
            _wait_ready(port, ready_path)
        yield process
    finally:
        stop_process(process)
        if log:
            out.close()  # type: ignore[union-attr]


def _wait_ready(port: int, path: str, timeout: float = 60.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{path} did not answer within {timeout} s")


def stop_process(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the process group we started, SIGKILL it if it does not stop in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


def process_tree_pids(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def rss_mb(pid: int) -> float:
    """Resident set size of one process in MB (VmRSS)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
