"""The app under test as the e2e tests drive it: a client, a token per role, fresh keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from api.tokens import TokenStore
from projections.schema import apply_migrations
from service.settings import Settings

OWN_UNIVERSITY, OTHER_UNIVERSITY = "10108", "10112"
ROLES = ("department", "finance_office", "other_finance_office", "auditor", "admin")


@dataclass
class Service:
    """A running app: its client, a token per role and fresh idempotency keys."""

    client: TestClient
    tokens: dict[str, str]
    database_url: str
    _keys: Any = field(default_factory=lambda: count(1))

    def key(self) -> str:
        return f"k-{next(self._keys)}"

    def headers(self, role: str, key: str | None | bool = True) -> dict[str, str]:
        """Authorization for ``role`` plus an Idempotency-Key (a fresh one unless given)."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        if key is True:
            headers["Idempotency-Key"] = self.key()
        elif key:
            headers["Idempotency-Key"] = str(key)
        return headers

    def post(self, role: str, path: str, body: Any = None, key: str | None | bool = True
             ) -> Any:
        return self.client.post(path, json=body, headers=self.headers(role, key))

    def get(self, role: str, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.headers(role, None))


def make_tokens(database_url: str) -> dict[str, str]:
    store = TokenStore(database_url)
    try:
        return {
            "department": store.create(role="department", name="山西省教育厅")[0],
            "finance_office": store.create(role="finance_office", name="山西大学财务处",
                                           university_code=OWN_UNIVERSITY)[0],
            "other_finance_office": store.create(role="finance_office", name="太原理工大学财务处",
                                                 university_code=OTHER_UNIVERSITY)[0],
            "auditor": store.create(role="auditor", name="省审计厅")[0],
            "admin": store.create(role="admin", name="系统管理员")[0],
        }
    finally:
        store.close()


def start_service(database_url: str, today: date = date(2019, 3, 1)) -> Iterator[Service]:
    apply_migrations(database_url)
    tokens = make_tokens(database_url)
    app = create_app(Settings(database_url=database_url), today=lambda: today)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Service(client, tokens, database_url)
