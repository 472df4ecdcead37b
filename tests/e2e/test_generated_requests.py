"""Generated requests over the whole OpenAPI schema (schemathesis + hypothesis), every role.

Given the running app on SQLite with one real project and expenditure, when schemathesis
generates requests for every operation — valid and invalid bodies, query strings and headers,
with the path pointing at the real project most of the time — then no answer is a 5xx and every
4xx is a problem document (``application/problem+json``) whose ``status`` matches, and every
422 names a rule or the offending fields. Bounded: about 300 requests per role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.main import create_app
from service.settings import Settings
from tests.e2e.service import Service, expenditure, fresh_code, register_project, start_service

ROLES = ("department", "finance_office", "auditor", "admin")
EXAMPLES_PER_OPERATION = 12  # x 29 operations ≈ 300 requests per role, > 1,000 in all

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, str]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'ledger.sqlite'}"
    services = start_service(url)
    service = next(services)
    code = fresh_code()
    register_project(service, code)
    response = service.post("finance_office", f"/v1/projects/{code}/expenditures",
                            expenditure("50000.00", "FUZZ-001", category="EQUIPMENT"))
    assert response.status_code == 201, response.text
    yield service, {"code": code, "expenditure_id": response.json()["expenditure_id"]}
    services.close()


def send(service: Service, role: str, case: Any) -> Any:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    headers = dict(kwargs.get("headers") or {})
    headers["Authorization"] = f"Bearer {service.tokens[role]}"
    headers.pop("Content-Length", None)
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        body["content"] = kwargs["data"]
    return service.client.request(kwargs["method"], kwargs["url"], params=kwargs.get("params"),
                                  headers=headers, **body)


def check_answer(response: Any, label: str) -> None:
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text}"
    if 400 <= response.status_code < 500:
        assert response.headers["content-type"].startswith("application/problem+json"), label
        problem = response.json()
        assert problem["status"] == response.status_code, label
        assert problem["type"] and problem["title"] and problem["detail"], label
        if response.status_code == 422:
            assert problem.get("rule") or problem.get("errors") or problem.get("problem"), label


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_generated_requests_never_get_a_server_error_and_every_rejection_is_a_problem(
    world: tuple[Service, dict[str, str]], operation: Any, role: str,
) -> None:
    service, real = world

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), aim=st.booleans())
    def run(case: Any, aim: bool) -> None:
        if aim and case.path_parameters:  # point at the real project most of the time
            for name in ("code", "expenditure_id"):
                if name in case.path_parameters:
                    case.path_parameters[name] = real[name]
        check_answer(send(service, role, case), f"{role} {case.method} {case.formatted_path}")

    run()
