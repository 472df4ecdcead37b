"""Every route × every role × own/other university (api.md "Auth").

Given a project of university 10108 with money and a capital expenditure, each caller — no
token, a bad token, the department, 10108's finance office, another university's finance
office, an auditor, an admin — calls each route. Expected: 401 without a valid token, 403 for a
role without the right, 404 for another university's project (its existence never revealed),
and otherwise an answer that is not an authorisation failure (200/201, or a 422 rule outcome).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest

from tests.e2e.service import OTHER_UNIVERSITY, Service, expenditure, register_project

CODE = "SX1331-A-2017-201"
P = f"/v1/projects/{CODE}"
DEPT, FO, OTHER_FO, AUDITOR, ADMIN = ("department", "finance_office", "other_finance_office",
                                      "auditor", "admin")
READERS = {DEPT, FO, AUDITOR}
CALLERS = ["no token", "bad token", DEPT, FO, OTHER_FO, AUDITOR, ADMIN]
_unique = count(1)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    allowed: frozenset[str]
    project_scoped: bool = True
    body: Callable[[dict[str, Any]], Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path.replace(P, '/v1/projects/{code}')}"


def n() -> int:
    return next(_unique)


def program_body(_: dict[str, Any]) -> dict[str, Any]:
    return {"code": f"HE-{n()}", "name": "高等教育百亿工程",
            "sources": [{"code": "GRANT", "name": "专项资金", "fiscal": True}],
            "categories": [{"code": "EQUIPMENT", "name": "设备费", "capital": True}]}


def project_body(_: dict[str, Any]) -> dict[str, Any]:
    return {"code": f"SX1331-B-2019-{n():03d}", "program": "1331-CIC", "university_code": "10108",
            "university_name": "山西大学", "name": "矿山安全协同创新中心", "project_class": "B",
            "period_start_year": 2019, "period_end_year": 2022, "lead": "赵敏", "platforms": []}


def asset_body(ids: dict[str, Any]) -> dict[str, Any]:
    return {"asset_no": f"SXU-2017-EQ-{n():04d}", "name": "高效液相色谱仪",
            "category_code": "A02100301", "original_value": "1000.00", "quantity": 1,
            "unit": "台", "acquired_on": "2017-06-01", "booked_on": "2017-06-02",
            "location": "化学化工学院 A 座 305 室", "custodian": "张伟",
            "funded_by": [{"expenditure_id": ids["equipment"], "amount": "1000.00"}]}


def batch_body(_: dict[str, Any]) -> dict[str, Any]:
    return {"atomic": False, "operations": [
        {"op": "expenditure", "project": CODE, "idempotency_key": f"b-{n()}",
         "body": expenditure("10.00", f"B-{n()}")}]}


ROUTES = [
    Route("POST", "/v1/programs", frozenset({DEPT}), False, program_body),
    Route("POST", "/v1/projects", frozenset({DEPT}), False, project_body),
    Route("POST", P + "/allocations", frozenset({DEPT}), True, lambda _: {
        "source": "SUPPORT", "appropriation_year": 2017, "amount": "100.00",
        "document_no": "晋财教〔2017〕101号", "booked_on": "2017-06-01"}),
    Route("POST", P + "/contributions", frozenset({FO}), True, lambda _: {
        "source": "MATCHING", "amount": "100.00", "booked_on": "2017-06-01",
        "voucher_no": f"C-{n()}", "origin": "学校自有资金", "origin_is_fiscal": False}),
    Route("POST", P + "/expenditures", frozenset({FO}), True,
          lambda _: expenditure("10.00", f"E-{n()}")),
    Route("POST", P + "/expenditures/{travel}/reversals", frozenset({FO}), True, lambda _: {
        "amount": "1.00", "booked_on": "2017-06-01", "reason": "退回多付差旅费",
        "voucher_no": f"R-{n()}"}),
    Route("POST", P + "/assets", frozenset({FO}), True, asset_body),
    Route("POST", P + "/surplus-recoveries", frozenset({DEPT}), True, lambda _: {
        "source": "SUPPORT", "appropriation_year": 2017, "amount": "1.00",
        "booked_on": "2017-06-01", "document_no": "晋财教〔2019〕5号"}),
    Route("POST", P + "/funding-decisions", frozenset({DEPT}), True, lambda _: {
        "action": "RESTORE", "target_year": 2018, "booked_on": "2017-06-01",
        "reason": "整改到位", "document_no": "晋教科〔2017〕20号"}),
    Route("POST", P + "/lead-changes", frozenset({DEPT}), True, lambda _: {
        "new_lead": "李明", "effective_on": "2017-06-01", "booked_on": "2017-06-01",
        "document_no": "晋教科〔2017〕21号"}),
    Route("POST", "/v1/batches", frozenset({DEPT, FO}), False, batch_body),
    Route("POST", "/v1/fiscal-years/2016/close", frozenset({DEPT}), False,
          lambda _: {"program": "1331-CIC"}),
    Route("POST", P + "/fiscal-years/2016/close", frozenset({DEPT}), True),
    Route("GET", "/v1/projects", frozenset(READERS), False),
    Route("GET", P, frozenset(READERS)),
    Route("GET", P + "/account", frozenset(READERS)),
    Route("GET", P + "/journal", frozenset(READERS)),
    Route("GET", P + "/assets", frozenset(READERS)),
    Route("GET", P + "/events", frozenset({AUDITOR, DEPT})),
    Route("GET", "/v1/reports/execution-rates?year=2017", frozenset(READERS), False),
    Route("GET", "/v1/reports/carry-overs?year=2017", frozenset(READERS), False),
    Route("GET", "/v1/reports/matching?year=2017", frozenset(READERS), False),
    Route("GET", "/v1/reports/unregistered-assets", frozenset(READERS), False),
    Route("GET", f"/v1/reports/final-accounts?project={CODE}&year=2017", frozenset(READERS)),
    Route("GET", f"/v1/exports/journal.beancount?project={CODE}", frozenset({AUDITOR, DEPT})),
    Route("GET", "/v1/tokens", frozenset({ADMIN}), False),
    Route("GET", "/v1/audit/verify?projections=false", frozenset({AUDITOR}), False),
]


@pytest.fixture(scope="module")
def world(module_service: Service) -> tuple[Service, dict[str, Any]]:
    """A 10108 project with SUPPORT money, a travel and an equipment expenditure."""
    service = module_service
    register_project(service, CODE, allocate="5000000.00")
    ids = {}
    for name, category, amount in (("travel", "TRAVEL", "5000.00"),
                                   ("equipment", "EQUIPMENT", "2000000.00")):
        response = service.post(FO, P + "/expenditures",
                                expenditure(amount, f"SETUP-{name}", category=category))
        assert response.status_code == 201, response.text
        ids[name] = response.json()["expenditure_id"]
    return service, ids


def expected(route: Route, caller: str) -> int | None:
    """The status the caller must get, or None for "authorised" (any non-auth answer)."""
    if caller in ("no token", "bad token"):
        return 401
    role = FO if caller == OTHER_FO else caller
    if role not in route.allowed:
        return 403
    if caller == OTHER_FO and route.project_scoped:
        return 404
    return None


def call(service: Service, ids: dict[str, Any], route: Route, caller: str) -> Any:
    headers = {"Idempotency-Key": f"m-{n()}"}
    if caller == "bad token":
        headers["Authorization"] = "Bearer fl_not-a-token"
    elif caller != "no token":
        headers["Authorization"] = f"Bearer {service.tokens[caller]}"
    path = route.path.replace("{travel}", str(ids["travel"]))
    body = route.body(ids) if route.body else None
    return service.client.request(route.method, path, json=body, headers=headers)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_each_caller_gets_exactly_the_access_its_role_and_university_give(
    world: tuple[Service, dict[str, Any]], route: Route, caller: str,
) -> None:
    service, ids = world
    response = call(service, ids, route, caller)
    want = expected(route, caller)
    if want is None:
        assert response.status_code in (200, 201, 422), response.text
        if route.method == "GET":
            assert response.status_code == 200, response.text
    else:
        assert response.status_code == want, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert CODE not in response.json()["detail"] or want == 404


def test_another_universitys_finance_office_never_sees_or_changes_the_project(
    world: tuple[Service, dict[str, Any]],
) -> None:
    service, _ = world
    listed = service.get(OTHER_FO, "/v1/projects").json()
    assert CODE not in [p["project_code"] for p in listed]
    rows = service.get(OTHER_FO, "/v1/reports/execution-rates", year=2017).json()["rows"]
    assert all(r["university_code"] == OTHER_UNIVERSITY for r in rows)
    batch = service.post(OTHER_FO, "/v1/batches", {"atomic": False, "operations": [
        {"op": "expenditure", "project": CODE, "idempotency_key": "x-1",
         "body": expenditure("10.00", "X-1")}]}, key=None)
    assert batch.status_code == 200
    assert batch.json()["results"][0]["status"] == 404
    unknown = service.get(OTHER_FO, "/v1/projects/SX1331-A-2099-999")
    mine = service.get(OTHER_FO, P)
    assert unknown.json()["type"] == mine.json()["type"] == "not-found"
    assert (unknown.status_code, mine.status_code) == (404, 404)


def test_health_endpoints_need_no_token(world: tuple[Service, dict[str, Any]]) -> None:
    service, _ = world
    assert service.client.get("/healthz").status_code == 200
    ready = service.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["lag"] == 0
    metrics = service.client.get("/metrics").text
    assert "fundledger_http_request_duration_seconds" in metrics
    assert 'fundledger_postings_total{type="expenditure"}' in metrics
