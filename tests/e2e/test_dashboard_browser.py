"""The dashboard in a real browser (headless Debian chromium driven by Playwright) against the real app.

Given the service running on loopback (SQLite file, migrations applied, the demo data loaded,
tokens per role), when a user signs in and opens each page, then the figures shown are the API's
own figures in Chinese formats (万元 on the overview, yuan elsewhere, "33.33%"), a lagging
university leads to its projects and a project to its account, roles apply, and every page leaves
a screenshot in ``test-artifacts/``. Set ``DASHBOARD_README_SCREENSHOT=1`` to refresh the README's
``docs/img/dashboard-overview.png`` as well.

Chromium comes from ``scripts/ensure-chromium.sh`` (apt); ``playwright install`` is never used.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

try:
    import playwright.sync_api as playwright_api
except ImportError:  # never silently in CI: playwright is a dev dependency
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed (pip install -e '.[dev]')", allow_module_level=True)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
README_SCREENSHOT = ROOT / "docs" / "img" / "dashboard-overview.png"
YEAR, MID_YEAR, YEAR_END = "2018", "2018-06-30", "2018-12-31"
EXAMPLE = "SX1331-A-2017-001"  # example-scenario.md, part of the demo data

if not Path(CHROMIUM).exists():  # never silently in CI: the suite installs it first
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh")
    pytest.skip(f"{CHROMIUM} missing (run scripts/ensure-chromium.sh)", allow_module_level=True)


# --- expected text, derived from the API's JSON ------------------------------------------------

def wan(amount: str) -> str:
    """The overview's 万元: yuan ÷ 10,000, half-up to 2 places, thousands separators."""
    value = (Decimal(amount) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:,.2f}"


def yuan(amount: str) -> str:
    return f"{Decimal(amount):,.2f}"


def pct(value: str) -> str:
    return f"{Decimal(value):.2f}%"


# --- the live service -------------------------------------------------------------------------

@dataclass(frozen=True)
class Live:
    base_url: str
    tokens: dict[str, str]

    def api(self, role: str, path: str, **params: Any) -> Any:
        response = httpx.get(f"{self.base_url}{path}", params=params, timeout=30,
                             headers={"Authorization": f"Bearer {self.tokens[role]}"})
        response.raise_for_status()
        return response.json()


DEMO_TODAY = date(2022, 3, 1)  # after the demo's last close (2020) and its 2021 postings


def _load_demo_data(database_url: str) -> None:
    """Load the demo (the worked example plus the sample of seven universities) through the rules."""
    from service.demo import load_demo
    from service.runtime import build_ledger
    from service.settings import Settings

    ledger = build_ledger(Settings(database_url=database_url), today=lambda: DEMO_TODAY)
    try:
        load_demo(ledger, verbose=False)
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import uvicorn

    from api.main import create_app
    from dashboard.router import mount_dashboard
    from projections.schema import apply_migrations
    from service.settings import Settings
    from tests.e2e.service import make_tokens

    database_url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'ledger.sqlite'}"
    apply_migrations(database_url)
    _load_demo_data(database_url)
    tokens = make_tokens(database_url)  # department, auditor, admin, 10108 and 10112 offices
    app = create_app(Settings(database_url=database_url), today=lambda: DEMO_TODAY)
    mount_dashboard(app)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors or blocked resources on the page: {errors}"


def wait_ready(page: Any, ready: str) -> None:
    """Wait until the page ``ready`` has finished rendering the current hash route."""
    page.wait_for_function(
        "ready => { const m = document.getElementById('main');"
        " return m.dataset.ready === ready && m.dataset.hash === location.hash; }", arg=ready)


def sign_in(page: Any, live: Live, role: str) -> None:
    page.goto(f"{live.base_url}/dashboard")
    page.fill("#token", live.tokens[role])
    page.press("#token", "Enter")
    wait_ready(page, "overview")


def open_route(page: Any, live: Live, route: str, ready: str) -> None:
    page.goto(f"{live.base_url}/dashboard/{route}")
    wait_ready(page, ready)


def open_as(page: Any, live: Live, role: str, route: str, ready: str) -> None:
    """Open ``route`` already signed in as ``role`` (the token put where the login form puts it)."""
    page.goto(f"{live.base_url}/dashboard/#/login")
    page.evaluate("token => sessionStorage.setItem('fundledger.token', token)", live.tokens[role])
    open_route(page, live, route, ready)


def rows_of(page: Any, table_id: str) -> list[list[str]]:
    """Cell texts per body row (text content: a table inside a closed <details> counts too)."""
    return [[text.strip() for text in row.locator("th, td").all_text_contents()]
            for row in page.locator(f"#{table_id} tbody tr").all()]


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- the pages --------------------------------------------------------------------------------

def test_overview_shows_the_execution_report_of_the_api_in_wan_and_percent(page: Any, live: Live
                                                                           ) -> None:
    report = live.api("department", "/v1/reports/execution-rates", year=YEAR, as_of=MID_YEAR)
    matching = live.api("department", "/v1/reports/matching", year=YEAR, as_of=MID_YEAR)

    open_as(page, live, "department", f"#/overview?year={YEAR}&as_of={MID_YEAR}", "overview")

    overall = report["totals"]["overall"]
    assert page.inner_text("#kpi-available .kpi-value") == wan(overall["available"])
    assert page.inner_text("#kpi-spent .kpi-value") == wan(overall["spent"])
    assert page.inner_text("#kpi-rate .kpi-value") == pct(overall["rate"])
    assert page.inner_text("#kpi-tp .kpi-value") == pct(report["time_progress"]) == "49.59%"
    lagging = [row for row in report["rows"] if row["status"] == "LAGGING"]
    assert page.inner_text("#kpi-lagging .kpi-value") == str(len(lagging))
    universities = rows_of(page, "table-university")
    assert [(cells[1], cells[2], cells[3], cells[4]) for cells in universities] == [
        (total["university_code"], wan(total["available"]), wan(total["spent"]), pct(total["rate"]))
        for total in report["totals"]["by_university"]]
    projects = {cells[0]: cells for cells in rows_of(page, "table-projects")}
    for row in lagging:
        assert projects[row["project_code"]][6] == pct(row["rate"])
        assert projects[row["project_code"]][8] == row["gap_pp"]
        assert projects[row["project_code"]][9] == "进度滞后"
    # The worked example's own figures at 30 June 2018 (example-scenario.md).
    assert projects[EXAMPLE][6:10] == ["11.90%", "49.59%", "-37.68", "进度滞后"]
    shortfalls = {cells[0]: cells for cells in rows_of(page, "table-matching")}
    for row in matching["rows"]:
        assert shortfalls[row["project_code"]][5] == wan(row["shortfall"])
    chart = page.locator("#chart-university")
    assert chart.get_attribute("role") == "img" and "49.59%" in chart.get_attribute("aria-label")
    assert chart.locator("svg").count() == 1, "ECharts drew the chart from the local file"
    shoot(page, "overview")
    if os.environ.get("DASHBOARD_README_SCREENSHOT"):  # the first screen, as a visitor sees it
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(README_SCREENSHOT), full_page=False)


def test_keyboard_user_goes_from_a_lagging_university_to_its_project_account(page: Any, live: Live
                                                                            ) -> None:
    report = live.api("department", "/v1/reports/execution-rates", year=YEAR, as_of=MID_YEAR)
    lagging = next(row for row in report["rows"] if row["project_code"] == EXAMPLE)
    assert lagging["status"] == "LAGGING"

    open_as(page, live, "department", f"#/overview?year={YEAR}&as_of={MID_YEAR}", "overview")
    university_link = page.locator("#table-university tbody tr", has_text=lagging["university_code"]
                                   ).locator("a")
    university_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash.includes('university=')")
    wait_ready(page, "overview")
    assert "的全部项目" in page.inner_text("#projects-title")
    project_link = page.locator("#table-projects tbody tr", has_text=lagging["project_code"]
                                ).locator("a")
    project_link.focus()
    page.keyboard.press("Enter")
    wait_ready(page, "project")

    account = live.api("department", f"/v1/projects/{lagging['project_code']}/account",
                       as_of=MID_YEAR)
    totals = {cells[0]: cells for cells in rows_of(page, "table-account")}
    assert totals["财政资金合计"][5] == yuan(account["fiscal_total"]["available"]) == "3,700,000.00"
    assert page.locator("#chart-curve svg").count() == 1
    assert totals["全部资金合计"][2] == yuan(account["total"]["received"])
    curve = rows_of(page, "table-curve")
    assert curve[-1][0] == MID_YEAR
    assert curve[-1][3] == pct(lagging["rate"]) and curve[-1][4] == pct(lagging["time_progress"])
    shoot(page, "project")


def test_project_page_at_year_end_shows_journal_assets_unregistered_spending_and_ageing(
        page: Any, live: Live) -> None:
    code = live.api("department", "/v1/projects")[0]["project_code"]
    journal = live.api("department", f"/v1/projects/{code}/journal", year=YEAR)
    assets = live.api("department", f"/v1/projects/{code}/assets")
    unregistered = live.api("department", "/v1/reports/unregistered-assets", as_of=YEAR_END)
    carry = live.api("department", "/v1/reports/carry-overs", year=YEAR, as_of=YEAR_END)

    open_as(page, live, "department", f"#/project/{code}?year={YEAR}&as_of={YEAR_END}", "project")

    lines = rows_of(page, "table-journal")
    assert len(lines) == len(journal["lines"])
    assert [cells[-1] for cells in lines] == [yuan(line["balance"]) for line in journal["lines"]]
    assert [cells[0] for cells in rows_of(page, "table-assets")] == [
        asset["asset_no"] for asset in assets["assets"]]
    assert [cells[-1] for cells in rows_of(page, "table-unregistered")] == [
        yuan(row["unregistered"]) for row in unregistered["rows"] if row["project_code"] == code]
    ageing = [row for row in carry["rows"] if row["project_code"] == code]
    assert [cells[-1] for cells in rows_of(page, "table-carry")] == [
        yuan(row["surplus_awaiting"]) for row in ageing]
    assert page.locator("#chart-curve svg").count() == 1
    shoot(page, "project-year-end")


def test_auditor_reads_the_event_history_of_a_project_with_chain_links(page: Any, live: Live
                                                                       ) -> None:
    code = live.api("auditor", "/v1/projects")[0]["project_code"]
    first_page = live.api("auditor", f"/v1/projects/{code}/events", limit=100)

    open_as(page, live, "auditor", f"#/audit?project={code}", "audit")

    events = rows_of(page, "table-events")
    assert [cells[0] for cells in events] == [str(e["position"]) for e in first_page["events"]]
    assert [cells[1] for cells in events] == [e["type"] for e in first_page["events"]]
    last = first_page["events"][-1]
    assert page.inner_text("#events-head").endswith(f"#{last['position']} {last['hash'] or '—'}")
    shoot(page, "audit")


def test_finance_office_sees_only_its_own_university(page: Any, live: Live) -> None:
    everything = live.api("department", "/v1/reports/execution-rates", year=YEAR, as_of=MID_YEAR)
    for role, university in (("finance_office", "10108"), ("other_finance_office", "10112")):
        own = live.api(role, "/v1/reports/execution-rates", year=YEAR, as_of=MID_YEAR)

        sign_in(page, live, role)
        open_route(page, live, f"#/overview?year={YEAR}&as_of={MID_YEAR}", "overview")
        shown = {cells[1] for cells in rows_of(page, "table-university")}
        projects = {cells[0] for cells in rows_of(page, "table-projects")}
        page.click("nav a[data-route=project]")
        wait_ready(page, "project")
        listed = {cells[0] for cells in rows_of(page, "table-project-list")}
        page.click("#logout")

        assert shown == {row["university_code"] for row in own["rows"]} <= {university}
        assert projects <= {row["project_code"] for row in own["rows"]}
        assert listed == {p["project_code"] for p in live.api(role, "/v1/projects")}
        assert {p["university_code"] for p in live.api(role, "/v1/projects")} <= {university}
    assert len({row["university_code"] for row in everything["rows"]}) > len(shown)


def test_wrong_token_is_refused_and_nothing_is_kept(page: Any, live: Live) -> None:
    page.goto(f"{live.base_url}/dashboard")
    page.fill("#token", "fl_not-a-token")
    page.click("#login-submit")

    page.wait_for_selector("#login-message:not([hidden])")
    assert "令牌无效" in page.inner_text("#login-message")
    assert page.evaluate("sessionStorage.getItem('fundledger.token')") is None


def test_english_toggle_relabels_the_page_and_keeps_the_figures(page: Any, live: Live) -> None:
    open_as(page, live, "department", f"#/overview?year={YEAR}&as_of={MID_YEAR}", "overview")
    rate = page.inner_text("#kpi-rate .kpi-value")

    page.click("#lang-toggle")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    wait_ready(page, "overview")

    assert page.inner_text("h1").startswith("Execution overview")
    assert page.inner_text("#kpi-rate .kpi-value") == rate
    assert page.inner_text("#lang-toggle") == "中文"


def test_amount_formats_are_exact_chinese_conventions(page: Any, live: Live) -> None:
    page.goto(f"{live.base_url}/dashboard/#/login")
    formatted = page.evaluate("""async () => {
        const f = await import('./js/format.js');
        return [f.wan('4200000.00'), f.wan('123456789012.35'), f.wan('49.99'), f.yuan('1300000'),
                f.yuan('-500000.5'), f.percent('33.33'), f.percent(null), f.points('-37.68')];
    }""")

    assert formatted == ["420.00", "12,345,678.90", "0.00", "1,300,000.00", "-500,000.50",
                         "33.33%", "—", "-37.68"]


def test_phone_width_needs_no_sideways_scrolling_of_the_page(browser: Any, live: Live) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  locale="zh-CN")
    page = context.new_page()
    overflow = {}
    try:
        sign_in(page, live, "department")
        for route, ready in ((f"#/overview?year={YEAR}&as_of={MID_YEAR}", "overview"),
                             (f"#/project/{EXAMPLE}?year={YEAR}&as_of={YEAR_END}", "project"),
                             (f"#/audit?project={EXAMPLE}", "audit")):
            open_route(page, live, route, ready)
            overflow[ready] = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth")
            shoot(page, f"{ready}-phone")
    finally:
        context.close()

    assert overflow == {"overview": 0, "project": 0, "audit": 0}


def test_export_buttons_download_the_report_the_figure_comes_from(page: Any, live: Live) -> None:
    open_as(page, live, "department", f"#/overview?year={YEAR}&as_of={MID_YEAR}", "overview")
    link = page.locator("#by-university a[data-export=csv]")
    assert link.get_attribute("href") == (
        f"/v1/reports/execution-rates?year={YEAR}&as_of={MID_YEAR}&format=csv")

    with page.expect_download() as download_info:
        link.click()
    downloaded = Path(download_info.value.path()).read_bytes()

    expected = httpx.get(f"{live.base_url}{link.get_attribute('href')}", timeout=30,
                         headers={"Authorization": f"Bearer {live.tokens['department']}"})
    assert downloaded == expected.content
    assert downloaded.decode("utf-8-sig").startswith(
        "项目编号,高校,类别,可用资金,已支出,执行率,序时进度,差距(百分点),状态")


def test_keyboard_and_screen_reader_basics_hold_on_every_page(page: Any, live: Live) -> None:
    code = live.api("auditor", "/v1/projects")[0]["project_code"]
    sign_in(page, live, "auditor")
    page.reload()
    wait_ready(page, "overview")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("location.hash").startswith("#/overview")

    routes = [(f"#/overview?year={YEAR}&as_of={MID_YEAR}", "overview"),
              (f"#/project/{code}?year={YEAR}&as_of={YEAR_END}", "project"),
              (f"#/audit?project={code}", "audit")]
    for route, ready in routes:
        open_route(page, live, route, ready)
        problems = page.evaluate("""() => {
            const found = [];
            document.querySelectorAll('.chart').forEach((c) => {
                if (c.getAttribute('role') !== 'img' || !c.getAttribute('aria-label')) found.push('chart ' + c.id);
            });
            document.querySelectorAll('table').forEach((t) => {
                if (!t.querySelector('caption')) found.push('table without caption ' + t.id);
            });
            document.querySelectorAll('input, select').forEach((i) => {
                if (!document.querySelector(`label[for="${i.id}"]`)) found.push('unlabelled ' + i.id);
            });
            if (document.querySelectorAll('h1').length !== 1) found.push('one h1 per page');
            return found;
        }""")
        assert problems == [], f"{ready}: {problems}"
    assert page.locator("nav a[aria-current=page]").inner_text() == "审计"


def test_a_token_revoked_during_the_session_sends_the_user_back_to_sign_in(page: Any, live: Live
                                                                         ) -> None:
    page.goto(f"{live.base_url}/dashboard/#/login")
    page.evaluate("sessionStorage.setItem('fundledger.token', 'fl_revoked-meanwhile')")

    page.goto(f"{live.base_url}/dashboard/#/overview?year={YEAR}")
    page.wait_for_function("() => location.hash.startsWith('#/login')")
    wait_ready(page, "login")

    assert "令牌无效" in page.inner_text("#login-message")
    assert page.evaluate("sessionStorage.getItem('fundledger.token')") is None


def test_every_label_exists_in_both_languages(page: Any, live: Live) -> None:
    page.goto(f"{live.base_url}/dashboard/#/login")
    missing = page.evaluate("""async () => {
        const { DICTIONARIES: { zh, en } } = await import('./js/i18n.js');
        return [Object.keys(zh).filter((k) => !(k in en)), Object.keys(en).filter((k) => !(k in zh))];
    }""")

    assert missing == [[], []]


def test_auditor_runs_the_verification_and_sees_the_chain_head(page: Any, live: Live) -> None:
    probe = httpx.get(f"{live.base_url}/v1/audit/verify", timeout=120,
                      headers={"Authorization": f"Bearer {live.tokens['auditor']}"})
    if probe.status_code == 404:
        pytest.skip("GET /v1/audit/verify is not served by the API yet")
    probe.raise_for_status()
    result = probe.json()

    open_as(page, live, "auditor", "#/audit", "audit")
    page.click("#verify-run")
    page.wait_for_selector("#verify-result :is(#verify-verdict, .error)", timeout=120_000)

    assert page.inner_text("#verify-verdict") == ("校验通过" if result["ok"] else "校验发现差异")
    assert page.inner_text("#verify-facts dd[data-field=chain_head]") == (
        result["chain_head"] or "—")
    page.reload()
    wait_ready(page, "audit")
    assert page.locator("#verify-verdict").count() == 1, "the last result is kept for the session"
    shoot(page, "audit-verified")


def test_department_may_read_history_but_not_run_the_verification(page: Any, live: Live) -> None:
    probe = httpx.get(f"{live.base_url}/v1/audit/verify", timeout=30,
                      headers={"Authorization": f"Bearer {live.tokens['department']}"})
    if probe.status_code == 404:
        pytest.skip("GET /v1/audit/verify is not served by the API yet")
    assert probe.status_code == 403

    open_as(page, live, "department", f"#/audit?project={EXAMPLE}", "audit")
    page.click("#verify-run")
    page.wait_for_selector("#verify-result .error")

    assert page.inner_text("#verify-result .error").startswith("当前令牌无权查看此内容。")
    assert page.locator("#table-events tbody tr").count() > 0
