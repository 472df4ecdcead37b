"""``ledger bench lag``: how far the read models (``ledger projections run``, worker mode) trail
the writes during the throughput run. The store's head is sampled every 50 ms; each head's lag
is the time until every read model has applied it. Bar: p99 ≤ 1 s.
"""

from __future__ import annotations

from loadtests import bench_common


def main(argv: list[str] | None = None) -> int:
    args = bench_common.parser("lag", __doc__, 60.0).parse_args(argv)
    stats, samples, _ = bench_common.throughput_run(args.connections, args.duration, sample=True)
    assert samples is not None
    print(stats.summary(f"ledger expenditures, {args.connections} clients on 16 projects"))
    p50, p99 = samples.lag_percentile(50), samples.lag_percentile(99)
    print(f"projection lag over {len(samples.lags)} samples: p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms, max {max(samples.lags, default=0) * 1000:.0f} ms; "
          f"heads never applied: {samples.unresolved}")
    ok = p99 <= 1.0 and samples.unresolved == 0 and stats.ok > 0
    return bench_common.verdict("lag", p99 * 1000, "ms p99", "<= 1000 ms", ok)


if __name__ == "__main__":
    raise SystemExit(main())
