"""Construction of the application for a database URL (shared by the API, CLI and workers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger.application import Ledger
from ledger.store import event_store_env
from service.settings import Settings


def ledger_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing environment for ``settings`` (prefixed as the library expects)."""
    env = event_store_env(settings.database_url)
    env["AGGREGATE_CACHE_MAXSIZE"] = str(settings.aggregate_cache_maxsize)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        env["POSTGRES_POOL_SIZE"] = str(settings.postgres_pool_size)
        env["POSTGRES_MAX_OVERFLOW"] = str(settings.postgres_max_overflow)
        env["POSTGRES_CONNECT_TIMEOUT"] = str(settings.postgres_connect_timeout)
    if env["PERSISTENCE_MODULE"] != "eventsourcing.popo":
        from projections.schema import is_migrated

        # migrations/ owns the event store's tables once `ledger migrate` has run
        # (docs/projections.md); un-migrated scratch databases keep the library's own DDL.
        if is_migrated(settings.database_url):
            env["CREATE_TABLE"] = "no"
    return {f"LEDGER_{key}": value for key, value in env.items()}


def build_ledger(settings: Settings, *, today: Callable[[], date] | None = None) -> Ledger:
    """One ``Ledger`` per process; the caller closes it (``ledger.close()``) at shutdown."""
    return Ledger(ledger_env(settings), today=today)
