"""``ledger migrate``: apply pending schema migrations (yoyo-migrations, forward only).

``migrations/`` owns every table, the event store's included; the service refuses to start on a
database whose schema is behind (docs/projections.md).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("migrate", help="apply pending database migrations")
    parser.add_argument("--database-url", help="default LEDGER_DATABASE_URL")
    parser.add_argument("--check", action="store_true",
                        help="only report pending migrations; exit 1 if any")
    parser.set_defaults(func=migrate)


def migrate(args: argparse.Namespace) -> int:
    from projections.schema import apply_migrations, pending_migrations
    from service.settings import Settings

    url = args.database_url or Settings().database_url
    if args.check:
        pending = pending_migrations(url)
        for migration in pending:
            print(f"pending {migration}")
        print(f"ledger migrate: {len(pending)} pending", file=sys.stderr)
        return 1 if pending else 0
    applied = apply_migrations(url)
    for migration in applied:
        print(f"applied {migration}")
    print(f"ledger migrate: {len(applied)} applied, schema current", file=sys.stderr)
    return 0
