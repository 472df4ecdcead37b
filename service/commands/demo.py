"""``ledger demo``: load the worked example and a realistic sample, then print the accounts."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="load the worked example and a sample of Shanxi projects (2017–2021) into the "
        "store, then print each project's account",
        description="Loads example-scenario.md (rules applied, rejections shown) and a "
        "deterministic sample of both programs into the store of LEDGER_DATABASE_URL (default: "
        "fundledger.sqlite here). Running it again posts nothing twice.",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary and accounts")
    parser.add_argument("--no-accounts", action="store_true", help="do not print the accounts")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.demo import load_demo, print_accounts
    from service.runtime import build_ledger
    from service.settings import Settings

    settings = Settings()
    app = build_ledger(settings)
    try:
        summary = load_demo(app, verbose=not args.quiet)
        print(
            f"\n已载入 {len(summary.projects)} 个项目（{settings.database_url}）: "
            f"新记账 {summary.posted} 笔, 重放 {summary.replayed} 笔, 拒绝 {summary.rejected} 笔, "
            f"年度结转 {summary.closed} 次, 结余收回 {summary.recoveries} 笔, "
            f"用时 {summary.seconds:.1f} 秒\n"
        )
        if not args.no_accounts:
            print_accounts(app, summary.projects)
    finally:
        app.close()
    return 0
