"""A realistic sample for ``ledger demo``: Shanxi universities, both programs, 2017–2021.

The plan is a pure function of a seed: the same steps (and idempotency keys) every run, so
loading it again replays instead of posting twice. Amounts are chosen so that every planned
posting is allowed by the rules (spending in a year stays below that year's allocation of the
source, reversals avoid capitalised expenditures, assets stay below their expenditure); the
rejections the demo shows are the worked example's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledger.context import Actor
from service.example_scenario import DEPARTMENT, Step

FIRST_YEAR, LAST_YEAR, LAST_CLOSED_YEAR = 2017, 2021, 2020
UNIVERSITIES = {
    "10108": "山西大学", "10112": "太原理工大学", "10110": "中北大学", "10114": "山西医科大学",
    "10118": "山西师范大学", "10113": "山西农业大学", "10109": "太原科技大学",
}
# code, program, university, class, period, platforms, centre name
PROJECTS: list[tuple[str, str, str, str, tuple[int, int], list[str], str]] = [
    ("SX1331-B-2017-002", "1331-CIC", "10108", "B", (2017, 2020), ["PROV_ETRC"], "黄土高原生态协同创新中心"),
    ("SX1331-A-2017-003", "1331-CIC", "10112", "A", (2017, 2020), ["MOE_ERC"], "煤基新材料协同创新中心"),
    ("SX1331-B-2017-004", "1331-CIC", "10110", "B", (2017, 2020), [], "动态测试技术协同创新中心"),
    ("SX1331-B-2017-005", "1331-CIC", "10114", "B", (2017, 2020), ["PROV_ALLIANCE"], "精准医学协同创新中心"),
    ("SX1331-BS-2018-006", "1331-CIC", "10118", "B_SUPPLEMENT", (2018, 2021), [], "晋学文化传承协同创新中心"),
    ("SX1331-BS-2018-007", "1331-CIC", "10113", "B_SUPPLEMENT", (2018, 2021), [], "有机旱作农业协同创新中心"),
    ("SXCJRH-MAIN-2019-001", "CJRH", "10112", "MAIN_BASE", (2019, 2021), [], "智能制造产教融合主基地"),
    ("SXCJRH-SUB-2019-002", "CJRH", "10110", "SUB_BASE", (2019, 2021), [], "装备制造产教融合分基地"),
    ("SXCJRH-CITY-2020-003", "CJRH", "10109", "CITY_COUNTY_BASE", (2020, 2021), [], "重型机械市县实训基地"),
]
YEARLY_FISCAL = {  # program class -> (source, yearly amount in yuan)
    "A": [("SUPPORT", 2_000_000)], "B": [("SUPPORT", 1_000_000)],
    "B_SUPPLEMENT": [("SUPPORT", 600_000)],
    "MAIN_BASE": [("CENTRAL_BUDGET", 3_000_000), ("PROVINCIAL_SUBSIDY", 1_500_000),
                  ("LOCAL_BOND", 2_000_000)],
    "SUB_BASE": [("PROVINCIAL_SUBSIDY", 1_200_000), ("LOCAL_BOND", 800_000)],
    "CITY_COUNTY_BASE": [("PROVINCIAL_SUBSIDY", 600_000)],
}
POOLS = {"1331-CIC": ["MATCHING"], "CJRH": ["SELF_RAISED", "ENTERPRISE", "SERVICE_INCOME"]}
CATEGORIES = {
    "1331-CIC": ["EQUIPMENT", "MATERIALS", "TESTING", "TRAVEL", "CONFERENCE", "LABOUR",
                 "EXPERT_CONSULTING", "PUBLICATION_IP", "INTL_EXCHANGE"],
    "CJRH": ["EQUIPMENT", "INFRASTRUCTURE", "MATERIALS", "TRAINING_CONSUMABLES", "COMPENSATION",
             "LABOUR", "TRAVEL", "OTHER"],
}
SOURCE_LIMITS = {"LOCAL_BOND": ["EQUIPMENT", "INFRASTRUCTURE"],
                 "SERVICE_INCOME": ["EQUIPMENT", "TRAINING_CONSUMABLES", "COMPENSATION"]}
CAPITAL = ("EQUIPMENT", "INFRASTRUCTURE")
PLATFORM_SHARE = {2017: Decimal("0.6"), 2018: Decimal("0.4")}
ENTITLEMENTS = {"MOE_ERC": 1_000_000, "PROV_ETRC": 300_000, "PROV_ALLIANCE": 300_000}


@dataclass
class DemoPlan:
    """Registrations first, then each year's steps in order (closes are not steps)."""

    registrations: list[Step] = field(default_factory=list)
    years: dict[int, list[Step]] = field(default_factory=dict)


def office(university: str) -> Actor:
    return Actor(token_id=f"demo-{university}", role="finance_office", organisation=university,
                 name=f"{UNIVERSITIES[university]}财务处")


def yuan(value: float) -> str:
    """A round amount (to 100 yuan) as the money string the ledger takes."""
    return f"{Decimal(int(value) // 100 * 100):.2f}"


class _ProjectPlanner:
    """Plans one project's postings year by year, with its own counter for step labels."""

    def __init__(self, rng: random.Random, spec: tuple[Any, ...], plan: DemoPlan) -> None:
        self.rng, self.plan = rng, plan
        self.code, self.program, self.university, self.cls, self.period, self.platforms, \
            self.centre = spec
        self.actor = office(self.university)
        self.seq = 0

    def step(self, year: int, actor: Actor, command: str, args: dict[str, Any], **kw: Any
             ) -> Step:
        self.seq += 1
        label = f"{self.code}:{self.seq:03d}"
        made = Step(label, actor, command, {"project_code": self.code, **args}, name=label, **kw)
        self.plan.years.setdefault(year, []).append(made)
        return made

    def day(self, year: int, first: date, last_month: int = 12) -> date:
        span = (date(year, last_month, 28) - first).days
        return first + timedelta(days=self.rng.randint(0, max(span, 0)))

    def plan_year(self, year: int) -> None:
        budgets: dict[str, int] = {}
        for source, amount in YEARLY_FISCAL[self.cls]:
            amount = int(amount * self.rng.uniform(0.8, 1.2))
            self.step(year, DEPARTMENT, "allocate", {
                "source": source, "appropriation_year": year, "amount": yuan(amount),
                "document_no": f"晋财教〔{year}〕{self.rng.randint(10, 99)}号",
                "booked_on": date(year, 3, self.rng.randint(1, 28))})
            budgets[source] = amount
        for platform in self.platforms:
            if year in PLATFORM_SHARE:
                share = int(ENTITLEMENTS[platform] * PLATFORM_SHARE[year])
                self.step(year, DEPARTMENT, "allocate", {
                    "source": "PLATFORM", "appropriation_year": year, "amount": yuan(share),
                    "document_no": f"晋财教〔{year}〕8号", "booked_on": date(year, 3, 20)})
                budgets["PLATFORM"] = budgets.get("PLATFORM", 0) + share
        fiscal_total = sum(budgets.values())
        for source in POOLS[self.program]:
            amount = int(fiscal_total * self.rng.uniform(0.3, 1.0) / len(POOLS[self.program]))
            self.step(year, self.actor, "contribute", {
                "source": source, "amount": yuan(amount), "booked_on": date(year, 4, 15),
                "voucher_no": f"{year}-04-{self.seq + 1:03d}", "origin": "学校自有资金",
                "origin_is_fiscal": False})
            budgets[source] = amount
        for source, budget in budgets.items():
            self.plan_spending(year, source, int(budget * self.rng.uniform(0.55, 0.95)))

    def plan_spending(self, year: int, source: str, budget: int) -> None:
        allowed = [c for c in CATEGORIES[self.program]
                   if c in SOURCE_LIMITS.get(source, CATEGORIES[self.program])]
        for _ in range(self.rng.randint(2, 4)):
            amount = int(budget * self.rng.uniform(0.2, 0.45))
            if amount < 10_000:
                break
            budget -= amount
            category = self.rng.choice(allowed)
            on = self.day(year, date(year, 5, 1), 11)
            spent = self.step(year, self.actor, "post_expenditure", {
                "source": source, "category": category, "amount": yuan(amount), "booked_on": on,
                "voucher_no": f"{on:%Y-%m}-{self.seq + 1:03d}", "payee": "供应商",
                "description": f"{self.centre} {category}"})
            self.plan_follow_up(year, spent, category, amount, on)

    def plan_follow_up(self, year: int, spent: Step, category: str, amount: int, on: date
                       ) -> None:
        roll = self.rng.random()
        if category in CAPITAL and roll < 0.8:
            value = yuan(amount * self.rng.uniform(0.8, 1.0))
            self.step(year, self.actor, "register_asset", {
                "asset_no": f"ZC-{self.code}-{self.seq + 1:03d}",
                "name": "实验仪器设备" if category == "EQUIPMENT" else "实训场地改造",
                "category_code": "2010104" if category == "EQUIPMENT" else "1020100",
                "original_value": value, "quantity": 1, "unit": "台套",
                "acquired_on": on, "booked_on": min(on + timedelta(days=10), date(year, 12, 31)),
                "location": self.centre, "custodian": "设备处",
                "funded_by": [{"expenditure_id": spent.name, "amount": value}]})
        elif category not in CAPITAL and roll < 0.15:
            later = year + 1 if roll < 0.05 and year < LAST_YEAR else year
            booked = date(later, 2, 20) if later > year else min(on + timedelta(days=20),
                                                                   date(year, 12, 31))
            self.step(later, self.actor, "reverse_expenditure", {
                "amount": yuan(amount * self.rng.uniform(0.05, 0.3)), "booked_on": booked,
                "reason": "退回多付款项" if later == year else "以前年度支出收回",
                "voucher_no": f"{booked:%Y-%m}-R{self.seq + 1:03d}"},
                refs={"expenditure_id": spent.name})


def build_plan(seed: int = 1331) -> DemoPlan:
    """The sample's steps; the same for the same seed."""
    rng = random.Random(seed)
    plan = DemoPlan()
    for spec in PROJECTS:
        planner = _ProjectPlanner(rng, spec, plan)
        code, program, university, cls, (start, end), platforms, centre = spec
        plan.registrations.append(Step(f"{code}:register", DEPARTMENT, "register_project", {
            "code": code, "program": program, "university_code": university,
            "university_name": UNIVERSITIES[university], "name": f"{UNIVERSITIES[university]}{centre}",
            "project_class": cls, "period_start_year": start, "period_end_year": end,
            "lead": rng.choice(["王", "李", "张", "刘", "陈", "杨"]) + "教授",
            "platforms": [{"type": t} for t in platforms], "booked_on": date(start, 1, 10)}))
        for year in range(start, min(end, LAST_YEAR) + 1):
            planner.plan_year(year)
    return plan
