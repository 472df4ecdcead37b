"""Idempotency-Key over HTTP: replays, reuse with another body, concurrency, restarts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.service import Service, expenditure, fresh_code, register_project, start_service


@pytest.fixture(scope="module")
def service(module_service: Service) -> Service:
    return module_service


@pytest.fixture
def code(service: Service) -> str:
    """A fresh project per test; its code also prefixes the test's idempotency keys."""
    code = fresh_code()
    register_project(service, code)
    return code


def path(code: str) -> str:
    return f"/v1/projects/{code}/expenditures"


def spent(service: Service, code: str) -> str:
    account = service.get("auditor", f"/v1/projects/{code}/account").json()
    return account["fiscal_total"]["spent"]


def test_a_replayed_request_returns_the_first_body_with_the_replay_header(
    service: Service, code: str,
) -> None:
    first = service.post("finance_office", path(code), expenditure(), key=f"{code}:voucher-2017-05-001")
    again = service.post("finance_office", path(code), expenditure(), key=f"{code}:voucher-2017-05-001")
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert spent(service, code) == "1000.00"


def test_the_same_key_with_another_body_is_409_idempotency_key_reused(
    service: Service, code: str,
) -> None:
    service.post("finance_office", path(code), expenditure(), key=f"{code}:k-reused")
    changed = service.post("finance_office", path(code), expenditure(amount="2000.00"), key=f"{code}:k-reused")
    assert changed.status_code == 409
    assert changed.headers["content-type"] == "application/problem+json"
    assert changed.json()["type"] == "idempotency-key-reused"
    assert spent(service, code) == "1000.00"


def test_a_rejected_request_may_be_retried_with_its_key_once_funds_arrive(
    service: Service,
) -> None:
    code = fresh_code()
    register_project(service, code, allocate=None)
    rejected = service.post("finance_office", path(code), expenditure(), key=f"{code}:k-retry")
    assert (rejected.status_code, rejected.json()["type"]) == (422, "insufficient-funds")
    service.post("department", f"/v1/projects/{code}/allocations", {
        "source": "SUPPORT", "appropriation_year": 2017, "amount": "5000.00",
        "document_no": "晋财教〔2017〕101号", "booked_on": "2017-04-01"})
    retried = service.post("finance_office", path(code), expenditure(), key=f"{code}:k-retry")
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers


def test_concurrent_requests_with_one_key_post_once(service: Service, code: str) -> None:

    def post(_: int) -> Any:
        return service.post("finance_office", path(code), expenditure(), key=f"{code}:k-concurrent")

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["expenditure_id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert spent(service, code) == "1000.00"


def test_the_replay_survives_a_restart_of_the_process(sqlite_url: str) -> None:
    services = start_service(sqlite_url)
    service = next(services)
    code = fresh_code()
    register_project(service, code)
    first = service.post("finance_office", path(code), expenditure(), key=f"{code}:k-restart")
    tokens = service.tokens
    services.close()  # shuts the app down (lifespan exit)

    restarted_services = start_service(sqlite_url)
    restarted = next(restarted_services)
    restarted.tokens = tokens
    again = restarted.post("finance_office", path(code), expenditure(), key=f"{code}:k-restart")
    restarted_services.close()
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_keys_are_scoped_to_the_organisation(service: Service, code: str) -> None:
    other = fresh_code()
    register_project(service, other, university="10112")
    ours = service.post("finance_office", path(code), expenditure(), key=f"{code}:k-shared")
    theirs = service.post("other_finance_office", f"/v1/projects/{other}/expenditures",
                          expenditure(), key=f"{code}:k-shared")
    assert (ours.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs.headers


def test_a_write_without_a_key_is_rejected_naming_the_header(service: Service, code: str) -> None:
    response = service.post("finance_office", path(code), expenditure(), key=None)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "validation-error"
    assert [e["field"] for e in problem["errors"]] == ["header.Idempotency-Key"]
