"""Calendar arithmetic of quarters and months, and the plan's units of amount."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# A premium plan counts in fen (0.01 yuan), a policy plan in whole policies.
UNITS_PER_YUAN = 100
FEN = Decimal("0.01")


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> date:
    """Return the quarter's last day."""
    return quarter_start(*next_quarter(year, quarter)) - timedelta(days=1)


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def unit_scale(metric: str) -> int:
    """Return how many of the plan's smallest units make one: 100 fen a yuan, 1 policy."""
    return UNITS_PER_YUAN if metric == "premium" else 1


def to_units(amount: Decimal, metric: str) -> int:
    """Return ``amount`` in fen or policies; the caller has checked it has no finer part."""
    return int((amount * unit_scale(metric)).to_integral_value(rounding=ROUND_HALF_UP))


def from_units(units: int, metric: str) -> Decimal:
    return (Decimal(units) / unit_scale(metric)).quantize(FEN)
