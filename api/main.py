"""The FastAPI application: built by :func:`create_app` from one ``Settings`` object.

The ledger (write side), the projection engine (read side) and the token store are created in
the ``lifespan`` — one of each per process — and closed at shutdown. ``ledger serve`` runs
:func:`app_from_environment` as a uvicorn factory so every worker process builds its own.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from fastapi import FastAPI

from api.hardening import install_hardening
from api.observability import Metrics, configure_logging, install_request_middleware
from api.problems import install_handlers
from api.report_cache import ReportCache
from api.routers import batches, closes, health, history, postings, programs, reads, reports
from dashboard.router import mount_dashboard
from service.settings import Settings

logger = logging.getLogger("api")

DESCRIPTION = """
fundledger: the dedicated accounts (单独建账) of Shanxi's construction funds — 1331工程协同创新中心
and 产教融合创新平台和实训基地 — as an event-sourced ledger.

* Authenticate with `Authorization: Bearer <token>` (click **Authorize**); tokens come from
  `ledger tokens create` (or are printed by `ledger serve --demo`).
* Every write needs an `Idempotency-Key`; a retry with the same key and body replays the
  first answer with `Idempotent-Replayed: true`.
* Amounts are JSON strings with two decimals (`"300000.00"`); dates are ISO 8601.
* Errors are RFC 9457 problem documents (`application/problem+json`) with `type`, `rule`
  and, for validation errors, `errors[]` naming the fields.
"""


def follow_embedded(projections: Any, stop: threading.Event, interval: float = 0.5) -> None:
    """Embedded mode: besides the catch-up after each write, follow the log on a short timer, so
    writes of other processes (and a catch-up that failed, e.g. across a database restart) reach
    the read models without waiting for this process's next write."""
    while True:
        try:
            projections.catch_up()
        except Exception:
            logger.exception("embedded projection catch-up failed; retrying")
        if stop.wait(interval):
            return


def create_app(settings: Settings | None = None, *, today: Callable[[], date] | None = None
               ) -> FastAPI:
    """Build the app; ``today`` overrides the ledger's clock (tests of year closes)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from api.tokens import TokenStore
        from projections.engine import ProjectionEngine
        from projections.schema import SchemaBehind, check_schema_current
        from service.runtime import build_ledger

        deadline = time.monotonic() + settings.startup_wait_seconds
        while True:
            try:
                if not settings.database_url.startswith("memory:"):
                    check_schema_current(settings.database_url)
                ledger = build_ledger(settings, today=today)
                break
            except SchemaBehind:
                raise
            except Exception as error:
                # The database may be restarting: wait for it (the port opens once it is back)
                # rather than exit and leave the service down for good.
                if time.monotonic() >= deadline:
                    raise
                logger.warning("store not reachable at start-up (%s); retrying", error)
                await asyncio.sleep(1.0)
        projections = ProjectionEngine(ledger, settings.database_url)
        tokens = TokenStore(settings.database_url)
        app.state.ledger, app.state.projections, app.state.tokens = ledger, projections, tokens
        app.state.audit_chain = projections.audit_chain  # the engine extends it on catch-up
        stop_following = threading.Event()
        follower: threading.Thread | None = None
        try:
            if settings.projections == "embedded":
                try:
                    projections.catch_up()  # reads answer from up-to-date tables at once
                except Exception:
                    logger.exception("projection catch-up at start-up failed")
                follower = threading.Thread(
                    target=follow_embedded, args=(projections, stop_following),
                    name="projections-follower", daemon=True,
                )
                follower.start()
            yield
        finally:
            stop_following.set()
            if follower is not None:
                follower.join(timeout=5)
            tokens.close()
            close_projections = getattr(projections, "close", None)
            if close_projections is not None:
                close_projections()
            ledger.close()

    app = FastAPI(
        title="fundledger",
        version="1.0.0",
        summary="Event-sourced ledger for Shanxi construction funds (1331工程 / 产教融合).",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.report_cache = ReportCache()
    app.state.projections = None
    install_handlers(app)
    install_hardening(app, settings)
    install_request_middleware(app)
    for module in (programs, postings, closes, batches, reads, history, reports, health):
        app.include_router(module.router)
    mount_dashboard(app)
    return app


def app_from_environment() -> FastAPI:
    """uvicorn factory for ``ledger serve``: settings from the ``LEDGER_`` environment."""
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)
