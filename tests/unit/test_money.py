"""Money enters the ledger through one constructor (domain.md §1, conventions §4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.money import MoneyError, money, positive_money


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1000000.00", "1000000.00"), ("1000", "1000.00"), ("1000.5", "1000.50"), (300, "300.00"),
     (Decimal("0.01"), "0.01")],
)
def test_plain_decimal_amounts_are_accepted_with_exactly_two_places(given: object, expected: str) -> None:
    assert str(money(given)) == expected


@pytest.mark.parametrize(
    "given",
    [1.5, True, "1e3", "1E3", "NaN", "Infinity", " 1.00", "1.00 ", "1_000", "1.", ".5", "",
     "1,000.00", "１２３", None, [1]],
)
def test_floats_exponents_and_anything_but_plain_decimals_are_rejected(given: object) -> None:
    with pytest.raises(MoneyError):
        money(given)


def test_more_than_two_decimal_places_is_rejected_never_rounded() -> None:
    with pytest.raises(MoneyError, match="more than two decimal places"):
        money("1.001")
    with pytest.raises(MoneyError, match="more than two decimal places"):
        money(Decimal("1.000"))


def test_a_huge_integer_is_a_money_error_not_a_decimal_crash() -> None:
    with pytest.raises(MoneyError, match="must not exceed"):
        money(10**40)
    with pytest.raises(MoneyError, match="must not exceed"):
        money("9" * 24)


@pytest.mark.parametrize("given", ["0", "0.00", "-1.00", "1000000000000.01"])
def test_a_posting_amount_is_above_zero_and_at_most_ten_to_the_twelfth(given: str) -> None:
    with pytest.raises(MoneyError):
        positive_money(given)


def test_the_largest_posting_amount_is_accepted() -> None:
    assert positive_money("1000000000000.00") == Decimal("1000000000000.00")


@given(st.integers(min_value=1, max_value=10**14))
def test_any_amount_in_fen_round_trips_through_its_string_form(fen: int) -> None:
    text = f"{fen // 100}.{fen % 100:02d}"
    assert money(text) * 100 == fen
    assert str(money(text)) == text
