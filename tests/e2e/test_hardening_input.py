"""Hostile and broken input is refused with a 4xx problem document naming the rule, never a 500:
body size, nesting, encoding, NUL characters, huge numbers, amount and date forms, list sizes
and page sizes (api/hardening.py and the request schemas)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from api.hardening import MAX_BODY_BYTES, MAX_JSON_DEPTH
from tests.e2e.service import Service, expenditure, register_project

PATH = "/v1/projects/SX-HARD-1/expenditures"


@pytest.fixture(scope="module")
def hard_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    from tests.e2e.service import start_service

    url = f"sqlite:///{tmp_path_factory.mktemp('hardening') / 'ledger.sqlite'}"
    for service in start_service(url):
        register_project(service, "SX-HARD-1")
        yield service


def post_raw(service: Service, raw: bytes, path: str = PATH,
             content_type: str = "application/json") -> Any:
    headers = {**service.headers("finance_office"), "Content-Type": content_type}
    return service.client.post(path, content=raw, headers=headers)


def assert_problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == kind
    return body


def test_a_body_larger_than_the_limit_is_refused_413(hard_service: Service) -> None:
    raw = json.dumps(expenditure(description="x" * (MAX_BODY_BYTES + 1))).encode()
    assert_problem(post_raw(hard_service, raw), 413, "payload-too-large")


def test_a_chunked_body_larger_than_the_limit_is_refused_413(hard_service: Service) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    response = hard_service.client.post(PATH, content=chunks(),
                                        headers=hard_service.headers("finance_office"))
    assert_problem(response, 413, "payload-too-large")


DEEP = MAX_JSON_DEPTH + 1


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000,
                                 b'{"a":' * DEEP + b"1" + b"}" * DEEP])
def test_deeply_nested_json_is_refused_before_parsing(hard_service: Service, raw: bytes) -> None:
    body = assert_problem(post_raw(hard_service, raw), 422, "validation-error")
    assert body["errors"][0]["field"] == "body"
    assert "nested" in body["errors"][0]["message"]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "gb18030"])
def test_a_body_that_is_not_utf8_is_refused_422(hard_service: Service, encoding: str) -> None:
    payee = "café" if encoding == "latin-1" else "李华"
    raw = json.dumps(expenditure(voucher=f"ENC-{encoding}", payee=payee, description="差旅费"
                                 if encoding != "latin-1" else "déplacement"),
                     ensure_ascii=False).encode(encoding)
    body = assert_problem(post_raw(hard_service, raw), 422, "validation-error")
    assert "UTF-8" in body["detail"]


@pytest.mark.parametrize("raw", [
    json.dumps(expenditure(voucher="NUL-1", payee="李\u0000华")).encode(),
    json.dumps(expenditure(voucher="NUL\u00002")).encode(),
])
def test_text_with_a_nul_character_is_refused_422(hard_service: Service, raw: bytes) -> None:
    body = assert_problem(post_raw(hard_service, raw), 422, "validation-error")
    assert "NUL" in body["detail"]


def test_a_json_number_with_hundreds_of_digits_is_refused_422(hard_service: Service) -> None:
    raw = json.dumps(expenditure(voucher="BIG-1", amount=10**400)).encode()
    body = assert_problem(post_raw(hard_service, raw), 422, "validation-error")
    assert "digits" in body["detail"]


@pytest.mark.parametrize("amount", ["1e5", "1E2", "1.0e1", 1e5, 10.5, "1.001", "0.001", "NaN",
                                    "Infinity", "-1.00", "0.00", "1,000.00",
                                    "99999999999999999999.00"])
def test_amounts_with_exponents_fractions_of_a_cent_or_out_of_range_are_refused(
        hard_service: Service, amount: Any) -> None:
    response = hard_service.post("finance_office", PATH,
                                 expenditure(voucher=f"AMT-{amount}", amount=amount))
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["field"] == "amount"


@pytest.mark.parametrize("booked_on", ["2017-02-30", "20170101", "+2017-01-01", "2017-1-1",
                                       "99999-01-01", 20170101, "2017-05-10T00:00:00"])
def test_dates_that_are_not_iso_calendar_dates_are_refused(hard_service: Service,
                                                            booked_on: Any) -> None:
    response = hard_service.post("finance_office", PATH,
                                 expenditure(voucher=f"DATE-{booked_on}", booked_on=booked_on))
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["field"] == "booked_on"


@pytest.mark.parametrize("booked_on", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_dates_outside_the_project_period_or_open_year_are_refused_by_a_rule(
        hard_service: Service, booked_on: str) -> None:
    response = hard_service.post("finance_office", PATH,
                                 expenditure(voucher=f"RANGE-{booked_on}", booked_on=booked_on))
    assert response.status_code == 422, response.text
    assert response.json()["rule"]


def test_a_batch_of_more_than_1000_operations_is_refused(hard_service: Service) -> None:
    operations = [{"op": "expenditure", "project": "SX-HARD-1", "idempotency_key": f"b-{i}",
                   "body": expenditure(voucher=f"BATCH-{i}")} for i in range(1001)]
    response = hard_service.post("finance_office", "/v1/batches",
                                 {"atomic": True, "operations": operations})
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["field"] == "operations"


@pytest.mark.parametrize("params", [{"limit": 1001}, {"limit": 0}, {"limit": "many"},
                                    {"after": -1}])
def test_event_pages_are_bounded(hard_service: Service, params: dict[str, Any]) -> None:
    response = hard_service.get("auditor", "/v1/projects/SX-HARD-1/events", **params)
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["field"].startswith("query.")


def test_a_page_of_the_largest_size_is_answered(hard_service: Service) -> None:
    response = hard_service.get("auditor", "/v1/projects/SX-HARD-1/events", limit=1000)
    assert response.status_code == 200, response.text
    assert len(response.json()["events"]) <= 1000
