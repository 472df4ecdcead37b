"""``ledger bench memory``: resident memory of each API process (uvicorn's workers and their
supervisor) during the throughput run, sampled every 0.5 s. Bar: every process ≤ 250 MB.
"""

from __future__ import annotations

from loadtests import bench_common


def main(argv: list[str] | None = None) -> int:
    args = bench_common.parser("memory", __doc__, 60.0).parse_args(argv)
    stats, samples, _ = bench_common.throughput_run(args.connections, args.duration, sample=True)
    assert samples is not None
    print(stats.summary(f"ledger expenditures, {args.connections} clients on 16 projects"))
    for pid, mb in sorted(samples.rss.items()):
        print(f"API process {pid}: peak RSS {mb:.0f} MB")
    peak = max(samples.rss.values(), default=0.0)
    return bench_common.verdict("memory", peak, "MB peak RSS per API process", "<= 250 MB",
                                0 < peak <= 250 and stats.ok > 0)


if __name__ == "__main__":
    raise SystemExit(main())
