"""Schemas of programs (reference data) and project registration."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import Field, model_validator

from api.schemas.common import CreateModel, Recorded
from api.schemas.types import Amount, BusinessDate, Code, Flag, ProjectCode, UniversityCode, text


class SourceDefinition(CreateModel):
    code: Code = Field(examples=["SUPPORT"])
    name: str = text(100, "Chinese name of the source.", "支持经费")
    fiscal: Flag = Field(description="Fiscal money (held in tranches, recovered when surplus).",
                         examples=[True])


class CategoryDefinition(CreateModel):
    code: Code = Field(examples=["EQUIPMENT"])
    name: str = text(100, "Chinese name of the category.", "设备费")
    capital: Flag = Field(False, description="Capital category (may fund fixed assets).")


class ClassDefinition(CreateModel):
    code: Code = Field(examples=["A"])
    name: str = text(100, "Chinese name of the class.", "A类")


class MatchingSetting(CreateModel):
    source: Code = Field(examples=["MATCHING"])
    ratio: Decimal = Field(gt=0, le=100, max_digits=8, decimal_places=4, examples=["1"])
    base_sources: list[Code] = Field(min_length=1, examples=[["SUPPORT", "PLATFORM"]])


class CheckpointSetting(CreateModel):
    month_day: str = Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
                           examples=["06-30"])
    min_rate: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2, examples=["50"])


class ExecutionSetting(CreateModel):
    time_progress: Literal["day", "month"] = "day"
    lagging_gap_pp: Decimal = Field(Decimal(-10), ge=-100, le=0, max_digits=5,
                                    decimal_places=2)
    year_end_min_rate: Decimal = Field(Decimal(80), ge=0, le=100, max_digits=5,
                                       decimal_places=2)
    checkpoints: list[CheckpointSetting] = Field(default_factory=list, max_length=12)


class ProgramSettings(CreateModel):
    """Parameters of the program's rules; omitted keys take the defaults of domain.md."""

    carry_over_max_budget_years: int = Field(2, ge=1, le=10, strict=True)
    capitalisation_threshold: Amount = Field(Decimal("1000.00"))
    matching: MatchingSetting | None = None
    platform_source: Code | None = None
    platform_entitlements: dict[Code, Amount] = Field(default_factory=dict)
    fiscal_forbidden_categories: list[Code] = Field(default_factory=lambda: ["EVALUATION_FEE"])
    source_category_limits: dict[Code, list[Code]] = Field(default_factory=dict)
    execution: ExecutionSetting | None = None


class ProgramCreate(CreateModel):
    """A further funding program defined as data (a third program needs no code)."""

    code: Code = Field(examples=["HE-10B"])
    name: str = text(200, "Program name.", "高等教育百亿工程")
    sources: list[SourceDefinition] = Field(min_length=1, max_length=50)
    categories: list[CategoryDefinition] = Field(min_length=1, max_length=100)
    project_classes: list[ClassDefinition] = Field(default_factory=list, max_length=50)
    settings: ProgramSettings = Field(default_factory=ProgramSettings)

    @model_validator(mode="after")
    def _consistent(self) -> ProgramCreate:
        sources = {s.code for s in self.sources}
        categories = {c.code for c in self.categories}
        if len(sources) != len(self.sources):
            raise ValueError("sources: codes must be unique")
        if len(categories) != len(self.categories):
            raise ValueError("categories: codes must be unique")
        settings = self.settings
        named = [settings.platform_source] if settings.platform_source else []
        named += list(settings.source_category_limits)
        if settings.matching:
            named += [settings.matching.source, *settings.matching.base_sources]
        unknown = sorted(set(named) - sources)
        if unknown:
            raise ValueError(f"settings name sources not in sources: {', '.join(unknown)}")
        listed = set(settings.fiscal_forbidden_categories)
        for limited in settings.source_category_limits.values():
            listed |= set(limited)
        unknown = sorted(listed - categories)
        if unknown:
            raise ValueError(f"settings name categories not in categories: {', '.join(unknown)}")
        return self

    def as_definition(self) -> dict[str, Any]:
        settings = self.settings.model_dump(exclude_none=True)
        if self.settings.execution is None:
            settings.pop("execution", None)
        elif not self.settings.execution.checkpoints:
            settings["execution"].pop("checkpoints")
        return {
            "code": self.code,
            "name": self.name,
            "sources": [s.model_dump() for s in self.sources],
            "categories": [c.model_dump() for c in self.categories],
            "project_classes": [c.model_dump() for c in self.project_classes],
            "settings": settings,
        }


class ProgramPublic(Recorded):
    program: str = Field(examples=["HE-10B"])


class Platform(CreateModel):
    type: Code = Field(description="Platform type of the program (1331-CIC: `MOE_ERC`, "
                       "`PROV_ETRC`, `PROV_ALLIANCE`).", examples=["MOE_ERC"])
    name: str = text(200, "Platform name.", "教育部煤科学与技术工程研究中心")


class ProjectCreate(CreateModel):
    """Registration of a project under its program (department)."""

    code: ProjectCode
    program: Code = Field(examples=["1331-CIC"])
    university_code: UniversityCode
    university_name: str = text(100, "University name.", "山西大学")
    name: str = text(200, "Project name.", "山西省煤基清洁能源协同创新中心")
    project_class: Code = Field(description="Class within the program.", examples=["A"])
    period_start_year: int = Field(ge=1900, le=2200, strict=True, examples=[2017])
    period_end_year: int = Field(ge=1900, le=2200, strict=True, examples=[2020])
    lead: str = text(200, "Centre lead.", "王强")
    platforms: list[Platform] = Field(default_factory=list, max_length=20)
    booked_on: BusinessDate | None = Field(None, description="Registration date (default: "
                                           "today).")


class ProjectRegistered(Recorded):
    project_code: str = Field(examples=["SX1331-A-2017-001"])
    project_id: UUID

