"""The database goes away under a running service: 503 with Retry-After, never 500, and the
service recovers by itself once the database is back (quality.md "database restart")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from tests.e2e.service import expenditure, fresh_code, register_project, start_service


@contextmanager
def database_unreachable(server_url: str, database_url: str) -> Iterator[None]:
    """Refuse new connections to the database and cut the open ones, then allow them again."""
    name = sql.Identifier(urlsplit(database_url).path.lstrip("/"))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name))
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()",
                     (urlsplit(database_url).path.lstrip("/"),))
    try:
        yield
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(name))


@pytest.mark.slow
def test_an_unreachable_database_answers_503_and_the_service_recovers(
    pg_database_url: str, postgres_url: str,
) -> None:
    services = start_service(pg_database_url)
    service = next(services)
    code = fresh_code()
    register_project(service, code)
    path = f"/v1/projects/{code}/expenditures"
    with database_unreachable(postgres_url, pg_database_url):
        posted = service.post("finance_office", path, expenditure(), key="outage-1")
        read = service.get("finance_office", f"/v1/projects/{code}/account")
        ready = service.client.get("/readyz")
    for response in (posted, read, ready):
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"]
    assert posted.json()["type"] == read.json()["type"] == "store-unavailable"
    # The library's pool reconnects with back-off: recovery takes up to ~30 s (marked slow).
    retried = service.post("finance_office", path, expenditure(), key="outage-1")
    services.close()
    assert retried.status_code == 201, retried.text
