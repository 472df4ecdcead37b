"""``ledger reports KIND ...``: the reports of domain.md §7 as JSON, CSV or XLSX.

e.g. ``ledger reports execution-rates --year 2018 --as-of 2018-06-30 --format xlsx -o r.xlsx``.
The read models are brought up to date first (a cheap no-op when a worker keeps them current).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from typing import Any

KINDS = ("execution-rates", "carry-overs", "matching", "unregistered-assets", "final-accounts")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("reports", help="print or export a report")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--year", type=int, help="report year (all but unregistered-assets)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="business date (YYYY-MM-DD)")
    parser.add_argument("--program")
    parser.add_argument("--university")
    parser.add_argument("--project-class")
    parser.add_argument("--project", help="project code (final-accounts)")
    parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default stdout)")
    parser.set_defaults(func=report)


def _json_default(value: Any) -> Any:
    if isinstance(value, (Decimal, date)):
        return str(value)
    return str(value)


def build_report(rm: Any, args: argparse.Namespace) -> dict[str, Any] | None:
    """Call the ReadModels method of ``args.kind`` with the arguments it takes."""
    if args.kind == "unregistered-assets":
        return rm.unregistered_assets(as_of=args.as_of, university=args.university)  # type: ignore[no-any-return]
    if args.year is None:
        raise ValueError(f"--year is required for {args.kind}")
    if args.kind == "execution-rates":
        return rm.execution_rates(args.year, as_of=args.as_of, program=args.program,  # type: ignore[no-any-return]
                                  university=args.university, project_class=args.project_class)
    if args.kind == "carry-overs":
        return rm.carry_overs(args.year, as_of=args.as_of, university=args.university)  # type: ignore[no-any-return]
    if args.kind == "matching":
        return rm.matching(args.year, as_of=args.as_of, university=args.university)  # type: ignore[no-any-return]
    if not args.project:
        raise ValueError("--project is required for final-accounts")
    return rm.final_accounts(args.project, args.year)  # type: ignore[no-any-return]


def report(args: argparse.Namespace) -> int:
    from projections.exports import to_csv, to_xlsx
    from service.commands.projections import open_engine

    app, engine = open_engine()
    try:
        engine.catch_up()
        try:
            body = build_report(engine.read_models, args)
        except ValueError as error:
            print(f"ledger reports: {error}", file=sys.stderr)
            return 2
    finally:
        engine.close()
        app.close()
    if body is None:
        print(f"ledger reports: project {args.project} does not exist", file=sys.stderr)
        return 2
    if args.format == "json":
        data = json.dumps(body, ensure_ascii=False, indent=2, default=_json_default).encode()
    elif args.format == "csv":
        data = to_csv(args.kind, body)
    else:
        data = to_xlsx(args.kind, body)
    if args.output:
        with open(args.output, "wb") as out:
            out.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0
