"""``ledger tokens create|list|revoke``: the API's bearer tokens (stored only as hashes).

    ledger tokens create --role finance_office --university 10108 --name 山西大学财务处
    ledger tokens list
    ledger tokens revoke tok_3f9a1c2b7d4e
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

ROLES = ("department", "finance_office", "auditor", "admin")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("tokens", help="create, list and revoke API tokens")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a token (printed once, stored hashed)")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--university", metavar="CODE",
                        help="university code (required for finance_office)")
    create.add_argument("--name", required=True, help="who holds it, e.g. 山西大学财务处")
    create.set_defaults(func=create_token)
    listing = actions.add_parser("list", help="list tokens (never their secrets)")
    listing.set_defaults(func=list_tokens)
    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")
    revoke.set_defaults(func=revoke_token)


def _store() -> Any:
    from api.tokens import TokenStore
    from projections.schema import check_schema_current
    from service.settings import Settings

    settings = Settings()
    check_schema_current(settings.database_url)
    return TokenStore(settings.database_url)


def create_token(args: argparse.Namespace) -> int:
    from api.tokens import TokenError

    store = _store()
    try:
        secret, info = store.create(role=args.role, name=args.name,
                                    university_code=args.university)
    except TokenError as error:
        print(f"ledger tokens: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    scope = f" for university {info.university_code}" if info.university_code else ""
    print(f"Created {info.role} token {info.token_id} ({info.name}){scope}.", file=sys.stderr)
    print("Store it now; it is shown only once:", file=sys.stderr)
    print(secret)
    return 0


def list_tokens(args: argparse.Namespace) -> int:
    store = _store()
    try:
        tokens = store.list()
    finally:
        store.close()
    for info in tokens:
        state = f"revoked {info.revoked_at}" if info.revoked_at else "active"
        print(f"{info.token_id}\t{info.role}\t{info.university_code or '-'}\t{info.name}\t"
              f"created {info.created_at}\t{state}")
    return 0


def revoke_token(args: argparse.Namespace) -> int:
    store = _store()
    try:
        revoked = store.revoke(args.token_id)
    finally:
        store.close()
    if not revoked:
        print(f"ledger tokens: no active token {args.token_id}", file=sys.stderr)
        return 1
    print(f"Revoked {args.token_id}.")
    return 0
