"""Bearer tokens: created, listed and revoked by the CLI, verified by the API.

A token is a random secret shown once; only its SHA-256 hash is stored (table ``api_tokens``,
migration 0050), so a leaked database does not leak credentials. The store talks to the same
database as the event store (SQLite file or PostgreSQL) through the standard drivers.

Verification is cached in-process for a few seconds (``cache_seconds``): authenticating every
request against the database would cost a round trip per posting. The compromise is that a
revoked token keeps working for at most that long in processes that verified it recently.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ledger.store import event_store_env

ROLES = ("department", "finance_office", "auditor", "admin")
ORGANISATIONS = {"department": "DEPARTMENT", "auditor": "AUDIT", "admin": "ADMIN"}
TOKEN_PREFIX = "fl_"


class TokenError(ValueError):
    """Raised when a token cannot be created as asked (unknown role, missing university)."""


@dataclass(frozen=True)
class TokenInfo:
    """A stored token's public facts (never the secret)."""

    token_id: str
    role: str
    university_code: str | None
    name: str
    created_at: str
    revoked_at: str | None

    @property
    def organisation(self) -> str:
        """Idempotency keys are scoped to this: the university, or the role's organisation."""
        return self.university_code or ORGANISATIONS[self.role]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat()


_COLUMNS = "token_id, role, university_code, name, created_at, revoked_at"


class TokenStore:
    """The ``api_tokens`` table of one database (SQLite or PostgreSQL)."""

    def __init__(self, database_url: str, *, cache_seconds: float = 5.0) -> None:
        env = event_store_env(database_url)
        self._module = env["PERSISTENCE_MODULE"]
        self._env = env
        self._pool: Any = None
        self._cache: dict[str, tuple[float, TokenInfo | None]] = {}
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        if self._module == "eventsourcing.popo":
            raise TokenError("tokens need a database: use a sqlite:// or postgresql:// URL")

    # --- connections ---------------------------------------------------------------------------

    @property
    def _param(self) -> str:
        return "?" if self._module == "eventsourcing.sqlite" else "%s"

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self._module == "eventsourcing.sqlite":
            connection = sqlite3.connect(self._env["SQLITE_DBNAME"], timeout=10)
            try:
                with connection:
                    yield connection.cursor()
            finally:
                connection.close()
            return
        with self._postgres_pool().connection() as connection, connection.cursor() as cursor:
            yield cursor

    def _postgres_pool(self) -> Any:
        with self._lock:
            if self._pool is None:
                from psycopg_pool import ConnectionPool

                env = self._env
                kwargs: dict[str, Any] = {
                    "host": env["POSTGRES_HOST"],
                    "port": env["POSTGRES_PORT"],
                    "dbname": env["POSTGRES_DBNAME"],
                    "user": env["POSTGRES_USER"],
                    "password": env["POSTGRES_PASSWORD"],
                    "connect_timeout": 5,
                }
                if "POSTGRES_SCHEMA" in env:
                    kwargs["options"] = f"-csearch_path={env['POSTGRES_SCHEMA']},public"
                self._pool = ConnectionPool(
                    kwargs=kwargs, min_size=1, max_size=4, timeout=5, open=True,
                    check=ConnectionPool.check_connection,  # live connections after a restart
                )
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    # --- commands (CLI) -------------------------------------------------------------------------

    def create(self, *, role: str, name: str, university_code: str | None = None) -> tuple[str, TokenInfo]:
        """Create a token; returns (secret, info). The secret is not stored and not recoverable."""
        if role not in ROLES:
            raise TokenError(f"role must be one of {', '.join(ROLES)}")
        if (role == "finance_office") != bool(university_code):
            raise TokenError("--university is required for finance_office tokens and only for them")
        if not name.strip():
            raise TokenError("--name must not be empty")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        info = TokenInfo(
            token_id="tok_" + secrets.token_hex(6),
            role=role,
            university_code=university_code or None,
            name=name,
            created_at=_now(),
            revoked_at=None,
        )
        p = self._param
        with self._cursor() as cursor:
            cursor.execute(
                "INSERT INTO api_tokens (token_id, token_hash, role, university_code, name, "
                f"created_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
                (info.token_id, hash_token(secret), role, info.university_code, name,
                 info.created_at),
            )
        return secret, info

    def list(self) -> list[TokenInfo]:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT {_COLUMNS} FROM api_tokens ORDER BY created_at, token_id")
            return [self._info(row) for row in cursor.fetchall()]

    def revoke(self, token_id: str) -> bool:
        """Revoke a token by id; False when no active token has that id."""
        p = self._param
        with self._cursor() as cursor:
            cursor.execute(
                f"UPDATE api_tokens SET revoked_at = {p} "
                f"WHERE token_id = {p} AND revoked_at IS NULL",
                (_now(), token_id),
            )
            changed = cursor.rowcount > 0
        with self._lock:
            self._cache.clear()
        return changed

    # --- verification (API) ---------------------------------------------------------------------

    def verify(self, secret: str) -> TokenInfo | None:
        """The active token with this secret, or None (unknown or revoked)."""
        digest = hash_token(secret)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(digest)
            if cached is not None and now - cached[0] < self._cache_seconds:
                return cached[1]
        p = self._param
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT {_COLUMNS} FROM api_tokens WHERE token_hash = {p} AND revoked_at IS NULL",
                (digest,),
            )
            row = cursor.fetchone()
        info = self._info(row) if row is not None else None
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now, info)
        return info

    def ping(self) -> None:
        """Raise if the tokens table cannot be read (used by /readyz)."""
        with self._cursor() as cursor:
            cursor.execute("SELECT 1 FROM api_tokens LIMIT 1")
            cursor.fetchall()

    @staticmethod
    def _info(row: Any) -> TokenInfo:
        token_id, role, university_code, name, created_at, revoked_at = row
        return TokenInfo(
            token_id=token_id,
            role=role,
            university_code=university_code,
            name=name,
            created_at=str(created_at),
            revoked_at=None if revoked_at is None else str(revoked_at),
        )
