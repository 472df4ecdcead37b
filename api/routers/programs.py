"""Programs (reference data as events) and project registration — department only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import DepartmentToken, IdempotencyKey, LedgerDep, command_context
from api.schemas.common import PROBLEMS_WRITE
from api.schemas.programs import ProgramCreate, ProgramPublic, ProjectCreate, ProjectRegistered
from api.writes import finish_write

router = APIRouter(prefix="/v1", tags=["programs and projects"], responses=PROBLEMS_WRITE)


@router.post("/programs", response_model=ProgramPublic, status_code=201)
def define_program(body: ProgramCreate, request: Request, response: Response, ledger: LedgerDep,
                   token: DepartmentToken, key: IdempotencyKey) -> Any:
    """Define a further funding program as data: sources, categories, classes, settings."""
    result = ledger.define_program(command_context(request, token, key), **body.as_definition())
    return finish_write(request, response, result, "program")


@router.post("/projects", response_model=ProjectRegistered, status_code=201)
def register_project(body: ProjectCreate, request: Request, response: Response,
                     ledger: LedgerDep, token: DepartmentToken, key: IdempotencyKey) -> Any:
    """Register a project under its program; a project code can be registered once."""
    facts = body.model_dump()
    facts["platforms"] = [dict(p) for p in facts["platforms"]]
    if facts["booked_on"] is None:
        facts.pop("booked_on")
    result = ledger.register_project(command_context(request, token, key), **facts)
    return finish_write(request, response, result, "project")
