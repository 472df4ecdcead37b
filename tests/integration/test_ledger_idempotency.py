"""Idempotency keys on every event store: a retried request posts once and answers the same.

Given a posting made with an idempotency key, when the same request comes again (serially or
from concurrent threads and processes), then the ledger answers the first result with
``replayed: True`` and the same ``position``, and stores nothing more; a different request
under the same key is refused.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from ledger import errors
from ledger.application import Ledger
from ledger.store import event_store_env
from tests.backends import (  # noqa: F401 (fixtures)
    clock_fixture,
    database_url_fixture,
    ledger_app_fixture,
    shared_store_url_fixture,
)
from tests.factories import allocate, d, fo, max_position, register, rejected, spend, tranche


@pytest.fixture
def funded(ledger_app):
    code = register(ledger_app)
    allocate(ledger_app, code, "SUPPORT", 2017, "1000.00", "2017-03-01")
    return code


class TestIdempotencyKeys:
    def test_the_same_request_again_returns_the_first_result_marked_replayed(self, ledger_app,
                                                                              funded):
        first = spend(ledger_app, funded, "SUPPORT", "100.00", "2017-04-01", voucher="V-1",
                      key="k-1")
        position = max_position(ledger_app)

        again = spend(ledger_app, funded, "SUPPORT", "100.00", "2017-04-01", voucher="V-1",
                      key="k-1")

        assert first["position"] is not None and "replayed" not in first
        assert again["replayed"] is True
        assert (again["position"], again["expenditure_id"]) == (first["position"],
                                                                first["expenditure_id"])
        assert max_position(ledger_app) == position
        assert tranche(ledger_app, funded, "SUPPORT", 2017).available == Decimal("900.00")

    def test_the_same_key_with_a_different_request_is_refused(self, ledger_app, funded):
        spend(ledger_app, funded, "SUPPORT", "100.00", "2017-04-01", voucher="V-1", key="k-1")
        error = rejected(ledger_app, lambda: spend(ledger_app, funded, "SUPPORT", "100.01",
                                                   "2017-04-01", voucher="V-1", key="k-1"))
        assert isinstance(error, errors.IdempotencyKeyReused) and error.status == 409

    def test_amounts_are_compared_as_money_not_as_text(self, ledger_app, funded):
        first = allocate(ledger_app, funded, "SUPPORT", 2017, "10.5", "2017-03-02", key="a-1")
        again = allocate(ledger_app, funded, "SUPPORT", 2017, "10.50", "2017-03-02", key="a-1")
        assert again["replayed"] is True and again["position"] == first["position"]

    def test_a_rejected_request_may_be_retried_with_its_key_once_the_situation_changed(
            self, ledger_app, funded):
        def overspend():
            return spend(ledger_app, funded, "SUPPORT", "1500.00", "2017-04-01", voucher="V-9",
                         key="k-9")

        assert rejected(ledger_app, overspend).type == "insufficient-funds"
        allocate(ledger_app, funded, "SUPPORT", 2017, "500.00", "2017-03-05")

        result = overspend()

        assert "replayed" not in result and result["position"] is not None

    def test_keys_are_scoped_to_the_callers_organisation(self, ledger_app, funded):
        other = register(ledger_app, university="10112")
        allocate(ledger_app, other, "SUPPORT", 2017, "1000.00", "2017-03-01")
        mine = spend(ledger_app, funded, "SUPPORT", "1.00", "2017-04-01", key="k-1")
        theirs = ledger_app.post_expenditure(
            fo("k-1", university="10112"), other, source="SUPPORT", category="MATERIALS",
            amount="1.00", booked_on=d("2017-04-01"), voucher_no="X-1", payee="p",
            description="d")
        assert "replayed" not in theirs and theirs["expenditure_id"] != mine["expenditure_id"]


@pytest.mark.parametrize("processes", [1, 2])
def test_concurrent_requests_with_the_same_key_post_once(shared_store_url, clock, processes):
    """Eight threads spread over one or two ``Ledger`` instances (as if processes) race with
    one key: exactly one expenditure is posted and every thread gets its result."""
    apps = [Ledger(event_store_env(shared_store_url), today=clock) for _ in range(processes)]
    try:
        code = register(apps[0])
        allocate(apps[0], code, "SUPPORT", 2017, "1000.00", "2017-03-01")
        results: list[dict] = []
        failures: list[BaseException] = []
        start = threading.Barrier(8)

        def post(app: Ledger) -> None:
            start.wait()
            try:
                results.append(spend(app, code, "SUPPORT", "100.00", "2017-04-01",
                                     voucher="V-race", key="race"))
            except Exception as error:  # noqa: BLE001 (collected; asserted below)
                failures.append(error)

        threads = [threading.Thread(target=post, args=(apps[i % processes],)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        assert failures == []
        assert len({r["expenditure_id"] for r in results}) == 1
        assert len({r["position"] for r in results}) == 1
        assert sum(1 for r in results if not r.get("replayed")) == 1
        postings = [e for e in apps[-1].project_events(code)
                    if type(e).__name__ == "ExpenditurePosted"]
        assert len(postings) == 1
        assert tranche(apps[-1], code, "SUPPORT", 2017).available == Decimal("900.00")
    finally:
        for app in apps:
            app.close()


def test_a_retry_after_a_restart_returns_the_first_result(shared_store_url, clock):
    before = Ledger(event_store_env(shared_store_url), today=clock)
    code = register(before)
    allocate(before, code, "SUPPORT", 2017, "1000.00", "2017-03-01")
    first = spend(before, code, "SUPPORT", "100.00", "2017-04-01", voucher="V-1", key="k-1")
    before.close()
    after = Ledger(event_store_env(shared_store_url), today=clock)  # a new process
    try:
        again = spend(after, code, "SUPPORT", "100.00", "2017-04-01", voucher="V-1", key="k-1")
        assert again["replayed"] is True
        assert (again["position"], again["expenditure_id"], again["recorded_at"]) == (
            first["position"], first["expenditure_id"], first["recorded_at"])
        assert tranche(after, code, "SUPPORT", 2017).available == Decimal("900.00")
    finally:
        after.close()
