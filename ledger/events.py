"""Base classes of every ledger event.

Events are facts in the past tense, frozen dataclasses (the library makes them so), stored with
their topic. Each carries who posted it (``actor``), the request id, the idempotency key, the
business date ``booked_on`` and, through the library, the recorded time ``timestamp``.
``class_version`` starts at 1 for every event: a later change of shape raises it and adds a
static ``upcast_v1_v2(state)`` on the class, so stored facts are never rewritten.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate


class LedgerEvent(Aggregate.Event):
    """A fact about an existing aggregate."""

    class_version = 1
    actor: dict[str, Any]
    request_id: str
    idempotency_key: str | None
    booked_on: date


class LedgerCreated(Aggregate.Created):
    """The fact that created an aggregate."""

    class_version = 1
    actor: dict[str, Any]
    request_id: str
    idempotency_key: str | None
    booked_on: date
