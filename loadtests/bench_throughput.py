"""``ledger bench throughput``: expenditures posted through HTTP on PostgreSQL by 16 concurrent
clients on 16 projects, beside the two physical limits measured in the same run:
(a) the HTTP-plus-commit floor (minimal FastAPI INSERT app, same uvicorn settings, same load
generator) and (b) pgbench's one-row INSERT. Bar: ledger ≥ 0.7 × (a) (moonshot 0.9 ×).

The three are measured in interleaved rounds (ledger, floor, pgbench; ``--rounds`` times,
``--duration`` split evenly) with both servers up throughout, so that a machine shared with
other work loads all three alike and the ratios stay fair.
"""

from __future__ import annotations

from loadtests import bench_common, driver, floor, infra, stack


def main(argv: list[str] | None = None) -> int:
    parser = bench_common.parser("throughput", __doc__, 60.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    slice_ = args.duration / args.rounds
    codes = bench_common.project_codes("BENCH", 16)
    ledger_stats, floor_stats, tps = driver.Stats(), driver.Stats(), []
    with stack.prepared("bench", codes) as url, infra.fresh_database("floor") as floor_url:
        tokens = stack.create_tokens(url)
        with stack.running(url) as running, floor.floor_server(floor_url) as floor_port:
            running.tokens = tokens
            for round_ in range(args.rounds):
                warmup = 3.0 if round_ == 0 else 1.0
                ledger_stats = ledger_stats.merge(bench_common.post_expenditures(
                    running, codes, connections=args.connections, duration=slice_,
                    warmup=warmup))
                floor_stats = floor_stats.merge(floor.drive_floor(
                    floor_port, connections=args.connections, duration=slice_, warmup=warmup))
                tps.append(floor.measure_pgbench(floor_url, clients=args.connections,
                                                 duration=slice_))
    pgbench = sum(tps) / len(tps)
    print(ledger_stats.summary(f"ledger expenditures, {args.connections} clients on 16 projects"))
    if ledger_stats.errors:
        print("failures:", ledger_stats.errors)
    print(floor_stats.summary(f"floor (a) minimal FastAPI INSERT, {args.connections} "
                              "connections"))
    print(f"pgbench (b) one-row INSERT, {args.connections} clients: {pgbench:,.0f} tx/s "
          f"(rounds: {', '.join(f'{t:,.0f}' for t in tps)})")
    ratio = ledger_stats.rate / floor_stats.rate
    print(f"ratio ledger / floor (a): {ratio:.2f}")
    print(f"ratio ledger / pgbench (b): {ledger_stats.rate / pgbench:.2f}")
    return bench_common.verdict(
        "throughput", ledger_stats.rate, "postings/s",
        f">= 0.7 x floor {floor_stats.rate:,.0f} = {0.7 * floor_stats.rate:,.0f}",
        ratio >= 0.7 and ledger_stats.failed == 0)


if __name__ == "__main__":
    raise SystemExit(main())
