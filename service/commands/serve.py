"""``ledger serve [--demo] [--host H] [--port P] [--workers N]``: the HTTP API under uvicorn.

Zero set-up by default: the embedded SQLite store (``LEDGER_DATABASE_URL`` unset) is migrated
automatically. A PostgreSQL database must be migrated first (``ledger migrate``), so that
deploying a new version never changes a production schema behind the operator's back.
``--demo`` loads the demo data and prints one token per role for trying ``/docs`` at once.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="serve the HTTP API (uvicorn)")
    parser.add_argument("--demo", action="store_true",
                        help="load the demo data and print a token for each role")
    parser.add_argument("--host", help="bind address (default LEDGER_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default LEDGER_PORT or 8000)")
    parser.add_argument("--workers", type=int, help="worker processes (default LEDGER_WORKERS "
                        "or 1)")
    parser.set_defaults(func=serve)


def _prepare_schema(database_url: str) -> bool:
    from projections.schema import apply_migrations, check_schema_current

    if database_url.startswith("sqlite:"):
        applied = apply_migrations(database_url)
        if applied:
            print(f"ledger serve: migrated {database_url} ({len(applied)} migrations)",
                  file=sys.stderr)
        return True
    try:
        check_schema_current(database_url)
    except Exception as error:  # noqa: BLE001 - SchemaBehind, or the database is unreachable
        print(f"ledger serve: {error}", file=sys.stderr)
        return False
    return True


def load_demo_and_tokens(settings: Any) -> list[tuple[str, str, str]]:
    """Load the demo data; return (role, scope, token) for a token of each role."""
    from api.tokens import TokenStore
    from projections.engine import ProjectionEngine
    from service.demo import load_demo
    from service.runtime import build_ledger

    ledger = build_ledger(settings)
    try:
        load_demo(ledger, verbose=True)
        engine = ProjectionEngine(ledger, settings.database_url)
        try:
            engine.catch_up()
            universities = sorted({p["university_code"]: p["university_name"]
                                   for p in engine.read_models.list_projects()}.items())
        finally:
            engine.close()
    finally:
        ledger.close()
    store = TokenStore(settings.database_url)
    made = []
    try:
        for role, name in (("department", "山西省教育厅（演示）"), ("auditor", "审计（演示）"),
                           ("admin", "管理员（演示）")):
            made.append((role, "", store.create(role=role, name=name)[0]))
        for code, university_name in universities:
            secret, _ = store.create(role="finance_office", university_code=code,
                                     name=f"{university_name}财务处（演示）")
            made.append(("finance_office", code, secret))
    finally:
        store.close()
    return made


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.observability import configure_logging
    from service.settings import Settings

    settings = Settings()
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    configure_logging(settings.log_level)
    if not _prepare_schema(settings.database_url):
        return 2
    if args.demo:
        tokens = load_demo_and_tokens(settings)
        print("\nDemo tokens (use them in /docs → Authorize):", file=sys.stderr)
        for role, scope, secret in tokens:
            label = f"{role} {scope}".strip()
            print(f"  {label:<24} {secret}", file=sys.stderr)
        print(f"\nOpen http://{host}:{port}/docs\n", file=sys.stderr)
    uvicorn.run("api.main:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_config=None, access_log=False,
                log_level=settings.log_level)
    return 0
