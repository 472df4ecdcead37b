"""A large, realistic event history written fast: the domain's own commands on many projects,
saved in big ``save()`` calls (thousands of events each) instead of one request per posting.

Every posting writes what the application service writes for it (the project's event, the
expenditure card, the voucher claim, the asset-number claim), so the log has the real mix of
event types; only idempotency records are left out. Used by ``ledger bench rebuild``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from ledger.claims import AssetNumberClaim, VoucherClaim
from ledger.context import SYSTEM, CommandContext
from ledger.expenditure import Expenditure
from ledger.project import Project

YEARS = (2017, 2018, 2019, 2020, 2021)
CATEGORIES = ("EQUIPMENT", "MATERIALS", "TESTING", "TRAVEL", "LABOUR", "CONFERENCE")
UNIVERSITIES = ("10108", "10112", "10110", "10109", "10125", "10113")


def project_year(
    app: Any, project: Project, year: int, postings: int, rng: random.Random
) -> Iterator[Any]:
    """One project's year: allocation, matching, ``postings`` expenditures (a few reversed, one
    capitalised), then the close. Yields the new aggregates (cards and claims)."""
    rules = app.program_rules(project.program)
    meta = CommandContext(SYSTEM).event_meta()
    jan = date(year, 1, 2)
    project.allocate(rules=rules, meta=meta, source="SUPPORT", appropriation_year=year,
                     amount=Decimal("2000000.00"), document_no=f"晋财教〔{year}〕1号",
                     booked_on=jan)
    project.contribute(rules=rules, meta=meta, source="MATCHING", amount=Decimal("500000.00"),
                       booked_on=jan, voucher_no=f"{year}-M-0001", origin="学校自有资金",
                       origin_is_fiscal=False)
    yield VoucherClaim.claim(project_id=project.id, meta=meta, booked_on=jan,
                             project_code=project.code, voucher_no=f"{year}-M-0001",
                             posting="contribution")
    cards: list[Expenditure] = []
    for i in range(postings):
        booked_on = jan + timedelta(days=int(350 * i / max(postings, 1)))
        category = CATEGORIES[i % len(CATEGORIES)]
        source = "MATCHING" if i % 10 == 9 else "SUPPORT"
        amount = Decimal(rng.randint(100, 5000))
        if amount > project.available(source, rules):
            continue
        expenditure_id = uuid4()
        voucher = f"{year}-{i:05d}"
        pieces = project.spend(rules=rules, meta=meta, expenditure_id=expenditure_id,
                               source=source, category=category, amount=amount,
                               booked_on=booked_on, voucher_no=voucher, payee="供应商",
                               description=f"{category} {voucher}")
        card = Expenditure.open(expenditure_id=expenditure_id, meta=meta, booked_on=booked_on,
                                project_id=project.id, source=source, category=category,
                                amount=amount, consumed=[p.as_data() for p in pieces])
        cards.append(card)
        yield card
        yield VoucherClaim.claim(project_id=project.id, meta=meta, booked_on=booked_on,
                                 project_code=project.code, voucher_no=voucher,
                                 posting="expenditure")
        if i % 25 == 24:  # reverse part of an earlier expenditure of the year
            yield from _reverse(project, rng.choice(cards), booked_on, meta, f"{year}-R{i:05d}")
    equipment = [c for c in cards if c.category == "EQUIPMENT" and c.net_amount >= 1000]
    if equipment:
        yield from _capitalise(project, rules, equipment[0], year, meta)
    project.close_year(rules=rules, meta=meta, year=year, today=date(year + 1, 1, 1))


def _reverse(project: Project, card: Expenditure, booked_on: date, meta: dict[str, Any],
             voucher: str) -> Iterator[Any]:
    amount = min(Decimal("50.00"), card.net_amount - card.capitalised)
    if amount <= 0:
        return
    reversal_id = uuid4()
    pieces = project.reverse(meta=meta, reversal_id=reversal_id, expenditure=card,
                             expenditure_id=card.id, amount=amount, booked_on=booked_on,
                             reason="退回", voucher_no=voucher)
    card.record_reversal(meta=meta, reversal_id=reversal_id, amount=amount,
                         restored=[p.as_data() for p in pieces], booked_on=booked_on)
    yield VoucherClaim.claim(project_id=project.id, meta=meta, booked_on=booked_on,
                             project_code=project.code, voucher_no=voucher, posting="reversal")


def _capitalise(project: Project, rules: Any, card: Expenditure, year: int,
                meta: dict[str, Any]) -> Iterator[Any]:
    value = card.net_amount - card.capitalised
    asset_no = f"{project.code}-{year}"
    asset_id = uuid4()
    booked_on = max(card.booked_on, date(year, 12, 1))
    project.register_asset(rules=rules, meta=meta, asset_id=asset_id,
                           funding=[(card, card.id, value)], booked_on=booked_on,
                           asset_no=asset_no, name="设备", category_code="2010104",
                           original_value=value, quantity=1, unit="台",
                           acquired_on=booked_on, location="实验室", custodian="管理员")
    card.record_capitalisation(meta=meta, asset_id=asset_id, asset_no=asset_no, amount=value,
                               booked_on=booked_on)
    yield AssetNumberClaim.claim(meta=meta, booked_on=booked_on,
                                 university_code=project.university_code, asset_no=asset_no,
                                 project_code=project.code)


def generate(app: Any, events: int, projects: int = 1000, seed: int = 7,
             save_every: int = 4000) -> int:
    """Write about ``events`` events over ``projects`` projects × 5 years; returns the count."""
    rng = random.Random(seed)
    per_year = max(1, events // (projects * len(YEARS)))
    postings = max(1, int(per_year / 3.1))  # ≈ 3.1 events per expenditure on average
    program = app.get_program("1331-CIC")
    rules = program.rules()
    meta = CommandContext(SYSTEM).event_meta()
    pending: list[Any] = []
    written = 0

    def flush() -> None:
        nonlocal pending, written
        aggregates = {id(a): a for a in pending if a.pending_events}
        count = sum(len(a.pending_events) for a in aggregates.values())
        if count:
            app.save(*aggregates.values())
            written += count
        pending = []

    for n in range(projects):
        code = f"BENCH-{seed}-{n:05d}"
        project = Project.register(
            rules=rules, meta=meta, booked_on=date(2017, 1, 1), code=code, program="1331-CIC",
            university_code=UNIVERSITIES[n % len(UNIVERSITIES)], university_name="山西某高校",
            name=f"基准项目 {n}", project_class=("A", "B", "B_SUPPLEMENT")[n % 3],
            period_start_year=YEARS[0], period_end_year=YEARS[-1], lead="负责人",
            platforms=[{"type": "PROV_ETRC"}],
        )
        program.enrol(code, meta, date(2017, 1, 1))
        pending += [project, program]
        for year in YEARS:
            pending.extend(project_year(app, project, year, postings, rng))
            pending.append(project)
            if len(pending) >= save_every:
                flush()
                pending += [project, program]
    flush()
    return written
