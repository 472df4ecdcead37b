"""Programs (reference data, event-sourced): funding sources, categories, classes and settings.

The two programs of domain.md §2 are seeded as data; a third program needs no code. Settings are
versioned by events (``SettingsChanged``), never constants buried in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.events import LedgerCreated, LedgerEvent

PROGRAM_NAMESPACE = uuid5(NAMESPACE_URL, "https://fundledger.example/programs")

CATEGORY_NAMES: dict[str, str] = {
    "EQUIPMENT": "设备费",
    "INFRASTRUCTURE": "基础设施改造",
    "MATERIALS": "材料费",
    "TESTING": "测试化验加工费",
    "FUEL_POWER": "燃料动力费",
    "TRAVEL": "差旅费",
    "CONFERENCE": "会议费",
    "INTL_EXCHANGE": "国际合作与交流费",
    "PUBLICATION_IP": "出版/文献/信息传播/知识产权事务费",
    "LABOUR": "劳务费",
    "EXPERT_CONSULTING": "专家咨询费",
    "TRAINING_CONSUMABLES": "实训耗材",
    "COMPENSATION": "薪酬",
    "OTHER": "其他支出",
    "EVALUATION_FEE": "评审评估费",
}
CAPITAL_CATEGORIES = ("EQUIPMENT", "INFRASTRUCTURE")

DEFAULT_SETTINGS: dict[str, Any] = {
    "carry_over_max_budget_years": 2,
    "capitalisation_threshold": Decimal("1000.00"),
    "matching": None,
    "platform_source": None,
    "platform_entitlements": {},
    "fiscal_forbidden_categories": ["EVALUATION_FEE"],
    "source_category_limits": {},
    "execution": {
        "time_progress": "day",
        "lagging_gap_pp": Decimal(-10),
        "year_end_min_rate": Decimal(80),
        "checkpoints": [
            {"month_day": "06-30", "min_rate": Decimal(50)},
            {"month_day": "09-30", "min_rate": Decimal(75)},
            {"month_day": "11-30", "min_rate": Decimal(90)},
        ],
    },
}


def program_id(code: str) -> UUID:
    """Deterministic id of a program, so a code can be registered only once."""
    return uuid5(PROGRAM_NAMESPACE, code)


def merged_settings(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Settings after applying ``changes`` on ``base`` (one level of nesting is merged)."""
    result = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict) and key == "execution":
            result[key] = {**result[key], **value}
        else:
            result[key] = value
    return result


class Program(Aggregate):
    """A funding program: which sources and categories exist and the parameters of its rules."""

    class Defined(LedgerCreated):
        code: str
        name: str
        sources: list[dict[str, Any]]
        categories: list[dict[str, Any]]
        project_classes: list[dict[str, Any]]
        settings: dict[str, Any]

    class ProjectEnrolled(LedgerEvent):
        project_code: str

        def apply(self, aggregate: Program) -> None:
            aggregate.project_codes.append(self.project_code)

    class SettingsChanged(LedgerEvent):
        changes: dict[str, Any]
        document_no: str

        def apply(self, aggregate: Program) -> None:
            aggregate.settings = merged_settings(aggregate.settings, self.changes)

    def __init__(
        self,
        code: str,
        name: str,
        sources: list[dict[str, Any]],
        categories: list[dict[str, Any]],
        project_classes: list[dict[str, Any]],
        settings: dict[str, Any],
    ) -> None:
        self.code = code
        self.name = name
        self.sources = sources
        self.categories = categories
        self.project_classes = project_classes
        self.settings = merged_settings(DEFAULT_SETTINGS, settings)
        self.project_codes: list[str] = []

    @classmethod
    def define(cls, *, meta: dict[str, Any], **definition: Any) -> Program:
        return cls._create(cls.Defined, id=program_id(definition["code"]), **meta, **definition)

    def enrol(self, project_code: str, meta: dict[str, Any], booked_on: date) -> None:
        """List a newly registered project under the program (for program-wide year closes)."""
        self.trigger_event(
            self.ProjectEnrolled, project_code=project_code, booked_on=booked_on, **meta
        )

    def change_settings(
        self, changes: dict[str, Any], document_no: str, meta: dict[str, Any], booked_on: date
    ) -> None:
        self.trigger_event(
            self.SettingsChanged,
            changes=changes,
            document_no=document_no,
            booked_on=booked_on,
            **meta,
        )

    def rules(self) -> ProgramRules:
        return ProgramRules.from_program(self)


@dataclass(frozen=True)
class ProgramRules:
    """The program's rules as the project commands consult them (a read-only view)."""

    code: str
    fiscal_sources: frozenset[str]
    pool_sources: frozenset[str]
    categories: frozenset[str]
    capital_categories: frozenset[str]
    project_classes: frozenset[str]
    settings: dict[str, Any]

    @classmethod
    def from_program(cls, program: Program) -> ProgramRules:
        return cls(
            code=program.code,
            fiscal_sources=frozenset(s["code"] for s in program.sources if s["fiscal"]),
            pool_sources=frozenset(s["code"] for s in program.sources if not s["fiscal"]),
            categories=frozenset(c["code"] for c in program.categories),
            capital_categories=frozenset(c["code"] for c in program.categories if c.get("capital")),
            project_classes=frozenset(c["code"] for c in program.project_classes),
            settings=program.settings,
        )

    @property
    def sources(self) -> frozenset[str]:
        return self.fiscal_sources | self.pool_sources

    def is_fiscal(self, source: str) -> bool:
        return source in self.fiscal_sources

    def category_allowed_for_source(self, category: str, source: str) -> bool:
        """§3: evaluation fees never from fiscal money; some sources only fund listed categories."""
        if self.is_fiscal(source) and category in self.settings["fiscal_forbidden_categories"]:
            return False
        limited_to = self.settings["source_category_limits"].get(source)
        return limited_to is None or category in limited_to

    def platform_entitlement(self, platform_types: list[str]) -> Decimal:
        entitlements = self.settings["platform_entitlements"]
        return sum((Decimal(entitlements[t]) for t in platform_types), Decimal("0.00"))

    @property
    def platform_source(self) -> str | None:
        return self.settings["platform_source"]

    @property
    def carry_over_max_budget_years(self) -> int:
        return int(self.settings["carry_over_max_budget_years"])

    @property
    def capitalisation_threshold(self) -> Decimal:
        return Decimal(self.settings["capitalisation_threshold"])


def _sources(*items: tuple[str, str, bool]) -> list[dict[str, Any]]:
    return [{"code": code, "name": name, "fiscal": fiscal} for code, name, fiscal in items]


def _categories(codes: list[str]) -> list[dict[str, Any]]:
    return [
        {"code": c, "name": CATEGORY_NAMES[c], "capital": c in CAPITAL_CATEGORIES} for c in codes
    ]


SEED_PROGRAMS: list[dict[str, Any]] = [
    {
        "code": "1331-CIC",
        "name": "1331工程协同创新中心建设计划",
        "sources": _sources(
            ("SUPPORT", "支持经费", True),
            ("PLATFORM", "平台经费", True),
            ("MATCHING", "学校配套", False),
        ),
        "categories": _categories(
            [c for c in CATEGORY_NAMES if c not in ("TRAINING_CONSUMABLES", "COMPENSATION")]
        ),
        "project_classes": [
            {"code": "A", "name": "A类"},
            {"code": "B", "name": "B类"},
            {"code": "B_SUPPLEMENT", "name": "B类增补"},
        ],
        "settings": {
            "matching": {
                "source": "MATCHING",
                "ratio": Decimal(1),
                "base_sources": ["SUPPORT", "PLATFORM"],
            },
            "platform_source": "PLATFORM",
            "platform_entitlements": {
                "MOE_ERC": Decimal("1000000.00"),
                "PROV_ETRC": Decimal("300000.00"),
                "PROV_ALLIANCE": Decimal("300000.00"),
            },
        },
    },
    {
        "code": "CJRH",
        "name": "产教融合创新平台和实训基地",
        "sources": _sources(
            ("CENTRAL_BUDGET", "中央预算内投资", True),
            ("PROVINCIAL_SUBSIDY", "省级补助", True),
            ("LOCAL_BOND", "地方政府专项债券", True),
            ("LOAN", "贷款", False),
            ("SELF_RAISED", "自筹", False),
            ("ENTERPRISE", "企业投入", False),
            ("SERVICE_INCOME", "有偿服务收入", False),
        ),
        "categories": _categories(
            [
                "EQUIPMENT",
                "INFRASTRUCTURE",
                "MATERIALS",
                "TRAINING_CONSUMABLES",
                "COMPENSATION",
                "LABOUR",
                "TRAVEL",
                "CONFERENCE",
                "OTHER",
                "EVALUATION_FEE",
            ]
        ),
        "project_classes": [
            {"code": "MAIN_BASE", "name": "主基地"},
            {"code": "SUB_BASE", "name": "分基地"},
            {"code": "CITY_COUNTY_BASE", "name": "市县基地"},
        ],
        "settings": {
            "source_category_limits": {
                "LOCAL_BOND": list(CAPITAL_CATEGORIES),
                "SERVICE_INCOME": ["EQUIPMENT", "TRAINING_CONSUMABLES", "COMPENSATION"],
            },
        },
    },
]
