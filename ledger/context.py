"""Who asked for a command, and under which request: carried into every event it triggers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4


@dataclass(frozen=True)
class Actor:
    """The authenticated caller: token id, role and organisation (university code or department)."""

    token_id: str
    role: str
    organisation: str
    name: str = ""

    def as_event_data(self) -> dict[str, str]:
        return {
            "token_id": self.token_id,
            "role": self.role,
            "organisation": self.organisation,
            "name": self.name,
        }


SYSTEM = Actor(token_id="system", role="system", organisation="system", name="fundledger")


@dataclass(frozen=True)
class CommandContext:
    """The envelope of one command: actor, request id and the client's idempotency key."""

    actor: Actor = SYSTEM
    request_id: str = field(default_factory=lambda: uuid4().hex)
    idempotency_key: str | None = None

    def event_meta(self) -> dict[str, Any]:
        """The fields every event carries about its origin (booked_on is added per event)."""
        return {
            "actor": self.actor.as_event_data(),
            "request_id": self.request_id,
            "idempotency_key": self.idempotency_key,
        }
