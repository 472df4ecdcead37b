"""The service's processes as the fault harness runs them, and kills them.

``ledger serve`` (uvicorn, N workers) and ``ledger projections run`` are started as separate
processes in their own process groups, exactly as an operator runs them. ``kill()`` sends SIGKILL
to every process of the tree at once — no shutdown hook runs, open transactions die with their
connections — and ``start()`` brings a fresh one up on the same port; ``kill_one_worker()``
SIGKILLs a single uvicorn worker, which the uvicorn master replaces by itself.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from loadtests.infra import process_tree_pids

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Supervised:
    """One restartable command whose output is appended to ``log``."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0
    held: bool = False  # the injector is killing/restarting it: the watchdog keeps off
    _out: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        if self._out is None:
            self._out = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self._out.write(f"\n===== start {self.starts + 1} of {self.name}\n".encode())
        self._out.flush()
        self.process = subprocess.Popen(self.command, cwd=REPO, env={**os.environ, **self.env},
                                        stdout=self._out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.starts += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> int:
        """SIGKILL the whole process tree (master and workers at once); how many died."""
        if self.process is None:
            return 0
        pids = process_tree_pids(self.process.pid)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)
        _reap(pids)
        self.kills += 1
        return len(pids)

    def kill_one_worker(self, rng: random.Random) -> int | None:
        """SIGKILL one uvicorn worker process (the master replaces it); its pid, or None."""
        if self.process is None:
            return None
        workers = [pid for pid in process_tree_pids(self.process.pid)
                   if pid != self.process.pid and not _zombie(pid)
                   and b"spawn_main" in _cmdline(pid)]
        if not workers:
            return None
        victim = rng.choice(workers)
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            return None
        self.kills += 1
        return victim

    def stop(self) -> None:
        """A polite stop at the end of the run (SIGTERM to the group, then SIGKILL)."""
        if self.alive():
            assert self.process is not None
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
            except ProcessLookupError:
                pass
        if self._out is not None:
            self._out.close()
            self._out = None


def _reap(pids: list[int], timeout: float = 10.0) -> None:
    """Wait until the killed pids are gone (the workers are not our children)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in pids):
            return
        time.sleep(0.05)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def api_server(port: int, workers: int, env: dict[str, str], log: Path) -> Supervised:
    command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port",
               str(port), "--workers", str(workers)]
    return Supervised("api", command, env, log)


def projection_worker(env: dict[str, str], log: Path) -> Supervised:
    return Supervised("projections", [sys.executable, "-m", "service.cli", "projections", "run"],
                      env, log)


def wait_listening(port: int, timeout: float = 60.0) -> bool:
    """True once ``GET /healthz`` answers at all (any status) on ``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return True
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    return False
