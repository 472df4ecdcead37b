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


def register_project(service: Service, code: str, university: str = OWN_UNIVERSITY,
                     allocate: str | None = "1000000.00") -> None:
    """Given a 1331-CIC project of ``university`` (2017–2020), optionally with SUPPORT money."""
    body = {"code": code, "program": "1331-CIC", "university_code": university,
            "university_name": "山西大学" if university == OWN_UNIVERSITY else "太原理工大学",
            "name": "山西省煤基清洁能源协同创新中心", "project_class": "A",
            "period_start_year": 2017, "period_end_year": 2020, "lead": "王强",
            "platforms": [{"type": "MOE_ERC", "name": "教育部煤科学与技术工程研究中心"}],
            "booked_on": "2017-03-01"}
    response = service.post("department", "/v1/projects", body)
    assert response.status_code == 201, response.text
    if allocate:
        response = service.post("department", f"/v1/projects/{code}/allocations", {
            "source": "SUPPORT", "appropriation_year": 2017, "amount": allocate,
            "document_no": "晋财教〔2017〕101号", "booked_on": "2017-04-01"})
        assert response.status_code == 201, response.text


def expenditure(amount: str = "1000.00", voucher: str = "2017-05-001", **changes: Any
                ) -> dict[str, Any]:
    """An expenditure body from SUPPORT; override any field by keyword."""
    return {"source": "SUPPORT", "category": "TRAVEL", "amount": amount,
            "booked_on": "2017-05-10", "voucher_no": voucher, "payee": "李华",
            "description": "赴北京参加学术会议差旅费", **changes}


_codes = count(1)


def fresh_code(prefix: str = "SX1331-A-2017") -> str:
    """A project code no other test of the session uses (tests share a module's database)."""
    return f"{prefix}-{next(_codes):04d}"
