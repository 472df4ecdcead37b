"""The money held in a project's dedicated account: fiscal tranches and non-fiscal pools (§4).

A tranche is (source, appropriation year). Its figures only ever move through the event apply
code of :mod:`ledger.project`; the functions here compute what a command *would* do (FIFO
consumption, restoration on reversal, the outcome of a close) without changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import Transcoding

from ledger.money import ZERO

OPEN = "OPEN"
SURPLUS = "SURPLUS"


def tranche_key(source: str, appropriation_year: int) -> str:
    return f"{source}:{appropriation_year}"


@dataclass
class Tranche:
    """Fiscal money of one source and appropriation year inside one project's account.

    ``spent`` is net consumption (expenditures less every reversal restored into it), so while
    the tranche is open ``available = allocated - spent``; ``prior_year_refunds`` records how much
    of that restoration came from reversals booked in a later year (以前年度支出收回).
    """

    source: str
    appropriation_year: int
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    prior_year_refunds: Decimal = ZERO
    status: str = OPEN
    surplus: Decimal = ZERO
    recovered: Decimal = ZERO
    surplus_reason: str | None = None

    @property
    def available(self) -> Decimal:
        return self.allocated - self.spent if self.status == OPEN else ZERO

    @property
    def surplus_awaiting(self) -> Decimal:
        return self.surplus - self.recovered


@dataclass
class Pool:
    """Non-fiscal money of one source (matching, loans, self-raised, ...): never recovered."""

    source: str
    contributed: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.contributed - self.spent


@dataclass
class Piece:
    """An amount taken from (or restored to) one tranche or pool; ``appropriation_year`` is None
    for a pool."""

    source: str
    appropriation_year: int | None
    amount: Decimal
    extra: dict[str, Any] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "appropriation_year": self.appropriation_year,
            "amount": self.amount,
            **self.extra,
        }


def fifo_consumption(open_tranches: list[Tranche], amount: Decimal) -> list[Piece]:
    """Which tranches an expenditure consumes: oldest appropriation year first (§4).

    The caller has already checked that the tranches together hold ``amount``.
    """
    pieces: list[Piece] = []
    remaining = amount
    for tranche in sorted(open_tranches, key=lambda t: t.appropriation_year):
        if remaining == ZERO:
            break
        take = min(tranche.available, remaining)
        if take > ZERO:
            pieces.append(Piece(tranche.source, tranche.appropriation_year, take))
            remaining -= take
    return pieces


def restoration(unreversed: list[dict[str, Any]], amount: Decimal) -> list[Piece]:
    """Which consumed pieces a reversal restores: the last consumed first (§4)."""
    pieces: list[Piece] = []
    remaining = amount
    for item in reversed(unreversed):
        if remaining == ZERO:
            break
        take = min(Decimal(item["amount"]), remaining)
        if take > ZERO:
            pieces.append(Piece(item["source"], item["appropriation_year"], take))
            remaining -= take
    return pieces


class _DataclassTranscoding(Transcoding):
    """Stores a flat dataclass as a dict of its fields (nested values are transcoded too)."""

    def encode(self, obj: Any) -> dict[str, Any]:
        return dict(vars(obj))

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


class TrancheAsDict(_DataclassTranscoding):
    type = Tranche
    name = "tranche"


class PoolAsDict(_DataclassTranscoding):
    type = Pool
    name = "pool"
