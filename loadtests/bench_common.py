"""Shared pieces of the ``ledger bench`` benchmarks: arguments, the posting load, samplers of
projection lag and memory, and the verdict line.

Every bench prints its figures and, last, ``bench NAME: <figure> <unit> (bar <bar>) ok|missed``,
returning exit code 0 when the bar of quality.md is met and 1 when it is missed.
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from loadtests import driver, infra, stack


def parser(name: str, doc: str | None, duration: float) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"ledger bench {name}", description=doc)
    p.add_argument("--duration", type=float, default=duration,
                   help=f"seconds of each measured run (default {duration:g})")
    p.add_argument("--connections", type=int, default=16, help="concurrent clients")
    return p


def verdict(name: str, figure: float, unit: str, bar: str, ok: bool) -> int:
    """Print the last line of a bench and return its exit code."""
    print(f"bench {name}: {figure:,.2f} {unit} (bar {bar}) {'ok' if ok else 'missed'}")
    return 0 if ok else 1


def project_codes(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i:04d}" for i in range(count)]


def post_expenditures(running: stack.Stack, codes: list[str], *, connections: int,
                      duration: float, warmup: float = 3.0) -> driver.Stats:
    """Closed-loop expenditures of 1.00: client ``c`` posts into ``codes[c % len(codes)]``,
    each with its own idempotency key and voucher number; bodies are checked."""
    run = uuid.uuid4().hex[:6]

    def request(client: int, seq: int) -> tuple[str, str, Any, dict[str, str]]:
        code = codes[client % len(codes)]
        body = stack.expenditure_body(seq, client)
        body["voucher_no"] = f"{run}-{client}-{seq}"
        return ("POST", f"/v1/projects/{code}/expenditures", body,
                {"Idempotency-Key": f"{run}-{client}-{seq}"})

    return driver.closed_loop("127.0.0.1", running.port, request, connections=connections,
                              duration=duration, warmup=warmup,
                              headers=running.headers("finance_office"),
                              check=stack.check_expenditure)


@dataclass
class Samples:
    """Projection lag (seconds behind the write) and API memory (MB per process), sampled."""

    lags: list[float] = field(default_factory=list)
    rss: dict[int, float] = field(default_factory=dict)
    unresolved: int = 0

    def lag_percentile(self, p: float) -> float:
        if not self.lags:
            return float("nan")
        ordered = sorted(self.lags)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


class Sampler:
    """Every ``interval`` s: the store's head position, the read models' lowest position and
    the RSS of each API process. A head seen at time t counts as applied when the read models
    reach it; its lag is the time that took (resolution: ``interval``)."""

    def __init__(self, running: stack.Stack, interval: float = 0.05) -> None:
        from projections.engine import MODEL_NAMES

        self.running = running
        self.interval = interval
        self.names = list(MODEL_NAMES)
        self.samples = Samples()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        pending: list[tuple[float, int]] = []
        last_rss = 0.0
        with psycopg.connect(self.running.database_url, autocommit=True) as conn:
            while not self._stop.is_set():
                now = time.monotonic()
                head = conn.execute("SELECT COALESCE(MAX(notification_id), 0) FROM "
                                    "ledger_events").fetchone()[0]  # type: ignore[index]
                applied = conn.execute("SELECT COALESCE(MIN(position), 0) FROM "
                                       "projection_tracking WHERE name = ANY(%s)",
                                       (self.names,)).fetchone()[0]  # type: ignore[index]
                pending.append((now, int(head)))
                while pending and pending[0][1] <= int(applied):
                    seen, _ = pending.pop(0)
                    self.samples.lags.append(now - seen)
                if now - last_rss >= 0.5:
                    last_rss = now
                    for pid in self.running.api_pids():
                        self.samples.rss[pid] = max(self.samples.rss.get(pid, 0.0),
                                                    infra.rss_mb(pid))
                self._stop.wait(self.interval)
        self.samples.unresolved = len(pending)


def throughput_run(connections: int, duration: float, *, projects: int = 16,
                   sample: bool = False, extra_env: dict[str, str] | None = None,
                   then: Callable[[stack.Stack, list[str]], Any] | None = None
                   ) -> tuple[driver.Stats, Samples | None, Any]:
    """Prepare a database with ``projects`` funded projects, serve it, post for ``duration``."""
    codes = project_codes("BENCH", projects)
    with stack.prepared("bench", codes) as url:
        tokens = stack.create_tokens(url)
        with stack.running(url, extra_env=extra_env) as running:
            running.tokens = tokens
            samples = None
            if sample:
                with Sampler(running) as sampler:
                    stats = post_expenditures(running, codes, connections=connections,
                                              duration=duration)
                    time.sleep(2.0)  # let the read models finish the backlog
                samples = sampler.samples
            else:
                stats = post_expenditures(running, codes, connections=connections,
                                          duration=duration)
            extra = then(running, codes) if then else None
    return stats, samples, extra
