"""``ledger projections run|status|rebuild [NAME ...]``: the read-model worker and its tools.

``run`` follows the event log (LISTEN/NOTIFY on PostgreSQL, a 50 ms poll on SQLite) until
interrupted; ``status`` prints each read model's position and lag; ``rebuild`` empties read
models and replays the whole log into them with a progress bar.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("projections", help="run, inspect or rebuild read models")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = actions.add_parser("run", help="follow the event log and keep read models current")
    run.set_defaults(func=run_worker)
    status = actions.add_parser("status", help="position and lag of each read model")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=show_status)
    rebuild = actions.add_parser("rebuild", help="rebuild read models from event zero")
    rebuild.add_argument("names", nargs="*", metavar="NAME", help="default: every read model")
    rebuild.add_argument("--quiet", action="store_true", help="no progress bar")
    rebuild.set_defaults(func=rebuild_models)


def open_engine() -> tuple[Any, Any]:
    """(ledger, engine) for LEDGER_DATABASE_URL, refusing a schema that is behind."""
    from ledger.application import Ledger
    from projections.engine import ProjectionEngine
    from projections.schema import check_schema_current
    from service.runtime import ledger_env
    from service.settings import Settings

    settings = Settings()
    check_schema_current(settings.database_url)
    app = Ledger(ledger_env(settings), seed=False)
    return app, ProjectionEngine(app, settings.database_url)


def run_worker(args: argparse.Namespace) -> int:
    """Follow the log until stopped; survives database restarts by reconnecting with back-off
    (the tracking rows say where to resume, so nothing is skipped or applied twice)."""
    from projections.schema import SchemaBehind

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print("ledger projections: following the event log (Ctrl-C to stop)", file=sys.stderr)
    delay = 0.5
    while not stop.is_set():
        try:
            app, engine = open_engine()
        except SchemaBehind as error:
            print(f"ledger projections: {error}", file=sys.stderr)
            return 2
        except Exception as error:  # noqa: BLE001 - database not reachable yet: wait and retry
            print(f"ledger projections: cannot start ({error}); retrying", file=sys.stderr)
            stop.wait(delay)
            delay = min(delay * 2, 10.0)
            continue
        try:
            engine.run_forever(stop)
        except Exception as error:  # noqa: BLE001 - e.g. the database restarted: start again
            print(f"ledger projections: stopped by {error!r}; restarting", file=sys.stderr)
            stop.wait(delay)
            delay = min(delay * 2, 10.0)
        else:
            delay = 0.5
        finally:
            with contextlib.suppress(Exception):
                engine.close()
            with contextlib.suppress(Exception):
                app.close()
    return 0


def show_status(args: argparse.Namespace) -> int:
    app, engine = open_engine()
    try:
        rows = engine.status()
    finally:
        engine.close()
        app.close()
    if args.json:
        print(json.dumps(rows))
        return 0
    print(f"{'name':<12}{'position':>12}{'head':>12}{'lag':>10}")
    for row in rows:
        print(f"{row['name']:<12}{row['position']:>12}{row['head']:>12}{row['lag_events']:>10}")
    return 0


def rebuild_models(args: argparse.Namespace) -> int:
    from projections.engine import MODEL_NAMES

    unknown = sorted(set(args.names) - set(MODEL_NAMES))
    if unknown:
        print(f"ledger projections: unknown read model(s) {', '.join(unknown)}; known: "
              f"{', '.join(MODEL_NAMES)}", file=sys.stderr)
        return 2
    app, engine = open_engine()
    try:
        scanned = engine.rebuild(args.names or None, progress=not args.quiet)
    finally:
        engine.close()
        app.close()
    print(f"ledger projections: rebuilt {', '.join(args.names or MODEL_NAMES)} "
          f"({scanned} log positions)", file=sys.stderr)
    return 0
