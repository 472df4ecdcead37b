"""The worked example (tests/scenario.py) posted through the HTTP API instead of the library.

Each ledger step becomes its request: the route of its use case, the token of its role, the
step's arguments as a JSON body, and an Idempotency-Key per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.e2e.service import Service
from tests.scenario import EXAMPLE_STEPS, PROJECT, Step

PLATFORM_NAMES = {"MOE_ERC": "教育部工程研究中心", "PROV_ALLIANCE": "山西省产业技术创新战略联盟",
                  "PROV_ETRC": "山西省工程技术研究中心"}
BASE = f"/v1/projects/{PROJECT}"
PATHS = {
    "register_project": "/v1/projects",
    "allocate": BASE + "/allocations",
    "contribute": BASE + "/contributions",
    "post_expenditure": BASE + "/expenditures",
    "reverse_expenditure": BASE + "/expenditures/{expenditure_id}/reversals",
    "register_asset": BASE + "/assets",
    "close_project_year": BASE + "/fiscal-years/{year}/close",
    "recover_surplus": BASE + "/surplus-recoveries",
}


def as_json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


@dataclass
class HttpOutcome:
    step: Step
    status: int
    body: dict[str, Any]


def request_of(step: Step, names: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any] | None]:
    """The path and JSON body of one step; references become the earlier results' ids."""
    args = as_json(dict(step.args))
    args.pop("project_code", None)
    for arg, ref in step.refs.items():
        args[arg] = names[ref]["expenditure_id"]
    if "funded_by" in args:
        args["funded_by"] = [
            {**item, "expenditure_id": names[item["expenditure_id"]]["expenditure_id"]}
            for item in args["funded_by"]
        ]
    if step.command == "register_project":
        args["platforms"] = [{"type": p["type"], "name": PLATFORM_NAMES[p["type"]]}
                             for p in args["platforms"]]
    path = PATHS[step.command].format(**args)
    if step.command == "close_project_year":
        return path, None
    if step.command == "reverse_expenditure":
        args.pop("expenditure_id")
    return path, args


def post_example_scenario(service: Service) -> dict[str, HttpOutcome]:
    """Post every step over HTTP; returns each step's outcome by label."""
    names: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, HttpOutcome] = {}
    for step in EXAMPLE_STEPS:
        path, body = request_of(step, names)
        response = service.post(step.actor.role, path, body, key=f"example:{step.label}")
        outcome = HttpOutcome(step, response.status_code, response.json())
        outcomes[step.label] = outcome
        if step.name and response.status_code in (200, 201):
            names[step.name] = outcome.body
    return outcomes
