"""The group committer on its own: concurrent callers share a save, each gets its own outcome.

A stand-in application whose first ``save()`` waits until the other callers have queued makes
the grouping deterministic (no reliance on timing).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from ledger.group_commit import GroupCommitter, group_committer


class Counter(Aggregate):
    @event("Started")
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


class GatedApp(Application[Any]):
    """Its first save waits until ``queued`` callers are waiting behind it."""

    env: ClassVar[dict[str, str]] = {"PERSISTENCE_MODULE": "eventsourcing.popo"}

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.gate = threading.Event()
        self.saves: list[int] = []

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        if not self.saves:
            self.saves.append(0)
            self.gate.wait(timeout=10)
        else:
            self.saves.append(len(objs))
        return super().save(*objs, **kwargs)


def run_concurrently(committer: GroupCommitter, app: GatedApp, batches: list[list[Any]]
                     ) -> list[Any]:
    """Save ``batches`` from one thread each; release the gate once all but one are queued."""
    outcomes: list[Any] = [None] * len(batches)

    def worker(index: int) -> None:
        try:
            outcomes[index] = committer.save(batches[index])
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    while len(committer._queue) < len(batches) - 1:  # the leader is inside save()
        threading.Event().wait(0.001)
    app.gate.set()
    for thread in threads:
        thread.join(timeout=10)
    return outcomes


def test_queued_callers_share_one_transaction_and_each_gets_its_own_recordings():
    app = GatedApp()
    committer = GroupCommitter(app)
    counters = [Counter(f"c{i}") for i in range(6)]

    outcomes = run_concurrently(committer, app, [[c] for c in counters])

    assert app.saves == [0, 5]  # the first leader alone, then the five queued ones together
    for counter, recordings in zip(counters, outcomes):
        assert [r.domain_event.originator_id for r in recordings] == [counter.id]
        assert recordings[0].notification.id >= 1
    positions = [r.notification.id for rs in outcomes for r in rs]
    assert sorted(positions) == list(range(1, 7))
    assert committer.stats.transactions == 2 and committer.stats.requests == 6


def test_a_conflicting_member_fails_alone_and_the_others_are_stored():
    app = GatedApp()
    committer = GroupCommitter(app)
    first = Counter("first")
    app.gate.set()
    app.save(first)
    app.gate.clear()
    app.saves.clear()
    stale_a = app.repository.get(first.id)
    stale_b = app.repository.get(first.id)
    stale_a.increment()
    stale_b.increment()  # same version as stale_a: only one of them can be stored
    others = [Counter(f"o{i}") for i in range(3)]

    outcomes = run_concurrently(committer, app, [[Counter("lead")], [stale_a], *[[o] for o in
                                                                                  others], [stale_b]])

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
    assert app.repository.get(first.id).count == 1
    for other in others:
        assert app.repository.get(other.id).name == other.name
    assert committer.stats.fallbacks == 1


def test_group_commit_can_be_switched_off_by_the_environment():
    assert group_committer(GatedApp({"GROUP_COMMIT": "n"})) is None
    assert isinstance(group_committer(GatedApp({"GROUP_COMMIT": "y"})), GroupCommitter)


def test_group_commit_is_refused_for_a_cache_that_does_not_fast_forward():
    app = GatedApp({"AGGREGATE_CACHE_MAXSIZE": "100", "AGGREGATE_CACHE_FASTFORWARD": "n"})
    assert group_committer(app) is None
