"""A lean HTTP/1.1 load generator on asyncio streams (keep-alive, one coroutine per connection).

Why not httpx or aiohttp: on a two-core machine the generator shares the CPU with the service
under test; a general-purpose client spends several times more CPU per request than the
service's cheapest endpoint, so it would measure itself. This driver writes pre-encoded requests
and parses only the status line, ``Content-Length`` and the body, which costs a few tens of
microseconds per request (measured: the floor app's rate is the same with 8 and 16 connections).
Loopback only: the target host is checked.

Two modes:
- closed loop (:func:`closed_loop`): N connections, each sends its next request when the
  previous answer arrived — the maximum throughput at concurrency N;
- open loop (:func:`open_loop`): requests start at a fixed rate whatever the answers do, so
  latency includes queueing (no coordinated omission); used for the latency bench.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REQUEST_TIMEOUT = 60.0  # no request may hang a bounded run

# A request factory gets (client index, sequence number) and returns (method, path, body dict or
# None, extra headers). A checker gets (status, parsed body) and returns an error text or None.
RequestFactory = Callable[[int, int], tuple[str, str, Any, dict[str, str]]]
Checker = Callable[[int, Any], str | None]


@dataclass
class Stats:
    """What a run measured: completed requests, their latencies (s) and the failures."""

    duration: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.ok / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def merge(self, other: Stats) -> Stats:
        """This run and ``other`` as one (rounds of an interleaved measurement)."""
        errors = dict(self.errors)
        for text, count in other.errors.items():
            errors[text] = errors.get(text, 0) + count
        return Stats(self.duration + other.duration, self.latencies + other.latencies, errors)

    def add_error(self, text: str) -> None:
        self.errors[text[:120]] = self.errors.get(text[:120], 0) + 1

    def summary(self, label: str) -> str:
        return (
            f"{label}: {self.rate:,.0f} req/s ({self.ok} ok, {self.failed} failed in "
            f"{self.duration:.1f} s); p50 {self.percentile(50) * 1000:.1f} ms, "
            f"p99 {self.percentile(99) * 1000:.1f} ms"
        )


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"load tests target loopback only, not {host!r}")
        self.host, self.port = host, port
        self.headers = headers
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for name, value in {**self.headers, **(headers or {})}.items():
            lines.append(f"{name}: {value}")
        if body is not None:
            lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(payload)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value)
            elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
            return status, data
        return status, await self.reader.readexactly(length) if length else b""


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw[:200]


async def _one(conn: Connection, stats: Stats, factory: RequestFactory, check: Checker | None,
               client: int, seq: int, record: bool) -> None:
    method, path, body, headers = factory(client, seq)
    started = time.perf_counter()
    try:
        status, raw = await asyncio.wait_for(conn.request(method, path, body, headers),
                                             REQUEST_TIMEOUT)
    except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as error:
        conn.close()
        conn.writer = None
        stats.add_error(f"{type(error).__name__}: {error}")
        return
    elapsed = time.perf_counter() - started
    problem = check(status, _parse(raw)) if check else (None if status < 400 else f"HTTP {status}")
    if not record:
        return
    if problem:
        stats.add_error(problem)
    else:
        stats.latencies.append(elapsed)


async def _closed(host: str, port: int, headers: dict[str, str], connections: int,
                  duration: float, warmup: float, factory: RequestFactory,
                  check: Checker | None) -> Stats:
    stats = Stats()
    loop = asyncio.get_running_loop()
    start = loop.time()
    measure_from = start + warmup
    stop = measure_from + duration

    async def client(index: int) -> None:
        conn = Connection(host, port, headers)
        seq = 0
        try:
            while loop.time() < stop:
                await _one(conn, stats, factory, check, index, seq, loop.time() >= measure_from)
                seq += 1
        finally:
            conn.close()

    await asyncio.gather(*(client(i) for i in range(connections)))
    stats.duration = loop.time() - measure_from
    return stats


async def _open(host: str, port: int, headers: dict[str, str], rate: float, duration: float,
                connections: int, factory: RequestFactory, check: Checker | None) -> Stats:
    stats = Stats()
    loop = asyncio.get_running_loop()
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(Connection(host, port, headers))
    pending: set[asyncio.Task[None]] = set()
    start = loop.time()
    total = int(rate * duration)

    async def fire(seq: int, due: float) -> None:
        conn = await idle.get()
        method, path, body, extra = factory(seq % connections, seq)
        try:
            status, raw = await asyncio.wait_for(conn.request(method, path, body, extra),
                                                 REQUEST_TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as error:
            conn.close()
            conn.writer = None
            stats.add_error(f"{type(error).__name__}: {error}")
            idle.put_nowait(conn)
            return
        idle.put_nowait(conn)
        problem = check(status, _parse(raw)) if check else (None if status < 400 else f"HTTP {status}")
        if problem:
            stats.add_error(problem)
        else:  # latency from when the request was due: includes waiting for a connection
            stats.latencies.append(loop.time() - due)

    for seq in range(total):
        due = start + seq / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.ensure_future(fire(seq, due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(pending, timeout=30)
    stats.duration = duration
    return stats


def _run(coro: Any) -> Stats:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.run(coro)


def closed_loop(host: str, port: int, factory: RequestFactory, *, connections: int = 16,
                duration: float = 10.0, warmup: float = 2.0, headers: dict[str, str] | None = None,
                check: Checker | None = None) -> Stats:
    """Maximum throughput at ``connections`` concurrent keep-alive clients."""
    return _run(_closed(host, port, headers or {}, connections, duration, warmup, factory, check))


def open_loop(host: str, port: int, factory: RequestFactory, *, rate: float,
              duration: float = 10.0, connections: int = 64,
              headers: dict[str, str] | None = None, check: Checker | None = None) -> Stats:
    """Requests started at ``rate`` per second; latency measured from each request's due time."""
    return _run(_open(host, port, headers or {}, rate, duration, connections, factory, check))
