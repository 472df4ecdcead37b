"""``ledger bench hot-account``: the same 16 clients first on 16 projects, then all posting
into one project (same server, same run). Bar: one project ≥ 0.5 × the 16-project figure — no
retry storms (the engine serialises a project's commands inside a process and retries with
jitter across the two worker processes).
"""

from __future__ import annotations

from typing import Any

from loadtests import bench_common, driver, stack


def main(argv: list[str] | None = None) -> int:
    args = bench_common.parser("hot-account", __doc__, 30.0).parse_args(argv)

    def hot(running: stack.Stack, codes: list[str]) -> Any:
        return bench_common.post_expenditures(running, codes[:1], connections=args.connections,
                                              duration=args.duration)

    spread, _, hot_stats = bench_common.throughput_run(args.connections, args.duration, then=hot)
    assert isinstance(hot_stats, driver.Stats)
    print(spread.summary(f"{args.connections} clients on 16 projects"))
    print(hot_stats.summary(f"{args.connections} clients on 1 project"))
    for label, stats in (("16 projects", spread), ("1 project", hot_stats)):
        if stats.errors:
            print(f"failures ({label}):", stats.errors)
    ratio = hot_stats.rate / spread.rate if spread.rate else 0.0
    print(f"ratio one project / 16 projects: {ratio:.2f}")
    return bench_common.verdict("hot-account", hot_stats.rate, "postings/s",
                                f">= 0.5 x {spread.rate:,.0f} = {0.5 * spread.rate:,.0f}",
                                ratio >= 0.5 and hot_stats.failed == 0)


if __name__ == "__main__":
    raise SystemExit(main())
