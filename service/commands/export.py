"""``ledger export beancount [--project CODE] [-o FILE]``: the double-entry journal as beancount.

The file can be checked by beancount's own ``bean-check``; its year-end balance assertions come
from the ledger's replay, so a clean check means the postings agree with the ledger.
"""

from __future__ import annotations

import argparse
import sys
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


def export_beancount(args: argparse.Namespace) -> int:
    from ledger import errors
    from ledger.application import Ledger
    from projections.beancount_export import beancount_journal
    from service.runtime import ledger_env
    from service.settings import Settings

    app = Ledger(ledger_env(Settings()), seed=False)  # read-only: never seed programs here
    try:
        text = beancount_journal(app, args.project)
    except errors.NotFound as error:
        print(f"ledger export: {error.detail}", file=sys.stderr)
        return 2
    finally:
        app.close()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0
