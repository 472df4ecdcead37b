"""Fixtures shared by the projection tests: a migrated store on memory, SQLite or PostgreSQL
with a ``Ledger`` and a ``ProjectionEngine`` over it (imported by the test_projection_* modules)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ledger.application import Ledger
from ledger.store import event_store_env
from projections.engine import ProjectionEngine
from projections.schema import apply_migrations
from tests.factories import Clock

Store = Callable[..., tuple[Ledger, ProjectionEngine]]


def open_store(url: str, today: date) -> tuple[Ledger, ProjectionEngine]:
    """Migrate ``url`` (unless memory://), then a Ledger on it and an engine over it."""
    env = {f"LEDGER_{k}": v for k, v in event_store_env(url).items()}
    if not url.startswith("memory"):
        apply_migrations(url)
        env["LEDGER_CREATE_TABLE"] = "no"
    app = Ledger(env, today=Clock(today))
    return app, ProjectionEngine(app, url)


def database_url(request: Any, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture(name="db_url", params=[
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
])
def db_url_fixture(request: Any, tmp_path: Path) -> str:
    """A migratable database: SQLite file, then a fresh PostgreSQL database."""
    return database_url(request, tmp_path)


@pytest.fixture(name="store")
def store_fixture(db_url: str) -> Iterator[Store]:
    """``store(today)`` → (ledger, engine) on ``db_url``; closed after the test."""
    opened: list[tuple[Ledger, ProjectionEngine]] = []

    def make(today: date = date(2030, 1, 1)) -> tuple[Ledger, ProjectionEngine]:
        pair = open_store(db_url, today)
        opened.append(pair)
        return pair

    yield make
    for app, engine in opened:
        engine.close()
        app.close()
