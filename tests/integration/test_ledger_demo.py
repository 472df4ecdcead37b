"""``ledger demo``: the worked example plus the sample load through the rules, deterministically
and idempotently, and the command prints every project's account."""

from __future__ import annotations

from ledger.application import Ledger
from ledger.store import event_store_env
from service.cli import main
from service.demo import load_demo
from service.demo_sample import PROJECTS, UNIVERSITIES
from tests.factories import MEMORY_ENV, Clock, account_state, d, max_position

TODAY = d("2026-01-15")


def conserved(project) -> bool:
    tranches_ok = all(t.allocated == t.spent + t.available + t.surplus_awaiting + t.recovered
                      and min(t.available, t.surplus_awaiting) >= 0
                      for t in project.tranches.values())
    return tranches_ok and all(p.available >= 0 for p in project.pools.values())


def test_the_demo_loads_both_programs_for_several_universities_over_five_years(tmp_path):
    app = Ledger(event_store_env(f"sqlite:///{tmp_path / 'demo.sqlite'}"), today=Clock(TODAY))
    summary = load_demo(app, verbose=False)

    projects = [app.get_project(code) for code in summary.projects]
    assert summary.rejected == 4  # the worked example's rejections, nothing else
    assert summary.posted > 400 and summary.closed > 20 and summary.recoveries > 5
    assert {p.program for p in projects} == {"1331-CIC", "CJRH"}
    assert {p.university_code for p in projects} == set(UNIVERSITIES)
    assert {p.project_class for p in projects} >= {"A", "B", "B_SUPPLEMENT", "MAIN_BASE",
                                                   "SUB_BASE", "CITY_COUNTY_BASE"}
    years = {t.appropriation_year for p in projects for t in p.tranches.values()}
    assert years == {2017, 2018, 2019, 2020, 2021}
    assert all(conserved(p) for p in projects)
    assert any(t.surplus_awaiting > 0 for p in projects for t in p.tranches.values())
    assert sum(p.asset_count for p in projects) > 10

    position = max_position(app)
    again = load_demo(app, verbose=False)
    assert (again.posted, again.closed, again.recoveries) == (0, 0, 0)
    assert again.replayed == summary.posted
    assert max_position(app) == position
    app.close()


def business_state(project) -> dict:
    """The account without the recorded times of its closes (they differ between runs)."""
    state = account_state(project)
    state["closes"] = {y: {k: v for k, v in close.items() if k != "recorded_at"}
                       for y, close in state["closes"].items()}
    return state


def test_the_demo_is_the_same_every_time():
    first, second = (Ledger(MEMORY_ENV, today=Clock(TODAY)) for _ in range(2))
    codes = load_demo(first, verbose=False).projects
    load_demo(second, verbose=False)
    assert [business_state(first.get_project(c)) for c in codes] == \
           [business_state(second.get_project(c)) for c in codes]


def test_ledger_demo_prints_the_rejections_and_every_account(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_DATABASE_URL", raising=False)

    assert main(["demo"]) == 0
    printed = capsys.readouterr().out

    assert (tmp_path / "fundledger.sqlite").exists()
    for problem in ("category-not-allowed-for-source", "year-closed", "insufficient-funds",
                    "platform-entitlement-exceeded"):
        assert f"拒绝 {problem}" in printed
    for code, *_ in PROJECTS:
        assert f"━━ {code} ·" in printed
    assert "支持经费 SUPPORT" in printed and "中央预算内投资 CENTRAL_BUDGET" in printed
    assert "山西大学" in printed and "太原理工大学" in printed
    example = printed.split("━━ SX1331-A-2017-001")[1].split("━━")[0].splitlines()
    support_2017 = next(line for line in example if "SUPPORT" in line and " 2017 " in line)
    assert support_2017.split()[3:] == ["2,000,000.00", "1,900,000.00", "0.00", "结余",
                                        "100,000.00", "100,000.00", "0.00"]
    assert next(line for line in example if "MATCHING" in line).split()[3] == "3,500,000.00"

    assert main(["demo", "--quiet"]) == 0  # a second run posts nothing twice
    assert "新记账 0 笔" in capsys.readouterr().out
