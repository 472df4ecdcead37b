"""Snapshots must equal the aggregate replayed from its events.

Snapshots are not part of the hash chain (they are derived, and the library may add them at any
time), yet the ledger decides with them: a loaded project starts from its latest snapshot. So a
tampered snapshot could change the balance a rule checks. This check replays each snapshotted
aggregate from its events alone, up to the snapshot's version, and compares the states.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from ledger.store import position_of
from projections.audit_verify import Finding


def _snapshotted_ids(app: Any) -> Iterator[UUID]:
    recorder = app.snapshots.recorder
    module = type(recorder).__module__
    table = getattr(recorder, "events_table_name", "")
    if module.endswith("postgres"):
        query = f'SELECT DISTINCT originator_id FROM "{recorder.datastore.schema}"."{table}"'
    elif module.endswith("sqlite"):
        query = f"SELECT DISTINCT originator_id FROM {table}"  # the library's own table name
    else:
        return  # in-memory stores: nothing at rest to tamper with
    with recorder.datastore.transaction(commit=False) as curs:
        curs.execute(query)
        rows = curs.fetchall()
    for row in rows:
        value = row["originator_id"] if isinstance(row, dict) else row[0]
        yield value if isinstance(value, UUID) else UUID(str(value))


def verify_snapshots(app: Any, report: Any) -> None:
    """Add a finding for every snapshot whose state differs from the replay of its events."""
    if app.snapshots is None:
        return
    for originator_id in _snapshotted_ids(app):
        snapshots = {s.originator_version: s for s in app.snapshots.get(originator_id)}
        if not snapshots:
            continue
        aggregate = None
        # one replay per aggregate, compared at each snapshotted version on the way
        for event in app.events.get(originator_id, lte=max(snapshots)):
            aggregate = event.mutate(aggregate)
            snapshot = snapshots.get(event.originator_version)
            if snapshot is not None and type(snapshot).take(aggregate).state != snapshot.state:
                _differs(app, report, originator_id, event.originator_version)
        replayed_versions = 0 if aggregate is None else aggregate.version
        for version in sorted(v for v in snapshots if v > replayed_versions):
            _differs(app, report, originator_id, version)  # no events to support it


def _differs(app: Any, report: Any, originator_id: UUID, version: int) -> None:
    report.findings.append(Finding(
        "snapshots", "snapshot-differs", position_of(app.recorder, originator_id, version),
        f"snapshot of {originator_id} at version {version} is not the state its events give: "
        "the snapshot was changed",
    ))
