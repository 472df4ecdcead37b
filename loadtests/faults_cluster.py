"""A private PostgreSQL cluster that the fault harness may stop and start at will.

Restarting PostgreSQL under the other engineers' tests would break them, so the harness always
runs its own cluster on its own port (``scripts/pg.sh`` with ``LEDGER_PG_PORT``, default 54339),
and stops it again at the end if it started it. ``stop(mode)`` is ``pg_ctl stop -m fast`` (clean
disconnect of every session) or ``-m immediate`` (a crash: no shutdown checkpoint, recovery from
the WAL at the next start).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

REPO = Path(__file__).resolve().parent.parent
PGBIN = Path(os.environ.get("LEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))
DEFAULT_PORT = 54339


@dataclass
class Cluster:
    """One ``scripts/pg.sh`` cluster, addressed by its port."""

    port: int = DEFAULT_PORT

    def _pg_sh(self, *args: str, timeout: float = 180) -> str:
        out = subprocess.run(["bash", str(REPO / "scripts/pg.sh"), *args], cwd=REPO,
                             env={**os.environ, "LEDGER_PG_PORT": str(self.port)},
                             capture_output=True, text=True, timeout=timeout, check=False)
        if out.returncode not in (0, 3):
            raise RuntimeError(f"pg.sh {' '.join(args)} failed: {out.stderr[-800:]}")
        return out.stdout.strip()

    @property
    def url(self) -> str:
        return self._pg_sh("url")

    @property
    def data_dir(self) -> Path:
        return Path(self._pg_sh("dir")) / "data"

    def running(self) -> bool:
        return self._pg_sh("status").startswith("running")

    def start(self) -> None:
        self._pg_sh("start")

    def stop(self, mode: str = "fast") -> None:
        """``pg_ctl stop -m fast|immediate`` (as the server's OS user when we are root); raises
        if the server is still running afterwards."""
        if mode not in ("fast", "immediate", "smart"):
            raise ValueError(f"unknown shutdown mode {mode!r}")
        command = [str(PGBIN / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "-t",
                   "60", "stop"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=90,
                              check=False)
        if self.running():
            raise RuntimeError(f"pg_ctl stop -m {mode} left the server running: "
                               f"{done.stderr[-500:]}")

    @contextmanager
    def database(self, prefix: str = "faults") -> Iterator[str]:
        """A fresh empty database on this cluster (dropped afterwards when reachable)."""
        base = self.url
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunparse(urlparse(base)._replace(path=f"/{name}"))
        finally:
            if self.running():
                with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def own_cluster(port: int = DEFAULT_PORT) -> Iterator[Cluster]:
    """The cluster on ``port``, started if needed and stopped afterwards if we started it."""
    cluster = Cluster(port)
    started = not cluster.running()
    cluster.start()
    try:
        yield cluster
    finally:
        if started:
            cluster.stop("fast")
