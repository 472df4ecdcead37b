"""The ``ledger_app`` fixture: one application-level test runs against every event store.

Import the fixtures into a test module (``from tests.backends import ledger_app_fixture``, and
the ``clock_fixture`` and ``database_url_fixture`` it depends on); the
test then runs three times: in memory (``eventsourcing.popo``), on a SQLite file and on a real
PostgreSQL database (fresh per test, from ``pg_database_url`` of tests/conftest.py, which fails
instead of skipping when ``CI`` is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.application import Ledger
from ledger.store import event_store_env
from tests.factories import Clock, d

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
SHARED_STORE_BACKENDS = BACKENDS[1:]  # stores a second Ledger instance can open too


def store_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "memory":
        return "memory://"
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock(d("2030-01-01"))


@pytest.fixture(name="database_url", params=BACKENDS)
def database_url_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return store_url(request, request.param, tmp_path)


@pytest.fixture(name="ledger_app")
def ledger_app_fixture(database_url: str, clock: Clock) -> Iterator[Ledger]:
    app = Ledger(event_store_env(database_url), today=clock)
    yield app
    app.close()


@pytest.fixture(name="shared_store_url", params=SHARED_STORE_BACKENDS)
def shared_store_url_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite or PostgreSQL store that several ``Ledger`` instances (processes) can share."""
    return store_url(request, request.param, tmp_path)
