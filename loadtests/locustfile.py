"""Load test of the personas of domain.md, one locust user class each (FastHttpUser: gevent +
geventhttpclient, cheap enough not to starve a two-core service).

    LEDGER_DATABASE_URL=... locust -f loadtests/locustfile.py --headless -H http://127.0.0.1:8000 \
        -u 20 -r 10 -t 60s

- ``FinanceOffice``: mostly expenditures, some matching contributions, reversals and asset
  registrations, and reads of its project accounts;
- ``Department``: allocations and the execution-rate report;
- ``Auditor``: event pages, as-of accounts and, when the server offers it, ``/v1/audit/verify``.

Every response body is validated (amounts, ids, positions), not only the status. Set-up (at test
start) creates its own tokens with ``ledger tokens create`` against ``LEDGER_DATABASE_URL`` (the
server's database) — or takes them from ``LOCUST_TOKENS`` (JSON role → token) — and registers
and funds its own projects through the API. Loopback hosts only; the run must be bounded
(``-t``). The exit code is the service-level verdict: 1 when the failure ratio exceeds
``LOCUST_MAX_FAIL_RATIO`` (default 0.01) or the p99 response time exceeds ``LOCUST_MAX_P99_MS``
(default 1000).
"""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from locust import FastHttpUser, between, events, task
from locust.env import Environment

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
UNIVERSITY = "10108"
PROJECTS = int(os.environ.get("LOCUST_PROJECTS", "6"))
MAX_FAIL_RATIO = float(os.environ.get("LOCUST_MAX_FAIL_RATIO", "0.01"))
MAX_P99_MS = float(os.environ.get("LOCUST_MAX_P99_MS", "1000"))
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

setup: dict[str, Any] = {"tokens": {}, "projects": [], "verify": False}
log = logging.getLogger("locustfile")


def money(value: Any) -> Decimal:
    """A JSON amount: a string with exactly two decimals (never a float)."""
    if not isinstance(value, str) or "." not in value or len(value.split(".")[1]) != 2:
        raise ValueError(f"not a money string: {value!r}")
    return Decimal(value)


def _tokens() -> dict[str, str]:
    given = os.environ.get("LOCUST_TOKENS")
    if given:
        return dict(json.loads(given))
    if not os.environ.get("LEDGER_DATABASE_URL"):
        raise RuntimeError("set LEDGER_DATABASE_URL (the server's database) or LOCUST_TOKENS")
    made = {}
    for role, extra in (("finance_office", ["--university", UNIVERSITY]), ("department", []),
                        ("auditor", [])):
        out = subprocess.run([sys.executable, "-m", "service.cli", "tokens", "create", "--role",
                              role, *extra, "--name", f"locust {role}"], cwd=REPO,
                             capture_output=True, text=True, timeout=60, check=True)
        made[role] = out.stdout.strip().splitlines()[-1]
    return made


def _request(host: str, method: str, path: str, token: str, body: Any = None) -> Any:
    import http.client

    url = urlparse(host)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Idempotency-Key": f"setup-{uuid.uuid4()}"}
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"set-up {method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data) if data else None


@events.test_start.add_listener
def create_projects(environment: Environment, **_: Any) -> None:
    """Tokens, then PROJECTS projects registered and funded through the API."""
    host = environment.host or ""
    if urlparse(host).hostname not in LOOPBACK:
        raise SystemExit(f"locustfile: load tests target loopback only, not {host!r}")
    if environment.parsed_options is not None and not environment.parsed_options.run_time:
        raise SystemExit("locustfile: bound the run with -t/--run-time")
    setup["tokens"] = _tokens()
    department = setup["tokens"]["department"]
    run = uuid.uuid4().hex[:6].upper()
    for n in range(PROJECTS):
        code = f"LOCUST-{run}-{n:02d}"
        _request(host, "POST", "/v1/projects", department, {
            "code": code, "program": "1331-CIC", "university_code": UNIVERSITY,
            "university_name": "山西大学", "name": f"压测项目 {n}", "project_class": "A",
            "period_start_year": 2017, "period_end_year": 2020, "lead": "张教授",
            "platforms": [], "booked_on": "2017-01-01"})
        _request(host, "POST", f"/v1/projects/{code}/allocations", department, {
            "source": "SUPPORT", "appropriation_year": 2017, "amount": "50000000.00",
            "document_no": "晋财教〔2017〕1号", "booked_on": "2017-03-01"})
        setup["projects"].append(code)
    paths = _request(host, "GET", "/openapi.json", department).get("paths", {})
    setup["verify"] = "/v1/audit/verify" in paths


@events.quitting.add_listener
def judge(environment: Environment, **_: Any) -> None:
    """The run's exit code is the service-level verdict (failure ratio, p99)."""
    total = environment.stats.total
    p99 = total.get_response_time_percentile(0.99) or 0
    verdicts = []
    if total.num_requests == 0:
        verdicts.append("no requests were made")
    if total.fail_ratio > MAX_FAIL_RATIO:
        verdicts.append(f"failure ratio {total.fail_ratio:.3f} > {MAX_FAIL_RATIO}")
    if p99 > MAX_P99_MS:
        verdicts.append(f"p99 {p99:.0f} ms > {MAX_P99_MS:.0f} ms")
    if verdicts:
        log.error("service-level objectives missed: %s", "; ".join(verdicts))
        environment.process_exit_code = 1
    else:
        log.info("service-level objectives met: failure ratio %.4f, p99 %.0f ms",
                 total.fail_ratio, p99)
        environment.process_exit_code = 0


class Persona(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(0.05, 0.3)

    def headers(self, write: bool = False) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {setup['tokens'][self.role]}"}
        if write:
            headers["Idempotency-Key"] = f"{self.role}-{uuid.uuid4()}"
        return headers

    def project(self) -> str:
        return random.choice(setup["projects"])

    def write(self, path: str, body: dict[str, Any], name: str, check: Any) -> Any:
        """POST a write, expect 201 and a body passing ``check``; returns the body or None."""
        with self.client.post(path, json=body, headers=self.headers(write=True), name=name,
                              catch_response=True) as response:
            return self._judge(response, 201, check)

    def read(self, path: str, name: str, check: Any) -> Any:
        with self.client.get(path, headers=self.headers(), name=name,
                             catch_response=True) as response:
            return self._judge(response, 200, check)

    @staticmethod
    def _judge(response: Any, status: int, check: Any) -> Any:
        if response.status_code != status:
            response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
            return None
        try:
            body = response.json()
            check(body)
        except Exception as error:  # noqa: BLE001 - any malformed body is a failed request
            response.failure(f"bad body: {error}")
            return None
        response.success()
        return body


def _posted(amount: str) -> Any:
    def check(body: dict[str, Any]) -> None:
        assert money(body["amount"]) == Decimal(amount), body
        assert isinstance(body["position"], int) and body["position"] > 0, body
        assert uuid.UUID(body["expenditure_id"]), body
        assert sum(money(p["amount"]) for p in body["consumed"]) == Decimal(amount), body
    return check


def _account(body: dict[str, Any]) -> None:
    totals = body["total"]
    assert money(totals["available"]) >= 0 and money(totals["spent"]) >= 0, body
    assert money(totals["received"]) - money(totals["spent"]) - money(totals["recovered"]) \
        == money(totals["available"]) + money(totals["surplus_awaiting"]), body
    assert any(s["source"] == "SUPPORT" for s in body["sources"]), body


class FinanceOffice(Persona):
    """A university finance office: expenditures all day, now and then the rest."""

    role = "finance_office"
    weight = 6

    def on_start(self) -> None:
        self.spent: list[tuple[str, str]] = []  # (project, expenditure id) reversible by 1.00

    def expend(self, amount: str, category: str = "MATERIALS") -> Any:
        code = self.project()
        body = self.write(f"/v1/projects/{code}/expenditures", {
            "source": "SUPPORT", "category": category, "amount": amount,
            "booked_on": "2017-06-01", "voucher_no": f"V-{uuid.uuid4().hex[:12]}",
            "payee": "供应商", "description": "材料采购"},
            "POST expenditures", _posted(amount))
        return (code, body) if body else (code, None)

    @task(10)
    def post_expenditure(self) -> None:
        code, body = self.expend("10.00")
        if body:
            self.spent = [*self.spent[-20:], (code, body["expenditure_id"])]

    @task(2)
    def post_matching(self) -> None:
        def check(body: dict[str, Any]) -> None:
            assert money(body["amount"]) == Decimal("500.00") and body["source"] == "MATCHING"
            assert isinstance(body["position"], int), body
        self.write(f"/v1/projects/{self.project()}/contributions", {
            "source": "MATCHING", "amount": "500.00", "booked_on": "2017-05-01",
            "voucher_no": f"C-{uuid.uuid4().hex[:12]}", "origin": "学校自有资金",
            "origin_is_fiscal": False}, "POST contributions", check)

    @task(1)
    def reverse(self) -> None:
        if not self.spent:
            return
        code, expenditure = self.spent.pop()

        def check(body: dict[str, Any]) -> None:
            assert body["expenditure_id"] == expenditure and money(body["amount"]) == 1, body
            assert sum(money(p["amount"]) for p in body["restored"]) == Decimal("1.00"), body
        self.write(f"/v1/projects/{code}/expenditures/{expenditure}/reversals", {
            "amount": "1.00", "booked_on": "2017-06-02", "reason": "供应商退回部分货款",
            "voucher_no": f"R-{uuid.uuid4().hex[:12]}"}, "POST reversals", check)

    @task(1)
    def register_asset(self) -> None:
        code, body = self.expend("2000.00", category="EQUIPMENT")
        if not body:
            return

        def check(asset: dict[str, Any]) -> None:
            assert asset["project_code"] == code and uuid.UUID(asset["asset_id"]), asset
        self.write(f"/v1/projects/{code}/assets", {
            "asset_no": f"A-{uuid.uuid4().hex[:12]}", "name": "高效液相色谱仪",
            "category_code": "A02100301", "original_value": "2000.00", "quantity": 1,
            "unit": "台", "acquired_on": "2017-06-01", "booked_on": "2017-06-01",
            "location": "实验室", "custodian": "张伟",
            "funded_by": [{"expenditure_id": body["expenditure_id"], "amount": "2000.00"}]},
            "POST assets", check)

    @task(3)
    def read_account(self) -> None:
        self.read(f"/v1/projects/{self.project()}/account", "GET account", _account)


class Department(Persona):
    """The provincial department: allocations and the execution-rate report."""

    role = "department"
    weight = 2

    @task(2)
    def allocate(self) -> None:
        def check(body: dict[str, Any]) -> None:
            assert money(body["amount"]) == Decimal("1000.00") and body["source"] == "SUPPORT"
            assert isinstance(body["position"], int), body
        self.write(f"/v1/projects/{self.project()}/allocations", {
            "source": "SUPPORT", "appropriation_year": 2017, "amount": "1000.00",
            "document_no": "晋财教〔2017〕9号", "booked_on": "2017-04-01"},
            "POST allocations", check)

    @task(1)
    def execution_rates(self) -> None:
        def check(body: dict[str, Any]) -> None:
            codes = {row["project_code"] for row in body["rows"]}
            assert set(setup["projects"]) <= codes, "report misses set-up projects"
            for row in body["rows"]:
                money(row["spent"])
        self.read("/v1/reports/execution-rates?year=2017&as_of=2017-12-31",
                  "GET execution-rates", check)


class Auditor(Persona):
    """An auditor: event history, accounts as of a date, verification."""

    role = "auditor"
    weight = 1

    @task(2)
    def events_page(self) -> None:
        code = self.project()

        def check(body: dict[str, Any]) -> None:
            assert body["project_code"] == code and body["events"], body
            positions = [e["position"] for e in body["events"]]
            assert positions == sorted(positions), "events out of order"
        self.read(f"/v1/projects/{code}/events?limit=50", "GET events", check)

    @task(2)
    def account_as_of(self) -> None:
        def check(body: dict[str, Any]) -> None:
            assert body["as_of"] == "2017-03-31", body
            _account(body)
        self.read(f"/v1/projects/{self.project()}/account?as_of=2017-03-31", "GET account as-of",
                  check)

    @task(1)
    def verify(self) -> None:
        if not setup["verify"]:
            return

        def check(body: dict[str, Any]) -> None:
            assert isinstance(body, dict) and body, body
        self.read("/v1/audit/verify", "GET audit/verify", check)
