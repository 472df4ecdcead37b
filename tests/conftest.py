"""Root test configuration: access to the PostgreSQL server started by ``scripts/test.sh``.

Fixtures
--------
``postgres_url`` (session)
    The server URL from ``LEDGER_TEST_DATABASE_URL`` (``scripts/pg.sh url`` prints it). When it is
    not set the test is skipped locally, but fails when ``CI`` is set: CI never skips silently.
``pg_database_url`` (function)
    A fresh, empty database ``t_<12 hex>`` on that server, dropped (``WITH (FORCE)``) afterwards.
    Yields its ``postgresql://`` URL. Safe with parallel test processes.

Tests using either fixture get the ``postgres`` marker automatically (``-m "not postgres"``
runs everything else).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

ENV_URL = "LEDGER_TEST_DATABASE_URL"
PG_FIXTURES = frozenset({"postgres_url", "pg_database_url"})


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    # pyproject.toml normally registers it; keep the marker valid under --strict-markers anyway.
    if not any(line.split(":")[0].strip() == "postgres" for line in config.getini("markers")):
        config.addinivalue_line("markers", "postgres: needs a real PostgreSQL server")


def pytest_report_header(config: pytest.Config) -> str:
    return f"{ENV_URL}: {os.environ.get(ENV_URL) or '(not set; postgres tests will skip)'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if PG_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(ENV_URL, "").strip()
    if not url:
        msg = f"{ENV_URL} is not set; run the tests with scripts/test.sh"
        if _in_ci():
            pytest.fail(f"{msg} (CI is set: refusing to skip)", pytrace=False)
        pytest.skip(msg)
    if urlsplit(url).scheme not in ("postgresql", "postgres"):
        pytest.fail(f"{ENV_URL} must be a postgresql:// URL, got {url!r}", pytrace=False)
    return url


def _with_dbname(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


@pytest.fixture
def pg_database_url(postgres_url: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_dbname(postgres_url, name)
    finally:
        with psycopg.connect(postgres_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
