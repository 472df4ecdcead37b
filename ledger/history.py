"""Replaying a project's account to a point in time (as-of reads for auditors)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ledger.project import Project


def replay_project(
    events: Iterable[Any], *, as_of: date | None = None, recorded_before: datetime | None = None
) -> Project:
    """The account built from ``events`` booked on or before ``as_of`` and recorded before
    ``recorded_before``.

    Within a fiscal year the apply code is order-independent (each event carries the exact
    tranches it moved), and a year's close is booked on 31 December after every posting of that
    day, so filtering by business date and applying in log order gives the account as it stood.
    """
    project: Project | None = None
    for event in events:
        if recorded_before is not None and event.timestamp >= recorded_before:
            break
        if project is None:
            project = event.mutate(None)
            continue
        if as_of is not None and event.booked_on > as_of:
            continue
        event.apply(project)
    if project is None:
        raise LookupError("no events to replay")
    return project
