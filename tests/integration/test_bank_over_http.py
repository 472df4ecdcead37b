"""Jepsen-style bank test on PostgreSQL: 32 clients spend concurrently from three accounts whose
allocations are barely enough, over real HTTP against a uvicorn server on loopback.

During the run a reader keeps reading every account through the API; each read must conserve
money (received = spent + available + surplus awaiting + recovered, where received is
allocated + matched) and show no negative tranche. At the end each account must equal the oracle
computed from the accepted postings alone (the accepted expenditures applied in log order).
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import uvicorn

from api.main import create_app
from projections.schema import apply_migrations
from service.settings import Settings
from tests.e2e.service import make_tokens

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]

CLIENTS = 32
ATTEMPTS_PER_CLIENT = 10
PROJECTS = ("BANK-1", "BANK-2", "BANK-3")
ALLOCATIONS = (Decimal("5000.00"), Decimal("3000.00"))  # two documents, tranche 2017
TRANCHES = {2017: sum(ALLOCATIONS)}
MATCHED = Decimal("1000.00")


class Http:
    """One keep-alive connection to the server (one per client thread)."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: Any = None, key: str | None = None
             ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        for _ in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.conn.request(method, path, body=json.dumps(body) if body is not None
                                  else None, headers=headers)
                response = self.conn.getresponse()
                return response.status, json.loads(response.read() or b"null")
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
        raise AssertionError(f"{method} {path}: no answer after 3 connections")


@dataclass
class Outcomes:
    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    reads: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def server(pg_database_url: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The real app under uvicorn on a free loopback port (embedded projections)."""
    apply_migrations(pg_database_url)
    tokens = make_tokens(pg_database_url)
    app = create_app(Settings(database_url=pg_database_url, postgres_pool_size=10,
                              postgres_max_overflow=20))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="on", timeout_keep_alive=30)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "uvicorn did not start"
    yield port, tokens
    running.should_exit = True
    thread.join(timeout=30)


def given_funded_projects(port: int, tokens: dict[str, str]) -> None:
    department = Http(port, tokens["department"])
    office = Http(port, tokens["finance_office"])
    for code in PROJECTS:
        status, body = department.call("POST", "/v1/projects", {
            "code": code, "program": "1331-CIC", "university_code": "10108",
            "university_name": "山西大学", "name": f"银行测试 {code}", "project_class": "A",
            "period_start_year": 2017, "period_end_year": 2020, "lead": "王强",
            "platforms": [], "booked_on": "2017-03-01"}, key=f"reg-{code}")
        assert status == 201, body
        for number, amount in enumerate(ALLOCATIONS, 1):
            status, body = department.call("POST", f"/v1/projects/{code}/allocations", {
                "source": "SUPPORT", "appropriation_year": 2017, "amount": str(amount),
                "document_no": f"晋财教〔2017〕{number}号", "booked_on": "2017-03-01"},
                key=f"alloc-{code}-{number}")
            assert status == 201, body
        status, body = office.call("POST", f"/v1/projects/{code}/contributions", {
            "source": "MATCHING", "amount": str(MATCHED), "booked_on": "2017-03-15",
            "voucher_no": f"M-{code}", "origin": "学校自有资金", "origin_is_fiscal": False},
            key=f"match-{code}")
        assert status == 201, body


def spender(number: int, port: int, token: str, outcomes: Outcomes) -> None:
    """Ten expenditures of 20–180 yuan on random projects; retries keep their key."""
    client = Http(port, token)
    rng = random.Random(number)
    for attempt in range(ATTEMPTS_PER_CLIENT):
        code = rng.choice(PROJECTS)
        amount = Decimal(rng.randint(20, 180))
        body = {"source": "SUPPORT", "category": "MATERIALS", "amount": f"{amount}.00",
                "booked_on": "2017-06-01", "voucher_no": f"B{number:02d}-{attempt:02d}",
                "payee": "供应商", "description": "并发支出"}
        key = f"bank-{number}-{attempt}"
        for _ in range(50):
            status, answer = client.call("POST", f"/v1/projects/{code}/expenditures", body, key)
            retry = status == 503 or (status == 409 and answer.get("type") == "concurrent-update")
            if not retry:
                break
            time.sleep(0.05)
        with outcomes.lock:
            if status == 201:
                outcomes.accepted.append({"code": code, "amount": amount,
                                          "position": answer["position"]})
            elif status == 422 and answer.get("type") == "insufficient-funds":
                outcomes.rejected.append(key)
            else:
                outcomes.unexpected.append(f"{key}: {status} {answer}")


def check_account(code: str, account: dict[str, Any]) -> list[str]:
    """Conservation and non-negativity of one account read."""
    problems = []
    total = account["total"]
    received = Decimal(total["received"])
    parts = sum(Decimal(total[k]) for k in ("spent", "available", "surplus_awaiting",
                                             "recovered"))
    if received != parts:
        problems.append(f"{code}: received {received} != spent+available+surplus+recovered "
                        f"{parts}")
    if received != sum(TRANCHES.values()) + MATCHED:
        problems.append(f"{code}: received {received} (allocated + matched changed)")
    for source in account["sources"]:
        for tranche in source.get("tranches") or []:
            for key in ("spent", "available", "allocated"):
                if Decimal(tranche[key]) < 0:
                    problems.append(f"{code} {tranche['appropriation_year']}: {key} "
                                    f"{tranche[key]} < 0")
            if Decimal(tranche["spent"]) > Decimal(tranche["allocated"]):
                problems.append(f"{code} {tranche['appropriation_year']}: overdraft")
    return problems


def reader(port: int, token: str, outcomes: Outcomes, stop: threading.Event) -> None:
    client = Http(port, token)
    while not stop.is_set():
        for code in PROJECTS:
            status, account = client.call("GET", f"/v1/projects/{code}/account")
            with outcomes.lock:
                outcomes.reads += 1
                if status != 200:
                    outcomes.violations.append(f"read {code}: {status} {account}")
                else:
                    outcomes.violations.extend(check_account(code, account))


def oracle(accepted: list[dict[str, Any]]) -> dict[str, dict[int, Decimal]]:
    """Spent per project and tranche: the accepted expenditures in log order, oldest first."""
    spent = {code: dict.fromkeys(TRANCHES, Decimal(0)) for code in PROJECTS}
    for posting in sorted(accepted, key=lambda p: p["position"]):
        due = posting["amount"]
        for year in sorted(TRANCHES):
            take = min(due, TRANCHES[year] - spent[posting["code"]][year])
            spent[posting["code"]][year] += take
            due -= take
        assert due == 0, f"the oracle cannot fit accepted posting {posting}"
    return spent


def test_concurrent_spenders_never_overdraw_and_money_is_conserved_at_every_read(
        server: tuple[int, dict[str, str]]) -> None:
    port, tokens = server
    # given three accounts with 8,000.00 SUPPORT each and 32 clients wanting ~10,600.00 each
    given_funded_projects(port, tokens)
    outcomes = Outcomes()
    stop = threading.Event()
    readers = [threading.Thread(target=reader, args=(port, tokens["auditor"], outcomes, stop))
               for _ in range(2)]
    spenders = [threading.Thread(target=spender,
                                 args=(n, port, tokens["finance_office"], outcomes))
                for n in range(CLIENTS)]
    # when they all spend at once while readers watch
    for thread in readers + spenders:
        thread.start()
    for thread in spenders:
        thread.join(timeout=240)
    stop.set()
    for thread in readers:
        thread.join(timeout=60)
    print(f"bank: accepted={len(outcomes.accepted)} rejected={len(outcomes.rejected)} "
          f"reads={outcomes.reads}")
    # then every answer was an acceptance or an insufficient-funds rejection
    assert not outcomes.unexpected, outcomes.unexpected[:5]
    assert len(outcomes.accepted) + len(outcomes.rejected) == CLIENTS * ATTEMPTS_PER_CLIENT
    assert outcomes.rejected, "the allocations were meant to run short"
    # and every read during the run conserved money with no negative tranche
    assert outcomes.reads > 0
    assert not outcomes.violations, outcomes.violations[:5]
    # and the final accounts equal the oracle of the accepted postings
    expected = oracle(outcomes.accepted)
    client = Http(port, tokens["auditor"])
    for code in PROJECTS:
        status, account = client.call("GET", f"/v1/projects/{code}/account")
        assert status == 200, account
        assert check_account(code, account) == []
        support = next(s for s in account["sources"] if s["source"] == "SUPPORT")
        actual = {t["appropriation_year"]: Decimal(t["spent"]) for t in support["tranches"]}
        assert actual == expected[code], code
        assert Decimal(account["total"]["spent"]) == sum(expected[code].values())
