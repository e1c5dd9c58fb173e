"""A renewal case's priority: from days to due date, customer group and product type (seed 003).

Points add up; the work queue lists the highest first, then the earliest
due date. The same table gives the points in Python (assignment, the
page) and as a SQL expression (ordering a queue of any length in the
database), so the two cannot disagree.

- days to due: overdue 60, ≤ 7 days 50, ≤ 15 days 40, ≤ 30 days 30,
  ≤ 60 days 20, ≤ 90 days 10, later 0;
- group A (high net worth) 30, group B 0;
- product type: health and life 15 (a lapse restarts waiting periods and
  underwriting), auto 10 (compulsory cover and fierce competition),
  accident and property 5, other 0.

The level (high ≥ 60, medium ≥ 30, low) weighs a case in an advisor's load
(3, 2, 1) when cases are assigned.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

# (at most this many days to the due date, points); a negative number of days is overdue.
DUE_BANDS: tuple[tuple[int, int], ...] = ((-1, 60), (7, 50), (15, 40), (30, 30), (60, 20), (90, 10))
GROUP_POINTS = {"A": 30, "B": 0}
PRODUCT_POINTS = {"health": 15, "life": 15, "auto": 10, "accident": 5, "property": 5, "other": 0}
# (at least these points, level, weight in an advisor's load)
LEVELS: tuple[tuple[int, str, int], ...] = ((60, "high", 3), (30, "medium", 2), (0, "low", 1))
LEVEL_LABELS = {"high": _("High"), "medium": _("Medium"), "low": _("Low")}


def due_points(days_to_due: int) -> int:
    for bound, points in DUE_BANDS:
        if days_to_due <= bound:
            return points
    return 0


def priority(*, due_on: date, group: str, product_type: str, today: date) -> int:
    """Return the case's priority points on ``today``."""
    return due_points((due_on - today).days) + GROUP_POINTS.get(group, 0) + PRODUCT_POINTS.get(product_type, 0)


def level(points: int) -> str:
    return next(name for floor, name, _weight in LEVELS if points >= floor)


def weight(points: int) -> int:
    """How much a case of these points weighs in an advisor's load."""
    return next(w for floor, _name, w in LEVELS if points >= floor)


def priority_expression(today: date, *, prefix: str = "") -> Case:
    """Return the priority of ``today`` as a SQL expression over the case's fields (``prefix`` for joins)."""
    due_on, group, product_type = f"{prefix}due_on", f"{prefix}group", f"{prefix}product_type"
    due = Case(
        *[
            When(Q(**{f"{due_on}__lte": today + timedelta(days=bound)}), then=Value(points))
            for bound, points in DUE_BANDS
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    by_group = Case(
        *[When(Q(**{group: key}), then=Value(points)) for key, points in GROUP_POINTS.items() if points],
        default=Value(0),
        output_field=IntegerField(),
    )
    by_product = Case(
        *[When(Q(**{product_type: key}), then=Value(points)) for key, points in PRODUCT_POINTS.items() if points],
        default=Value(0),
        output_field=IntegerField(),
    )
    return due + by_group + by_product  # type: ignore[return-value]


def weight_expression(points: str) -> Case:
    """Return ``weight`` as a SQL expression over an annotated priority named ``points``."""
    return Case(
        *[When(Q(**{f"{points}__gte": floor}), then=Value(w)) for floor, _name, w in LEVELS],
        output_field=IntegerField(),
    )
