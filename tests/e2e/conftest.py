"""End-to-end fixtures: the real app over HTTP (``TestClient``), on a migrated SQLite file and on a
fresh PostgreSQL database, with one token per role and a finance office of another university.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.e2e.service import Service, start_service


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    """The app on SQLite and on PostgreSQL; the server's clock reads 2019-03-01."""
    yield from start_service(database_url)


@pytest.fixture
def sqlite_service(sqlite_url: str) -> Iterator[Service]:
    """The app on a SQLite file only (for the longer generated-input runs)."""
    yield from start_service(sqlite_url)


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[str]:
    """A database shared by the tests of one module (read-only tests over one history)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'ledger.sqlite'}"
        return
    server = str(request.getfixturevalue("postgres_url"))
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@pytest.fixture(scope="module")
def module_service(module_database_url: str) -> Iterator[Service]:
    """The app over a database shared by one module's tests."""
    yield from start_service(module_database_url)
