"""The one settings object (environment variables with prefix ``LEDGER_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ledger.store import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    """Configuration of every fundledger process; passed explicitly, never read deep inside."""

    model_config = SettingsConfigDict(env_prefix="LEDGER_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="sqlite:///file.sqlite (embedded default), postgresql://user:pw@host:port/db, "
        "or memory:// (tests).",
    )
    projections: Literal["embedded", "worker"] = Field(
        "embedded",
        description="embedded: the API process keeps projections up to date itself; worker: a "
        "separate `ledger projections run` process does.",
    )
    startup_wait_seconds: float = Field(
        120.0,
        description="How long an API process waits for an unreachable database at start-up "
        "before giving up (it retries every second).",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "info"
    aggregate_cache_maxsize: int = 10000
    postgres_pool_size: int = 5
    postgres_max_overflow: int = 10
    postgres_connect_timeout: int = Field(
        1,
        description="Seconds a request waits for a pooled event-store connection; short, so a "
        "request answers 503 soon while PostgreSQL is down (the library retries 10 times).",
    )
