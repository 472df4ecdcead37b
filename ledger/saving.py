"""Two cheaper paths through the library's ``Application.save()`` for large saves.

Profiled on atomic batches (docs/performance.md, Bulk): the library checks every object passed
to ``save()`` against runtime-checkable ``Protocol`` classes (≈ 20 µs each, ≈ 1,500 objects in a
batch of 500 postings), and takes each automatic snapshot by re-reading the aggregate from the
store and replaying up to an interval of events, although the saved aggregate is in memory.
Both are replaced here with the same outcome: the same events collected in the same order, and
snapshots of exactly the state the store now holds.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, Snapshot


class AggregateProcessingEvent(ProcessingEvent[Any]):
    """Collects pending events of ``Aggregate`` objects with a plain class check first."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        others = []
        for obj in objs:
            if isinstance(obj, Aggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif obj is not None:
                others.append(obj)
        if others:
            super().collect_events(*others)
        self.saved_kwargs.update(kwargs)


def snapshots_due(
    processing_event: ProcessingEvent[Any],
    intervals: dict[type, int],
    snapshot_class: type[Snapshot] = Snapshot,
) -> list[Snapshot]:
    """Snapshots of the saved aggregates whose new events crossed a multiple of their interval.

    Each is taken from the aggregate object just saved, whose state is the state at its
    (new) version; an aggregate whose events were saved without the object gets none.
    """
    new_events = Counter(event.originator_id for event in processing_event.events)
    due = []
    for aggregate_id, count in new_events.items():
        aggregate = processing_event.aggregates.get(aggregate_id)
        interval = intervals.get(type(aggregate)) if aggregate is not None else None
        if interval is None:
            continue
        version = aggregate.version
        if version // interval > (version - count) // interval:
            cls = getattr(type(aggregate), "Snapshot", snapshot_class)  # as the library does
            due.append(cls.take(aggregate))
    return due
