"""``ledger export beancount [--project CODE] [-o FILE]``: the double-entry journal as beancount;
``ledger export trial-balance [--project CODE] [--as-of DATE] [--json]``: its trial balance.

The file can be checked by beancount's own ``bean-check``; its year-end balance assertions come
from the ledger's replay, so a clean check means the postings agree with the ledger.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("export", help="export the ledger in other formats")
    formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    beancount = formats.add_parser(
        "beancount", help="the double-entry journal (domain.md §9) as a beancount file"
    )
    beancount.add_argument("--project", metavar="CODE", help="only this project's accounts")
    beancount.add_argument("-o", "--output", metavar="FILE", help="write here (default stdout)")
    beancount.set_defaults(func=export_beancount)
    trial = formats.add_parser(
        "trial-balance", help="the trial balance (试算平衡表) per account, from the journal"
    )
    trial.add_argument("--project", metavar="CODE", help="only this project's accounts")
    trial.add_argument("--as-of", metavar="DATE", type=date.fromisoformat,
                       help="entries booked on or before this date (default: all)")
    trial.add_argument("--json", action="store_true", help="print JSON instead of a table")
    trial.set_defaults(func=export_trial_balance)


def _read(query: Callable[[Any], Any]) -> tuple[Any, int]:
    """``query(app)`` on a read-only ledger; ``(result, 0)`` or ``(None, 2)`` for an unknown
    project (the message is printed)."""
    from ledger import errors
    from ledger.application import Ledger
    from service.runtime import ledger_env
    from service.settings import Settings

    app = Ledger(ledger_env(Settings()), seed=False)  # read-only: never seed programs here
    try:
        return query(app), 0
    except errors.NotFound as error:
        print(f"ledger export: {error.detail}", file=sys.stderr)
        return None, 2
    finally:
        app.close()


def export_beancount(args: argparse.Namespace) -> int:
    from projections.beancount_export import beancount_journal

    text, status = _read(lambda app: beancount_journal(app, args.project))
    if status:
        return status
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


def export_trial_balance(args: argparse.Namespace) -> int:
    from projections.double_entry_report import ledger_trial_balance, render_text

    report, status = _read(lambda app: ledger_trial_balance(app, args.project, args.as_of))
    if status:
        return status
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        sys.stdout.write(render_text(report))
    return 0 if report["balanced"] else 1
