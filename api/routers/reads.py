"""Reads of one project (or the list of projects): registration, account, journal, assets.

Finance offices see only their own university's projects; another university's is 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from api.auth import FINANCE_OFFICE, visible_project
from api.deps import LedgerDep, ReaderToken, ReadModelsDep
from api.schemas.common import PROBLEMS_READ
from api.schemas.reads import AccountPublic, AssetRegister, JournalPublic, ProjectPublic
from api.schemas.types import BusinessDate
from ledger import errors

router = APIRouter(prefix="/v1", tags=["projects"], responses=PROBLEMS_READ)

CodePath = Annotated[str, Path(min_length=1, max_length=64, examples=["SX1331-A-2017-001"])]


def _missing(code: str) -> errors.NotFound:
    return errors.NotFound(f"Project {code} does not exist.", project=code)


@router.get("/projects", response_model=list[ProjectPublic])
def list_projects(
    models: ReadModelsDep,
    token: ReaderToken,
    program: Annotated[str | None, Query(max_length=50, examples=["1331-CIC"])] = None,
    university: Annotated[str | None, Query(max_length=20, examples=["10108"])] = None,
    project_class: Annotated[str | None, Query(max_length=50, examples=["A"])] = None,
) -> Any:
    """List projects (a finance office sees only its own university's)."""
    if token.role == FINANCE_OFFICE:
        if university not in (None, token.university_code):
            return []
        university = token.university_code
    return models.list_projects(program=program, university=university,
                                project_class=project_class)


@router.get("/projects/{code}", response_model=ProjectPublic)
def get_project(code: CodePath, ledger: LedgerDep, models: ReadModelsDep,
                token: ReaderToken) -> Any:
    """A project's registration facts, status and lead."""
    visible_project(ledger, token, code)
    project = models.project(code)
    if project is None:
        raise _missing(code)
    return project


@router.get("/projects/{code}/account", response_model=AccountPublic)
def get_account(
    code: CodePath,
    ledger: LedgerDep,
    models: ReadModelsDep,
    token: ReaderToken,
    as_of: Annotated[BusinessDate | None, Query(description="Business date (default today).")
                     ] = None,
    recorded_before: Annotated[AwareDatetime | None, Query(
        description="Only facts recorded before this time (RFC 3339).")] = None,
) -> Any:
    """The dedicated account per source and tranche, as of a date and/or a recorded time."""
    visible_project(ledger, token, code)
    try:
        account = models.account(code, as_of=as_of, recorded_before=recorded_before)
    except LookupError:  # ledger.history: nothing of the project was recorded before that time
        raise errors.NotFound(f"Project {code} had not been registered before "
                              f"{recorded_before}.", project=code) from None
    if account is None:
        raise _missing(code)
    return account


@router.get("/projects/{code}/journal", response_model=JournalPublic)
def get_journal(
    code: CodePath,
    ledger: LedgerDep,
    models: ReadModelsDep,
    token: ReaderToken,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    source: Annotated[str | None, Query(max_length=50, examples=["SUPPORT"])] = None,
) -> Any:
    """分户账: the journal lines with the running balance per source."""
    visible_project(ledger, token, code)
    return {"project_code": code, "lines": models.journal(code, year=year, source=source)}


@router.get("/projects/{code}/assets", response_model=AssetRegister)
def get_assets(code: CodePath, ledger: LedgerDep, models: ReadModelsDep,
               token: ReaderToken) -> Any:
    """The project's fixed-asset register."""
    visible_project(ledger, token, code)
    return {"project_code": code, "assets": models.assets(code)}

