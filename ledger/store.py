"""Event-store configuration from one database URL, and log-position look-ups.

``sqlite:///path`` (the embedded default), ``postgresql://user:pw@host:port/db?schema=...`` or
``memory://`` become the library's own environment variables; the library's persistence modules
do the rest. Nothing here imports a database driver.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from uuid import UUID

DEFAULT_DATABASE_URL = "sqlite:///fundledger.sqlite"


def event_store_env(database_url: str) -> dict[str, str]:
    """The eventsourcing environment for ``database_url``."""
    url = urlparse(database_url)
    if url.scheme in ("memory", "popo"):
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if url.scheme == "sqlite":
        path = unquote(url.path)
        if url.netloc:  # sqlite://relative/path
            path = url.netloc + path
        elif database_url.startswith("sqlite:////"):
            path = "/" + path.lstrip("/")  # sqlite:////abs/path.sqlite
        elif path.startswith("/"):
            path = path[1:]  # sqlite:///relative.sqlite
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path or ":memory:"}
    if url.scheme in ("postgres", "postgresql"):
        query = parse_qs(url.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            # One stuck transaction must not stall every writer behind the table lock.
            "POSTGRES_LOCK_TIMEOUT": "5",
            # No pre-ping: it costs a round trip per connection checkout (7 of ~24 per posting,
            # docs/performance.md). A connection that died with a restart fails its statement,
            # the pool discards it, and the library retries reads and writes on a fresh one;
            # a retried write that had in fact committed meets the idempotency record.
            "POSTGRES_PRE_PING": "n",
        }
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        return env
    raise ValueError(f"unsupported database URL scheme {url.scheme!r}")


def position_of(recorder: Any, originator_id: UUID, originator_version: int) -> int | None:
    """The global log position (notification id) of one stored event, or None.

    Used to answer an idempotent replay with the same ``position`` as the first response.
    """
    module = type(recorder).__module__
    if module.endswith("postgres"):
        schema = recorder.datastore.schema
        table = recorder.events_table_name
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(
                f'SELECT notification_id FROM "{schema}"."{table}" '
                "WHERE originator_id = %s AND originator_version = %s",
                (originator_id, originator_version),
            )
            row = curs.fetchone()
            return None if row is None else int(row["notification_id"])
    if module.endswith("sqlite"):
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT rowid FROM {recorder.events_table_name} "
                "WHERE originator_id = ? AND originator_version = ?",
                (originator_id.hex, originator_version),
            )
            row = curs.fetchone()
            return None if row is None else int(row[0])
    index = recorder._stored_events_index.get(str(originator_id), {})
    position = index.get(originator_version)
    return None if position is None else position + 1
