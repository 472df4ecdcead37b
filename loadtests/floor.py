"""The two physical limits every throughput figure is compared with (quality.md, Performance).

(a) the HTTP-plus-commit floor: :mod:`loadtests.floor_app` under uvicorn (2 workers), driven by
    :mod:`loadtests.driver` at the same concurrency as the ledger run;
(b) pgbench's one-row INSERT at the same concurrency: the database's commit rate.

``python -m loadtests.floor [--duration S] [--connections N]`` prints both.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import psycopg

from loadtests import driver, infra
from loadtests.floor_app import DDL

PGBENCH_SCRIPT = (
    "INSERT INTO floor_events (originator_id, originator_version, topic, state) VALUES "
    "(gen_random_uuid(), 1, 'ledger.project:Project.ExpenditurePosted', "
    "'\\x7b22616d6f756e74223a7b225f747970655f223a22646563696d616c5f737472222c225f646174615f"
    "223a2231302e3030227d7d'::bytea);\n"
)


@dataclass
class Limits:
    floor: float  # HTTP requests/s, each one committed INSERT
    pgbench: float  # one-row INSERT transactions/s
    floor_stats: driver.Stats | None = None


def prepare(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(DDL)


@contextmanager
def floor_server(database_url: str, workers: int = 2) -> Iterator[int]:
    """The floor app under uvicorn on a free loopback port (yields the port)."""
    prepare(database_url)
    port = infra.free_port()
    command = infra.uvicorn_command("loadtests.floor_app:app", port, workers=workers)
    with infra.server(command, port, env={"FLOOR_DATABASE_URL": database_url},
                      ready_path="/health"):
        yield port


def drive_floor(port: int, *, connections: int = 16, duration: float = 10.0,
                warmup: float = 3.0) -> driver.Stats:
    """Closed-loop INSERT requests against a running floor app."""
    return driver.closed_loop(
        "127.0.0.1", port, lambda c, s: ("POST", "/rows", None, {}),
        connections=connections, duration=duration, warmup=warmup,
        check=lambda status, body: None if status == 201 else f"HTTP {status}",
    )


def measure_floor(database_url: str, *, connections: int = 16, duration: float = 10.0,
                  workers: int = 2) -> driver.Stats:
    """Requests/s of the minimal INSERT-per-request FastAPI app at ``connections``."""
    with floor_server(database_url, workers) as port:
        return drive_floor(port, connections=connections, duration=duration,
                           warmup=min(3.0, duration / 4))


def measure_pgbench(database_url: str, *, clients: int = 16, duration: float = 10.0) -> float:
    """pgbench's one-row INSERT rate (transactions/s) at ``clients``."""
    prepare(database_url)
    url = urlparse(database_url)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "insert.sql"
        script.write_text(PGBENCH_SCRIPT)
        command = [
            str(infra.PGBIN / "pgbench"), "-n", "-f", str(script), "-c", str(clients), "-j", "2",
            "-T", str(max(1, int(duration))), "-h", url.hostname or "127.0.0.1",
            "-p", str(url.port or 5432), "-U", url.username or "postgres", url.path.lstrip("/"),
        ]
        env = {"PGPASSWORD": url.password or ""}
        out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False,
                             env={**os.environ, **env})
    match = re.search(r"tps = ([\d.]+)", out.stdout)
    if out.returncode != 0 or not match:
        raise RuntimeError(f"pgbench failed: {out.stdout[-500:]} {out.stderr[-500:]}")
    return float(match.group(1))


def measure(database_url: str, *, connections: int = 16, duration: float = 10.0) -> Limits:
    stats = measure_floor(database_url, connections=connections, duration=duration)
    print(stats.summary(f"floor (a) minimal FastAPI INSERT, {connections} connections"))
    tps = measure_pgbench(database_url, clients=connections, duration=duration)
    print(f"pgbench (b) one-row INSERT, {connections} clients: {tps:,.0f} tx/s")
    return Limits(floor=stats.rate, pgbench=tps, floor_stats=stats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    with infra.fresh_database("floor") as url:
        measure(url, connections=args.connections, duration=args.duration)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
