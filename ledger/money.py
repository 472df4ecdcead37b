"""Money: ``Decimal`` yuan with exactly two decimal places, built through one constructor.

Amounts live in events as plain ``Decimal`` (the event store's ``DecimalAsStr`` transcoding keeps
them exact), so the value object is the constructor plus a few helpers, not a wrapper class:
every amount that enters the domain passes through :func:`money` or :func:`positive_money`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("1000000000000.00")  # 10^12 yuan (domain.md §1)
_TOO_LARGE = Decimal(10) ** 20  # beyond any amount; keeps quantize() inside Decimal's precision
_TOO_PRECISE = re.compile(r"-?[0-9]{1,24}\.[0-9]{3,}")
_PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,24}(\.[0-9]{1,2})?")


class MoneyError(ValueError):
    """Raised when a value cannot be an amount of money; the message says which rule it breaks."""


def money(value: object) -> Decimal:
    """Return ``value`` as a Decimal with exactly two places, or raise :class:`MoneyError`.

    Accepts ``Decimal``, ``int`` and decimal strings ("1000", "1000.5", "1000.50"). Rejects floats
    (binary fractions are not money), booleans, NaN, infinities, exponent notation ("1e3") and more
    than two decimal places ("1.001"): a ledger never rounds an amount it was given.
    """
    if isinstance(value, (bool, float)):
        raise MoneyError("amounts must be decimal strings, not floating-point numbers")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        if _TOO_PRECISE.fullmatch(value):
            raise MoneyError(f"{value[:40]} has more than two decimal places")
        if not _PLAIN_DECIMAL.fullmatch(value):
            raise MoneyError(
                f"{value[:40]!r} is not a plain decimal amount (digits, optionally a point and at "
                "most two decimals, no spaces or exponent)"
            )
        amount = Decimal(value)
    else:
        raise MoneyError(f"{type(value).__name__} is not an amount")
    if not amount.is_finite():
        raise MoneyError("amounts must be finite")
    if abs(amount) >= _TOO_LARGE:
        raise MoneyError("amount must not exceed 1000000000000.00")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise MoneyError(f"{value} has more than two decimal places")
    return amount.quantize(CENT)


def positive_money(value: object) -> Decimal:
    """Return a posting amount: ``0 < amount <= 10^12`` with two places (domain.md §1)."""
    amount = money(value)
    if amount <= ZERO:
        raise MoneyError("amount must be greater than zero")
    if amount > MAX_AMOUNT:
        raise MoneyError("amount must not exceed 1000000000000.00")
    return amount


def format_money(amount: Decimal) -> str:
    """Render an amount as the JSON string form, e.g. ``"1000000.00"``."""
    return str(amount.quantize(CENT))


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """Exact percentage ``numerator / denominator * 100`` (unrounded); None when the base is zero."""
    if denominator == 0:
        return None
    return numerator * 100 / denominator


def round_percent(value: Decimal | None) -> Decimal | None:
    """Round a percentage half-up to two places for display (domain.md §7)."""
    if value is None:
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
