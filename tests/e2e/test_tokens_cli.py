"""``ledger tokens create|list|revoke`` and what the API makes of the tokens."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from service.cli import main
from tests.e2e.service import start_service


def test_a_created_token_works_is_stored_only_as_a_hash_and_stops_working_once_revoked(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    services = start_service(sqlite_url)  # migrates the database
    next(services)
    services.close()
    monkeypatch.setenv("LEDGER_DATABASE_URL", sqlite_url)

    assert main(["tokens", "create", "--role", "finance_office", "--university", "10108",
                 "--name", "山西大学财务处出纳"]) == 0
    secret = capsys.readouterr().out.strip()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT token_id, token_hash FROM api_tokens WHERE name = ?",
                              ("山西大学财务处出纳",)).fetchall()
    assert len(stored) == 1
    token_id, token_hash = stored[0]
    assert token_hash == hashlib.sha256(secret.encode()).hexdigest()

    assert main(["tokens", "list"]) == 0
    listing = capsys.readouterr().out
    assert token_id in listing and secret not in listing

    services = start_service(sqlite_url)
    service = next(services)
    auth = {"Authorization": f"Bearer {secret}"}
    assert service.client.get("/v1/projects", headers=auth).status_code == 200
    services.close()

    assert main(["tokens", "revoke", token_id]) == 0
    services = start_service(sqlite_url)
    service = next(services)
    revoked = service.client.get("/v1/projects", headers=auth)
    services.close()
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"] == "Bearer"


def test_a_finance_office_token_needs_a_university(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    services = start_service(sqlite_url)
    next(services)
    services.close()
    monkeypatch.setenv("LEDGER_DATABASE_URL", sqlite_url)
    assert main(["tokens", "create", "--role", "finance_office", "--name", "无校名"]) == 2
    assert "--university" in capsys.readouterr().err
