"""Stateful generated requests (schemathesis state machine over OpenAPI links), all roles.

The OpenAPI document gets links added here: a registered project's ``project_code`` feeds every
operation on ``/v1/projects/{code}``, an allocation's feeds the expenditure, an expenditure's
``expenditure_id`` feeds its reversal. Schemathesis then walks chains such
as "register a project → allocate → spend → reverse → read the account", with generated (valid
and invalid) bodies, each step sent by a role chosen per step: usually the role allowed to call
the operation, sometimes another one (department, finance office of the project's university or
of another one, auditor, admin). Bodies of creating steps are nudged, most of the time, towards
a plausible project (university 10108, period 2017–2020) so the chains reach the domain rules.

Each scenario starts on a fresh SQLite database. Checks at every step (the same as the stateless
run's, tests/e2e/test_generated_requests.py): no 5xx; every 4xx a problem document whose
``status`` matches; every 422 names a rule or fields. Bounded by the number of scenarios
(50 × up to 8 steps: ~20–60 s).
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Response

from api.main import create_app
from service.settings import Settings
from tests.e2e.service import OWN_UNIVERSITY, ROLES, start_service
from tests.e2e.test_generated_requests import check_answer, send

PROJECT_OPS = ("allocations", "contributions", "expenditures", "assets", "surplus-recoveries",
               "funding-decisions", "lead-changes")
READS = ("", "/account", "/journal", "/events", "/assets")
DEPARTMENT_WRITES = ("/v1/projects", "/v1/programs", "allocations", "surplus-recoveries",
                     "funding-decisions", "lead-changes", "close")


def _operation_ids(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(method.upper(), path): operation["operationId"]
            for path, operations in document["paths"].items()
            for method, operation in operations.items()}


def linked_schema() -> dict[str, Any]:
    """The app's OpenAPI document with the links that make the state machine's chains."""
    document = create_app(Settings()).openapi()
    ids = _operation_ids(document)
    project = "/v1/projects/{code}"

    def add(source: tuple[str, str], status: str, name: str, target: tuple[str, str],
            parameters: dict[str, str]) -> None:
        response = document["paths"][source[1]][source[0].lower()]["responses"][status]
        response.setdefault("links", {})[name] = {"operationId": ids[target],
                                                  "parameters": parameters}

    code = {"code": "$response.body#/project_code"}
    for op in PROJECT_OPS:
        add(("POST", "/v1/projects"), "201", f"Post{op}", ("POST", f"{project}/{op}"), code)
    for read in READS:
        add(("POST", "/v1/projects"), "201", f"Read{read or 'project'}",
            ("GET", f"{project}{read}"), code)
    add(("POST", "/v1/projects"), "201", "CloseYear",
        ("POST", f"{project}/fiscal-years/{{year}}/close"), code)
    add(("POST", f"{project}/allocations"), "201", "Spend", ("POST", f"{project}/expenditures"),
        code)
    add(("POST", f"{project}/allocations"), "201", "ReadAccount", ("GET", f"{project}/account"),
        code)
    spent = {**code, "expenditure_id": "$response.body#/expenditure_id"}
    add(("POST", f"{project}/expenditures"), "201", "Reverse",
        ("POST", f"{project}/expenditures/{{expenditure_id}}/reversals"), spent)
    add(("POST", f"{project}/expenditures"), "201", "ReadJournal",
        ("GET", f"{project}/journal"), code)
    return document


def allowed_role(method: str, path: str) -> str:
    """The role most likely to be allowed to call an operation."""
    if path == "/v1/tokens":
        return "admin"
    if method == "GET":
        return "auditor"
    if path.endswith(DEPARTMENT_WRITES) or path in DEPARTMENT_WRITES:
        return "department"
    return "finance_office"


def draw(case: Any, salt: str) -> float:
    """A number in [0, 1) fixed by the generated case itself: the same case always makes the same
    choice, so hypothesis sees the same behaviour when it replays or shrinks an example."""
    text = f"{salt}|{case.operation.label}|{case.path_parameters}|{case.query}|{case.body}"
    return random.Random(text).random()


def nudge(case: Any) -> None:
    """Most of the time, make a creating body plausible so the chain reaches the domain."""
    body = case.body
    if not isinstance(body, dict) or draw(case, "nudge") < 0.3:
        return
    path = case.operation.path
    if path == "/v1/projects":
        body.update(university_code=OWN_UNIVERSITY, program="1331-CIC", project_class="A",
                    period_start_year=2017, period_end_year=2020, booked_on="2017-03-01")
    elif path.endswith("/allocations"):
        body.update(source="SUPPORT", appropriation_year=2017, booked_on="2017-04-01")
    elif path.endswith(("/expenditures", "/reversals")):
        body.update(booked_on="2017-05-10")
        if path.endswith("/expenditures"):
            body.update(source="SUPPORT")


def test_linked_chains_of_generated_requests_never_get_a_server_error(tmp_path: Path) -> None:
    schema = schemathesis.openapi.from_dict(linked_schema())
    base = schema.as_state_machine()
    tally: dict[str, Any] = {"steps": 0, "roles": set(), "chained": 0, "created": 0,
                             "scenarios": 0}
    started = time.monotonic()

    class LedgerMachine(base):  # type: ignore[misc, valid-type]
        """Each scenario on a fresh database, so one scenario's answers never depend on
        another's leftovers (hypothesis requires replays to behave the same)."""

        def setup(self) -> None:
            tally["scenarios"] += 1
            number = tally["scenarios"]
            url = f"sqlite:///{tmp_path / f'scenario-{number}.sqlite'}"
            self.services = start_service(url)
            self.service = next(self.services)

        def teardown(self) -> None:
            self.services.close()

        def before_call(self, case: Any) -> None:
            nudge(case)

        def call(self, case: Any, **kwargs: Any) -> Response:
            service = self.service
            method, path = case.operation.method.upper(), case.operation.path
            role = allowed_role(method, path)
            if draw(case, "role") < 0.25:
                role = ROLES[int(draw(case, "which") * len(ROLES))]
            tally["steps"] += 1
            tally["roles"].add(role)
            answer = send(service, role, case)
            if method == "POST" and path == "/v1/projects" and answer.status_code == 201:
                tally["created"] += 1
            if path.startswith("/v1/projects/{code}") and answer.status_code in (200, 201):
                tally["chained"] += 1
            check_answer(answer, f"{role} {method} {case.formatted_path}")
            return Response.from_any(answer)

        def validate_response(self, response: Response, case: Any,
                              additional_checks: Any = None, **kwargs: Any) -> None:
            """Checked in ``call`` (our rules, not schemathesis' full conformance suite)."""

    LedgerMachine.run(settings=settings(max_examples=50, stateful_step_count=8, deadline=None,
                                        database=None, suppress_health_check=list(HealthCheck),
                                        derandomize=True))
    print(f"stateful: {tally} in {time.monotonic() - started:.1f}s")
    # then many steps ran, under several roles, and chains went past project creation
    assert tally["steps"] >= 150, tally
    assert len(tally["roles"]) == len(ROLES), tally
    assert tally["created"] > 0 and tally["chained"] > 0, tally
