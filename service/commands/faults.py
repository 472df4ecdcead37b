"""``ledger faults run --kills N --duration SECONDS [--db-restarts M]``: the fault harness.

Runs the real service (``ledger serve`` + ``ledger projections run``) against a private
PostgreSQL cluster on its own port, kill -9s the processes and restarts PostgreSQL during a load
of idempotent postings, then checks that every acknowledged posting is stored exactly once
(docs/reliability.md). The last line printed is the verdict::

    faults: sent=.. acknowledged=.. found=.. duplicates=.. lost=.. verify=ok|failed

and the exit code is 0 only when duplicates=0, lost=0 and verify=ok. Never point it at a
cluster other processes use: it stops that cluster's server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("faults", help="fault injection: kill -9 and database "
                                   "restarts under load, then check nothing was lost")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = actions.add_parser("run", help="run the harness and print the verdict")
    run.add_argument("--kills", type=int, default=3,
                     help="kill -9 of the API process tree (the projection worker is killed "
                     "about half as often); default 3")
    run.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    run.add_argument("--db-restarts", type=int, default=1,
                     help="PostgreSQL restarts, alternately -m fast and -m immediate (default 1)")
    run.add_argument("--clients", type=int, default=8, help="client threads (default 8)")
    run.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    run.add_argument("--pg-port", type=int, default=None,
                     help="port of the private cluster the harness may restart (default 54339; "
                     "never the shared test cluster's port)")
    run.add_argument("--seed", type=int, help="random seed of the fault schedule")
    run.add_argument("--log-dir", type=Path, help="where process logs go (default /tmp/faults-*)")
    run.set_defaults(func=run_faults)


def run_faults(args: argparse.Namespace) -> int:
    from loadtests.faults_cluster import DEFAULT_PORT
    from loadtests.faults_harness import FaultPlan
    from loadtests.faults_harness import run_faults as run

    if min(args.kills, args.db_restarts) < 0 or args.duration <= 0 or args.clients < 1:
        print("ledger faults: --kills/--db-restarts must be >= 0, --duration > 0, --clients >= 1",
              file=sys.stderr)
        return 2
    plan = FaultPlan(kills=args.kills, duration=args.duration, db_restarts=args.db_restarts,
                     clients=args.clients, workers=args.workers,
                     pg_port=args.pg_port or DEFAULT_PORT, seed=args.seed, log_dir=args.log_dir)
    verdict, _ = run(plan, progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(verdict.line(), flush=True)
    return 0 if verdict.ok else 1
