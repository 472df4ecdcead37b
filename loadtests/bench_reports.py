"""``ledger bench reports``: the execution-rate report (执行率) over 1,000 projects with five
fiscal years each, through HTTP, warm (read models current, repeated requests). Each project
gets an allocation and two expenditures per year 2017–2021 and its years 2017–2020 closed,
written through the ``Ledger`` (atomic batches) and projected by ``ledger projections rebuild``.
Bar: p95 ≤ 50 ms.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

from loadtests import bench_common, driver, stack

YEARS = tuple(range(2017, 2022))


def seed_history(database_url: str, codes: list[str], chunk: int = 50) -> None:
    """Five years of allocations, expenditures and closes for each project."""
    from ledger.context import Actor, CommandContext

    department = CommandContext(Actor(token_id="bench", role="department",
                                      organisation="department"))
    office = CommandContext(Actor(token_id="bench-fo", role="finance_office",
                                  organisation=stack.UNIVERSITY))
    stack.seed_projects(database_url, codes, amount="1000000.00", years=(), start=YEARS[0],
                        end=YEARS[-1])
    app = stack.open_ledger(database_url)

    def history_of(chunk_codes: list[str]) -> None:
        ops: list[Any] = []
        for code in chunk_codes:
            for year in YEARS:
                ops.append(lambda code=code, year=year: app.allocate(
                    department, code, source="SUPPORT", appropriation_year=year,
                    amount=Decimal("1000000.00"), document_no=f"晋财教〔{year}〕1号",
                    booked_on=date(year, 3, 1)))
                for n, amount in enumerate(("120000.00", "230000.00")):
                    ops.append(lambda code=code, year=year, n=n, amount=amount:
                               app.post_expenditure(
                                   office, code, source="SUPPORT", category="MATERIALS",
                                   amount=Decimal(amount), booked_on=date(year, 6 + n, 1),
                                   voucher_no=f"{year}-{n}", payee="供应商",
                                   description="设备购置"))
                if year != YEARS[-1]:
                    ops.append(lambda code=code, year=year:
                               app.close_project_year(department, code, year))
        app.run_atomic(ops)

    try:  # four threads: concurrent batches share transactions (group commit)
        with ThreadPoolExecutor(4) as pool:
            chunks = [codes[i: i + chunk] for i in range(0, len(codes), chunk)]
            list(pool.map(history_of, chunks))
    finally:
        app.close()


def main(argv: list[str] | None = None) -> int:
    parser = bench_common.parser("reports", __doc__, 20.0)
    parser.add_argument("--projects", type=int, default=1000)
    args = parser.parse_args(argv)
    codes = [f"RPT-{i:04d}-{uuid.uuid4().hex[:4]}" for i in range(args.projects)]
    with stack.prepared("reports", []) as url:
        started = time.perf_counter()
        seed_history(url, codes)
        print(f"seeded {len(codes)} projects x {len(YEARS)} years in "
              f"{time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        stack.catch_up_projections(url)
        print(f"read models rebuilt in {time.perf_counter() - started:.0f} s")
        tokens = stack.create_tokens(url)
        with stack.running(url) as running:
            running.tokens = tokens

            def check(status: int, body: Any) -> str | None:
                if status != 200:
                    return f"HTTP {status}"
                rows = body.get("rows") if isinstance(body, dict) else None
                if not isinstance(rows, list) or len(rows) != len(codes):
                    return f"report has {len(rows or [])} rows, expected {len(codes)}"
                if any(r.get("spent") != "350000.00" for r in rows):
                    return "a row's spent is not 350000.00"
                return None

            path = "/v1/reports/execution-rates?year=2021&as_of=2021-12-31"
            stats = driver.closed_loop("127.0.0.1", running.port,
                                       lambda c, s: ("GET", path, None, {}), connections=1,
                                       duration=args.duration, warmup=3.0,
                                       headers=running.headers("department"), check=check)
    print(stats.summary(f"execution-rate report, {len(codes)} projects, 1 client"))
    if stats.errors:
        print("failures:", stats.errors)
    p95 = stats.percentile(95) * 1000
    print(f"p50 {stats.percentile(50) * 1000:.1f} ms, p95 {p95:.1f} ms")
    return bench_common.verdict("reports", p95, "ms p95", "<= 50 ms",
                                p95 <= 50 and stats.failed == 0 and stats.ok > 0)


if __name__ == "__main__":
    raise SystemExit(main())
