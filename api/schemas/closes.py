"""Schemas of fiscal-year closes (结转 / 结余, domain.md §6)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import CreateModel, Problem, PublicModel
from api.schemas.types import Code, Money


class CloseLine(PublicModel):
    source: str = Field(examples=["SUPPORT"])
    appropriation_year: int = Field(examples=[2017])
    amount: Money
    outcome: Literal["CARRIED", "SURPLUS"]
    reason: str | None = Field(description="`TWO_YEAR`, `PROJECT_ENDED` or `TERMINATED` for "
                               "surplus; null when carried.", examples=["TWO_YEAR"])


class ClosePool(PublicModel):
    source: str = Field(examples=["MATCHING"])
    amount: Money


class ProjectClosePublic(PublicModel):
    """The outcome of closing one project's fiscal year, one line per fiscal tranche."""

    project_code: str = Field(examples=["SX1331-A-2017-001"])
    year: int = Field(examples=[2018])
    lines: list[CloseLine]
    pools: list[ClosePool]
    position: int | None = Field(None, description="Log position of the close event.")


class ProgramCloseCreate(CreateModel):
    program: Code = Field(description="Close every project of this program.",
                          examples=["1331-CIC"])


class ProjectCloseResult(PublicModel):
    project_code: str
    result: Literal["CLOSED", "ALREADY_CLOSED", "REJECTED", "SKIPPED"]
    close: ProjectClosePublic | None
    problem: Problem | None


class ProgramClosePublic(PublicModel):
    program: str
    year: int
    results: list[ProjectCloseResult]
