"""``ledger bench latency``: posting latency at half the maximum throughput. First a closed-loop
run at 16 clients measures the maximum; then an open-loop run starts expenditures at half that
rate (whatever the answers do, so queueing counts: no coordinated omission) and reports p50 and
p99 from each request's scheduled start. Bar: p99 ≤ 50 ms.
"""

from __future__ import annotations

import uuid
from typing import Any

from loadtests import bench_common, driver, stack


def main(argv: list[str] | None = None) -> int:
    args = bench_common.parser("latency", __doc__, 30.0).parse_args(argv)

    def at_half(running: stack.Stack, codes: list[str]) -> Any:
        peak = bench_common.post_expenditures(running, codes, connections=args.connections,
                                              duration=max(5.0, args.duration / 2))
        rate = max(1.0, peak.rate / 2)
        run = uuid.uuid4().hex[:6]

        def request(client: int, seq: int) -> tuple[str, str, Any, dict[str, str]]:
            body = stack.expenditure_body(seq, client)
            body["voucher_no"] = f"L{run}-{seq}"
            return ("POST", f"/v1/projects/{codes[seq % len(codes)]}/expenditures", body,
                    {"Idempotency-Key": f"L{run}-{seq}"})

        return peak, rate, driver.open_loop(
            "127.0.0.1", running.port, request, rate=rate, duration=args.duration,
            connections=64, headers=running.headers("finance_office"),
            check=stack.check_expenditure)

    _, _, (peak, rate, stats) = bench_common.throughput_run(args.connections, 3.0, then=at_half)
    print(peak.summary("maximum (closed loop)"))
    print(stats.summary(f"open loop at {rate:,.0f} req/s (half the maximum)"))
    if stats.errors:
        print("failures:", stats.errors)
    p99 = stats.percentile(99) * 1000
    print(f"p50 {stats.percentile(50) * 1000:.1f} ms, p99 {p99:.1f} ms")
    return bench_common.verdict("latency", p99, "ms p99", "<= 50 ms",
                                p99 <= 50 and stats.failed == 0)


if __name__ == "__main__":
    raise SystemExit(main())
