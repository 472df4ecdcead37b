"""An API process that starts while its database is unreachable waits for it instead of exiting
(docs/reliability.md): the service recovers by itself once the database is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient

import service.runtime
from api.main import create_app
from projections.schema import apply_migrations
from service.settings import Settings


def test_the_api_waits_for_an_unreachable_store_at_start_up_and_then_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a migrated store that is unreachable for the first two attempts
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    apply_migrations(url)
    real_build = service.runtime.build_ledger
    attempts: list[int] = []

    def flaky_build(*args: Any, **kwargs: Any) -> Any:
        attempts.append(1)
        if len(attempts) <= 2:
            raise OperationalError("connection refused")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(service.runtime, "build_ledger", flaky_build)
    # when the API starts
    app = create_app(Settings(database_url=url, startup_wait_seconds=30))
    with TestClient(app) as client:
        # then it came up after retrying, and answers
        assert len(attempts) == 3
        assert client.get("/readyz").status_code == 200


def test_the_api_gives_up_after_its_start_up_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a store that never becomes reachable
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    apply_migrations(url)

    def never(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(service.runtime, "build_ledger", never)
    app = create_app(Settings(database_url=url, startup_wait_seconds=1.5))
    # when the API starts, then start-up fails once the wait is over
    with pytest.raises(OperationalError), TestClient(app):
        pass
