"""``ledger bench rebuild``: rebuild every projection from a generated history of ≥ 1,000,000
events and report events per second and peak memory (bar: 50,000 events/s, quality.md).

    ledger bench rebuild                      # SQLite file in a temporary directory
    ledger bench rebuild --postgres           # a fresh database on the test server (scripts/pg.sh)
    ledger bench rebuild --database-url URL   # or LEDGER_DATABASE_URL; an empty database
    ledger bench rebuild --events 20000       # a small run
    ledger bench rebuild --keep ...           # keep the generated database (its URL is printed)
    ledger bench rebuild --rebuild-only --database-url URL   # time a rebuild of a kept one

The history is written by loadtests/bench_rebuild_history.py; the rebuild then runs in a fresh
child process so that its peak RSS is the rebuild's own. The last line is
``bench rebuild: <N> events/s (bar 50000) ok|missed``; the exit code is 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

BAR = 50_000
ROOT = Path(__file__).resolve().parent.parent


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ledger bench rebuild", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="events to generate")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("LEDGER_DATABASE_URL"))
    parser.add_argument("--postgres", action="store_true",
                        help="use a fresh database on the test server (scripts/pg.sh)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--bar", type=int, default=BAR, help="events/s to reach")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-only", action="store_true",
                        help="only rebuild (and time) the read models of --database-url, "
                        "e.g. a database kept by an earlier --keep run")
    return parser.parse_args(list(argv))


def ledger_for(url: str) -> Any:
    from ledger.application import Ledger
    from ledger.store import event_store_env

    env = {f"LEDGER_{k}": v for k, v in event_store_env(url).items()}
    env["LEDGER_CREATE_TABLE"] = "no"
    env["LEDGER_AGGREGATE_CACHE_MAXSIZE"] = "100"
    return Ledger(env, today=lambda: date(2030, 1, 1))


def peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM; ``ru_maxrss`` survives exec on Linux and
    would report the parent's peak)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def rebuild_only(url: str) -> int:
    """Child process: rebuild everything, print one JSON line of figures."""
    from projections.engine import ProjectionEngine

    app = ledger_for(url)
    engine = ProjectionEngine(app, url)
    rss_before = peak_rss_kb()
    started, cpu_started = time.perf_counter(), time.process_time()
    scanned = engine.rebuild()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_peak = peak_rss_kb()
    report_ms = []
    for _ in range(30):  # the execution-rate report over every project, warm (quality.md)
        begun = time.perf_counter()
        engine.read_models.execution_rates(2019, as_of=date(2019, 6, 30))
        report_ms.append((time.perf_counter() - begun) * 1000)
    report_ms.sort()
    print(json.dumps({"report_p95_ms": report_ms[int(len(report_ms) * 0.95) - 1],
                      "report_p50_ms": report_ms[len(report_ms) // 2],"events": scanned, "seconds": seconds, "cpu_seconds": cpu, "rss_before_kb": rss_before,
                      "rss_peak_kb": rss_peak,
                      "lag": max(s["lag_events"] for s in engine.status())}))
    engine.close()
    app.close()
    return 0


def _pg_database() -> tuple[str, str, str]:
    subprocess.run(["bash", str(ROOT / "scripts/pg.sh"), "start"], check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.run(["bash", str(ROOT / "scripts/pg.sh"), "url"], check=True,
                            capture_output=True, text=True).stdout.strip()
    name = f"bench_{uuid.uuid4().hex[:10]}"
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server, name, server.rsplit("/", 1)[0] + "/" + name


def _drop_pg(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def main(argv: Sequence[str] = ()) -> int:
    args = parse(argv)
    if args.child:
        return rebuild_only(args.database_url)
    if args.rebuild_only and not args.database_url:
        raise SystemExit("--rebuild-only needs --database-url")
    from loadtests.bench_rebuild_history import generate
    from projections.schema import apply_migrations

    cleanup: Any = None
    tmp = None
    if args.postgres:
        server, name, url = _pg_database()
        cleanup = lambda: _drop_pg(server, name)
    elif args.database_url:
        url = args.database_url
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench-rebuild-")
        url = f"sqlite:///{tmp.name}/ledger.sqlite"
    try:
        apply_migrations(url)
        if not args.rebuild_only:
            app = ledger_for(url)
            started = time.perf_counter()
            written = generate(app, args.events, projects=args.projects)
            generation = time.perf_counter() - started
            head = app.recorder.max_notification_id()
            app.close()
            print(f"generated {written:,} events ({head:,} in the log) over {args.projects} "
                  f"projects × 5 years in {generation:.1f} s "
                  f"({written / generation:,.0f} events/s)")
        child = subprocess.run(
            [sys.executable, "-m", "loadtests.bench_rebuild", "--child",
             "--database-url", url], cwd=ROOT, capture_output=True, text=True, check=True)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        if args.keep or args.rebuild_only:
            print(f"database kept: {url}")
        if cleanup is not None and not args.keep:
            cleanup()
        if tmp is not None and not args.keep:
            tmp.cleanup()
    rate = figures["events"] / figures["seconds"]
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"rebuild of every projection on {backend}: {figures['events']:,} events in "
          f"{figures['seconds']:.1f} s; peak RSS {figures['rss_peak_kb'] / 1024:.0f} MB "
          f"(process before rebuild {figures['rss_before_kb'] / 1024:.0f} MB); lag after: "
          f"{figures['lag']}; this process's CPU time {figures['cpu_seconds']:.1f} s "
          f"({figures['events'] / figures['cpu_seconds']:,.0f} events per CPU second); load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"execution-rate report (2019, as of 2019-06-30, every project), warm: p50 "
          f"{figures['report_p50_ms']:.1f} ms, p95 {figures['report_p95_ms']:.1f} ms "
          "(informational; the report bar is 50 ms)")
    verdict = "ok" if rate >= args.bar and figures["events"] >= 1 else "missed"
    print(f"bench rebuild: {rate:.0f} events/s (bar {args.bar}) {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
