"""Field types shared by the request and response schemas.

Amounts in requests are JSON strings ("300000.00"); a JSON integer (whole yuan, e.g. 300000) is
also accepted because it is exact. A JSON number with a fraction or an exponent (300000.5, 3e5)
is a float and is rejected, as are NaN, zero, negative amounts and more than two decimals: every
amount goes through ``ledger.money.positive_money``, the ledger's one constructor. Responses carry
amounts as strings with exactly two decimals and percentages as strings rounded half-up ("33.33").
Dates are ISO 8601 strings only (``2018-06-30``), never numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, StrictBool, StrictInt, WithJsonSchema

from ledger.money import CENT, MoneyError, positive_money

AMOUNT_PATTERN = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"


def _amount(value: Any) -> Decimal:
    try:
        return positive_money(value)
    except MoneyError as error:
        raise ValueError(str(error)) from None


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("a date in ISO 8601 form, e.g. 2018-06-30")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date (YYYY-MM-DD)") from None


def _two_places(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else _two_places(value)


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "description": "Amount in yuan as a decimal string with at most 2 decimals, "
            "0 < amount ≤ 1000000000000.00 (a JSON integer is also accepted; floats are not).",
            "examples": ["300000.00"],
        }
    ),
]
"""A posting amount in a request."""

Money = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$",
                    "examples": ["1200000.00"]}),
]
"""An amount in a response: a string with exactly two decimals."""

Percent = Annotated[
    Decimal | None,
    PlainSerializer(_percent, return_type=str | None),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"},
                              {"type": "null"}], "examples": ["33.33"]}),
]
"""A percentage in a response, rounded half-up to two places; null when undefined."""

BusinessDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2018-06-30"]}),
]
"""A business date (the date on the voucher or the document)."""

Year = Annotated[StrictInt, Field(ge=1900, le=2200, examples=[2018])]
Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[A-Z0-9][A-Z0-9_\-]*$")]
ProjectCode = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
               examples=["SX1331-A-2017-001"])
]
UniversityCode = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$",
                                      examples=["10108"])]
Flag = StrictBool


def text(max_length: int, description: str, example: str, min_length: int = 1) -> Any:
    """A described, bounded free-text field with a realistic example."""
    return Field(min_length=min_length, max_length=max_length, description=description,
                 examples=[example])
