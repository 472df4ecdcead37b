"""``ledger bench history``: does a posting get dearer as the account's history grows? Time to
post one expenditure into a project account holding ~100 events and into one holding ~100,000.

The long history is built fast with many domain events per ``save()`` (allocations of 1.00
through the Project aggregate's own command method, 1,000 per save). Then, through HTTP, one
client posts alternately into the small and the large account (warm: the server has both in
its aggregate cache) and the medians are compared; and, in a fresh ``Ledger``, the first
posting into each account (cold: snapshot plus at most 200 events replayed) is timed.
Bar: median(large) / median(small) ≤ 1.2.
"""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from loadtests import bench_common, driver, stack


def grow(database_url: str, code: str, events: int, per_save: int = 1000) -> None:
    """Append ``events`` FundsAllocated events to ``code``'s account, ``per_save`` per save."""
    from ledger.context import Actor, CommandContext

    meta = CommandContext(Actor(token_id="bench", role="department",
                                organisation="department")).event_meta()
    app = stack.open_ledger(database_url)
    try:
        done = 0
        while done < events:
            project = app.get_project(code)
            rules = app.program_rules(project.program)
            for _ in range(min(per_save, events - done)):
                project.allocate(rules=rules, meta=meta, source="SUPPORT",
                                 appropriation_year=2017, amount=Decimal("1.00"),
                                 document_no="晋财教〔2017〕1号", booked_on=date(2017, 3, 1))
            done += len(project.pending_events)
            app.save(project)
    finally:
        app.close()


def cold_first_posting(database_url: str, code: str, repeats: int = 3) -> float:
    """Median time of the first expenditure a fresh ``Ledger`` posts into ``code`` (seconds)."""
    from ledger.context import Actor, CommandContext

    office = CommandContext(Actor(token_id="bench-fo", role="finance_office",
                                  organisation=stack.UNIVERSITY))
    times = []
    for _ in range(repeats):
        app = stack.open_ledger(database_url)
        try:
            app.get_program("1331-CIC")
            started = time.perf_counter()
            app.post_expenditure(office, code, source="SUPPORT", category="MATERIALS",
                                 amount=Decimal("1.00"), booked_on=date(2017, 4, 1),
                                 voucher_no=f"cold-{uuid.uuid4().hex[:8]}", payee="供应商",
                                 description="冷启动")
            times.append(time.perf_counter() - started)
        finally:
            app.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = bench_common.parser("history", __doc__, 20.0)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args(argv)
    small, large = "HIST-SMALL", "HIST-LARGE"
    with stack.prepared("history", [small, large]) as url:
        started = time.perf_counter()
        grow(url, small, 100 - 2)
        grow(url, large, args.events - 2)
        print(f"grew accounts to ~100 and ~{args.events:,} events in "
              f"{time.perf_counter() - started:.0f} s")
        cold_small, cold_large = cold_first_posting(url, small), cold_first_posting(url, large)
        print(f"cold first posting: small {cold_small * 1000:.1f} ms, "
              f"large {cold_large * 1000:.1f} ms")
        tokens = stack.create_tokens(url)
        run = uuid.uuid4().hex[:6]
        with stack.running(url) as running:
            running.tokens = tokens

            def request(client: int, seq: int) -> tuple[str, str, Any, dict[str, str]]:
                body = stack.expenditure_body(seq, client)
                body["voucher_no"] = f"H{run}-{seq}"
                return ("POST", f"/v1/projects/{(small, large)[seq % 2]}/expenditures", body,
                        {"Idempotency-Key": f"H{run}-{seq}"})

            stats = _alternating(running, request, args.duration)
    small_times, large_times = stats
    med_small = statistics.median(small_times) * 1000
    med_large = statistics.median(large_times) * 1000
    print(f"warm, through HTTP, 1 client alternating: small median {med_small:.2f} ms "
          f"({len(small_times)}), large median {med_large:.2f} ms ({len(large_times)})")
    ratio = med_large / med_small
    print(f"ratio large / small: {ratio:.2f} (cold: {cold_large / cold_small:.2f})")
    return bench_common.verdict("history", ratio, f"x ({args.events:,} vs 100 events)", "<= 1.2",
                                ratio <= 1.2)


def _alternating(running: stack.Stack, request: Any, duration: float
                 ) -> tuple[list[float], list[float]]:
    """One connection posting alternately into both accounts; per-account latencies."""
    import asyncio

    async def go() -> tuple[list[float], list[float]]:
        conn = driver.Connection("127.0.0.1", running.port, running.headers("finance_office"))
        times: tuple[list[float], list[float]] = ([], [])
        stop = time.monotonic() + duration
        seq = 0
        try:
            while time.monotonic() < stop:
                method, path, body, headers = request(0, seq)
                started = time.perf_counter()
                status, raw = await conn.request(method, path, body, headers)
                elapsed = time.perf_counter() - started
                if status != 201:
                    raise RuntimeError(f"posting failed: {status} {raw[:300]!r}")
                if seq >= 20:  # the first ones warm the caches
                    times[seq % 2].append(elapsed)
                seq += 1
        finally:
            conn.close()
        return times

    return asyncio.run(go())


if __name__ == "__main__":
    raise SystemExit(main())
