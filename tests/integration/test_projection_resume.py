"""A projection stopped between (or inside) its transactions resumes without duplicating or
skipping anything, on SQLite and PostgreSQL.

Given the worked example in the event store, when the engine is stopped after a few small
batches and a new engine takes over, or a batch fails half-way through writing its rows, then
the positions never move past what was committed and the final tables equal a rebuild.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from loadtests.bench_rebuild_history import generate
from projections.engine import ProjectionEngine
from tests.integration.test_projection_scenario import check_every_figure
from tests.integration.test_projection_support import (  # noqa: F401 (fixtures)
    Store,
    db_url_fixture,
    open_store,
    store_fixture,
)
from tests.scenario import SCENARIO_TODAY, load_example_scenario


def test_an_engine_stopped_between_batches_is_resumed_by_another_one(store: Store) -> None:
    # given the worked example, and an engine that applies only a few positions at a time
    app, first = store(SCENARIO_TODAY)
    load_example_scenario(app)
    assert first.catch_up(max_events=7) == 7
    assert first.catch_up(max_events=5) == 5
    assert {s["position"] for s in first.status()} == {12}
    first.close()
    # when a new engine (another process after a crash) takes over
    _, second = store(SCENARIO_TODAY)
    second.catch_up()
    # then nothing was skipped or applied twice: the figures hold and equal a rebuild
    check_every_figure(second.read_models)
    live = second.table_contents()
    second.rebuild()
    assert second.table_contents() == live


class InjectedFault(RuntimeError):
    """Raised by the test inside a batch transaction."""


def test_a_batch_failing_half_way_is_rolled_back_and_applied_once_later(store: Store) -> None:
    # given the worked example, and a read model whose write fails in the second batch
    app, engine = store(SCENARIO_TODAY)
    load_example_scenario(app)
    postings = next(m for m in engine.models if m.name == "postings")
    real_flush, calls = postings.flush, []

    def failing_flush(cursor: Any) -> None:
        calls.append(1)
        real_flush(cursor)  # rows written inside the transaction...
        if len(calls) == 2:
            raise InjectedFault("disk full")  # ...then the batch fails before its commit

    postings.flush = failing_flush  # type: ignore[method-assign]
    engine.catch_up(max_events=10)
    with pytest.raises(InjectedFault):
        engine.catch_up(max_events=10)
    # then every read model is still at the first batch's position
    assert {s["position"] for s in engine.status()} == {10}
    # when the fault is gone and the engine catches up
    postings.flush = real_flush  # type: ignore[method-assign]
    engine.catch_up()
    # then the figures hold and the tables equal a rebuild
    check_every_figure(engine.read_models)
    live = engine.table_contents()
    engine.rebuild()
    assert engine.table_contents() == live


def test_catching_up_with_nothing_pending_does_nothing(store: Store) -> None:
    # given an engine that is up to date
    app, engine = store(SCENARIO_TODAY)
    load_example_scenario(app)
    engine.catch_up()
    before = engine.table_contents()
    # when it catches up again, and a second engine too
    assert engine.catch_up() == 0
    other = ProjectionEngine(app, engine.db.url)
    try:
        assert other.catch_up() == 0
    finally:
        other.close()
    # then nothing changed
    assert engine.table_contents() == before


CHILD = """
import sys, time
from datetime import date
from tests.integration.test_projection_support import open_store
app, engine = open_store(sys.argv[1], date(2030, 1, 1))
while engine.catch_up(max_events=40):
    print(min(engine.positions().values()), flush=True)
    time.sleep(0.02)
print("done", flush=True)
time.sleep(60)
"""


def test_a_worker_killed_mid_way_is_resumed_without_duplicates_or_gaps(tmp_path: Any) -> None:
    # given a history of a few thousand events on SQLite
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    app, engine = open_store(url, SCENARIO_TODAY)
    generate(app, 1500, projects=4)
    head = engine.head()
    # when a worker process is killed (SIGKILL) after some batches
    child = subprocess.Popen([sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE,
                             text=True, cwd=Path(__file__).resolve().parents[2])
    assert child.stdout is not None
    reached = int(child.stdout.readline())
    while reached < head // 3:
        reached = int(child.stdout.readline())
    child.send_signal(signal.SIGKILL)
    child.wait()
    stopped_at = min(engine.positions().values())
    assert 0 < stopped_at < head
    # and another engine carries on
    engine.catch_up()
    # then the tables equal a rebuild from event zero
    live = engine.table_contents()
    engine.rebuild()
    assert engine.table_contents() == live
    engine.close()
    app.close()
