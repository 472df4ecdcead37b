"""The formulas of domain.md §7 on their own: time progress, gap, status, checkpoints, as-of."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.programs import DEFAULT_SETTINGS
from projections import figures as f

EXECUTION = DEFAULT_SETTINGS["execution"]


def test_time_progress_by_day_is_day_of_year_over_days_in_year() -> None:
    assert f.percent(f.time_progress(date(2018, 6, 30))) == Decimal("49.59")  # 181 / 365
    assert f.time_progress(date(2020, 12, 31)) == 1  # leap year: 366 / 366


def test_time_progress_by_month_counts_completed_months() -> None:
    assert f.time_progress(date(2018, 6, 30), "month") == Decimal(6) / 12
    assert f.time_progress(date(2018, 6, 29), "month") == Decimal(5) / 12


def test_percentages_round_half_up_to_two_places() -> None:
    assert f.percent(Decimal(1) / 3) == Decimal("33.33")
    assert f.percent(Decimal("0.456650")) == Decimal("45.67")
    assert f.percent(None) is None


def test_a_rate_is_undefined_without_available_money() -> None:
    assert f.ratio(Decimal(5), Decimal(0)) is None


def test_status_at_year_end_below_eighty_percent_is_at_risk_of_reduction() -> None:
    rate = Decimal(1) / 3
    gap = f.gap_pp(rate, Decimal(1))
    assert f.status(rate, gap, date(2017, 12, 31), EXECUTION) == f.AT_RISK


def test_status_during_the_year_compares_the_unrounded_gap_with_minus_ten_points() -> None:
    progress = f.time_progress(date(2018, 6, 30))
    assert f.status(Decimal("0.119"), f.gap_pp(Decimal("0.119"), progress), date(2018, 6, 30),
                    EXECUTION) == f.LAGGING
    assert f.status(Decimal("0.40"), f.gap_pp(Decimal("0.40"), progress), date(2018, 6, 30),
                    EXECUTION) == f.ON_TRACK


def test_checkpoints_up_to_the_as_of_date_are_judged_on_their_own_rate() -> None:
    dates = f.checkpoint_dates(2018, EXECUTION, date(2018, 10, 1))
    assert [d for d, _ in dates] == [date(2018, 6, 30), date(2018, 9, 30)]
    assert f.checkpoint(date(2018, 6, 30), Decimal(50), Decimal("0.5"))["passed"] is True
    assert f.checkpoint(date(2018, 6, 30), Decimal(50), Decimal("0.4999"))["passed"] is False


def test_report_dates_are_clamped_to_the_year_and_never_before_it() -> None:
    assert f.report_date(2018, None, date(2026, 3, 1)) == date(2018, 12, 31)
    assert f.report_date(2018, date(2018, 6, 30), date(2026, 3, 1)) == date(2018, 6, 30)
    with pytest.raises(f.ReportDateError):
        f.report_date(2018, date(2017, 12, 31), date(2026, 3, 1))


@pytest.mark.parametrize("numerator,denominator", [
    (1, 3), (2, 3), (1, 8), (5, 40000), (-1, 3), (1, -8), (123456789, 987654321), (7, 7), (0, 5),
    (3, 80000), (1, 200000), (-1, 200000),
])
def test_integer_percentages_equal_the_exact_decimal_ones(numerator: int, denominator: int
                                                          ) -> None:
    assert f.percent_of(numerator, denominator) == f.percent(
        f.ratio(Decimal(numerator), Decimal(denominator)))
    assert f.percent_of(numerator, 0) is None
