"""``POST /v1/batches``: bulk import of vouchers, atomic (all or nothing) or one by one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.service import Service, expenditure, fresh_code, register_project


@pytest.fixture(scope="module")
def service(module_service: Service) -> Service:
    return module_service


@pytest.fixture
def code(service: Service) -> str:
    """A fresh project per test (the tests of this module share one database)."""
    return fresh_code()


def op(code: str, voucher: str, amount: str = "1000.00", kind: str = "expenditure",
       **body: Any) -> dict[str, Any]:
    payload = expenditure(amount, voucher) if kind == "expenditure" else body
    return {"op": kind, "project": code, "idempotency_key": f"{code}:{voucher}",
            "body": payload}


def batch(service: Service, operations: list[dict[str, Any]], atomic: bool,
          role: str = "finance_office") -> Any:
    return service.post(role, "/v1/batches", {"atomic": atomic, "operations": operations},
                        key=None)


def spent(service: Service, code: str) -> str:
    return service.get("auditor", f"/v1/projects/{code}/account").json()["fiscal_total"]["spent"]


def test_an_atomic_batch_posts_every_operation_in_one_transaction(service: Service, code: str) -> None:
    register_project(service, code, allocate="10000.00")
    response = batch(service, [op(code, "B-001"), op(code, "B-002"), op(code, "B-003")], atomic=True)
    assert response.status_code == 201, response.text
    results = response.json()["results"]
    assert [(r["index"], r["status"]) for r in results] == [(0, 201), (1, 201), (2, 201)]
    positions = [r["body"]["position"] for r in results]
    assert positions == sorted(positions) and len(set(positions)) == 3
    assert spent(service, code) == "3000.00"


def test_a_failing_operation_rolls_back_the_whole_atomic_batch(service: Service, code: str) -> None:
    register_project(service, code, allocate="10000.00")
    response = batch(service, [op(code, "B-001"), op(code, "B-002"), op(code, "B-003", "9000.00")], atomic=True)
    assert response.status_code == 422
    problem = response.json()
    assert (problem["type"], problem["index"]) == ("batch-operation-failed", 2)
    assert (problem["problem"]["type"], problem["problem"]["rule"]) == ("insufficient-funds",
                                                                          "P5")
    assert spent(service, code) == "0.00"


def test_an_invalid_operation_body_names_its_index_and_field(service: Service, code: str) -> None:
    register_project(service, code)
    bad = op(code, "B-002")
    bad["body"]["amount"] = "-5.00"
    response = batch(service, [op(code, "B-001"), bad], atomic=True)
    assert response.status_code == 422
    problem = response.json()
    assert problem["index"] == 1 and problem["problem"]["type"] == "validation-error"
    assert problem["problem"]["errors"][0]["field"] == "operations[1].body.amount"
    assert spent(service, code) == "0.00"


def test_a_voucher_used_twice_in_one_atomic_batch_is_rejected(service: Service, code: str) -> None:
    register_project(service, code)
    twice = op(code, "B-001")
    twice["idempotency_key"] = f"{code}:other"
    response = batch(service, [op(code, "B-001"), twice], atomic=True)
    assert response.status_code == 422
    assert (response.json()["index"], response.json()["problem"]["type"]) == (
        1, "voucher-number-used")


def test_a_non_atomic_batch_answers_each_operation_on_its_own(service: Service, code: str) -> None:
    register_project(service, code, allocate="10000.00")
    allocation = op(code, "B-A", kind="allocation", source="SUPPORT", appropriation_year=2017,
                    amount="100.00", document_no="晋财教〔2017〕9号", booked_on="2017-05-01")
    response = batch(service, [op(code, "B-001"), op(code, "B-002", "99999.00"), allocation, op(code, "B-003")],
                     atomic=False)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 422, 403, 201]
    assert results[1]["body"]["type"] == "insufficient-funds"
    assert results[2]["body"]["type"] == "forbidden"
    assert spent(service, code) == "2000.00"


def test_replaying_a_batch_posts_nothing_twice(service: Service, code: str) -> None:
    register_project(service, code, allocate="10000.00")
    operations = [op(code, "B-001"), op(code, "B-002")]
    first = batch(service, operations, atomic=True)
    again = batch(service, operations, atomic=True)
    assert (first.status_code, again.status_code) == (201, 201)
    assert [r["replayed"] for r in again.json()["results"]] == [True, True]
    assert [r["body"] for r in again.json()["results"]] == [
        r["body"] for r in first.json()["results"]]
    assert spent(service, code) == "2000.00"


def test_a_department_batch_allocates_to_several_projects(service: Service, code: str) -> None:
    register_project(service, code, allocate=None)
    other = fresh_code()
    register_project(service, other, allocate=None)
    operations = [
        {"op": "allocation", "project": project, "idempotency_key": f"alloc:{project}",
         "body": {"source": "SUPPORT", "appropriation_year": 2017, "amount": "500000.00",
                  "document_no": "晋财教〔2017〕101号", "booked_on": "2017-05-01"}}
        for project in (code, other)
    ]
    response = batch(service, operations, atomic=True, role="department")
    assert response.status_code == 201, response.text
    for project in (code, other):
        account = service.get("auditor", f"/v1/projects/{project}/account").json()
        assert account["fiscal_total"]["received"] == "500000.00"


def test_more_than_a_thousand_operations_is_a_validation_error(service: Service, code: str) -> None:
    register_project(service, code)
    response = batch(service, [op(code, f"B-{i:04d}") for i in range(1001)], atomic=False)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "operations"
