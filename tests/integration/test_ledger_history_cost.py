"""Posting cost does not grow with an account's history, and a fresh process sees the same account.

Given an account with thousands of events in a SQLite store, with the aggregate cache off
(``AGGREGATE_CACHE_MAXSIZE`` unset), when one more expenditure is posted, then loading the
account reads at most one snapshot interval (200) of its events, because ``Project`` is
snapshotted every 200 events. Rows are counted by spying on the recorder's ``select_events``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from ledger.application import Ledger
from ledger.history import replay_project
from ledger.project import project_id
from ledger.store import event_store_env
from tests.backends import (  # noqa: F401 (fixtures)
    clock_fixture,
    shared_store_url_fixture,
)
from tests.factories import (
    Clock,
    account_state,
    allocate,
    contribute,
    d,
    register,
    reverse,
    spend,
)
from tests.scenario import PROJECT, SCENARIO_TODAY, load_example_scenario

NO_CACHE = {"AGGREGATE_CACHE_MAXSIZE": ""}
HISTORY = 3000  # postings into one account before the measured one


class RowCounter:
    """Wraps ``recorder.select_events`` and counts the rows it returns per originator."""

    def __init__(self, recorder: Any) -> None:
        self.rows: dict[Any, int] = {}
        self._select = recorder.select_events
        recorder.select_events = self

    def __call__(self, originator_id: Any, **kwargs: Any) -> Any:
        stored = self._select(originator_id, **kwargs)
        self.rows[originator_id] = self.rows.get(originator_id, 0) + len(stored)
        return stored


class WithoutSnapshots(Ledger):
    """The same ledger without snapshotting: the control that shows the counter works."""

    snapshotting_intervals = {}  # noqa: RUF012


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("history") / "history.sqlite"
    return {**event_store_env(f"sqlite:///{path}"), **NO_CACHE}


@pytest.fixture(scope="module")
def long_account(store: dict[str, str]) -> Iterator[str]:
    """A project with HISTORY contributions (and as many voucher claims), posted in batches."""
    app = Ledger(store, today=Clock())
    code = register(app)
    allocate(app, code, "SUPPORT", 2017, "1000000.00", "2017-01-05")
    for start in range(0, HISTORY, 500):
        app.run_atomic([
            (lambda n=n: contribute(app, code, "1.00", "2017-02-01", voucher=f"H-{n}"))
            for n in range(start, start + 500)
        ])
    app.close()
    yield code


def test_posting_into_a_long_account_reads_a_bounded_number_of_events(store, long_account):
    app = Ledger(store, today=Clock())
    counter = RowCounter(app.recorder)

    spend(app, long_account, "SUPPORT", "10.00", "2017-03-01")

    # at most one snapshot interval of events is replayed (the control below shows the counter
    # sees every event when there are no snapshots)
    assert counter.rows[project_id(long_account)] <= 200
    assert len(app.project_events(long_account)) > HISTORY
    assert app.get_project(long_account).pools["MATCHING"].available == Decimal(HISTORY)


def test_without_snapshots_the_same_posting_reads_the_whole_history(store, long_account):
    app = WithoutSnapshots(store, today=Clock())
    counter = RowCounter(app.recorder)

    spend(app, long_account, "SUPPORT", "10.00", "2017-03-01")

    assert counter.rows[project_id(long_account)] > HISTORY


def test_a_fresh_ledger_on_the_same_store_sees_the_same_accounts(shared_store_url, clock):
    clock.day = SCENARIO_TODAY
    live = Ledger(event_store_env(shared_store_url), today=clock)
    ids = load_example_scenario(live)
    reverse(live, PROJECT, ids["E0"], "1000.00", "2019-04-01")  # a prior-year refund to surplus
    fresh = Ledger({**event_store_env(shared_store_url), **NO_CACHE}, today=clock)
    try:
        expected = account_state(live.get_project(PROJECT))
        assert account_state(fresh.get_project(PROJECT)) == expected
        assert account_state(replay_project(fresh.project_events(PROJECT))) == expected
        assert fresh.repository.get(ids["E2"]).capitalised == Decimal("950000.00")
        as_of = fresh.project_as_of(PROJECT, as_of=d("2018-06-30")).tranches
        assert (as_of["SUPPORT:2017"].available, as_of["SUPPORT:2018"].available) == (
            Decimal("700000.00"), Decimal("2000000.00"))
    finally:
        live.close()
        fresh.close()
