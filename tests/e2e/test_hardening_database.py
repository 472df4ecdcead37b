"""Database timeouts of the API process (api/hardening.py): every PostgreSQL statement runs under
a server-side ``statement_timeout``, and a statement cancelled by it is a 503 problem with
Retry-After, not a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from api.hardening import STATEMENT_TIMEOUT
from api.main import create_app
from projections.schema import apply_migrations
from service.settings import Settings

pytestmark = pytest.mark.postgres


def app_with_probe(database_url: str) -> TestClient:
    """The app plus one extra route that runs SQL on the ledger's own connection pool."""
    apply_migrations(database_url)
    app = create_app(Settings(database_url=database_url))

    @app.get("/test-probe/{statement}")
    def probe(statement: str, request: Request) -> dict[str, str]:
        sql = {"show": "SHOW statement_timeout", "sleep": "SELECT pg_sleep(3)::text"}[statement]
        with request.app.state.ledger.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        return {"value": str(next(iter(row.values())))}

    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def fresh_options(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("PGOPTIONS", raising=False)
    yield monkeypatch


def test_the_ledger_connections_run_under_a_statement_timeout(
        pg_database_url: str, fresh_options: pytest.MonkeyPatch) -> None:
    with app_with_probe(pg_database_url) as client:
        response = client.get("/test-probe/show")
    assert response.status_code == 200, response.text
    assert response.json()["value"] == STATEMENT_TIMEOUT


def test_a_statement_cancelled_by_the_timeout_is_answered_503_with_retry_after(
        pg_database_url: str, fresh_options: pytest.MonkeyPatch) -> None:
    # given an operator's tighter timeout in PGOPTIONS (kept as it is)
    fresh_options.setenv("PGOPTIONS", "-c statement_timeout=200ms")
    with app_with_probe(pg_database_url) as client:
        assert client.get("/test-probe/show").json()["value"] == "200ms"
        # when a statement runs longer than that
        response = client.get("/test-probe/sleep")
    # then the answer is a 503 problem document with Retry-After
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert response.json()["type"] == "store-unavailable"
