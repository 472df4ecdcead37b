"""Pure formulas of domain.md §7: percentages, time progress, status, checkpoints, as-of dates.

Kept apart from SQL so they are unit-tested on their own. Rates are exact ``Decimal`` ratios;
what reports show is the percentage rounded half-up to 2 places; comparisons with thresholds
use the unrounded values.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
PCT = Decimal("0.01")
ON_TRACK, LAGGING, AT_RISK = "ON_TRACK", "LAGGING", "AT_RISK_OF_REDUCTION"


class ReportDateError(ValueError):
    """Raised when a report's ``as_of`` is before 1 January of its year (a validation error)."""

    field = "as_of"


def report_date(year: int, as_of: date | None, today: date) -> date:
    """The as-of date of a report of ``year``: given or today, clamped to 31 Dec ``year``."""
    chosen = as_of or today
    if chosen < date(year, 1, 1):
        if as_of is None:
            return date(year, 1, 1)
        raise ReportDateError(f"as_of {chosen.isoformat()} is before the year {year} begins")
    return min(chosen, date(year, 12, 31))


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """Exact ratio, or None when the denominator is 0 (the rate is undefined)."""
    if not denominator:
        return None
    return numerator / denominator


def percent(value: Decimal | None) -> Decimal | None:
    """A ratio as a percentage rounded half-up to 2 places (``Decimal("33.33")``)."""
    if value is None:
        return None
    return (value * HUNDRED).quantize(PCT, rounding=ROUND_HALF_UP)


def percent_of(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` in percent rounded half-up to 2 places, in integer
    arithmetic (exactly ``percent(ratio(...))`` for integer fen, much cheaper)."""
    if not denominator:
        return None
    a, b = abs(numerator) * 10000, abs(denominator)
    hundredths = (2 * a + b) // (2 * b)
    negative = (numerator < 0) != (denominator < 0)
    return Decimal(-hundredths if negative else hundredths).scaleb(-2)


def time_progress(day: date, mode: str = "day") -> Decimal:
    """TP(d): day of year ÷ days in year, or (mode ``month``) completed months ÷ 12."""
    if mode == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        completed = day.month if day.day == last else day.month - 1
        return Decimal(completed) / Decimal(12)
    days = 366 if calendar.isleap(day.year) else 365
    return Decimal(day.timetuple().tm_yday) / Decimal(days)


def gap_pp(rate: Decimal | None, progress: Decimal) -> Decimal | None:
    """(ER − TP) × 100 percentage points, unrounded."""
    return None if rate is None else (rate - progress) * HUNDRED


def status(rate: Decimal | None, gap: Decimal | None, day: date, settings: dict[str, Any]
           ) -> str:
    """ON_TRACK / LAGGING / AT_RISK_OF_REDUCTION (第十三条) with the program's thresholds."""
    lagging = Decimal(settings["lagging_gap_pp"])
    if rate is None or gap is None:
        return ON_TRACK
    if day == date(day.year, 12, 31) and rate * HUNDRED < Decimal(settings["year_end_min_rate"]):
        return AT_RISK
    return LAGGING if gap < lagging else ON_TRACK


def checkpoint_dates(year: int, settings: dict[str, Any], day: date) -> list[tuple[date, Decimal]]:
    """The program's checkpoints of ``year`` on or before ``day``: (date, min_rate percent)."""
    result = []
    for checkpoint in settings.get("checkpoints", []):
        month, dom = (int(x) for x in checkpoint["month_day"].split("-"))
        when = date(year, month, dom)
        if when <= day:
            result.append((when, Decimal(checkpoint["min_rate"])))
    return result


def checkpoint(when: date, min_rate: Decimal, rate: Decimal | None) -> dict[str, Any]:
    return {
        "date": when,
        "min_rate": min_rate.quantize(PCT),
        "rate": percent(rate),
        "passed": None if rate is None else rate * HUNDRED >= min_rate,
    }
