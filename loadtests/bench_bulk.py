"""``ledger bench bulk``: bulk import through ``POST /v1/batches`` — 500 expenditures per atomic
request, 4 concurrent clients each on its own projects — against pgbench's one-row INSERT rate
measured in the same run. Bar: postings/s ≥ 0.3 × pgbench (moonshot 0.5 ×).
"""

from __future__ import annotations

import uuid
from typing import Any

from loadtests import bench_common, driver, floor, infra, stack

BATCH = 500


def check_batch(status: int, body: Any) -> str | None:
    """Every operation of the batch accepted, each with its own position."""
    if status != 201 and status != 200:
        return f"HTTP {status} {body.get('type') if isinstance(body, dict) else body}"
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list) or len(results) != BATCH:
        return "batch answer without one result per operation"
    if any(r.get("status") != 201 or not r.get("body", {}).get("position") for r in results):
        return "an operation of the batch was not posted"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = bench_common.parser("bulk", __doc__, 30.0)
    parser.set_defaults(connections=4)
    args = parser.parse_args(argv)
    codes = bench_common.project_codes("BULK", 4 * args.connections)
    run = uuid.uuid4().hex[:6]

    def request(client: int, seq: int) -> tuple[str, str, Any, dict[str, str]]:
        operations = []
        for i in range(BATCH):
            body = stack.expenditure_body(seq, client, amount="0.01")
            body["voucher_no"] = f"{run}-{client}-{seq}-{i}"
            operations.append({"op": "expenditure",
                               "project": codes[client * 4 + i % 4],
                               "idempotency_key": f"{run}-{client}-{seq}-{i}", "body": body})
        return "POST", "/v1/batches", {"atomic": True, "operations": operations}, {}

    with stack.prepared("bulk", codes) as url:
        tokens = stack.create_tokens(url)
        with stack.running(url) as running:
            running.tokens = tokens
            stats = driver.closed_loop("127.0.0.1", running.port, request,
                                       connections=args.connections, duration=args.duration,
                                       warmup=0.0, headers=running.headers("finance_office"),
                                       check=check_batch)
    postings = stats.rate * BATCH
    print(stats.summary(f"batches of {BATCH}, {args.connections} clients"))
    if stats.errors:
        print("failures:", stats.errors)
    print(f"postings/s through batches: {postings:,.0f}")
    with infra.fresh_database("floor") as url:
        tps = floor.measure_pgbench(url, clients=16, duration=min(args.duration, 20.0))
    print(f"pgbench (b) one-row INSERT, 16 clients: {tps:,.0f} tx/s")
    print(f"ratio postings / pgbench: {postings / tps:.2f}")
    return bench_common.verdict("bulk", postings, "postings/s",
                                f">= 0.3 x pgbench {tps:,.0f} = {0.3 * tps:,.0f}",
                                postings >= 0.3 * tps and stats.failed == 0)


if __name__ == "__main__":
    raise SystemExit(main())
