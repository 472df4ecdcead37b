"""Fixtures of the unit tests: an in-memory ledger (no database) and the clock it reads."""

from __future__ import annotations

import pytest

from ledger.application import Ledger
from tests.factories import Clock, d, memory_ledger


@pytest.fixture
def clock() -> Clock:
    """The server's clock, well after every year the tests close unless a test moves it."""
    return Clock(d("2030-01-01"))


@pytest.fixture
def app(clock: Clock) -> Ledger:
    return memory_ledger(clock)
