"""Group commit under real concurrency, on memory, SQLite and PostgreSQL.

Given funded projects, when many threads (and, on shared stores, two ``Ledger`` instances
standing for two server processes) post expenditures at once with group commit on, then every
accepted posting is stored exactly once, balances are exact, positions are distinct, and
conflicts between processes are still detected and retried (no lost update, no duplicate).
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from ledger.application import Ledger
from ledger.project import Project
from ledger.store import event_store_env
from tests.backends import (  # noqa: F401 (fixtures)
    clock_fixture,
    database_url_fixture,
    ledger_app_fixture,
    shared_store_url_fixture,
)
from tests.factories import Clock, allocate, d, register, spend, tranche

THREADS = 8
POSTINGS = 15


def post_from_threads(jobs: list[tuple[Ledger, str, int]]) -> tuple[list[dict[str, Any]],
                                                                      list[Exception]]:
    """Each job (app, project, thread number) posts POSTINGS expenditures of 1.00 at once."""
    results: list[dict[str, Any]] = []
    failures: list[Exception] = []
    start = threading.Barrier(len(jobs))
    guard = threading.Lock()

    def worker(app: Ledger, code: str, number: int) -> None:
        start.wait(timeout=30)
        for i in range(POSTINGS):
            try:
                result = spend(app, code, "SUPPORT", "1.00", "2017-04-01",
                               voucher=f"V-{number}-{i}")
            except Exception as error:  # noqa: BLE001 - collected for the assertion
                with guard:
                    failures.append(error)
            else:
                with guard:
                    results.append(result)

    threads = [threading.Thread(target=worker, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, failures


def expenditures_stored(app: Ledger, code: str) -> int:
    return sum(isinstance(e, Project.ExpenditurePosted) for e in app.project_events(code))


def funded_projects(app: Ledger, count: int) -> list[str]:
    codes = [register(app) for _ in range(count)]
    for code in codes:
        allocate(app, code, "SUPPORT", 2017, "1000.00", "2017-03-01")
    return codes


def test_concurrent_postings_on_many_projects_are_each_stored_once_with_exact_balances(
        ledger_app):
    codes = funded_projects(ledger_app, THREADS // 2)
    # two threads per project: in-process serialisation and grouping across projects together
    jobs = [(ledger_app, codes[n % len(codes)], n) for n in range(THREADS)]

    results, failures = post_from_threads(jobs)

    assert failures == []
    assert len(results) == THREADS * POSTINGS
    positions = [r["position"] for r in results]
    assert None not in positions and len(set(positions)) == len(positions)
    for code in codes:
        assert expenditures_stored(ledger_app, code) == 2 * POSTINGS
        assert tranche(ledger_app, code, "SUPPORT", 2017).available == Decimal(1000 - 2 * POSTINGS)
    stats = ledger_app._group.stats
    assert stats.requests >= THREADS * POSTINGS  # every posting went through the committer


def test_two_processes_posting_into_the_same_projects_lose_and_duplicate_nothing(
        shared_store_url):
    first = Ledger(event_store_env(shared_store_url), today=Clock(d("2030-01-01")))
    second = Ledger(event_store_env(shared_store_url), today=Clock(d("2030-01-01")))
    try:
        codes = funded_projects(first, 4)
        # both "processes" write into all four projects: each groups its concurrent postings,
        # and optimistic conflicts across them are certain; a conflicting member must fail its
        # group without sinking the others
        pairs = [(first, codes[i]) for i in range(4)] + [(second, codes[i]) for i in range(4)]
        jobs = [(app, code, n) for n, (app, code) in enumerate(pairs * 2)]

        results, failures = post_from_threads(jobs)

        assert failures == []
        assert len(results) == 2 * THREADS * POSTINGS
        per_project = 2 * THREADS * POSTINGS // 4
        for code in codes:
            fresh = Ledger(event_store_env(shared_store_url), seed=False)
            try:
                assert expenditures_stored(fresh, code) == per_project
                assert tranche(fresh, code, "SUPPORT", 2017).available == Decimal(
                    1000 - per_project)
            finally:
                fresh.close()
        positions = [r["position"] for r in results]
        assert len(set(positions)) == len(positions)
    finally:
        first.close()
        second.close()


def test_a_voucher_claimed_concurrently_from_two_processes_is_posted_once(shared_store_url):
    first = Ledger(event_store_env(shared_store_url), today=Clock(d("2030-01-01")))
    second = Ledger(event_store_env(shared_store_url), today=Clock(d("2030-01-01")))
    try:
        (code,) = funded_projects(first, 1)
        outcomes: list[Any] = []
        start = threading.Barrier(8)

        def worker(app: Ledger) -> None:
            start.wait(timeout=30)
            try:
                outcomes.append(spend(app, code, "SUPPORT", "5.00", "2017-04-01",
                                      voucher="V-SAME"))
            except Exception as error:  # noqa: BLE001 - the outcome under test
                outcomes.append(error)

        threads = [threading.Thread(target=worker, args=(app,)) for app in [first, second] * 4]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        accepted = [o for o in outcomes if isinstance(o, dict)]
        refused = [o for o in outcomes if not isinstance(o, dict)]
        assert len(accepted) == 1
        assert len(refused) == 7 and all(getattr(e, "type", "") == "voucher-number-used"
                                         for e in refused)
        fresh = Ledger(event_store_env(shared_store_url), seed=False)
        try:
            assert expenditures_stored(fresh, code) == 1
            assert tranche(fresh, code, "SUPPORT", 2017).available == Decimal("995.00")
        finally:
            fresh.close()
    finally:
        first.close()
        second.close()
