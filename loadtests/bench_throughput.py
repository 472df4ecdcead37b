"""``ledger bench throughput``: expenditures posted through HTTP on PostgreSQL by 16 concurrent
clients on 16 projects, beside the two physical limits measured in the same run:
(a) the HTTP-plus-commit floor (minimal FastAPI INSERT app, same uvicorn settings, same load
generator) and (b) pgbench's one-row INSERT. Bar: ledger ≥ 0.7 × (a) (moonshot 0.9 ×).
"""

from __future__ import annotations

from loadtests import bench_common, floor, infra


def main(argv: list[str] | None = None) -> int:
    args = bench_common.parser("throughput", __doc__, 60.0).parse_args(argv)
    stats, _, _ = bench_common.throughput_run(args.connections, args.duration)
    print(stats.summary(f"ledger expenditures, {args.connections} clients on 16 projects"))
    if stats.errors:
        print("failures:", stats.errors)
    with infra.fresh_database("floor") as url:
        limits = floor.measure(url, connections=args.connections, duration=args.duration)
    print(f"ratio ledger / floor (a): {stats.rate / limits.floor:.2f}")
    print(f"ratio ledger / pgbench (b): {stats.rate / limits.pgbench:.2f}")
    ratio = stats.rate / limits.floor
    ok = ratio >= 0.7 and stats.failed == 0
    return bench_common.verdict("throughput", stats.rate, "postings/s",
                                f">= 0.7 x floor {limits.floor:,.0f} = {0.7 * limits.floor:,.0f}",
                                ok)


if __name__ == "__main__":
    raise SystemExit(main())
