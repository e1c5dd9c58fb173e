"""Cumulative actual against the phased target curve, by day (the agent's pacing, the manager's burn-up)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dashboards.selectors.rollups import ratio


def cumulative_pacing(rows: list[dict[str, Any]], to_date: date) -> dict[str, Any]:
    """Return the running totals of a subject's day rows (rollups.rollup_series at day grain).

    The metric is premium when the subject has a premium target, policies when
    it has only a policy target, premium otherwise. The target curve is the
    running sum of the day targets, which split the plan's 3:4:3-phased month
    cells by day, so it bends where the months' weights change; the actual
    line stops at ``to_date``. ``expected`` is the curve at ``to_date``.
    """
    has_premium_target = any(row["target_premium"] is not None for row in rows)
    has_policy_target = any(row["target_policies"] is not None for row in rows)
    metric = "policies" if has_policy_target and not has_premium_target else "premium"
    actual_field, target_field = (
        ("premium", "target_premium") if metric == "premium" else ("policies", "target_policies")
    )
    days: list[date] = []
    actual: list[Decimal | None] = []
    target: list[Decimal | None] = []
    running_actual = Decimal(0)
    running_target = Decimal(0)
    expected = Decimal(0)
    for row in rows:
        day = row["period_start"]
        running_target += row[target_field] or 0
        days.append(day)
        target.append(running_target if has_premium_target or has_policy_target else None)
        if day <= to_date:
            running_actual += row[actual_field]
            actual.append(running_actual)
            expected = running_target
        else:
            actual.append(None)
    has_target = has_premium_target or has_policy_target
    return {
        "metric": metric,
        "days": days,
        "actual": actual,
        "target": target,
        "actual_total": running_actual,
        "target_total": running_target if has_target else None,
        "expected": expected if has_target else None,
        "attainment": ratio(running_actual, running_target) if has_target else None,
        "pace": ratio(running_actual, expected) if has_target else None,
    }
