"""``ledger audit verify|head|chain``: tamper evidence for auditors (docs/audit.md).

- ``verify [--head POSITION:HASH] [--no-projections] [--json]`` recomputes the hash chain from
  the stored events, checks the expected head, rebuilds the read models in a scratch area and
  compares them; prints every finding and exits 1 if there is any (0 when clean).
- ``head`` chains any event not chained yet and prints ``POSITION:HASH`` for publication.
- ``chain [--follow]`` only appends the missing chain rows (once, for a cron job, or as a worker
  process following the log).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="verify the history (hash chain, projections)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser("verify", help="recompute the chain and rebuild the projections")
    verify.add_argument("--head", metavar="POSITION:HASH",
                        help="a head published earlier (`ledger audit head`): catches truncation")
    verify.add_argument("--no-projections", action="store_true",
                        help="check the chain only (no scratch rebuild of the read models)")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.set_defaults(func=run_verify)
    head = actions.add_parser("head", help="print the current chain head POSITION:HASH")
    head.set_defaults(func=run_head)
    chain = actions.add_parser("chain", help="append the chain rows of events not chained yet")
    chain.add_argument("--follow", action="store_true",
                       help="keep following the log (a worker beside `ledger projections run`)")
    chain.add_argument("--interval", type=float, default=0.5, metavar="SECONDS",
                       help="with --follow: pause between catch-ups (default 0.5)")
    chain.set_defaults(func=run_chain)


def _open() -> tuple[Any, str]:
    from ledger.application import Ledger
    from service.runtime import ledger_env
    from service.settings import Settings

    settings = Settings()
    return Ledger(ledger_env(settings), seed=False), settings.database_url


def run_verify(args: argparse.Namespace) -> int:
    from projections.audit_verify import parse_head, verify

    try:
        expected = parse_head(args.head) if args.head else None
    except ValueError as error:
        print(f"ledger audit verify: --head: {error}", file=sys.stderr)
        return 2
    app, url = _open()
    try:
        report = verify(app, url, expected_head=expected, projections=not args.no_projections)
    finally:
        app.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_report(report)
    return 0 if report.ok else 1


def _print_report(report: Any) -> None:
    summary = report.to_dict()
    print(f"events checked: {summary['events_checked']}")
    print(f"chain head (stored): {summary['chain_head']}")
    print(f"chain head (recomputed from events): {summary['recomputed_head']}")
    if summary["unchained_events"]:
        print(f"events not chained yet: {summary['unchained_events']}")
    print(f"projections compared: {', '.join(summary['projections_compared']) or '-'}")
    for finding in report.findings:
        where = f"position {finding.position}" if finding.position is not None else "-"
        print(f"FINDING [{finding.check}/{finding.kind}] {where}: {finding.detail}")
        if finding.row:
            print(f"    row: {json.dumps(finding.row, ensure_ascii=False, default=str)}")
    if report.ok:
        print("OK: no finding")
    else:
        print(f"{len(report.findings)} finding(s); first broken position: "
              f"{summary['first_broken_position']}")


def run_head(args: argparse.Namespace) -> int:
    from projections.audit_chain import AuditChain

    app, url = _open()
    chain = AuditChain(app, url)
    try:
        chain.catch_up()
        head = chain.head()
    finally:
        chain.close()
        app.close()
    if head is None:
        print("ledger audit head: the log is empty", file=sys.stderr)
        return 1
    print(f"{head[0]}:{head[1]}")
    return 0


def run_chain(args: argparse.Namespace) -> int:
    import time

    from projections.audit_chain import AuditChain

    app, url = _open()
    chain = AuditChain(app, url)
    appended = 0
    try:
        while True:
            appended += chain.catch_up()
            if not args.follow:
                break
            time.sleep(args.interval)
    except KeyboardInterrupt:
        pass
    finally:
        chain.close()
        app.close()
    print(f"ledger audit chain: {appended} event(s) chained", file=sys.stderr)
    return 0
