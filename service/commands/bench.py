"""``ledger bench NAME [ARGS...]``: run a benchmark of ``loadtests/`` by name.

The registry maps each name to a module under ``loadtests/`` exposing ``main(argv) -> int``;
a benchmark prints its figures and exits non-zero when its bar (quality.md) is missed. Add a
benchmark by adding one line to ``BENCHMARKS``.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

BENCHMARKS: dict[str, str] = {
    "rebuild": "loadtests.bench_rebuild",
    "throughput": "loadtests.bench_throughput",
    "bulk": "loadtests.bench_bulk",
    "hot-account": "loadtests.bench_hot_account",
    "latency": "loadtests.bench_latency",
    "history": "loadtests.bench_history",
    "reports": "loadtests.bench_reports",
    "lag": "loadtests.bench_lag",
    "memory": "loadtests.bench_memory",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("bench", help="run a benchmark (figures and pass/fail)")
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument("args", nargs=argparse.REMAINDER,
                        help="passed to the benchmark (try `ledger bench NAME --help`)")
    parser.set_defaults(func=bench)


def bench(args: argparse.Namespace) -> int:
    module = importlib.import_module(BENCHMARKS[args.name])
    return int(module.main(args.args) or 0)
